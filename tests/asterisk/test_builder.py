# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.asterisk.builder import build_objects, derived_id
from wazo_confd_pjsip.asterisk.objects import MAX_ID_LENGTH, AsteriskObject
from wazo_confd_pjsip.asterisk.plan import phase_full_push
from wazo_confd_pjsip.asterisk.syntax import NAME_PATTERN

TENANT = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1'
LINE = {
    'aor': [('max_contacts', '1'), ('remove_existing', 'yes')],
    'auth': [('username', 'alice'), ('password', 's3cret')],
    'endpoint': [('context', 'from-internal'), ('allow', '!all,ulaw'), ('callerid', '"Alice" <1001>')],
}
TRUNK = {
    'endpoint': [('context', 'from-extern'), ('allow', '!all,alaw'), ('callerid', 'Trunk <2000>')],
    'identify': [('match', '192.0.2.10'), ('match', '192.0.2.11')],
    'registration': [('server_uri', 'sip:provider.example'), ('client_uri', 'sip:acct@provider.example')],
    'registration_outbound_auth': [('username', 'acct'), ('password', 'reg-secret')],
    'outbound_auth': [('username', 'out'), ('password', 'out-secret')],
    'aor': [('contact', 'sip:provider.example')],
}


def by_key(objects):
    return {obj.key: obj for obj in objects}


def last_value(obj, attribute):
    """The value Asterisk keeps for a non-repeatable option: the last line wins."""
    values = obj.values(attribute)
    return values[-1] if values else None


def test_line():
    objects = build_objects('alice', TENANT, LINE, 'transport-udp')

    assert [obj.key for obj in objects] == [('auth', 'alice'), ('aor', 'alice'), ('endpoint', 'alice')]
    endpoint = objects[-1]
    assert endpoint.fields == (
        ('context', 'from-internal'),
        ('allow', '!all,ulaw'),
        ('callerid', '"Alice" <1001>'),
        ('transport', 'transport-udp'),
        ('aors', 'alice'),
        ('auth', 'alice'),
        ('set_var', f'__WAZO_TENANT_UUID={TENANT}'),
    )
    assert objects[0].fields == tuple(LINE['auth'])
    assert objects[1].fields == tuple(LINE['aor'])


def test_trunk_with_identify_registration_and_outbound_auths():
    objects = by_key(build_objects('trunk1', TENANT, TRUNK, None))

    assert list(objects) == [
        ('auth', 'trunk1~outbound'),
        ('auth', 'trunk1~registration'),
        ('aor', 'trunk1'),
        ('endpoint', 'trunk1'),
        ('identify', 'trunk1'),
        ('registration', 'trunk1'),
    ]
    endpoint = objects[('endpoint', 'trunk1')]
    assert last_value(endpoint, 'outbound_auth') == 'trunk1~outbound'
    assert last_value(endpoint, 'auth') is None  # no inbound auth lines: no inbound auth
    assert last_value(endpoint, 'transport') is None
    assert objects[('identify', 'trunk1')].fields == (
        ('match', '192.0.2.10'),
        ('match', '192.0.2.11'),
        ('endpoint', 'trunk1'),
    )
    registration = objects[('registration', 'trunk1')]
    assert last_value(registration, 'endpoint') is None  # Asterisk refuses an endpoint without line=yes
    assert last_value(registration, 'outbound_auth') == 'trunk1~registration'
    assert objects[('auth', 'trunk1~registration')].fields == tuple(TRUNK['registration_outbound_auth'])


@pytest.mark.parametrize(
    'line_values, endpoint',
    [
        ([], []),
        (['no'], []),
        (['yes'], ['trunk1']),
        (['On'], ['trunk1']),
        (['yes', 'no'], []),  # the last line wins
        (['no', 'true'], ['trunk1']),
    ],
)
def test_a_registration_names_its_endpoint_only_with_line_support(line_values, endpoint):
    registration_lines = TRUNK['registration'] + [('line', value) for value in line_values]

    objects = by_key(build_objects('trunk1', TENANT, {**TRUNK, 'registration': registration_lines}, None))

    assert objects[('registration', 'trunk1')].values('endpoint') == endpoint


def test_endpoint_without_aor_lines_has_no_aor():
    objects = build_objects('alice', TENANT, {'endpoint': [('context', 'x')]}, None)

    assert [obj.key for obj in objects] == [('endpoint', 'alice')]
    assert objects[0].fields == (('context', 'x'), ('set_var', f'__WAZO_TENANT_UUID={TENANT}'))


def test_service_owns_cross_references():
    lines = {
        **LINE,
        'endpoint': LINE['endpoint'] + [('auth', 'bob'), ('aors', 'bob'), ('outbound_auth', 'bob'), ('transport', 't')],
        'identify': [('endpoint', 'bob'), ('match', '192.0.2.1')],
        'registration': [
            ('outbound_auth', 'bob'),
            ('endpoint', 'bob'),
            ('line', 'yes'),
            ('server_uri', 'sip:p'),
            ('client_uri', 'sip:u@p'),
        ],
    }

    objects = by_key(build_objects('alice', TENANT, lines, 'transport-udp'))

    endpoint = objects[('endpoint', 'alice')]
    assert endpoint.values('auth') == ['alice']
    assert endpoint.values('aors') == ['alice']
    assert endpoint.values('outbound_auth') == []
    assert endpoint.values('transport') == ['transport-udp']
    assert objects[('identify', 'alice')].values('endpoint') == ['alice']
    assert objects[('registration', 'alice')].values('endpoint') == ['alice']
    assert objects[('registration', 'alice')].values('outbound_auth') == []


def test_user_transport_kept_when_endpoint_has_none():
    objects = build_objects('alice', TENANT, {'endpoint': [('transport', 'transport-tcp')]}, None)

    assert objects[0].values('transport') == ['transport-tcp']


def test_tenant_variable_is_the_service_s_and_last():
    lines = {
        'endpoint': [('set_var', '__WAZO_TENANT_UUID=other'), ('set_var', 'WAZO_TENANT_UUID=x'), ('set_var', 'X=1')]
    }

    endpoint = build_objects('alice', TENANT, lines, None)[-1]

    assert endpoint.values('set_var') == ['X=1', f'__WAZO_TENANT_UUID={TENANT}']
    assert endpoint.fields[-1] == ('set_var', f'__WAZO_TENANT_UUID={TENANT}')


def test_custom_keys_pass_through():
    lines = {'endpoint': [('@department', 'sales')], 'aor': [('@site', 'paris'), ('max_contacts', '1')]}

    objects = by_key(build_objects('alice', TENANT, lines, None))

    assert objects[('endpoint', 'alice')].values('@department') == ['sales']
    assert objects[('aor', 'alice')].values('@site') == ['paris']


@pytest.mark.parametrize('bad', [1, None, True, b'x'])
def test_a_value_that_is_not_a_string_is_refused(bad):
    with pytest.raises(TypeError):
        build_objects('alice', TENANT, {'endpoint': [('context', bad)]}, None)


def test_a_key_that_is_not_a_string_is_refused():
    with pytest.raises(TypeError):
        build_objects('alice', TENANT, {'aor': [(5, '1')]}, None)


def test_unknown_section_is_refused():
    with pytest.raises(ValueError, match='unknown sections'):
        build_objects('alice', TENANT, {'contact': [('uri', 'sip:x')]}, None)


def test_longest_names_give_ids_asterisk_accepts():
    name = 'n' * MAX_ID_LENGTH

    objects = build_objects(name, TENANT, TRUNK, None)

    assert all(len(obj.id) <= MAX_ID_LENGTH for obj in objects)
    assert len({obj.key for obj in objects}) == len(objects)


def test_long_names_cut_to_the_same_prefix_keep_distinct_ids():
    first, second = 'n' * MAX_ID_LENGTH, 'n' * (MAX_ID_LENGTH - 1) + 'm'

    assert derived_id(first, '~outbound') != derived_id(second, '~outbound')
    assert derived_id(first, '~outbound').startswith('n' * 60)


@settings(max_examples=40)
@given(st.lists(st.from_regex(NAME_PATTERN, fullmatch=True), min_size=2, max_size=8, unique=True))
def test_derived_ids_never_collide_with_names_or_each_other(names):
    derived = [derived_id(name, suffix) for name in names for suffix in ('~outbound', '~registration')]

    assert all(len(object_id) <= MAX_ID_LENGTH for object_id in derived)
    assert len(set(derived)) == len(derived)
    assert not set(derived) & set(names)


def test_objects_are_accepted_by_asterisk(ari, fake_ari):
    objects = build_objects('alice', TENANT, LINE, 'transport-udp') + build_objects('trunk1', TENANT, TRUNK, None)

    for operation in phase_full_push(objects):
        ari.put_object(operation.as_object())

    pushed = fake_ari.objects()
    assert pushed[('endpoint', 'alice')]['set_var'] == {'__WAZO_TENANT_UUID': TENANT}
    assert pushed[('endpoint', 'alice')]['allow'] == ('ulaw',)
    assert pushed[('endpoint', 'trunk1')]['outbound_auth'] == 'trunk1~outbound'
    assert pushed[('identify', 'trunk1')]['match'] == ('192.0.2.10/255.255.255.255', '192.0.2.11/255.255.255.255')
    assert pushed[('registration', 'trunk1')]['outbound_auth'] == 'trunk1~registration'


def test_asterisk_object_refuses_ids_asterisk_would_cut():
    with pytest.raises(ValueError):
        AsteriskObject('endpoint', 'x' * (MAX_ID_LENGTH + 1))
    with pytest.raises(ValueError):
        AsteriskObject('endpoint', '')
