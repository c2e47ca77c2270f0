# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pushing to one engine: a batch of endpoints, the whole engine, or its engine file.

Locks (PostgreSQL advisory, so they hold across worker processes): applying endpoints takes the
engine's lock shared and each endpoint's exclusively; a full push takes the engine's lock
exclusively; the sections have a lock of their own. What the engine acknowledged is recorded as
soon as each endpoint is done.
"""
import concurrent.futures
import logging
import threading
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..asterisk import engine_file
from ..asterisk.ari import AriRejected, AriUnavailable
from ..asterisk.objects import CREATION_ORDER
from ..asterisk.plan import Action, Operation, catalogue_reset_value, phase_full_push, plan_changes
from ..database.models import ApplyOutbox
from . import acknowledged, engine_settings, engine_state, queue
from .locks import (
    advisory_lock,
    advisory_locks,
    engine_file_lock_name,
    engine_lock_name,
    owner_lock_name,
    probe_lock_name,
)
from .outbox import KIND_ENDPOINT, KIND_RESYNC

logger = logging.getLogger(__name__)

_outbox = ApplyOutbox.__table__


class PushInterrupted(Exception):
    """The worker is stopping: a full push left off between two requests.

    Nothing of it is recorded, and the engine's startup time stays unknown, so the next start
    brings the engine in line from what it holds (as after a worker killed mid-push).
    """


class EndpointPlanner:
    """What is sent for one endpoint, from what the engine acknowledged to the objects wanted.

    Also what a dry run previews (apply/preview.py): the preview is the push.
    """

    def __init__(self, catalogue):
        self._is_repeatable = catalogue.is_repeatable
        self._reset_value = catalogue_reset_value(catalogue)

    def __call__(self, current, wanted, merges_set_var, absent=frozenset()):
        """`absent`: keys Asterisk was just read not to hold, created without a DELETE first."""
        operations = plan_changes(
            current, wanted, self._is_repeatable, self._reset_value, merges_set_var=merges_set_var
        )
        return _delete_before_create(operations, current, absent)


class EnginePusher:
    def __init__(self, db, desired, catalogue, parallelism, stopping, on_settled=lambda: None):
        """stopping: an Event set when the worker stops (a full push leaves off at once);
        on_settled: called after each commit that settled outbox rows."""
        self._db = db
        self._stopping = stopping
        self._on_settled = on_settled
        self._desired = desired
        self._plan = EndpointPlanner(catalogue)
        self._parallelism = parallelism
        self._pool = None
        self._executor_lock = threading.Lock()

    # --- endpoints

    def apply_owners(self, engine, rows, startup_time):
        """Bring the endpoints of these outbox rows in line, then settle the rows.

        `startup_time`: of the Asterisk the worker checked it is talking to. An endpoint's rows are
        settled (done, or failed when Asterisk refused it) in the transaction that records what the
        engine acknowledged; the endpoints whose pushes are done together share one. Raises
        AriUnavailable once every endpoint already pushed is settled: the rows of the others are
        left as they are.
        """
        rows_of = defaultdict(list)
        for row in rows:
            rows_of[row.owner_uuid].append(row)
        owner_uuids = list(rows_of)
        with self._db.engine.connect() as connection:
            owner_locks = [owner_lock_name(engine.name, owner) for owner in owner_uuids]
            # The reads below run once the locks are granted: they see what the last holder committed.
            with advisory_locks(connection, owner_locks, shared=[engine_lock_name(engine.name)]):
                current = acknowledged.of_owners(connection, engine.name, owner_uuids)
                with Session(bind=connection, future=True) as session:
                    wanted = self._desired.for_owners(session, owner_uuids, engine.name)
                merges_set_var = self._merges_set_var(connection, engine, startup_time)
                plans, unchanged = {}, []
                for owner in owner_uuids:
                    operations = self._plan(current[owner], wanted[owner], merges_set_var)
                    if operations:
                        plans[owner] = operations
                    else:
                        unchanged += rows_of[owner]
                if unchanged:
                    queue.settle(connection, unchanged)
                    connection.commit()
                    self._on_settled()
                unavailable = None
                for pushed in self._pushes(engine, plans):
                    applied = []
                    for owner, (executed, error) in pushed:
                        if isinstance(error, AriRejected):
                            refused = self._rejected(connection, engine, plans[owner][len(executed)], error)
                            queue.settle(connection, rows_of[owner], refused=refused)
                        elif error is not None:
                            unavailable = error
                        else:
                            applied += rows_of[owner]
                    _record(
                        connection, engine.name, [(owner, executed, wanted[owner]) for owner, (executed, _) in pushed]
                    )
                    queue.settle(connection, applied)
                    connection.commit()
                    self._on_settled()
                if unavailable is not None:
                    raise unavailable

    def _pushes(self, engine, plans):
        """Each endpoint's operations pushed, yielded in groups [(owner, (executed, error))] as they end.

        One endpoint is pushed on this thread: no hand-over on the way of a single change. Several are
        pushed in parallel, and what ended meanwhile is yielded together, to be recorded in one commit.
        """
        if len(plans) == 1:
            [(owner, operations)] = plans.items()
            yield [(owner, _push_in_order(engine, operations))]
            return
        # _push_in_order uses engine.client() inside the pool thread: one ARI connection per thread.
        pending = {
            self._executor().submit(_push_in_order, engine, operations): owner for owner, operations in plans.items()
        }
        while pending:
            ended, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            yield [(pending.pop(future), future.result()) for future in ended]

    def _merges_set_var(self, connection, engine, startup_time):
        known = engine.known_merges_set_var(startup_time)
        if known is not None:
            return known
        # One probe at a time per engine, across workers: two probes on its one object spoil each other.
        with advisory_lock(connection, probe_lock_name(engine.name)):
            return engine.merges_set_var(startup_time)

    def close(self):
        """Stop the push threads (and so their ARI connections); the next push starts new ones."""
        with self._executor_lock:
            executor, self._pool = self._pool, None
        if executor is not None:
            executor.shutdown()

    def _executor(self):
        # Kept between batches: each thread keeps its ARI connection (engine.client() is per thread) open.
        with self._executor_lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(self._parallelism, thread_name_prefix='apply-push')
            return self._pool

    # --- the whole engine

    def full_resync(self, engine, asterisk_empty, startup_time=None):
        """Bring every endpoint of the engine in line with the configuration.

        An empty Asterisk (restarted) gets every object, phased. One that may hold objects is read
        first (each object it was acknowledged or is wanted), and only what differs is sent, planned
        as any change (`EndpointPlanner`): an object removed behind the service's back is created
        again, one no longer wanted is deleted, and an unchanged aor keeps its registered contacts.
        With the startup_time that prompted it (a restart), nothing is done if another worker already
        pushed for that startup. The outbox rows of the engine's endpoints committed before the push
        read the configuration are settled by it.
        """
        with self._db.engine.connect() as connection:
            with advisory_lock(connection, engine_lock_name(engine.name)):
                state = engine_state.read(connection, engine.name)
                if startup_time is not None and state is not None and state.startup_time == startup_time:
                    return
                if startup_time is None:
                    startup_time = engine.client().asterisk_info().startup_time
                covered = connection.execute(
                    sa.select(
                        _outbox.c.id, _outbox.c.engine, _outbox.c.owner_uuid, _outbox.c.kind, _outbox.c.attempts
                    ).where(_outbox.c.engine == engine.name, _outbox.c.kind.in_([KIND_ENDPOINT, KIND_RESYNC]))
                ).all()
                # Committed before Asterisk is touched: until the push completes, a restart of this
                # worker must push everything again. What a running engine was acknowledged is kept,
                # checked against what it holds: forgotten, every object would be re-created.
                engine_state.update(connection, engine.name, startup_time=None)
                if asterisk_empty:
                    acknowledged.forget_engine(connection, engine.name)
                connection.commit()
                with self._db.read_only() as session:
                    wanted = self._desired.for_engine(session, engine.name)
                owned = [(owner, obj) for owner, objects in wanted.items() for obj in objects]
                owner_of = {obj.key: owner for owner, obj in owned}
                if asterisk_empty:
                    operations = phase_full_push(obj for _, obj in owned)
                else:
                    known = acknowledged.of_engine(connection, engine.name)
                    merges_set_var = self._merges_set_var(connection, engine, startup_time)
                    operations = self._converge(engine, known, owned, merges_set_var)
                changed = {operation.key for operation in operations}
                pushed, refused = self._run_phased(engine, [op for op in operations if op.key in owner_of], owner_of)
                self._run_phased(engine, [op for op in operations if op.key not in owner_of])
                # Then what the engine holds now, and the startup it was pushed for, together.
                acknowledged.replace_engine(
                    connection,
                    engine.name,
                    [(o, obj) for o, obj in owned if obj.key in pushed or obj.key not in changed],
                )
                engine_state.update(
                    connection, engine.name, startup_time=startup_time, last_full_resync_at=sa.func.now()
                )
                # ...and the rows the push covered, settled in that same transaction.
                for owner, error in refused.items():
                    queue.settle(connection, [row for row in covered if row.owner_uuid == owner], refused=error)
                queue.settle(connection, [row for row in covered if row.owner_uuid not in refused])
                connection.commit()
        # A first contact, or an engine whose file was never written: its sections too.
        self.apply_engine_file(engine)

    def _converge(self, engine, known, owned, merges_set_var):
        """What brings a running engine from what it holds to `owned`; `known`: what it was acknowledged."""
        keys = list(set(known) | {obj.key for _, obj in owned})
        # engine.client() inside the pool thread: one ARI connection per thread.
        reads = {self._executor().submit(lambda k=key: engine.client().has_object(*k)): key for key in keys}
        absent = {reads[read] for read in self._as_completed(engine, reads) if not read.result()}
        current = {key: obj for key, (_, obj) in known.items() if key not in absent}
        return self._plan(current, [obj for _, obj in owned], merges_set_var, absent)

    def _run_phased(self, engine, operations, owner_of=None):
        """Run operations type by type (creation order, or its reverse for deletions).

        An object's own operations (a DELETE then its PUT) run in their order. Returns the keys
        done and {owner: error} of the endpoints (by owner_of) with an object Asterisk refused:
        such an endpoint gets nothing more, so that nothing points at an object that could not be
        made.
        """
        owner_of = owner_of or {}
        by_type = defaultdict(lambda: defaultdict(list))
        for operation in operations:
            by_type[operation.type][operation.key].append(operation)
        deleting = all(operation.action is Action.DELETE for operation in operations)
        order = reversed(CREATION_ORDER) if deleting else CREATION_ORDER
        done, refused = set(), {}
        pool = self._executor()
        for object_type in order:
            phase = [ops for key, ops in by_type[object_type].items() if owner_of.get(key) not in refused]
            # _push_in_order uses engine.client() inside the pool thread: one ARI connection per thread.
            futures = {pool.submit(_push_in_order, engine, ops): ops for ops in phase}
            for future in self._as_completed(engine, futures):
                ops = futures[future]
                executed, error = future.result()
                if error is None:
                    done.add(ops[0].key)
                elif isinstance(error, AriRejected):
                    with self._db.engine.begin() as connection:  # shown by the sync status at once
                        message = self._rejected(connection, engine, ops[len(executed)], error)
                    if ops[0].key in owner_of:
                        refused[owner_of[ops[0].key]] = message
                else:
                    raise error
        return done, refused

    def _as_completed(self, engine, futures):
        """The futures as they end; at a stop, the ones not started are dropped and PushInterrupted raised
        once the requests in flight ended."""
        for future in concurrent.futures.as_completed(futures):
            if self._stopping.is_set():
                for other in futures:
                    other.cancel()
                concurrent.futures.wait(futures)
                raise PushInterrupted(f'engine {engine.name}: the full push left off, the worker stops')
            yield future

    # --- the engine file (transports, [global], [system])

    def apply_engine_file(self, engine):
        """Write the engine's pjsip.conf sections file and reload res_pjsip; report what needs a restart.

        Nothing to do when the engine already got these sections (another worker, or a full push).
        """
        with self._db.engine.connect() as connection:
            with advisory_lock(connection, engine_file_lock_name(engine.name)):
                with self._db.read_only() as session:
                    objects = engine_settings.engine_settings_objects(session)
                current = engine_settings.snapshot(objects)
                state = engine_state.read(connection, engine.name)
                previous = state.engine_sections if state else None
                if previous == current:
                    return
                if engine.config.pjsip_conf_file:
                    engine_settings.write_atomically(engine.config.pjsip_conf_file, engine_file.render(objects))
                engine.client().reload_module(engine_file.RELOADED_MODULE)
                reasons = engine_file.restart_reasons(previous, current)
                if state and state.restart_required:
                    reasons = [state.restart_required] + reasons
                engine_state.update(
                    connection,
                    engine.name,
                    engine_sections=current,
                    restart_required='; '.join(reasons) if reasons else None,
                )
                connection.commit()

    def _rejected(self, connection, engine, operation, error):
        """Log and record (in the caller's transaction) what Asterisk refused; returns the message."""
        message = f'{operation.type} {operation.id}: {error}'
        logger.error('engine %s refused %s', engine.name, message)
        engine_state.update(connection, engine.name, last_error=message, last_error_at=sa.func.now())
        return message


def _delete_before_create(operations, current, absent):
    """A create of an object the engine never acknowledged starts with a DELETE (a 404 is fine).

    The acknowledgement of an earlier push may have been lost (a timeout after Asterisk applied it,
    a worker stopped in between): a PUT on an object that exists is a lossy merge, not a create.
    Not needed for an object Asterisk was just read not to hold (`absent`).
    """
    result = []
    for operation in operations:
        if operation.action is Action.PUT and operation.key not in current and operation.key not in absent:
            result.append(Operation(Action.DELETE, operation.type, operation.id, reason='clean create'))
        result.append(operation)
    return result


def _record(connection, engine_name, pushes):
    """What the engine holds after each (owner, executed, wanted): a re-created object is recorded once,
    not forgotten first."""
    held, gone = [], []
    for owner, executed, wanted in pushes:
        wanted_by_key = {obj.key: obj for obj in wanted}
        final = {operation.key: operation.action for operation in executed}
        for key, action in final.items():
            if action is Action.DELETE:
                gone.append(key)
            else:
                held.append((owner, wanted_by_key[key]))
    acknowledged.forget(connection, engine_name, gone)
    acknowledged.record(connection, engine_name, held)


def _push_in_order(engine, operations):
    """One endpoint's operations, in order, on this thread's ARI connection: (executed, error or None).

    A refusal stops the sequence (nothing must point at an object that could not be made); so does
    an unavailable engine. What was executed is returned either way, to be recorded.
    """
    client = engine.client()
    executed = []
    for operation in operations:
        try:
            _execute(client, operation)
        except (AriRejected, AriUnavailable) as error:
            return executed, error
        executed.append(operation)
    return executed, None


def _execute(client, operation):
    if operation.action is Action.DELETE:
        client.delete_object(operation.type, operation.id)
    else:
        client.put_object(operation.as_object())
