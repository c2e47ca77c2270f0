# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Data migrations, run on a database holding rows written by the previous revision."""
import pytest
import sqlalchemy as sa
from alembic import command

from wazo_confd_pjsip.database.migrate import alembic_config

from ..databases import create_database, drop_database


@pytest.fixture
def database_at_0004(postgres_server_uri):
    uri, name = create_database(postgres_server_uri, prefix='migration')
    command.upgrade(alembic_config(uri), '0004')
    engine = sa.create_engine(uri, future=True)
    yield uri, engine
    engine.dispose()
    drop_database(postgres_server_uri, name)


def search_texts(engine):
    with engine.connect() as connection:
        return dict(connection.execute(sa.text('SELECT name, search_text FROM endpoint_sip')).all())


def test_0005_makes_search_match_the_asterisk_id_and_back(database_at_0004):
    uri, engine = database_at_0004
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO tenant (uuid) VALUES ('eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1')"))
        connection.execute(
            sa.text("INSERT INTO pjsip_object_name (name, kind) VALUES ('alice', 'endpoint'), ('bob', 'endpoint')")
        )
        connection.execute(
            sa.text(
                'INSERT INTO endpoint_sip (tenant_uuid, template, name, label, asterisk_id, options, search_text) '
                "VALUES ('eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1', false, 'alice', 'Zoé', 'East', '{}', 'alice zoe'), "
                "('eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1', false, 'bob', NULL, NULL, '{}', 'bob')"
            )
        )

    command.upgrade(alembic_config(uri), '0005')
    assert search_texts(engine) == {'alice': 'alice zoe east', 'bob': 'bob'}

    command.downgrade(alembic_config(uri), '0004')
    assert search_texts(engine) == {'alice': 'alice zoe', 'bob': 'bob'}
