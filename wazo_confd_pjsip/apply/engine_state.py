# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the service knows of each engine: reachability, Asterisk's startup time, errors, resyncs."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ..database.models import ApplyOutbox, EngineState

_table = EngineState.__table__


def update(connection, engine, **values):
    statement = insert(_table).values(engine=engine, **values)
    statement = statement.on_conflict_do_update(index_elements=['engine'], set_=values)
    connection.execute(statement)


def read(connection, engine):
    return connection.execute(sa.select(_table).where(_table.c.engine == engine)).first()


def report(connection, engine_names):
    """Per engine: the body of GET /1.1/asterisk/pjsip/sync."""
    outbox = ApplyOutbox.__table__
    pending = dict(
        (row.engine, row)
        for row in connection.execute(
            sa.select(
                outbox.c.engine,
                sa.func.count().filter(outbox.c.failed_at.is_(None)).label('count'),
                sa.func.count(outbox.c.failed_at).label('refused'),
                sa.func.extract(
                    'epoch', sa.func.now() - sa.func.min(outbox.c.created_at).filter(outbox.c.failed_at.is_(None))
                ).label('oldest'),
            ).group_by(outbox.c.engine)
        )
    )
    states = {row.engine: row for row in connection.execute(sa.select(_table))}
    result = {}
    for name in engine_names:
        state = states.get(name)
        waiting = pending.get(name)
        result[name] = {
            'reachable': bool(state and state.reachable),
            'asterisk_version': state.asterisk_version if state else None,
            'startup_time': state.startup_time if state else None,
            'pending_changes': waiting.count if waiting else 0,
            'oldest_pending_age_seconds': round(float(waiting.oldest), 3) if waiting and waiting.count else None,
            'refused_changes': waiting.refused if waiting else 0,
            'last_error': state.last_error if state else None,
            'last_error_at': _iso(state.last_error_at) if state else None,
            'last_full_resync_at': _iso(state.last_full_resync_at) if state else None,
            'restart_required': state.restart_required if state else None,
        }
    return result


def _iso(value):
    return value.isoformat() if value is not None else None
