# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wazo_confd_pjsip.auth.acl import acl_allows, required_acl

USER = '1f6e3a4c-0000-4000-8000-00000000000a'
SESSION = '5e55105e-0000-4000-8000-00000000000b'


@pytest.mark.parametrize(
    'token_acl, required, allowed',
    [
        # the reference table
        (['confd.#'], 'confd.endpoints.sip.read', True),
        (['confd.#'], 'confd', False),
        (['confd.endpoints.sip.*'], 'confd.endpoints.sip.abc.read', False),
        (['confd.endpoints.sip.*.read'], 'confd.endpoints.sip.templates.read', True),
        (['confd.#.read'], 'confd.read', False),
        (['#'], 'anything', True),
        (['#'], 'confd.sip.transports.6f1c8a0e.update', True),
        (['confd.#', '!confd.sip.transports.#'], 'confd.sip.transports.read', False),
        (['confd.sip.transports.read'], 'Confd.sip.transports.read', False),
        # anchored at both ends
        (['confd.sip'], 'confd.sip.read', False),
        (['sip.read'], 'confd.sip.read', False),
        (['confd.sip.read'], 'confd.sip.read', True),
        # * is one segment, possibly empty or partial, never a dot
        (['confd.*.read'], 'confd..read', True),
        (['confd.*.read'], 'confd.a.b.read', False),
        (['confd.sip.trans*.read'], 'confd.sip.transports.read', True),
        (['confd.sip.trans*.read'], 'confd.sip.templates.read', False),
        (['confd.*'], 'confd.sip.read', False),
        # # spans segments, possibly none, inside a segment too
        (['confd.#.read'], 'confd.sip.templates.read', True),
        (['confd.#.read'], 'confd..read', True),
        (['confd.sip.#s.read'], 'confd.sip.transports.read', True),
        (['confd.#'], 'confd.', True),
        # edit also means update, as a whole segment only
        (['confd.users.edit'], 'confd.users.update', True),
        (['confd.users.edit'], 'confd.users.edit', True),
        (['confd.users.update'], 'confd.users.edit', False),
        (['confd.credit'], 'confd.crupdate', False),
        (['confd.users.edit'], 'confd.users.delete', False),
        # the regex characters of an entry are literal
        (['confd.sip+.read'], 'confd.sipp.read', False),
        (['confd.(sip).read'], 'confd.(sip).read', True),
        (['confd.[a-z].read'], 'confd.a.read', False),
        # refusals come first, whatever the order; a refusal alone allows nothing
        (['!confd.sip.transports.#', 'confd.#'], 'confd.sip.transports.create', False),
        (['confd.#', '!confd.sip.transports.#'], 'confd.sip.templates.read', True),
        (['!confd.sip.transports.read'], 'confd.endpoints.sip.read', False),
        (['confd.#', '!confd.*.read'], 'confd.status.read', False),
        (['confd.#', '!confd.*.read'], 'confd.sip.transports.read', True),
        ([], 'confd.status.read', False),
    ],
)
def test_acl_table(token_acl, required, allowed):
    assert acl_allows(token_acl, required) is allowed


@pytest.mark.parametrize(
    'token_acl, required, allowed',
    [
        (['confd.users.me.read'], f'confd.users.{USER}.read', True),
        (['confd.users.me.read'], 'confd.users.me.read', True),
        (['confd.users.me.read'], 'confd.users.someone-else.read', False),
        (['confd.users.meeting.read'], f'confd.users.{USER}ting.read', False),  # whole segment only
        (['confd.users.me.sessions.my_session.delete'], f'confd.users.{USER}.sessions.{SESSION}.delete', True),
        (['confd.users.me.sessions.my_session.delete'], f'confd.users.{USER}.sessions.{USER}.delete', False),
        (['confd.#', '!confd.users.me.#'], f'confd.users.{USER}.read', False),
        (['confd.users.me.edit'], f'confd.users.{USER}.update', True),
    ],
)
def test_acl_me_and_my_session(token_acl, required, allowed):
    assert acl_allows(token_acl, required, user_uuid=USER, session_uuid=SESSION) is allowed


def test_me_without_user_is_only_the_word_me():
    assert acl_allows(['confd.users.me.read'], 'confd.users.me.read')
    assert not acl_allows(['confd.users.me.read'], f'confd.users.{USER}.read')


def test_the_user_uuid_is_literal():
    assert not acl_allows(['confd.users.me.read'], 'confd.users.aXb.read', user_uuid='a.b')
    assert acl_allows(['confd.users.me.read'], 'confd.users.a.b.read', user_uuid='a.b')


def test_cache_keeps_users_apart():
    assert acl_allows(['users.me'], 'users.u1', user_uuid='u1')
    assert not acl_allows(['users.me'], 'users.u1', user_uuid='u2')


segment = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789-_', min_size=1, max_size=8)
acl_name = st.lists(segment, min_size=1, max_size=5).map('.'.join)


@given(acl_name)
def test_a_literal_entry_allows_exactly_itself(required):
    assert acl_allows([required], required)
    assert not acl_allows([required], required + '.x')
    assert not acl_allows([required], 'x.' + required)


@given(acl_name, st.lists(acl_name, max_size=4))
def test_a_matching_refusal_always_wins(required, others):
    assert not acl_allows(['#', *others, '!' + required], required)
    assert acl_allows(['#', '!' + required + '.x'], required)


@given(st.lists(segment, min_size=2, max_size=5))
def test_star_is_one_segment_and_hash_any_number(segments):
    required = '.'.join(segments)
    prefix = segments[0]
    assert acl_allows([f'{prefix}.#'], required)
    assert acl_allows([f'{prefix}.*'], required) is (len(segments) == 2)


@pytest.mark.parametrize(
    'template, params, expected',
    [
        ('confd.sip.transports.{uuid}.update', {'uuid': '6f1c8a0e-1'}, 'confd.sip.transports.6f1c8a0e-1.update'),
        ('confd.endpoints.sip.{uuid}.read', {'uuid': 'a.b.c'}, 'confd.endpoints.sip.a_b_c.read'),
        ('confd.sip.transports.read', {}, 'confd.sip.transports.read'),
        ('confd.{a}.{b}', {'a': 1, 'b': 'x{b}'}, 'confd.1.x{b}'),
    ],
)
def test_required_acl(template, params, expected):
    assert required_acl(template, params) == expected


def test_required_acl_needs_every_parameter():
    with pytest.raises(KeyError):
        required_acl('confd.{uuid}.read', {})


def test_a_dotted_value_cannot_widen_the_required_acl():
    required = required_acl('confd.endpoints.sip.{uuid}.read', {'uuid': 'x.read'})
    assert not acl_allows(['confd.endpoints.sip.*.read.*'], required)
    assert acl_allows(['confd.endpoints.sip.*.read'], required)
