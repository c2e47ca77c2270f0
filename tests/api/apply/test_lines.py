# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a line adds reaches Asterisk; an engine that pushes only used endpoints gets an endpoint once a line
or trunk uses it, and loses it when none does."""
import pytest

from tests.api.conftest import MAIN, confd_config

from .helpers import create_endpoint


@pytest.fixture
def config_overrides(fake_confd):
    return confd_config(fake_confd)


@pytest.fixture
def engines_config(engines_config):
    return {'default': {**engines_config['default'], 'push_unused_endpoints': False}}


@pytest.fixture
def line(fake_confd):
    line = fake_confd.add_line(MAIN, context='ctx-line', extensions=[('1001', 'default')])
    fake_confd.add_user_to_line(fake_confd.add_user(MAIN, simultaneous_calls=2), line)
    return line


@pytest.mark.usefixtures('wait_for_service_token')
def test_only_a_used_endpoint_reaches_the_engine_with_what_its_line_adds(api, worker, fake_ari, fake_confd, line):
    alice = create_endpoint(api, 'alice', context='own')
    worker.drain()
    assert ('endpoint', 'alice') not in fake_ari.objects()

    response = api.put(f"/lines/{line['id']}/endpoints/sip/{alice['uuid']}")
    assert response.status_code == 204, response.json
    worker.drain()

    user = fake_confd.users[line['users'][0]['uuid']]
    endpoint = fake_ari.objects()[('endpoint', 'alice')]
    assert endpoint['context'] == 'own'  # the endpoint's own context wins, as in Wazo
    assert endpoint['set_var'] == {
        'WAZO_CHANNEL_DIRECTION': 'from-wazo',
        'WAZO_LINE_ID': str(line['id']),
        'TRANSFER_CONTEXT': 'ctx-line',
        'XIVO_USERID': str(user['id']),
        'WAZO_USERID': str(user['id']),
        'XIVO_USERUUID': user['uuid'],
        'WAZO_USERUUID': user['uuid'],
        'WAZO_CALLER_SIMULTCALLS': '2',
        'PICKUPMARK': '1001%default',
        '__WAZO_TENANT_UUID': alice['tenant_uuid'],
    }
    assert ('aor', 'alice') in fake_ari.objects() and ('auth', 'alice') in fake_ari.objects()

    line['users'].clear(), line['extensions'].clear()  # wazo-ui frees the line first, or wazo-confd refuses
    assert api.delete(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}').status_code == 204
    worker.drain()
    assert not {('endpoint', 'alice'), ('aor', 'alice'), ('auth', 'alice')} & set(fake_ari.objects())
