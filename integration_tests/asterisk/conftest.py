# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the real-Asterisk suite: one Asterisk 22, the pip-installed service, a SIP transport.

Session-wide: Asterisk under WAZO_TEST_ASTERISK_PREFIX (default /opt/asterisk, installed from
../shared/asterisk when missing), a PostgreSQL, the service venv. Each test starts from a tenant
holding only its default templates; tests that stop or restart Asterisk leave it running.
"""
import tempfile
from pathlib import Path

import pytest

from tests.conftest import postgres_server_uri  # noqa: F401 (a fixture)
from tests.databases import create_database, drop_database

from .ari_recorder import AriRecorder
from .engine import AsteriskEngine, free_port
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess, install_service

ENDPOINTS = '/endpoints/sip'
TEMPLATES = '/endpoints/sip/templates'
DEFAULT_TEMPLATE_LABELS = ('global', 'webrtc', 'meeting_guest', 'registration_trunk')
TRANSPORT = 'transport-udp'


@pytest.fixture(scope='session')
def work_dir():
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-asterisk-') as directory:
        yield Path(directory)


@pytest.fixture(scope='session')
def service_command(work_dir):
    return install_service(work_dir / 'venv')


@pytest.fixture(scope='session')
def asterisk():
    engine = AsteriskEngine()
    engine.configure()
    engine.stop()  # an instance left running by someone else holds the old files
    engine.start()
    yield engine
    engine.stop()
    engine.restore()


@pytest.fixture(scope='session')
def sip_port():
    return free_port()


@pytest.fixture(scope='session')
def service(service_command, work_dir, postgres_server_uri, asterisk, sip_port):  # noqa: F811
    db_uri, name = create_database(postgres_server_uri, prefix='asterisk_suite')
    process = ServiceProcess(
        service_command,
        work_dir / 'service',
        db_uri,
        {'default': asterisk.engine_config()},
        extra_config={'apply': {'health_interval': 1.0}},
    )
    process.start()
    api = Api(process.url)
    api.post(
        '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
    )
    yield process
    process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture
def api(service):
    """The API as an administrator of the sub-tenant; everything the test made is deleted after it."""
    client = Api(service.url, MASTER_TOKEN, SUB_TENANT)
    yield client
    remove_tenant_objects(client)


def remove_tenant_objects(client):
    for endpoint in client.get(ENDPOINTS)['items']:
        client.delete(f'{ENDPOINTS}/{endpoint["uuid"]}')
    templates = [t for t in client.get(TEMPLATES)['items'] if t['label'] not in DEFAULT_TEMPLATE_LABELS]
    while templates:  # children before their parents
        parents = {parent['uuid'] for template in templates for parent in template['templates']}
        leaves = [template for template in templates if template['uuid'] not in parents]
        for template in leaves:
            client.delete(f'{TEMPLATES}/{template["uuid"]}')
        templates = [template for template in templates if template['uuid'] in parents]


@pytest.fixture(scope='module')
def recorder(asterisk):
    """A recording proxy in front of the engine's ARI, for a module's service."""
    with AriRecorder(asterisk.ari_url) as proxy:
        yield proxy
