# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from wazo_confd_pjsip.database.migrate import upgrade_to_head
from wazo_confd_pjsip.database.session import Database

from ..databases import create_database, drop_database


@pytest.fixture
def database_at_head(postgres_server_uri):
    """A new database with the whole schema, and its Database."""
    uri, name = create_database(postgres_server_uri, prefix='database')
    upgrade_to_head(uri)
    database = Database(uri)
    yield database
    database.dispose()
    drop_database(postgres_server_uri, name)
