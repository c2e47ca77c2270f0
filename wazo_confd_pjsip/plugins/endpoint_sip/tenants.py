# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tenants this service holds rows for, as wazo-auth tells of them.

A tenant is recorded, with its default templates, on its first write or when wazo-auth announces
it (never by a read). Removing a tenant removes its endpoints and templates like the API would:
each one recorded as a deleted Change, so that the apply outbox takes its objects out of Asterisk
and the bus announces it, and its name released for others to use.
"""
import logging
import threading

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ...database.models import Tenant
from ...database.session import Action
from . import dao, notifier
from .defaults import create_default_templates

logger = logging.getLogger(__name__)


class TemplateLoop(Exception):
    pass


def children_first(template_uuids, parents_of):
    """The templates ordered so that none comes after one of its parents.

    parents_of: uuid → parent uuids; parents outside template_uuids are ignored. Deleting in
    this order never breaks endpoint_sip_parent's RESTRICT on the parent.
    """
    templates = list(template_uuids)
    members = set(templates)
    children_left = {uuid: 0 for uuid in templates}
    for uuid in templates:
        for parent in set(parents_of.get(uuid, ())) & members:
            children_left[parent] += 1
    ready = [uuid for uuid in templates if children_left[uuid] == 0]
    ordered = []
    while ready:
        uuid = ready.pop()
        ordered.append(uuid)
        for parent in set(parents_of.get(uuid, ())) & members:
            children_left[parent] -= 1
            if children_left[parent] == 0:
                ready.append(parent)
    if len(ordered) != len(templates):
        raise TemplateLoop(sorted(members - set(ordered)))
    return ordered


def recorded(session, tenant_uuid):
    """Whether the tenant has its row (recorded and not removed since)."""
    return session.execute(sa.select(Tenant.uuid).where(Tenant.uuid == tenant_uuid)).first() is not None


class Tenants:
    def __init__(self, db):
        self._db = db
        self._known = set()  # recorded, as far as this process knows: spares writes a lookup
        self._lock = threading.Lock()

    def ensure(self, uow, tenant_uuid):
        """In the caller's unit of work: the tenant, and its default templates if it is new."""
        if self._is_known(tenant_uuid):
            return
        statement = insert(Tenant).values(uuid=tenant_uuid).on_conflict_do_nothing().returning(Tenant.uuid)
        if uow.session.execute(statement).first() is not None:
            create_default_templates(uow, tenant_uuid)
        uow.on_commit(lambda: self._remember(tenant_uuid))

    def exists(self, tenant_uuid):
        with self._db.read_only() as session:
            return recorded(session, tenant_uuid)

    def add(self, tenant_uuid):
        """ensure() in a transaction of its own: a tenant wazo-auth announces."""
        if self._is_known(tenant_uuid):
            return
        with self._db.unit_of_work() as uow:
            self.ensure(uow, tenant_uuid)

    def remove(self, tenant_uuid):
        with self._db.unit_of_work() as uow:
            session = uow.session
            # Waits for, then blocks, requests adding objects to the tenant (they key-share lock its row).
            session.execute(sa.select(Tenant.uuid).where(Tenant.uuid == tenant_uuid).with_for_update())
            rows = dao.tenant_rows(session, tenant_uuid)
            endpoints = [row for row in rows if not row.template]
            templates = {row.uuid: row for row in rows if row.template}
            # Endpoints first: nothing inherits from them, and their parent links go with them.
            parents = dao.tenant_template_parents(session, tenant_uuid)
            ordered = endpoints + [templates[uuid] for uuid in children_first(templates, parents)]
            parents_of = dao.parents_of(session, [row.uuid for row in ordered])
            before = {row.uuid: notifier.state(row, parents_of[row.uuid]) for row in ordered}
            dao.delete(session, ordered)
            session.execute(sa.delete(Tenant).where(Tenant.uuid == tenant_uuid))
            for row in ordered:
                notifier.record(uow, Action.DELETED, row, before=before[row.uuid])
            uow.on_commit(lambda: self.forget(tenant_uuid))
        logger.info('tenant %s removed: %d endpoints, %d templates', tenant_uuid, len(endpoints), len(templates))

    def _is_known(self, tenant_uuid):
        with self._lock:
            return tenant_uuid in self._known

    def _remember(self, tenant_uuid):
        with self._lock:
            self._known.add(tenant_uuid)

    def forget(self, tenant_uuid):
        with self._lock:
            self._known.discard(tenant_uuid)


class TenantSync:
    """At start, every tenant the auth backend knows gets its defaults, as if just announced: the
    tenants made before this service, or while it was stopped with no bus, are usable from the
    first request. Retried in the background until the backend can tell."""

    def __init__(self, tenants, auth_backend, retry_interval=5.0):
        self._tenants = tenants
        self._auth_backend = auth_backend
        self._retry_interval = retry_interval
        self._stopping = threading.Event()
        self._thread = None
        self.done = threading.Event()

    def start(self):
        self._thread = threading.Thread(target=self._run, name='tenant-sync', daemon=True)
        self._thread.start()

    def stop(self):
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self):
        while not self._stopping.is_set():
            try:
                self.sync_once()
                return
            except Exception as e:  # wazo-auth or PostgreSQL not there yet: both come back
                logger.warning('tenants not synchronised yet, retrying in %ss: %s', self._retry_interval, e)
            self._stopping.wait(self._retry_interval)

    def sync_once(self):
        uuids = self._auth_backend.all_tenants()
        if uuids is None:
            logger.info('tenants: the auth backend cannot list them; each is recorded on its first write or event')
        for uuid in uuids or ():
            self._tenants.add(uuid)
        self.done.set()
