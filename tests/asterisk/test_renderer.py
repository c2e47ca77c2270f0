# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from wazo_confd_pjsip.asterisk.objects import AsteriskObject
from wazo_confd_pjsip.asterisk.renderer import UnsafeConfiguration, render_pjsip_conf

TRANSPORT = AsteriskObject('transport', 'transport-udp', (('protocol', 'udp'), ('bind', '0.0.0.0:5060')))
GLOBAL = AsteriskObject('global', 'global', (('user_agent', 'Wazo PBX'),))
SYSTEM = AsteriskObject('system', 'system', (('timer_t1', '500'),))


def test_sections_in_the_given_order():
    alice = AsteriskObject(
        'endpoint', 'alice', (('context', 'from-internal'), ('allow', '!all,ulaw'), ('allow', 'alaw'))
    )

    text = render_pjsip_conf([GLOBAL, SYSTEM, TRANSPORT, alice])

    assert text == (
        '[global]\ntype = global\nuser_agent = Wazo PBX\n'
        '\n[system]\ntype = system\ntimer_t1 = 500\n'
        '\n[transport-udp]\ntype = transport\nprotocol = udp\nbind = 0.0.0.0:5060\n'
        '\n[alice]\ntype = endpoint\ncontext = from-internal\nallow = !all,ulaw\nallow = alaw\n'
    )


def test_nothing_renders_nothing():
    assert render_pjsip_conf([]) == ''


def test_semicolon_is_escaped_not_a_comment():
    section = AsteriskObject('registration', 'trunk', (('server_uri', 'sip:p.example;transport=tcp'),))

    assert 'server_uri = sip:p.example\\;transport=tcp\n' in render_pjsip_conf([section])


def test_values_are_otherwise_verbatim():
    value = '"Alice = A" <1001> [x] #include ${X}'
    section = AsteriskObject('endpoint', 'alice', (('callerid', value),))

    assert f'callerid = {value}\n' in render_pjsip_conf([section])


@pytest.mark.parametrize('value', ['a\n[evil]\ntype=endpoint', 'a\rb', 'a\x00b', 'a\tb', 'a\x7fb', 'a\x1bb'])
def test_values_that_could_inject_are_refused(value):
    section = AsteriskObject('global', 'global', (('user_agent', value),))

    with pytest.raises(UnsafeConfiguration):
        render_pjsip_conf([section])


@pytest.mark.parametrize('key', ['a=b', 'a b', 'a\nb', 'context\n', 'allow+', '[x]', ';x', '', '@a/b', 'a~b'])
def test_keys_that_could_inject_are_refused(key):
    with pytest.raises((UnsafeConfiguration, ValueError)):
        render_pjsip_conf([AsteriskObject('global', 'global', ((key, 'v'),))])


@pytest.mark.parametrize('section_id', ['a]b', 'a\nb', 'alice\n', 'a;b', 'a b', 'a(b)', 'a/b'])
def test_ids_that_could_inject_are_refused(section_id):
    with pytest.raises(UnsafeConfiguration):
        render_pjsip_conf([AsteriskObject('transport', section_id, (('protocol', 'udp'),))])


def test_custom_keys_and_derived_ids_are_accepted():
    section = AsteriskObject('auth', 'alice~outbound', (('username', 'a'), ('password', 'p')))
    custom = AsteriskObject('endpoint', 'alice', (('@department', 'sales'),))

    assert '[alice~outbound]\n' in render_pjsip_conf([section, custom])
    assert '@department = sales\n' in render_pjsip_conf([section, custom])


def test_duplicate_section_of_one_type_is_refused():
    with pytest.raises(UnsafeConfiguration, match='twice'):
        render_pjsip_conf([TRANSPORT, TRANSPORT])


def test_same_id_for_several_types_is_the_usual_layout():
    objects = [AsteriskObject(t, 'alice', (('x', 'y'),)) for t in ('auth', 'aor', 'endpoint')]

    assert render_pjsip_conf(objects).count('[alice]\n') == 3
