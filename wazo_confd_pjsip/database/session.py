# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Engine, sessions and the unit of work every change goes through.

A unit of work is one transaction plus the list of changes it made. Hooks run just before the
commit (inside the transaction: e.g. the Asterisk apply outbox) and just after it (outside: e.g.
bus events), so a failed request leaves no trace anywhere.
"""
import contextvars
import copy
import dataclasses
import enum
import logging
import uuid as uuid_lib
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)


class Resource(str, enum.Enum):
    """What a Change is about; the value names its bus events (`<resource>_<action>`)."""

    SIP_ENDPOINT = 'sip_endpoint'
    SIP_ENDPOINT_TEMPLATE = 'sip_endpoint_template'
    SIP_TRANSPORT = 'sip_transport'
    PJSIP_GLOBAL = 'pjsip_global'
    PJSIP_SYSTEM = 'pjsip_system'
    LINE_ENDPOINT_SIP = 'line_endpoint_sip'  # an endpoint and a wazo-confd line
    TRUNK_ENDPOINT_SIP = 'trunk_endpoint_sip'
    # what an endpoint's line or trunk adds changed in wazo-confd: pushed, neither published nor recorded
    SIP_ENDPOINT_WAZO_OPTIONS = 'sip_endpoint_wazo_options'


class Action(str, enum.Enum):
    CREATED = 'created'
    EDITED = 'edited'
    DELETED = 'deleted'
    UPDATED = 'updated'  # the singleton sections [global] and [system]
    ASSOCIATED = 'associated'  # of a line or trunk with an endpoint
    DISSOCIATED = 'dissociated'


@dataclasses.dataclass(frozen=True)
class Change:
    """One committed change of a row: read by the apply outbox (before commit) and the bus (after)."""

    resource: Resource
    action: Action
    uuid: str | None = None
    tenant_uuid: str | None = None
    data: dict = dataclasses.field(default_factory=dict)
    # other objects the change touched (e.g. a transport delete's fallback); for appliers, never published
    affects: tuple = ()
    # the resource's body before and after the change (None: it did not exist), for its history
    before: dict | None = None
    after: dict | None = None
    # its history record's change_uuid, carried by its bus event
    id: str = dataclasses.field(default_factory=lambda: str(uuid_lib.uuid4()))


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who makes the changes of a unit of work, as its history records it."""

    via: str  # 'api', 'cli', 'bus'
    user_uuid: str | None = None
    tenant_uuid: str | None = None
    auth_id: str | None = None  # wazo-auth's auth_id, the local backend's token name
    request_id: str | None = None


NO_ACTOR = Actor(via='service')


BeforeCommitHook = Callable[['UnitOfWork'], None]
AfterCommitHook = Callable[[list[Change]], None]


class UnitOfWork:
    def __init__(self, session, actor: Callable[[], Actor]):
        self.session = session
        self._actor = actor
        # one id for all the changes of this transaction (an import, a tenant removal: one change set)
        self.change_set_id = str(uuid_lib.uuid4())
        self.changes: list[Change] = []
        self.committed_callbacks: list[Callable[[], None]] = []
        # apply_outbox ids written in this transaction, for callers that wait until they are applied
        self.outbox_ids: list[int] = []

    def record(self, change: Change):
        self.changes.append(change)

    def on_commit(self, callback):
        """Run callback() once the transaction is committed (never if it is rolled back)."""
        self.committed_callbacks.append(callback)

    def actor(self) -> Actor:
        """Resolved when asked: who makes an HTTP request may cost a call to wazo-auth."""
        return self._actor()


def _commit_without_flush_wait(dbapi_connection, connection_record):
    with dbapi_connection.cursor() as cursor:
        cursor.execute('SET synchronous_commit TO OFF')
    dbapi_connection.commit()


class Database:
    """The connection pool, and the units of work with the hooks this database was built with.

    Hooks are fixed at construction (see `with_commit_hooks`): who reads a change is decided once,
    by the composition root, never by whoever loads last.
    """

    def __init__(self, uri, pool_size=10, *, durable=True):
        """durable=False: see `for_bookkeeping`."""
        self.engine = sa.create_engine(uri, future=True, pool_size=pool_size, max_overflow=10, pool_pre_ping=durable)
        if not durable:
            sa.event.listen(self.engine, 'connect', _commit_without_flush_wait)
        self._sessionmaker = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._before_commit: tuple[BeforeCommitHook, ...] = ()
        self._after_commit: tuple[AfterCommitHook, ...] = ()
        self._outbox_id_collector: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
            'outbox_ids', default=None
        )
        self._actor: contextvars.ContextVar[Callable[[], Actor]] = contextvars.ContextVar(
            'actor', default=lambda: NO_ACTOR
        )
        self._preview: contextvars.ContextVar[tuple[Callable, list] | None] = contextvars.ContextVar(
            'preview', default=None
        )

    def with_commit_hooks(
        self, before_commit: Sequence[BeforeCommitHook] = (), after_commit: Sequence[AfterCommitHook] = ()
    ) -> 'Database':
        """The same pool, whose units of work run these hooks: before commit, inside the transaction
        (the apply outbox), and after it (bus events)."""
        hooked = copy.copy(self)
        hooked._before_commit = tuple(before_commit)
        hooked._after_commit = tuple(after_commit)
        return hooked

    def for_bookkeeping(self, pool_size=3) -> 'Database':
        """A pool of its own on the same database, for the apply worker's bookkeeping (claims, what the
        engines acknowledged, settled rows), on the way of every change pushed.

        Its commits do not wait for their WAL flush (about 1 ms each): what a crash of PostgreSQL could
        lose of it is found again (claims expire; an endpoint whose record is lost is diffed against the
        older record and pushed again). Changes themselves are committed durably, by the API's pool. Its
        connections are not pinged at each checkout: one found dead fails that worker iteration, and the
        pool is renewed.
        """
        return Database(self.engine.url, pool_size, durable=False)

    @contextmanager
    def collecting_outbox_ids(self):
        """The outbox ids that the units of work committed in this context write: for ?wait_applied=."""
        ids: list[int] = []
        token = self._outbox_id_collector.set(ids)
        try:
            yield ids
        finally:
            self._outbox_id_collector.reset(token)

    @contextmanager
    def acting_as(self, actor: Callable[[], Actor]):
        """The units of work committed in this context are made by `actor()` (asked at most once each)."""
        token = self._actor.set(actor)
        try:
            yield
        finally:
            self._actor.reset(token)

    @contextmanager
    def previewing(self, preview):
        """Units of work in this context are dry runs: rolled back, never committed, no hook run.

        `preview(uow)` is called inside the transaction, once the changes are made, and returns a
        callable, called after the rollback (so that it holds no lock), whose result is appended to
        the list this context yields.
        """
        results: list = []
        token = self._preview.set((preview, results))
        try:
            yield results
        finally:
            self._preview.reset(token)

    @contextmanager
    def unit_of_work(self):
        session = self._sessionmaker()
        uow = UnitOfWork(session, self._actor.get())
        preview = self._preview.get()
        try:
            yield uow
            if preview is not None:
                finish = preview[0](uow)
                # Detached first: the caller still reads the rows it made, which a rollback would expire.
                session.expunge_all()
                session.rollback()
                preview[1].append(finish())
                return
            for hook in self._before_commit:
                hook(uow)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        collected = self._outbox_id_collector.get()
        if collected is not None:
            collected.extend(uow.outbox_ids)
        for callback in uow.committed_callbacks:
            callback()
        for hook in self._after_commit:
            try:
                hook(uow.changes)
            except Exception:
                # The change is committed; a notifier failing must not turn it into an error.
                logger.exception('after-commit hook %r failed', hook)

    @contextmanager
    def read_only(self):
        session = self._sessionmaker()
        try:
            yield session
        finally:
            # close() (not rollback()) detaches the rows without expiring them: callers keep reading them.
            session.close()

    def dispose(self):
        self.engine.dispose()
