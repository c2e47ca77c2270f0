# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each engine acknowledged (engine_object rows), read and written on a plain connection.

The worker commits after each endpoint's objects: after a crash, the record is behind Asterisk by
at most the endpoints of the batch whose pushes were answered but not yet recorded (parallel pushes:
several); their next push repeats what Asterisk already holds.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ..asterisk.objects import AsteriskObject
from ..database.models import EngineObject

_table = EngineObject.__table__


def _object(row):
    return AsteriskObject(row.object_type, row.object_id, tuple(tuple(line) for line in row.fields))


def of_owner(connection, engine, owner_uuid):
    rows = connection.execute(sa.select(_table).where(_table.c.engine == engine, _table.c.owner_uuid == owner_uuid))
    return {(row.object_type, row.object_id): _object(row) for row in rows}


def of_owners(connection, engine, owner_uuids):
    """owner uuid → {(type, id): object} for each of the owners."""
    rows = connection.execute(
        sa.select(_table).where(_table.c.engine == engine, _table.c.owner_uuid.in_(list(owner_uuids)))
    )
    result = {owner_uuid: {} for owner_uuid in owner_uuids}
    for row in rows:
        result[row.owner_uuid][(row.object_type, row.object_id)] = _object(row)
    return result


def of_engine(connection, engine):
    rows = connection.execute(sa.select(_table).where(_table.c.engine == engine))
    return {(row.object_type, row.object_id): (row.owner_uuid, _object(row)) for row in rows}


def _record_statement():
    statement = insert(_table)
    return statement.on_conflict_do_update(
        index_elements=['engine', 'object_type', 'object_id'],
        set_={'owner_uuid': statement.excluded.owner_uuid, 'fields': statement.excluded.fields},
    )


_RECORD = _record_statement()  # built once: it follows every change pushed
_FORGET = sa.delete(_table).where(
    _table.c.engine == sa.bindparam('engine'),
    sa.tuple_(_table.c.object_type, _table.c.object_id).in_(sa.bindparam('keys', expanding=True)),
)


def record(connection, engine, owned_objects):
    """The engine holds these (owner uuid, object) pairs now, as they are."""
    rows = _rows(engine, owned_objects)
    if rows:
        connection.execute(_RECORD, rows)


def forget(connection, engine, keys):
    """The engine holds none of these (type, id) objects now."""
    if keys:
        connection.execute(_FORGET, {'engine': engine, 'keys': list(keys)})


def replace_engine(connection, engine, owned_objects):
    """After a full push: exactly these (owner uuid, object) pairs."""
    connection.execute(sa.delete(_table).where(_table.c.engine == engine))
    rows = _rows(engine, owned_objects)
    if rows:
        connection.execute(sa.insert(_table), rows)


def _rows(engine, owned_objects):
    return [
        {
            'engine': engine,
            'object_type': obj.type,
            'object_id': obj.id,
            'owner_uuid': owner_uuid,
            'fields': [list(line) for line in obj.fields],
        }
        for owner_uuid, obj in owned_objects
    ]


def forget_engine(connection, engine):
    connection.execute(sa.delete(_table).where(_table.c.engine == engine))
