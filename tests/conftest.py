"""Shared fixtures: a real PostgreSQL (embedded unless WAZO_CONFD_PJSIP_TEST_DB_URI is set), schema at head."""
import os
import tempfile
import uuid

import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.database.embedded import EmbeddedPostgres
from wazo_confd_pjsip.database.migrate import upgrade_to_head

TEST_DB_URI_VARIABLE = 'WAZO_CONFD_PJSIP_TEST_DB_URI'


def _create_database(admin_uri):
    """A new database on the given server, so concurrent test runs never share one."""
    name = f'test_{uuid.uuid4().hex[:12]}'
    engine = sa.create_engine(admin_uri, future=True, isolation_level='AUTOCOMMIT')
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE {name}'))
    engine.dispose()
    return sa.engine.make_url(admin_uri).set(database=name).render_as_string(hide_password=False), name


def _drop_database(admin_uri, name):
    engine = sa.create_engine(admin_uri, future=True, isolation_level='AUTOCOMMIT')
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope='session')
def postgres_server_uri():
    configured = os.environ.get(TEST_DB_URI_VARIABLE)
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-test-') as data_dir:
        server = EmbeddedPostgres(data_dir, cleanup_mode='delete')
        yield server.start()
        server.stop()


@pytest.fixture(scope='session')
def db_uri(postgres_server_uri):
    uri, name = _create_database(postgres_server_uri)
    upgrade_to_head(uri)
    yield uri
    _drop_database(postgres_server_uri, name)
