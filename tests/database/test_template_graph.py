# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""template_graph.lineage: an endpoint with every template it inherits from, in one statement, planned
as a lookup per ancestor whatever the size of the table."""
import uuid as uuid_lib

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wazo_confd_pjsip.database import template_graph

TENANT = str(uuid_lib.uuid4())


@pytest.fixture
def db(database_at_head):
    with database_at_head.engine.begin() as connection:
        connection.execute(sa.text('INSERT INTO tenant (uuid) VALUES (:uuid)'), {'uuid': TENANT})
    return database_at_head


def add(connection, name, parents=(), template=True):
    """A row named `name` inheriting from `parents` (uuids, in order); its uuid."""
    uuid = str(uuid_lib.uuid4())
    connection.execute(
        sa.text('INSERT INTO pjsip_object_name (name, kind) VALUES (:name, :kind)'),
        {'name': name, 'kind': 'template' if template else 'endpoint'},
    )
    connection.execute(
        sa.text(
            'INSERT INTO endpoint_sip (uuid, tenant_uuid, template, name, options)'
            ' VALUES (:uuid, :tenant, :template, :name, CAST(:options AS jsonb))'
        ),
        {
            'uuid': uuid,
            'tenant': TENANT,
            'template': template,
            'name': name,
            'options': f'{{"endpoint": [["x", "{name}"]]}}',
        },
    )
    link(connection, uuid, parents)
    return uuid


def link(connection, child, parents):
    for position, parent in enumerate(parents):
        connection.execute(
            sa.text('INSERT INTO endpoint_sip_parent (child_uuid, position, parent_uuid) VALUES (:c, :p, :u)'),
            {'c': child, 'p': position, 'u': parent},
        )


def test_an_endpoint_comes_with_every_ancestor_and_their_parents_in_order(db):
    with db.engine.begin() as connection:
        base = add(connection, 'base')
        left = add(connection, 'left', [base])
        right = add(connection, 'right', [base])
        lone = add(connection, 'lone')
        endpoint = add(connection, 'phone', [right, left, lone], template=False)
        add(connection, 'unrelated', [base])

    with Session(db.engine) as session:
        found = template_graph.lineage(session, [endpoint])

    assert {row.name for row in found.rows.values()} == {'phone', 'right', 'left', 'lone', 'base'}
    assert found.parents == {endpoint: (right, left, lone), right: (base,), left: (base,), lone: (), base: ()}
    assert found.rows[endpoint].options == {'endpoint': [['x', 'phone']]}


def test_a_loop_written_behind_the_service_ends_the_walk(db):
    with db.engine.begin() as connection:
        first = add(connection, 'first')
        second = add(connection, 'second', [first])
        link(connection, first, [second])
        endpoint = add(connection, 'phone', [second], template=False)

    with Session(db.engine) as session:
        found = template_graph.lineage(session, [endpoint])

    assert set(found.rows) == {endpoint, first, second}
    assert found.parents[first] == (second,)


def test_nothing_asked_nothing_read(db):
    with Session(db.engine) as session:
        assert template_graph.lineage(session, []) == template_graph.Lineage({}, {})


def test_each_level_is_an_index_lookup_even_before_the_table_is_analyzed(db):
    # 10,000 endpoints under one template, inserted at once: until autovacuum analyzes the table, a
    # join of the links with the walk was planned as a scan of every link per level (3 ms at 10,000,
    # on the way of every change).
    with db.engine.begin() as connection:
        template = add(connection, 'tenant-template')
        connection.execute(
            sa.text(
                'WITH made AS ('
                " INSERT INTO pjsip_object_name (name, kind)"
                " SELECT 'bulk' || n, 'endpoint' FROM generate_series(1, 10000) n"
                ' RETURNING name),'
                ' rows AS ('
                ' INSERT INTO endpoint_sip (tenant_uuid, template, name) SELECT :tenant, false, name FROM made'
                ' RETURNING uuid)'
                ' INSERT INTO endpoint_sip_parent (child_uuid, position, parent_uuid) SELECT uuid, 0, :parent FROM rows'
            ),
            {'tenant': TENANT, 'parent': template},
        )
        endpoint = connection.execute(sa.text("SELECT uuid FROM endpoint_sip WHERE name = 'bulk17'")).scalar()
        statement = template_graph._LINEAGE.params(uuids=[str(endpoint)])
        compiled = statement.compile(dialect=connection.dialect, compile_kwargs={'render_postcompile': True})
        [[explained]] = connection.exec_driver_sql('EXPLAIN (FORMAT JSON) ' + str(compiled), compiled.params).all()

    assert not _scans_of('endpoint_sip_parent', explained[0]['Plan'])


def _scans_of(table, plan):
    """The sequential scans of `table` anywhere in an EXPLAIN (FORMAT JSON) plan."""
    found = [plan] if plan.get('Node Type') == 'Seq Scan' and plan.get('Relation Name') == table else []
    for child in plan.get('Plans', ()):
        found += _scans_of(table, child)
    return found
