# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A line made the wazo-ui way, on the real Asterisk: POST /lines (wazo-confd, faked), POST /endpoints/sip,
PUT /lines/{id}/endpoints/sip/{uuid}. The service, authenticated by a fake wazo-auth with its own service
user, reads the line and its user from a fake wazo-confd; its engine pushes only used endpoints, as Wazo."""
import secrets

import pytest

from tests.databases import create_database, drop_database
from tests.fakes.wazo_auth import FakeWazoAuth
from tests.fakes.wazo_confd import FakeWazoConfd
from tests.waiting import eventually

from .conftest import ENDPOINTS, TEMPLATES, TRANSPORT
from .service import MASTER_TENANT, MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess
from .test_sip import Phone, template

SERVICE_USER = ('wazo-confd-pjsip', secrets.token_hex(8))
WAZO_VARIABLES = ('WAZO_CHANNEL_DIRECTION', 'WAZO_LINE_ID', 'TRANSFER_CONTEXT', 'WAZO_USERUUID', 'WAZO_USERID')


@pytest.fixture(scope='module')
def wazo():
    with FakeWazoAuth() as auth, FakeWazoConfd(auth) as confd:
        auth.add_tenant(MASTER_TENANT, None, 'master')
        auth.add_tenant(SUB_TENANT, MASTER_TENANT, 'sub')
        auth.add_token(MASTER_TOKEN, tenant_uuid=MASTER_TENANT, acl=['confd.#', 'auth.tenants.read'])
        username, password = SERVICE_USER
        auth.add_user(username, password, tenant_uuid=MASTER_TENANT, acl=['confd.#.read', 'auth.tenants.read'])
        yield auth, confd


@pytest.fixture(scope='module')
def wazo_service(service_command, work_dir, postgres_server_uri, asterisk, sip_port, wazo):  # noqa: F811
    auth, confd = wazo
    username, password = SERVICE_USER
    db_uri, name = create_database(postgres_server_uri, prefix='asterisk_lines')
    process = ServiceProcess(
        service_command,
        work_dir / 'lines',
        db_uri,
        {'default': {**asterisk.engine_config(), 'push_unused_endpoints': False}},
        extra_config={
            'auth': auth.config(username=username, password=password, master_tenant_uuid=MASTER_TENANT),
            'confd': confd.config(),
        },
    )
    process.start()
    eventually(lambda: Api(process.url, MASTER_TOKEN, SUB_TENANT).get(TEMPLATES)['total'] > 0, 'the tenant sync', 30)
    Api(process.url).post(
        '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
    )
    yield process
    process.stop()
    drop_database(postgres_server_uri, name)


def wazo_variables(asterisk_object):
    """The endpoint's Wazo variables as ARI reads them back: under their own names from a stock Asterisk,
    as set_var=NAME=value from one built with contrib/asterisk/patches."""
    found = {name: values[-1] for name, values in asterisk_object.items() if name in WAZO_VARIABLES}
    for value in asterisk_object.get('set_var', []):
        name, _, variable_value = value.partition('=')
        if name in WAZO_VARIABLES:
            found[name] = variable_value
    return found


def test_a_line_made_the_wazo_ui_way_registers_with_the_lines_context_and_variables(
    wazo_service, wazo, asterisk, sip_port
):
    _, confd = wazo
    api = Api(wazo_service.url, MASTER_TOKEN, SUB_TENANT)
    line = confd.add_line(SUB_TENANT, context='from-line', extensions=[('1001', 'from-line')])  # POST /lines
    user = confd.add_user(SUB_TENANT, simultaneous_calls=2)
    confd.add_user_to_line(user, line)
    phone = Phone(sip_port, f'line-{secrets.token_hex(4)}', f'user-{secrets.token_hex(4)}')
    password = secrets.token_hex(8)
    endpoint = api.post(
        ENDPOINTS,
        {
            'name': phone.name,
            'auth_section_options': [['username', phone.username], ['password', password]],
            'aor_section_options': [['max_contacts', '1']],
            'templates': [template(api, 'global')],
        },
    )
    assert asterisk.object('endpoint', phone.name) is None  # no line uses it yet: not pushed

    api.put(f'/lines/{line["id"]}/endpoints/sip/{endpoint["uuid"]}', None)

    held = asterisk.object('endpoint', phone.name)
    assert held['context'] == ['from-line']
    assert wazo_variables(held) == {
        'WAZO_CHANNEL_DIRECTION': 'from-wazo',
        'WAZO_LINE_ID': str(line['id']),
        'TRANSFER_CONTEXT': 'from-line',
        'WAZO_USERUUID': user['uuid'],
        'WAZO_USERID': str(user['id']),
    }
    body = api.get(f'{ENDPOINTS}/{endpoint["uuid"]}', params={'view': 'merged'})
    assert body['line']['id'] == line['id'] and ['context', 'from-line'] in body['endpoint_section_options']
    assert phone.register(password).statuses[-1] == 200

    line['users'].clear(), line['extensions'].clear()  # wazo-ui frees the line first, or wazo-confd refuses
    api.delete(f'/lines/{line["id"]}/endpoints/sip/{endpoint["uuid"]}')
    assert asterisk.object('endpoint', phone.name) is None  # unused again
    api.delete(f'{ENDPOINTS}/{endpoint["uuid"]}')
