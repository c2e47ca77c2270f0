# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: a real PostgreSQL (embedded unless WAZO_CONFD_PJSIP_TEST_DB_URI is set), schema at head."""
import os
import tempfile

import pytest

from wazo_confd_pjsip.database.embedded import EmbeddedPostgres
from wazo_confd_pjsip.database.migrate import upgrade_to_head

from .databases import create_database, drop_database

TEST_DB_URI_VARIABLE = 'WAZO_CONFD_PJSIP_TEST_DB_URI'


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
    uri, name = create_database(postgres_server_uri)
    upgrade_to_head(uri)
    yield uri
    drop_database(postgres_server_uri, name)
