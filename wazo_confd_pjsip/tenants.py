# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenants are recorded the first time they are seen; listeners then give them their defaults."""
import threading

from sqlalchemy.dialects.postgresql import insert

from .database.models import Tenant


class TenantRegistry:
    def __init__(self):
        self._known = set()
        self._lock = threading.Lock()
        # callables (uow, tenant_uuid), run in the transaction that records the tenant
        self.created_listeners = []

    def ensure(self, uow, tenant_uuid):
        with self._lock:
            if tenant_uuid in self._known:
                return
        statement = insert(Tenant).values(uuid=tenant_uuid).on_conflict_do_nothing().returning(Tenant.uuid)
        created = uow.session.execute(statement).first() is not None
        if created:
            for listener in self.created_listeners:
                listener(uow, tenant_uuid)
        uow.on_commit(lambda: self._remember(tenant_uuid))

    def ensure_known(self, db, tenant_uuid):
        """ensure() in a transaction of its own, skipped when the tenant is already known."""
        with self._lock:
            if tenant_uuid in self._known:
                return
        with db.unit_of_work() as uow:
            self.ensure(uow, tenant_uuid)

    def forget(self, tenant_uuid):
        with self._lock:
            self._known.discard(tenant_uuid)

    def _remember(self, tenant_uuid):
        with self._lock:
            self._known.add(tenant_uuid)
