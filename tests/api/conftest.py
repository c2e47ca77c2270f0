# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The real application on the real database, authenticated against a fake wazo-auth over HTTP."""
import contextlib
import json
import tempfile
import time

import pytest
import sqlalchemy as sa

from tests.fakes.wazo_auth import FakeWazoAuth
from tests.fakes.wazo_confd import FakeWazoConfd
from wazo_confd_pjsip.app import create_app
from wazo_confd_pjsip.bus import BusSettings
from wazo_confd_pjsip.config import DEFAULT_CONFIG, merge_configs
from wazo_confd_pjsip.core import build_core, open_database
from wazo_confd_pjsip.database.session import Database
from wazo_confd_pjsip.options.catalogue import OptionCatalogue

MAIN = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1'
SUB = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee2'
OTHER = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee3'
SUB_OF_SUB = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee4'

MASTER_TOKEN = 'master-admin-token'
SUB_TOKEN = 'sub-admin-token'
OTHER_TOKEN = 'other-admin-token'
READ_ONLY_TOKEN = 'read-only-token'
NO_ACL_TOKEN = 'no-acl-token'
HISTORY_READER_TOKEN = 'history-reader-token'  # may read histories, not the resources (nor their secrets)

TOKEN_TENANTS = {
    MASTER_TOKEN: MAIN,
    SUB_TOKEN: SUB,
    OTHER_TOKEN: OTHER,
    READ_ONLY_TOKEN: MAIN,
    NO_ACL_TOKEN: MAIN,
    HISTORY_READER_TOKEN: MAIN,
}

RESET_TABLES = (
    'endpoint_sip_parent',
    'endpoint_sip',
    'sip_transport',
    'pjsip_object_name',
    'tenant',
    'apply_outbox',
    'engine_object',
    'engine_state',
    'change_history',
)
ENGINE_SETTINGS_RESET = {
    'global': [['user_agent', 'Wazo PBX'], ['endpoint_identifier_order', 'auth_username,username,ip']],
    'system': [],
}


@pytest.fixture(scope='session')
def fake_auth():
    auth = FakeWazoAuth()
    auth.add_tenant(MAIN, None, 'main')
    auth.add_tenant(SUB, MAIN, 'sub')
    auth.add_tenant(OTHER, MAIN, 'other')
    auth.add_tenant(SUB_OF_SUB, SUB, 'subsub')
    auth.add_token(MASTER_TOKEN, tenant_uuid=MAIN, acl=['confd.#', 'auth.tenants.read'])
    auth.add_token(SUB_TOKEN, tenant_uuid=SUB, acl=['confd.#', 'auth.tenants.read'])
    auth.add_token(OTHER_TOKEN, tenant_uuid=OTHER, acl=['confd.#', 'auth.tenants.read'])
    auth.add_token(READ_ONLY_TOKEN, tenant_uuid=MAIN, acl=['confd.#.read'])
    auth.add_token(NO_ACL_TOKEN, tenant_uuid=MAIN, acl=[])
    auth.add_token(HISTORY_READER_TOKEN, tenant_uuid=MAIN, acl=['confd.history.read', 'confd.#.history.read'])
    with auth:
        yield auth


# The service's own wazo-auth user, which reads wazo-confd's lines, users, voicemails and trunks.
SERVICE_USER = ('wazo-confd-pjsip-confd-reader', 'reader-secret')
SERVICE_ACL = [
    'confd.lines.*.read',
    'confd.users.*.read',
    'confd.voicemails.*.read',
    'confd.trunks.*.read',
    'confd.callpickups.read',
]


@pytest.fixture(scope='session')
def fake_confd(fake_auth):
    with FakeWazoConfd(fake_auth) as confd:
        yield confd


def confd_config(fake_confd):
    """Configuration overrides of a service that reads the fake wazo-confd with its service user (made
    here: other tests give the fake wazo-auth service users of their own)."""
    username, password = SERVICE_USER
    fake_confd.auth.add_user(username, password, tenant_uuid=MAIN, acl=SERVICE_ACL)
    return {'confd': fake_confd.config(), 'auth': {'username': username, 'password': password}}


@pytest.fixture
def wait_for_service_token(core):
    """The service token is got in the background at start; the first association must not race it."""
    deadline = time.monotonic() + 10
    while core.auth_backend.status()['service_token']['status'] != 'ok':
        assert time.monotonic() < deadline, 'no service token from the fake wazo-auth'
        time.sleep(0.02)


def make_config(fake_auth, **overrides):
    auth_config = {'backend': 'wazo-auth', 'master_tenant_uuid': MAIN, **fake_auth.config()}
    # Not the default /var/lib/wazo-confd-pjsip: the service keeps its uuid there, and the package's
    # own tests (tests/packaging) need a machine without it.
    data_dir = tempfile.mkdtemp(prefix='wazo-confd-pjsip-test-data-')
    return merge_configs(overrides, {'auth': auth_config, 'data_dir': data_dir}, DEFAULT_CONFIG)


@pytest.fixture(scope='session')
def database(db_uri):
    database = Database(db_uri)
    yield database
    database.dispose()


def reset_database(database):
    with database.engine.begin() as connection:
        # DELETE, children first: a TRUNCATE costs ~60 ms per test, these a few.
        for table in RESET_TABLES:
            connection.execute(sa.text(f'DELETE FROM {table}'))
        for name, options in ENGINE_SETTINGS_RESET.items():
            connection.execute(
                sa.text('UPDATE pjsip_engine_section SET options = CAST(:options AS jsonb) WHERE name = :name'),
                {'name': name, 'options': json.dumps(options)},
            )


@pytest.fixture
def engines_config():
    """asterisk.engines of the app under test; tests of the Asterisk side override it."""
    return None


@pytest.fixture
def config_overrides():
    """Configuration the tests of a folder add (e.g. tests/bus: the broker)."""
    return {}


@pytest.fixture
def bus_settings():
    return BusSettings()


class ChangeRecorder:
    """An after-commit hook of the core's database: the committed changes, batch by batch."""

    def __init__(self):
        self.batches = []

    def __call__(self, changes):
        self.batches.append(list(changes))

    @property
    def changes(self):
        return [change for batch in self.batches for change in batch]

    def clear(self):
        self.batches.clear()


class CommitProbes:
    """Hooks a test adds to the core's units of work while it runs (the core's own are fixed)."""

    def __init__(self):
        self.before = []  # hook(uow), inside the transaction
        self.after = []  # hook(changes), once committed

    def before_commit(self, uow):
        for hook in list(self.before):
            hook(uow)

    def after_commit(self, changes):
        for hook in list(self.after):
            hook(changes)


@pytest.fixture
def commit_probes():
    return CommitProbes()


@pytest.fixture
def change_recorder(commit_probes):
    recorder = ChangeRecorder()
    commit_probes.after.append(recorder)
    return recorder


@pytest.fixture
def core(database, fake_auth, engines_config, config_overrides, bus_settings, commit_probes):
    reset_database(database)
    fake_auth.set_mode('normal')
    fake_auth.requests.clear()
    config = make_config(fake_auth, **config_overrides)
    if engines_config is not None:
        config['asterisk'] = {'engines': engines_config}
    core = build_core(
        config,
        database,
        catalogue=OptionCatalogue.bundled(),
        bus_settings=bus_settings,
        before_commit=[commit_probes.before_commit],
        after_commit=[commit_probes.after_commit],
    )
    yield core
    core.stop()


@contextlib.contextmanager
def service_app(config, db_uri):
    """(app, core) as the service builds them from `config`, on a database of its own."""
    database = open_database(config, db_uri)
    core = build_core(config, database)
    try:
        yield create_app(core), core
    finally:
        core.stop()
        database.dispose()


@pytest.fixture
def app(core):
    app = create_app(core)
    # for ApiClient.announce_tenant: what wazo-auth's tenant-created event does
    app.extensions['test_tenants'] = core.services.tenants
    return app


class ApiClient:
    """Flask's test client speaking like wazo-confd-client: token, JSON, optional tenant."""

    def __init__(self, flask_client, token=MASTER_TOKEN, tenant=None):
        self._client = flask_client
        self.token = token
        self.tenant = tenant

    def as_(self, token=MASTER_TOKEN, tenant=None):
        return ApiClient(self._client, token, tenant)

    def announce_tenant(self):
        """The request's tenant announced as wazo-auth's bus event does: recorded, its defaults made."""
        self._client.application.extensions['test_tenants'].add(self.tenant or TOKEN_TENANTS[self.token])

    def _headers(self, extra):
        headers = {'Accept': 'application/json'}
        if self.token:
            headers['X-Auth-Token'] = self.token
        if self.tenant:
            headers['Wazo-Tenant'] = self.tenant
        headers.update(extra or {})
        return headers

    def request(self, method, path, json=None, data=None, headers=None, query=None):
        return self._client.open(
            f'/1.1{path}', method=method, json=json, data=data, headers=self._headers(headers), query_string=query
        )

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request('POST', path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request('PUT', path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


@pytest.fixture
def api(app):
    return ApiClient(app.test_client())
