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


def relax_commit(connection):
    """The current transaction's commit does not wait for its WAL flush.

    For the worker's own bookkeeping (claims, acknowledged objects, settled rows): what a crash of
    PostgreSQL could lose of it is found again (claims expire; an endpoint whose record is lost is
    diffed against the older record and pushed again). Changes themselves are committed by the API,
    durably. Saves a disk flush (about 1 ms) per commit on the way of every change.
    """
    connection.execute(sa.text('SET LOCAL synchronous_commit TO OFF'))


def register_worker(dbapi_connection):
    """A new worker id, alive for as long as this autocommit connection holds its lock."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SELECT nextval('apply_worker_id_seq')")
        worker_id = cursor.fetchone()[0]
        cursor.execute('SELECT pg_advisory_lock(%s, %s)', (WORKER_LOCK_NAMESPACE, worker_id))
    return worker_id


def claim(db, batch_size, lease_seconds, worker_id=None):
    """Due rows, oldest first: free ones, those whose lease ended, and those of a worker that died."""
    claimable = sa.or_(
        _outbox.c.claimed_until.is_(None),
        _outbox.c.claimed_until < sa.func.now(),
        _outbox.c.claimed_by.notin_(sa.select(_LIVE_WORKERS.c.worker_id)),
    )
    due = (
        sa.select(_outbox.c.id)
        .where(_outbox.c.failed_at.is_(None), _outbox.c.next_attempt_at <= sa.func.now(), claimable)
        .order_by(_outbox.c.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    statement = (
        sa.update(_outbox)
        .where(_outbox.c.id.in_(due.scalar_subquery()))
        .values(claimed_until=sa.func.now() + _interval(lease_seconds), claimed_by=worker_id)
        .returning(_outbox.c.id, _outbox.c.engine, _outbox.c.owner_uuid, _outbox.c.kind, _outbox.c.attempts)
    )
    with db.engine.begin() as connection:
        relax_commit(connection)
        return sorted(connection.execute(statement).all(), key=lambda row: row.id)


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
    connection.execute(sa.delete(_outbox).where(_outbox.c.id.in_(ids)))
    for engine, owners in _owners_by_engine(rows).items():
        connection.execute(
            sa.delete(_outbox).where(
                _outbox.c.engine == engine, _outbox.c.owner_uuid.in_(owners), _outbox.c.failed_at.isnot(None)
            )
        )


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


def _owners_by_engine(rows):
    owners = {}
    for row in rows:
        if row.owner_uuid is not None:
            owners.setdefault(row.engine, set()).add(row.owner_uuid)
    return {engine: list(uuids) for engine, uuids in owners.items()}
