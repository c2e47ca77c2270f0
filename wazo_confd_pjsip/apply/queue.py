# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The worker's side of the outbox: claiming rows, and settling them (done, retried, failed, handed back).

A claim is a lease (claimed_until) taken by a worker (claimed_by). A worker holds a session
advisory lock on its id for as long as it runs, so the claims of a worker that died (its
database session ended with it) are taken over by the next claim, by any worker, at once; a
worker that is only slow keeps its claims until its lease ends, so nothing is pushed twice.
Failed rows (Asterisk refused the endpoint, or its engine is not configured) are kept for the
sync report and `?wait_applied`, never claimed again; the next successful apply of the same
endpoint on the same engine removes them.
"""
import sqlalchemy as sa

from ..database.models import ApplyOutbox

_outbox = ApplyOutbox.__table__


def _interval(seconds):
    return sa.text(f"interval '{float(seconds)} seconds'")


# Liveness locks use the two-int4 key form (pg_locks.objsubid = 2) in this namespace; the bigint
# keys of apply.locks (objsubid = 1) cannot collide with them.
WORKER_LOCK_NAMESPACE = 0x57415A4F

# Worker ids whose liveness lock is held. Advisory locks are per database; pg_locks shows the whole server's.
_LIVE_WORKERS = (
    sa.text(
        "SELECT objid::bigint AS worker_id FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted"
        ' AND classid = :namespace AND database = (SELECT oid FROM pg_database WHERE datname = current_database())'
    )
    .bindparams(namespace=WORKER_LOCK_NAMESPACE)
    .columns(worker_id=sa.BigInteger)
    .subquery('live_workers')
)


def register_worker(dbapi_connection):
    """A new worker id, alive for as long as this autocommit connection holds its lock."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SELECT nextval('apply_worker_id_seq')")
        worker_id = cursor.fetchone()[0]
        cursor.execute('SELECT pg_advisory_lock(%s, %s)', (WORKER_LOCK_NAMESPACE, worker_id))
    return worker_id


def _claim_statement():
    claimable = sa.or_(
        _outbox.c.claimed_until.is_(None),
        _outbox.c.claimed_until < sa.func.now(),
        _outbox.c.claimed_by.notin_(sa.select(_LIVE_WORKERS.c.worker_id)),
    )
    due = (
        sa.select(_outbox.c.id)
        .where(_outbox.c.failed_at.is_(None), _outbox.c.next_attempt_at <= sa.func.now(), claimable)
        .order_by(_outbox.c.id)
        .limit(sa.bindparam('batch_size', type_=sa.Integer))
        .with_for_update(skip_locked=True)
    )
    lease = sa.literal_column("interval '1 second'") * sa.bindparam('lease_seconds', type_=sa.Float)
    return (
        sa.update(_outbox)
        .where(_outbox.c.id.in_(due.scalar_subquery()))
        .values(claimed_until=sa.func.now() + lease, claimed_by=sa.bindparam('worker_id', type_=sa.BigInteger))
        .returning(_outbox.c.id, _outbox.c.engine, _outbox.c.owner_uuid, _outbox.c.kind, _outbox.c.attempts)
    )


def _settle_statement():
    """Rows done, with the failures kept of the same endpoints on the same engines: they are applied now."""
    failed_of_owners = sa.and_(
        sa.tuple_(_outbox.c.engine, _outbox.c.owner_uuid).in_(sa.bindparam('engine_owners', expanding=True)),
        _outbox.c.failed_at.isnot(None),
    )
    return sa.delete(_outbox).where(sa.or_(_outbox.c.id.in_(sa.bindparam('ids', expanding=True)), failed_of_owners))


# Built once: on the way of every change, where building and keying a statement costs more than running it.
_CLAIM = _claim_statement()
_SETTLE = _settle_statement()


def claim(db, batch_size, lease_seconds, worker_id=None):
    """Due rows, oldest first: free ones, those whose lease ended, and those of a worker that died."""
    with db.engine.begin() as connection:
        rows = connection.execute(
            _CLAIM, {'batch_size': batch_size, 'lease_seconds': float(lease_seconds), 'worker_id': worker_id}
        ).all()
    return sorted(rows, key=lambda row: row.id)


def done(db, rows):
    """Applied: these rows, and the failures of the same endpoints on the same engines, are gone."""
    if rows:
        with db.engine.begin() as connection:
            settle(connection, rows)


def fail(db, rows, error):
    if rows:
        with db.engine.begin() as connection:
            settle(connection, rows, refused=error)


def settle(connection, rows, refused=None):
    """In the caller's transaction: `done` the rows, or keep them as failed when `refused` (the error) is given."""
    if not rows:
        return
    ids = [row.id for row in rows]
    if refused is not None:
        connection.execute(
            sa.update(_outbox)
            .where(_outbox.c.id.in_(ids))
            .values(failed_at=sa.func.now(), claimed_until=None, last_error=refused)
        )
        return
    engine_owners = list({(row.engine, row.owner_uuid) for row in rows if row.owner_uuid is not None})
    connection.execute(_SETTLE, {'ids': ids, 'engine_owners': engine_owners})


def retry_later(db, rows, error, max_backoff):
    with db.engine.begin() as connection:
        for row in rows:
            backoff = min(max_backoff, 0.5 * 2**row.attempts)
            connection.execute(
                sa.update(_outbox)
                .where(_outbox.c.id == row.id, _outbox.c.failed_at.is_(None))  # a refusal stays one
                .values(
                    attempts=row.attempts + 1,
                    next_attempt_at=sa.func.now() + _interval(backoff),
                    claimed_until=None,
                    last_error=error,
                )
            )


def due_now(db, engine_name):
    """The engine is back: what waited for its backoff is due at once."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(_outbox)
            .where(
                _outbox.c.engine == engine_name,
                _outbox.c.failed_at.is_(None),
                _outbox.c.next_attempt_at > sa.func.now(),
            )
            .values(next_attempt_at=sa.func.now())
        )


def hand_back(db, rows):
    """Unclaimed at once, for another worker (or the next start) instead of after the lease."""
    if rows:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(_outbox).where(_outbox.c.id.in_([row.id for row in rows])).values(claimed_until=None)
            )


def seconds_until_due(db):
    """Seconds until a row may be claimed (0 if one may be now), None when none waits."""
    ready_at = sa.func.greatest(
        _outbox.c.next_attempt_at, sa.func.coalesce(_outbox.c.claimed_until, _outbox.c.next_attempt_at)
    )
    with db.engine.connect() as connection:
        seconds = connection.execute(
            sa.select(sa.func.extract('epoch', sa.func.min(ready_at) - sa.func.now())).where(
                _outbox.c.failed_at.is_(None)
            )
        ).scalar()
    return None if seconds is None else max(0.0, float(seconds))


def outcome(db, ids):
    """'applied' (no row left), 'rejected' (every row left failed) or 'pending'."""
    with db.engine.connect() as connection:
        left = connection.execute(
            sa.select(sa.func.count(), sa.func.count(_outbox.c.failed_at)).where(_outbox.c.id.in_(list(ids)))
        ).one()
    total, failed = left
    if total == 0:
        return 'applied'
    return 'rejected' if failed == total else 'pending'
