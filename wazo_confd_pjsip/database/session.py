# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Engine, sessions and the unit of work every change goes through.

A unit of work is one transaction plus the list of changes it made. Hooks run just before the
commit (inside the transaction: e.g. the Asterisk apply outbox) and just after it (outside: e.g.
bus events), so a failed request leaves no trace anywhere.
"""
import dataclasses
import logging
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Change:
    resource: str  # sip_endpoint, sip_endpoint_template, sip_transport, pjsip_global, pjsip_system
    action: str  # created, edited, deleted
    uuid: str | None = None
    tenant_uuid: str | None = None
    data: dict = dataclasses.field(default_factory=dict)
    # other objects the change touched (e.g. a transport delete's fallback); for appliers, never published
    affects: tuple = ()


class UnitOfWork:
    def __init__(self, session):
        self.session = session
        self.changes = []
        self.committed_callbacks = []

    def record(self, change):
        self.changes.append(change)

    def on_commit(self, callback):
        """Run callback() once the transaction is committed (never if it is rolled back)."""
        self.committed_callbacks.append(callback)


class Database:
    def __init__(self, uri, pool_size=10):
        self.engine = sa.create_engine(uri, future=True, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)
        self._sessionmaker = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.before_commit_hooks = []  # hook(uow), inside the transaction
        self.after_commit_hooks = []  # hook(changes), once committed

    @contextmanager
    def unit_of_work(self):
        session = self._sessionmaker()
        uow = UnitOfWork(session)
        try:
            yield uow
            for hook in self.before_commit_hooks:
                hook(uow)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for callback in uow.committed_callbacks:
            callback()
        for hook in self.after_commit_hooks:
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
