"""The apply worker: drains the outbox into the Asterisk engines.

For each changed endpoint: resolve and build what it must be, diff against what the engine last
acknowledged, push only the differences (asterisk.plan decides merge, re-create or delete).
Engine-wide sections are rendered to the engine's pjsip.conf, then res_pjsip is reloaded.
When Asterisk restarted (its startup time changed), its pushed objects are gone: push them all
again, phased (auths, aors, endpoints, ...) with bounded parallelism.

Several workers may run (threads here, or `wazo-confd-pjsip apply-worker` processes): rows are
claimed with SKIP LOCKED and a lease, and advisory locks serialize the work on one endpoint.
When an engine is unreachable its rows wait, retried with exponential backoff; nothing is lost
across restarts of the service since the outbox is in PostgreSQL.
"""
import concurrent.futures
import logging
import select
import socket
import threading
import time
from collections import defaultdict

import sqlalchemy as sa

from ..asterisk.ari import AriRejected, AriUnavailable
from ..asterisk.objects import CREATION_ORDER
from ..asterisk.plan import Action, Operation, catalogue_reset_value, phase_full_push, plan_changes
from ..database.models import ApplyOutbox
from . import acknowledged, engine_sections, engine_state
from .locks import advisory_lock, advisory_locks, engine_lock_name, owner_lock_name
from .outbox import KIND_ENDPOINT, KIND_RESYNC, KIND_SECTIONS, NOTIFY_CHANNEL

logger = logging.getLogger(__name__)

_outbox = ApplyOutbox.__table__
# Endpoints applied together: one read of their state, their pushes in parallel.
OWNER_BATCH = 100


class ApplyWorker:
    def __init__(
        self,
        db,
        engines,
        desired,
        catalogue,
        *,
        batch_size=500,
        lease_seconds=120,
        health_interval=5.0,
        parallelism=4,
        max_backoff=60.0,
    ):
        self._db = db
        self._engines = engines
        self._desired = desired
        self._is_repeatable = catalogue.is_repeatable
        self._reset_value = catalogue_reset_value(catalogue)
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds
        self._health_interval = health_interval
        self._parallelism = parallelism
        self._max_backoff = max_backoff
        self._last_health_check = {}
        self._thread = None
        self._stopping = threading.Event()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._applied = threading.Condition()

    # --- lifecycle

    def start(self):
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name='apply-worker', daemon=True)
        self._thread.start()

    def stop(self, timeout=30.0):
        """Finish the batch in hand (claimed rows not reached go back to the outbox when their lease ends)."""
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self):
        try:
            self._wake_writer.send(b'x')
        except OSError:
            pass

    def wait_applied(self, ids, timeout):
        """True once none of these outbox rows is left (applied), False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while True:
            if not self._pending(ids):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._applied:
                # Woken by this process's worker; the short period also serves workers in other processes.
                self._applied.wait(min(remaining, 0.05))

    def _pending(self, ids):
        with self._db.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).where(_outbox.c.id.in_(list(ids)))).scalar() > 0

    def _run(self):
        listener = self._listen()
        while not self._stopping.is_set():
            try:
                self.check_engines()
                self.drain()
            except Exception:
                logger.exception('apply worker iteration failed')
            self._sleep(listener, self._next_wait())
        listener.close()

    def _listen(self):
        connection = self._db.engine.raw_connection()
        # Detached: an autocommit connection must never go back to the pool, where a unit of work
        # would get it and lose the ability to roll back.
        connection.detach()
        connection.set_isolation_level(0)  # autocommit: LISTEN takes effect at once
        with connection.cursor() as cursor:
            cursor.execute(f'LISTEN {NOTIFY_CHANNEL}')
        return connection

    def _sleep(self, listener, timeout):
        dbapi_connection = listener.dbapi_connection
        readable, _, _ = select.select([dbapi_connection, self._wake_reader], [], [], timeout)
        if self._wake_reader in readable:
            self._wake_reader.recv(4096)
        if dbapi_connection in readable:
            dbapi_connection.poll()
            dbapi_connection.notifies.clear()

    def _next_wait(self):
        with self._db.engine.connect() as connection:
            seconds = connection.execute(
                sa.select(sa.func.extract('epoch', sa.func.min(_outbox.c.next_attempt_at) - sa.func.now()))
            ).scalar()
        wait = self._health_interval if seconds is None else max(0.0, min(float(seconds), self._health_interval))
        return wait

    # --- the work

    def drain(self):
        """Apply everything due; returns the number of outbox rows handled."""
        handled = 0
        while not self._stopping.is_set():
            rows = self._claim()
            if not rows:
                break
            by_engine = defaultdict(list)
            for row in rows:
                by_engine[row.engine].append(row)
            for engine_name, engine_rows in by_engine.items():
                self._process_engine(engine_name, engine_rows)
            handled += len(rows)
            with self._applied:
                self._applied.notify_all()
        return handled

    def check_engines(self, force=False):
        """Ask each engine for its startup time: a restarted Asterisk gets everything pushed again."""
        for engine in self._engines.values():
            if not engine.has_ari:
                continue
            due = time.monotonic() - self._last_health_check.get(engine.name, float('-inf')) >= self._health_interval
            if force or due:
                try:
                    self._check_engine(engine)
                except AriUnavailable as e:
                    self._unreachable(engine, e)

    def _claim(self):
        due = (
            sa.select(_outbox.c.id)
            .where(
                _outbox.c.next_attempt_at <= sa.func.now(),
                sa.or_(_outbox.c.claimed_until.is_(None), _outbox.c.claimed_until < sa.func.now()),
            )
            .order_by(_outbox.c.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        claim = (
            sa.update(_outbox)
            .where(_outbox.c.id.in_(due.scalar_subquery()))
            .values(claimed_until=sa.func.now() + sa.text(f"interval '{int(self._lease_seconds)} seconds'"))
            .returning(_outbox.c.id, _outbox.c.engine, _outbox.c.owner_uuid, _outbox.c.kind, _outbox.c.attempts)
        )
        with self._db.engine.begin() as connection:
            return sorted(connection.execute(claim).all(), key=lambda row: row.id)

    def _process_engine(self, engine_name, rows):
        engine = self._engines.get(engine_name)
        if engine is None or not engine.has_ari:
            logger.warning('dropping %d change(s) for engine %r: unknown or without ARI', len(rows), engine_name)
            self._done([row.id for row in rows])
            return
        remaining = list(rows)
        try:
            if time.monotonic() - self._last_health_check.get(engine.name, float('-inf')) >= self._health_interval:
                self._check_engine(engine)
            if any(row.kind == KIND_RESYNC for row in remaining):
                self.full_resync(engine, asterisk_empty=False)
                remaining = self._finish(remaining, lambda row: row.kind in (KIND_RESYNC, KIND_ENDPOINT))
            if any(row.kind == KIND_SECTIONS for row in remaining):
                self._apply_sections(engine)
                remaining = self._finish(remaining, lambda row: row.kind == KIND_SECTIONS)
            owners = list(dict.fromkeys(row.owner_uuid for row in remaining))
            for start in range(0, len(owners), OWNER_BATCH):
                batch = set(owners[start:start + OWNER_BATCH])
                self._apply_owners(engine, batch)
                remaining = self._finish(remaining, lambda row, batch=batch: row.owner_uuid in batch)
        except AriUnavailable as e:
            self._unreachable(engine, e)
            self._retry_later(remaining, str(e))

    def _finish(self, rows, is_done):
        self._done([row.id for row in rows if is_done(row)])
        return [row for row in rows if not is_done(row)]

    def _done(self, ids):
        if ids:
            with self._db.engine.begin() as connection:
                connection.execute(sa.delete(_outbox).where(_outbox.c.id.in_(ids)))

    def _retry_later(self, rows, error):
        with self._db.engine.begin() as connection:
            for row in rows:
                backoff = min(self._max_backoff, 0.5 * 2 ** row.attempts)
                connection.execute(
                    sa.update(_outbox)
                    .where(_outbox.c.id == row.id)
                    .values(
                        attempts=row.attempts + 1,
                        next_attempt_at=sa.func.now() + sa.text(f"interval '{backoff} seconds'"),
                        claimed_until=None,
                        last_error=error,
                    )
                )

    # --- endpoints

    def _apply_owners(self, engine, owner_uuids):
        """Bring these endpoints' objects in line: one read of each kind for the batch, pushes in parallel."""
        with self._db.engine.connect() as connection:
            owner_locks = [owner_lock_name(engine.name, owner) for owner in owner_uuids]
            with advisory_lock(connection, engine_lock_name(engine.name), shared=True), advisory_locks(
                connection, owner_locks
            ):
                current = acknowledged.of_owners(connection, engine.name, owner_uuids)
                with self._db.read_only() as session:
                    wanted = self._desired.for_owners(session, owner_uuids, engine.name)
                plans = {}
                for owner in owner_uuids:
                    operations = plan_changes(current[owner], wanted[owner], self._is_repeatable, self._reset_value)
                    if operations:
                        plans[owner] = operations
                unavailable = None
                with concurrent.futures.ThreadPoolExecutor(self._parallelism, thread_name_prefix='apply-push') as pool:
                    futures = {pool.submit(_push_in_order, engine, operations): owner for owner, operations in plans.items()}
                    for future in concurrent.futures.as_completed(futures):
                        owner = futures[future]
                        executed, error = future.result()
                        wanted_by_key = {obj.key: obj for obj in wanted[owner]}
                        for operation in executed:
                            if operation.action is Action.DELETE:
                                acknowledged.forget(connection, engine.name, operation.type, operation.id)
                            else:
                                acknowledged.record(connection, engine.name, owner, wanted_by_key[operation.key])
                        connection.commit()
                        if isinstance(error, AriRejected):
                            self._rejected(connection, engine, plans[owner][len(executed)], error)
                        elif error is not None:
                            unavailable = error
                if unavailable is not None:
                    raise unavailable

    def _rejected(self, connection, engine, operation, error):
        message = f'{operation.type} {operation.id}: {error}'
        logger.error('engine %s refused %s', engine.name, message)
        engine_state.update(connection, engine.name, last_error=message, last_error_at=sa.func.now())

    # --- whole engine

    def _check_engine(self, engine):
        self._last_health_check[engine.name] = time.monotonic()
        info = engine.client().asterisk_info()
        with self._db.engine.connect() as connection:
            state = engine_state.read(connection, engine.name)
            engine_state.update(
                connection,
                engine.name,
                reachable=True,
                asterisk_version=info.version,
                last_contact_at=sa.func.now(),
            )
        known_startup = state.startup_time if state else None
        if known_startup != info.startup_time:
            restarted = known_startup is not None
            if restarted:
                with self._db.engine.connect() as connection:
                    # What waited for a restart (system, transport sockets) is applied now.
                    engine_state.update(connection, engine.name, restart_required=None)
            logger.info('engine %s: %s, pushing everything', engine.name, 'Asterisk restarted' if restarted else 'first contact')
            self.full_resync(engine, asterisk_empty=restarted, startup_time=info.startup_time)

    def _unreachable(self, engine, error):
        logger.warning('engine %s unreachable: %s', engine.name, error)
        with self._db.engine.connect() as connection:
            engine_state.update(
                connection, engine.name, reachable=False, last_error=str(error), last_error_at=sa.func.now()
            )

    def full_resync(self, engine, asterisk_empty, startup_time=None):
        """Push every endpoint of the engine; when Asterisk may hold objects already, delete them first."""
        with self._db.engine.connect() as connection:
            with advisory_lock(connection, engine_lock_name(engine.name)):
                covered = connection.execute(
                    sa.select(sa.func.max(_outbox.c.id)).where(
                        _outbox.c.engine == engine.name, _outbox.c.kind.in_([KIND_ENDPOINT, KIND_RESYNC])
                    )
                ).scalar()
                if startup_time is None:
                    startup_time = engine.client().asterisk_info().startup_time
                # Until the push completes, a restart of this worker must push everything again.
                engine_state.update(connection, engine.name, startup_time=None)
                with self._db.read_only() as session:
                    wanted = self._desired.for_engine(session, engine.name)
                owned = [(owner, obj) for owner, objects in wanted.items() for obj in objects]
                if not asterisk_empty:
                    known = acknowledged.of_engine(connection, engine.name)
                    stale = set(known) | {obj.key for _, obj in owned}
                    self._run_phased(engine, [Operation(Action.DELETE, t, i, reason='resync') for t, i in stale])
                acknowledged.forget_engine(connection, engine.name)
                owner_of = {obj.key: owner for owner, obj in owned}
                pushed = self._run_phased(engine, phase_full_push(obj for _, obj in owned), owner_of)
                acknowledged.replace_engine(connection, engine.name, [(o, obj) for o, obj in owned if obj.key in pushed])
                engine_state.update(
                    connection, engine.name, startup_time=startup_time, last_full_resync_at=sa.func.now()
                )
                if covered is not None:
                    connection.execute(
                        sa.delete(_outbox).where(
                            _outbox.c.engine == engine.name,
                            _outbox.c.kind.in_([KIND_ENDPOINT, KIND_RESYNC]),
                            _outbox.c.id <= covered,
                        )
                    )
                    connection.commit()
        with self._applied:
            self._applied.notify_all()

    def _run_phased(self, engine, operations, owner_of=None):
        """Run operations type by type (creation order, or its reverse for deletions); return the keys done.

        With owner_of (object key → endpoint), an endpoint one of whose objects Asterisk refused gets
        nothing more: nothing must point at an object that could not be made.
        """
        owner_of = owner_of or {}
        by_type = defaultdict(list)
        for operation in operations:
            by_type[operation.type].append(operation)
        deleting = all(operation.action is Action.DELETE for operation in operations)
        order = reversed(CREATION_ORDER) if deleting else CREATION_ORDER
        done, refused_owners = set(), set()
        with concurrent.futures.ThreadPoolExecutor(self._parallelism, thread_name_prefix='apply-push') as pool:
            for object_type in order:
                phase = [op for op in by_type.get(object_type, []) if owner_of.get(op.key) not in refused_owners]
                # engine.client() inside the pool thread: one ARI connection per thread.
                futures = {pool.submit(lambda op: _execute(engine.client(), op), op): op for op in phase}
                for future in concurrent.futures.as_completed(futures):
                    operation = futures[future]
                    try:
                        future.result()
                    except AriRejected as e:
                        if operation.key in owner_of:
                            refused_owners.add(owner_of[operation.key])
                        with self._db.engine.connect() as connection:
                            self._rejected(connection, engine, operation, e)
                    else:
                        done.add(operation.key)
        return done

    def _apply_sections(self, engine):
        path = engine.config.pjsip_conf_file
        with self._db.read_only() as session:
            objects = engine_sections.engine_section_objects(session)
        current = engine_sections.snapshot(objects)
        with self._db.engine.connect() as connection:
            state = engine_state.read(connection, engine.name)
            if path:
                engine_sections.write_atomically(path, engine_sections.render(objects))
            engine.client().reload_module('res_pjsip.so')
            reasons = engine_sections.restart_reasons(state.engine_sections if state else None, current)
            if state and state.restart_required:
                reasons = [state.restart_required] + reasons
            engine_state.update(
                connection,
                engine.name,
                engine_sections=current,
                restart_required='; '.join(reasons) if reasons else None,
            )


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
