# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Two real Asterisk engines under two prefixes, one service: each endpoint reaches only its own."""
import pytest

from tests.databases import create_database, drop_database

from .conftest import ENDPOINTS, remove_tenant_objects
from .engine import SECOND_PREFIX, AsteriskEngine
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess

SECOND = 'second'


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
def two_engine_api(service_command, work_dir, postgres_server_uri, asterisk, second_asterisk):
    db_uri, name = create_database(postgres_server_uri, prefix='two_engines')
    process = ServiceProcess(
        service_command,
        work_dir / 'two-engines',
        db_uri,
        {'default': asterisk.engine_config(), SECOND: second_asterisk.engine_config()},
    )
    process.start()
    client = Api(process.url, MASTER_TOKEN, SUB_TENANT)
    yield client
    remove_tenant_objects(client)
    process.stop()
    drop_database(postgres_server_uri, name)


def test_endpoints_reach_only_their_engine(two_engine_api, asterisk, second_asterisk):
    two_engine_api.post(ENDPOINTS, {'name': 'on-first'})
    two_engine_api.post(
        ENDPOINTS, {'name': 'on-second', 'asterisk_id': SECOND}
    )

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
