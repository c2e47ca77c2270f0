# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The apply worker: drains the outbox into the Asterisk engines.

For each changed endpoint: resolve and build what it must be, diff against what the engine last
acknowledged, push only the differences (asterisk.plan decides merge, re-create or delete), see
pusher.py. Engine-wide sections are rendered to the engine's pjsip.conf, then res_pjsip is
reloaded. When Asterisk restarted (its startup time changed), its pushed objects are gone: push
them all again, phased (auths, aors, endpoints, ...) with bounded parallelism.

A running worker holds each engine's ARI events websocket open (asterisk.events): it drops when
Asterisk stops and connects again once Asterisk is fully booted, and either wakes the worker to
check the engine at once. While the connection of its last successful check stays open, the
engine cannot have restarted, so changes go without asking for its startup time first. The
periodic check (health_interval) stays, for an engine whose websocket cannot connect.

Several workers may run (threads here, or `wazo-confd-pjsip apply-worker` processes): rows are
claimed with SKIP LOCKED and a lease, and advisory locks serialize the work on one endpoint.
When an engine is unreachable (or fails otherwise) its rows wait, retried with exponential
backoff; nothing is lost across restarts of the service since the outbox is in PostgreSQL.
"""
import logging
import select
import socket
import threading
import time
import uuid
from collections import defaultdict

import psycopg2
import sqlalchemy as sa

from ..asterisk.ari import AriUnavailable
from . import engine_state, queue
from .outbox import KIND_RESYNC, KIND_SECTIONS, NOTIFY_CHANNEL
from .pusher import EnginePusher, PushInterrupted

logger = logging.getLogger(__name__)

# Endpoints applied together: one read of their state, their pushes in parallel.
OWNER_BATCH = 100
# An unreachable engine is asked this often (seconds), so that its waiting changes go as soon as it is back.
UNREACHABLE_CHECK_INTERVAL = 0.5
# After a database error (PostgreSQL restarting), the next try comes this soon (seconds).
DATABASE_RETRY_INTERVAL = 1.0


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
        self._db = db.for_bookkeeping()
        self._waiting_db = db  # ?wait_applied= asks from the API's threads, on the API's pool
        self._engines = engines
        self._stopping = threading.Event()
        self._pusher = EnginePusher(
            self._db, desired, catalogue, parallelism, self._stopping, on_settled=self._notify_applied
        )
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds
        self._health_interval = health_interval
        self._max_backoff = max_backoff
        self._waiting_for_ari = set()  # engines told to have no ARI url yet
        self._last_health_check = {}
        self._unreachable = set()  # engine names
        self._seen_startup = {}  # engine name → the startup time whose full push this worker saw done
        self._watches = {}  # engine name → its ARI events websocket, while the worker runs
        self._checked_epoch = {}  # engine name → the websocket connection (epoch) its last check was made in
        self._worker_id = None  # while running: the id its claims carry (queue.register_worker)
        self._thread = None
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._applied = threading.Condition()

    # --- lifecycle

    def start(self):
        self._stopping.clear()
        app = f'wazo-confd-pjsip-{uuid.uuid4().hex[:12]}'
        self._watches = {
            engine.name: engine.events_watch(app, self.wake) for engine in self._engines.values() if engine.has_ari
        }
        for watch in self._watches.values():
            watch.start()
        self._thread = threading.Thread(target=self._run, name='apply-worker', daemon=True)
        self._thread.start()

    def begin_stop(self):
        """Stopping starts: the `wait_applied` callers are answered now, the pushes in flight end, what
        is not begun is left to the next start (the rest of the claimed batch goes back to the outbox)."""
        self._stopping.set()
        self.wake()
        self._notify_applied()

    def stop(self, timeout=30.0):
        self.begin_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        for watch in self._watches.values():
            watch.stop()
        self._watches = {}
        self._db.dispose()  # the bookkeeping pool's connections; a next start opens new ones

    def wake(self):
        try:
            self._wake_writer.send(b'x')
        except OSError:
            pass

    def wait_applied(self, ids, timeout):
        """'applied', 'rejected' (Asterisk refused it) or 'pending' (still waiting when `timeout` passed)."""
        deadline = time.monotonic() + timeout
        while True:
            outcome = queue.outcome(self._waiting_db, ids)
            remaining = deadline - time.monotonic()
            if outcome != 'pending' or remaining <= 0 or self._stopping.is_set():
                return outcome
            with self._applied:
                # Woken by this process's worker; the short period also serves workers in other processes.
                self._applied.wait(min(remaining, 0.05))

    def _run(self):
        listener = None
        while not self._stopping.is_set():
            wait = DATABASE_RETRY_INTERVAL
            try:
                # PostgreSQL restarted or the connection was cut: listen again, under a new worker id
                # (the claims of the old one are free once its session is gone).
                listener = listener if _alive(listener) else self._listen()
                self.check_engines()
                self.drain()
                wait = self._next_wait()
            except Exception:
                logger.exception('apply worker iteration failed')
            self._sleep(listener, wait)
        if _alive(listener):
            listener.close()  # ends the worker's liveness lock: what it still claims is free
        self._worker_id = None
        self._pusher.close()

    def _listen(self):
        connection = self._db.engine.raw_connection()
        # Detached: an autocommit connection must never go back to the pool, where a unit of work
        # would get it and lose the ability to roll back.
        connection.detach()
        connection.set_isolation_level(0)  # autocommit: LISTEN takes effect at once
        with connection.cursor() as cursor:
            cursor.execute(f'LISTEN {NOTIFY_CHANNEL}')
        self._worker_id = queue.register_worker(connection)
        return connection

    def _sleep(self, listener, timeout):
        """Until a NOTIFY, a wake() or `timeout`; a listener found dead is closed (the next turn listens again)."""
        watched = [self._wake_reader] + ([listener.dbapi_connection] if _alive(listener) else [])
        readable, _, _ = select.select(watched, [], [], timeout)
        if self._wake_reader in readable:
            self._wake_reader.recv(4096)
        if len(watched) > 1 and watched[1] in readable:
            try:
                watched[1].poll()
                watched[1].notifies.clear()
            except psycopg2.Error:
                logger.warning('apply worker: the database connection it listens on was lost')
                listener.invalidate()

    def _next_wait(self):
        due = queue.seconds_until_due(self._db)
        check = min(self._check_interval(name) for name in self._engines) if self._engines else self._health_interval
        return check if due is None else min(due, check)

    def _check_interval(self, engine_name):
        if engine_name in self._unreachable:
            return min(UNREACHABLE_CHECK_INTERVAL, self._health_interval)
        return self._health_interval

    # --- the work

    def drain(self):
        """Apply everything due; returns the number of outbox rows handled."""
        handled = 0
        while not self._stopping.is_set():
            rows = queue.claim(self._db, self._batch_size, self._lease_seconds, self._worker_id)
            if not rows:
                break
            by_engine = defaultdict(list)
            for row in rows:
                by_engine[row.engine].append(row)
            for engine_name, engine_rows in by_engine.items():
                self._process_engine(engine_name, engine_rows)
            handled += len(rows)
            self._notify_applied()
        return handled

    def _notify_applied(self):
        """Outbox rows were settled: wake the `wait_applied` callers of this process."""
        with self._applied:
            self._applied.notify_all()

    def resync(self, engine_name):
        """Bring every endpoint of the engine in line, now (POST /sync queues the same); raises
        PushInterrupted when the worker stops meanwhile."""
        self._pusher.full_resync(self._engines[engine_name], asterisk_empty=False)

    def check_engines(self, force=False):
        """Ask each engine for its startup time: a restarted Asterisk gets everything pushed again."""
        for engine in self._engines.values():
            if engine.has_ari and (force or self._health_check_due(engine)):
                try:
                    self._check_engine(engine)
                except PushInterrupted as e:
                    logger.info('%s', e)
                except Exception as e:
                    self._failed(engine, e)

    def _health_check_due(self, engine):
        if self._epoch(engine) != self._checked_epoch.get(engine.name):
            return True  # its events websocket dropped or connected since: Asterisk stopped, or is back
        elapsed = time.monotonic() - self._last_health_check.get(engine.name, float('-inf'))
        return elapsed >= self._check_interval(engine.name)

    def _epoch(self, engine):
        watch = self._watches.get(engine.name)
        return watch.epoch if watch is not None else None

    def startup_watched(self, engine):
        """Whether the websocket open when the last check succeeded is still open: the same Asterisk process."""
        epoch = self._epoch(engine)
        return (
            epoch is not None
            and epoch == self._checked_epoch.get(engine.name)
            and engine.name not in self._unreachable
            and engine.name in self._seen_startup
        )

    def _process_engine(self, engine_name, rows):
        engine = self._engines.get(engine_name)
        if engine is None:
            logger.error('%d change(s) for engine %r not applied: it is not configured', len(rows), engine_name)
            queue.fail(self._db, rows, f'engine {engine_name!r} is not configured')
            return
        if not engine.has_ari:
            # Declared, no Asterisk yet (ari.url null): its changes wait; its first contact pushes everything.
            if engine_name not in self._waiting_for_ari:
                logger.info('engine %s has no ARI url yet: its changes wait until one is configured', engine_name)
                self._waiting_for_ari.add(engine_name)
            queue.retry_later(self._db, rows, f'engine {engine_name!r} has no ARI url yet', self._max_backoff)
            return
        remaining = list(rows)
        try:
            self._confirm_startup(engine)
            if any(row.kind == KIND_RESYNC for row in remaining):
                # It settles every endpoint row of the engine, ours included.
                self._pusher.full_resync(engine, asterisk_empty=False)
                remaining = [row for row in remaining if row.kind == KIND_SECTIONS]
            sections = [row for row in remaining if row.kind == KIND_SECTIONS]
            if sections:
                self._pusher.apply_engine_file(engine)
                queue.done(self._db, sections)
                remaining = [row for row in remaining if row.kind != KIND_SECTIONS]
            owners = list(dict.fromkeys(row.owner_uuid for row in remaining))
            for start in range(0, len(owners), OWNER_BATCH):
                if self._stopping.is_set():
                    queue.hand_back(self._db, remaining)
                    return
                batch = set(owners[start : start + OWNER_BATCH])
                # It settles the rows of the endpoints it pushed, even when it then raises.
                self._pusher.apply_owners(
                    engine, [row for row in remaining if row.owner_uuid in batch], self._seen_startup[engine_name]
                )
                remaining = [row for row in remaining if row.owner_uuid not in batch]
        except PushInterrupted as e:
            logger.info('%s', e)
            queue.hand_back(self._db, remaining)
        except Exception as e:
            self._failed(engine, e)
            queue.retry_later(self._db, remaining, str(e), self._max_backoff)

    def _confirm_startup(self, engine):
        """Before pushing: an Asterisk that restarted since the last check gets its full push first.

        A change pushed into a restarted Asterisk before the restart is seen would reach an engine
        without the endpoint's other objects, and the full push (which takes the engine as empty)
        would then meet objects it can only merge into.
        """
        if self._health_check_due(engine):
            self._check_engine(engine)
        elif self.startup_watched(engine):
            return  # no restart without its websocket dropping: no need to ask
        elif engine.client().asterisk_info().startup_time != self._seen_startup.get(engine.name):
            self._check_engine(engine)

    def _check_engine(self, engine):
        self._last_health_check[engine.name] = time.monotonic()
        # Before asking: a websocket that drops or connects during the check makes another one due.
        self._checked_epoch[engine.name] = self._epoch(engine)
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
            connection.commit()
        self._unreachable.discard(engine.name)
        if state is not None and not state.reachable:
            logger.info('engine %s reachable again', engine.name)
            queue.due_now(self._db, engine.name)
        known_startup = state.startup_time if state else None
        if known_startup != info.startup_time:
            restarted = known_startup is not None
            if restarted:
                with self._db.engine.connect() as connection:
                    # What waited for a restart (system, transport sockets) is applied now.
                    engine_state.update(connection, engine.name, restart_required=None)
                    connection.commit()
            logger.info(
                'engine %s: %s, pushing everything', engine.name, 'Asterisk restarted' if restarted else 'first contact'
            )
            self._pusher.full_resync(engine, asterisk_empty=restarted, startup_time=info.startup_time)
        self._seen_startup[engine.name] = info.startup_time
        self._notify_applied()

    def _failed(self, engine, error):
        unreachable = isinstance(error, AriUnavailable)
        if unreachable:
            self._unreachable.add(engine.name)
        with self._db.engine.connect() as connection:
            state = engine_state.read(connection, engine.name)
            values = {'last_error': str(error), 'last_error_at': sa.func.now()}
            if unreachable:
                values['reachable'] = False
            engine_state.update(connection, engine.name, **values)
            connection.commit()
        if not unreachable:
            # Retried with backoff, maybe for days (no /etc/asterisk yet): said once, not at each retry.
            if state is not None and state.last_error == str(error):
                logger.debug('engine %s: applying failed again: %s', engine.name, error)
            else:
                # A file the service cannot write says all in its message; anything else needs its traceback.
                logger.error(
                    'engine %s: applying failed: %s',
                    engine.name,
                    error,
                    exc_info=None if isinstance(error, OSError) else error,
                )
        elif state is None or state.reachable:
            logger.warning('engine %s unreachable: %s', engine.name, error)
        else:
            logger.debug('engine %s still unreachable: %s', engine.name, error)


def _alive(listener):
    """Whether the LISTEN connection is still usable (not lost, not closed)."""
    return listener is not None and listener.is_valid and not listener.dbapi_connection.closed
