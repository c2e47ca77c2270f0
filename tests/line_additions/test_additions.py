# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What lines and trunks add, from wazo-confd's bodies (pure), and the client's refusals."""
import pytest

from wazo_confd_pjsip.auth.interface import AuthServiceUnavailable
from wazo_confd_pjsip.config import DEFAULT_CONFIG
from wazo_confd_pjsip.line_additions.additions import line_options, trunk_options
from wazo_confd_pjsip.line_additions.confd_client import ConfdClient, ConfdUnavailable


def test_a_line_without_user_extension_or_context_adds_only_its_direction_and_id():
    options = line_options({'id': 3, 'context': None, 'extensions': [], 'users': []}, [], {})

    assert options.sections == {
        'endpoint': [['set_var', 'WAZO_CHANNEL_DIRECTION=from-wazo'], ['set_var', 'WAZO_LINE_ID=3']]
    }
    assert options.user_uuids == ()


def test_each_user_of_a_shared_line_adds_its_variables_main_user_first_and_their_mailboxes_join():
    users = [
        {'id': 1, 'uuid': 'u1', 'online_call_record_enabled': True, 'simultaneous_calls': 1, 'voicemail': {'id': 10}},
        {
            'id': 2,
            'uuid': 'u2',
            'online_call_record_enabled': False,
            'simultaneous_calls': None,
            'voicemail': {'id': 20},
        },
    ]
    voicemails = {10: {'number': '1001', 'context': 'a'}, 20: {'number': '1002', 'context': 'b'}}

    options = line_options({'id': 3, 'context': 'ctx', 'extensions': []}, users, voicemails)

    endpoint = options.sections['endpoint']
    values = [value for key, value in endpoint if key == 'set_var']
    assert values[values.index('XIVO_USERID=1') : values.index('XIVO_USERID=2')] == [
        'XIVO_USERID=1',
        'WAZO_USERID=1',
        'XIVO_USERUUID=u1',
        'WAZO_USERUUID=u1',
        'WAZO_USER_DTMF_RECORD_TOGGLE_ENABLED=1',
        'WAZO_CALLER_SIMULTCALLS=1',
    ]
    assert values[-4:] == ['XIVO_USERID=2', 'WAZO_USERID=2', 'XIVO_USERUUID=u2', 'WAZO_USERUUID=u2']
    assert endpoint[-1] == ['mailboxes', '1001@a,1002@b']
    assert options.sections['aor'] == [['mailboxes', '1001@a,1002@b']]
    assert options.user_uuids == ('u1', 'u2')


def test_a_trunk_without_context_adds_only_the_empty_pai_format():
    assert trunk_options({'id': 1, 'context': None}).sections == {'endpoint': [['set_var', 'WAZO_PAI_FORMAT=']]}


def _client(service_token):
    return ConfdClient({**DEFAULT_CONFIG['confd'], 'port': 1}, service_token)


def test_without_service_credentials_the_client_says_what_to_configure():
    with pytest.raises(ConfdUnavailable, match='configure auth.username and auth.password'):
        _client(lambda: None).line('tenant', 1)


def test_without_a_service_token_yet_the_client_is_unavailable():
    def no_token_yet():
        raise AuthServiceUnavailable('no service token from wazo-auth yet')

    with pytest.raises(ConfdUnavailable, match='no service token for wazo-confd: no service token from wazo-auth yet'):
        _client(no_token_yet).user('tenant', 'some-uuid')


def test_an_unreachable_wazo_confd_is_unavailable():
    with pytest.raises(ConfdUnavailable, match='wazo-confd unreachable'):
        _client(lambda: 'token').trunk('tenant', 1)
