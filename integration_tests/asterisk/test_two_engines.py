# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Two real Asterisk engines under two prefixes, one service: each endpoint reaches only its own."""
import socket

import pytest

from tests.databases import create_database, drop_database

from .conftest import ENDPOINTS, remove_tenant_objects
from .engine import SECOND_PREFIX, AsteriskEngine, free_port
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess

SECOND = 'second'
TRANSPORTS = '/sip/transports'
GLOBAL = '/asterisk/pjsip/global'


@pytest.fixture(scope='module')
def second_asterisk():
    engine = AsteriskEngine(SECOND_PREFIX)
    engine.configure()
    engine.stop()
    engine.start()
    yield engine
    engine.stop()
    engine.restore()


@pytest.fixture(scope='module')
def two_engine_service(service_command, work_dir, postgres_server_uri, asterisk, second_asterisk):
    db_uri, name = create_database(postgres_server_uri, prefix='two_engines')
    process = ServiceProcess(
        service_command,
        work_dir / 'two-engines',
        db_uri,
        {'default': asterisk.engine_config(), SECOND: second_asterisk.engine_config()},
    )
    process.start()
    yield process
    remove_tenant_objects(Api(process.url, MASTER_TOKEN, SUB_TENANT))
    process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture
def two_engine_api(two_engine_service):
    return Api(two_engine_service.url, MASTER_TOKEN, SUB_TENANT)


@pytest.fixture
def master(two_engine_service):
    return Api(two_engine_service.url)


def test_endpoints_reach_only_their_engine(two_engine_api, asterisk, second_asterisk):
    two_engine_api.post(ENDPOINTS, {'name': 'on-first'})
    two_engine_api.post(ENDPOINTS, {'name': 'on-second', 'asterisk_id': SECOND})

    assert asterisk.object('endpoint', 'on-first') is not None
    assert asterisk.object('endpoint', 'on-second') is None
    assert second_asterisk.object('endpoint', 'on-second') is not None
    assert second_asterisk.object('endpoint', 'on-first') is None


def test_a_moved_endpoint_leaves_the_first_engine(two_engine_api, asterisk, second_asterisk):
    uuid = two_engine_api.post(ENDPOINTS, {'name': 'mover'})['uuid']
    assert asterisk.object('endpoint', 'mover') is not None

    two_engine_api.put(f'{ENDPOINTS}/{uuid}', {'name': 'mover', 'asterisk_id': SECOND})

    assert asterisk.object('endpoint', 'mover') is None
    assert second_asterisk.object('endpoint', 'mover') is not None


def test_engine_file_rendered_on_each_engine(master, asterisk, second_asterisk):
    master.put(GLOBAL, {'options': {'user_agent': 'two-engines'}})
    master.post(
        TRANSPORTS,
        {'name': 'both-udp', 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{free_port(socket.SOCK_DGRAM)}']]},
    )

    for engine in (asterisk, second_asterisk):
        rendered = engine.service_file.read_text()
        assert '[both-udp]' in rendered and 'user_agent = two-engines' in rendered
    # one bind address for every engine: on one host only the first engine gets the socket
    assert asterisk.object('transport', 'both-udp') is not None


@pytest.fixture
def second_restarted(second_asterisk):
    yield
    if second_asterisk.pid() is None:
        second_asterisk.start()


@pytest.mark.usefixtures('second_restarted')
def test_one_engine_down_never_holds_the_other(master, two_engine_api, asterisk, second_asterisk):
    second_asterisk.stop()
    try:
        two_engine_api.post(ENDPOINTS, {'name': 'while-second-down'})  # applied on the first, not waiting
        two_engine_api.post(ENDPOINTS, {'name': 'waits-for-second', 'asterisk_id': SECOND}, wait=False)

        engines = master.get('/asterisk/pjsip/sync')['engines']
        assert engines['default']['reachable'] and engines['default']['pending_changes'] == 0
        assert not engines[SECOND]['reachable'] and engines[SECOND]['pending_changes'] > 0
        assert asterisk.object('endpoint', 'while-second-down') is not None
    finally:
        second_asterisk.start()
    two_engine_api.put(
        f'{ENDPOINTS}/{uuid_of(two_engine_api, "waits-for-second")}',
        {'name': 'waits-for-second', 'asterisk_id': SECOND},
    )
    assert second_asterisk.object('endpoint', 'waits-for-second') is not None


def uuid_of(client, name):
    return next(item['uuid'] for item in client.get(ENDPOINTS)['items'] if item['name'] == name)
