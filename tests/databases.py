# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scratch databases on a PostgreSQL server, for tests and benchmarks that must not share one."""
import uuid

import sqlalchemy as sa


def _execute(server_uri, statement):
    engine = sa.create_engine(server_uri, future=True, isolation_level='AUTOCOMMIT')
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def create_database(server_uri, prefix='test'):
    """(uri, name) of a new, empty database on the server of server_uri."""
    name = f'{prefix}_{uuid.uuid4().hex[:12]}'
    _execute(server_uri, f'CREATE DATABASE {name}')
    return sa.engine.make_url(server_uri).set(database=name).render_as_string(hide_password=False), name


def drop_database(server_uri, name):
    _execute(server_uri, f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
