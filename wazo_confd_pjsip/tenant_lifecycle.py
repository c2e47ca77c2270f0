# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenants created and deleted in wazo-auth (told by the bus): their defaults, and their removal.

Removing a tenant removes its endpoints and templates like the API would: each one recorded as
a deleted Change, so that the apply outbox takes its objects out of Asterisk and the bus
announces it, and its name released for others to use.
"""
import logging

import sqlalchemy as sa

from .database.models import EndpointSIP, PJSIPObjectName, Tenant
from .database.session import Change
from .plugins.endpoint_sip import dao
from .plugins.endpoint_sip.representation import event_summary

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


class TenantLifecycle:
    def __init__(self, db, tenants):
        self._db = db
        self._tenants = tenants

    def add(self, tenant_uuid):
        """The tenant and its default templates, unless it already exists."""
        self._tenants.ensure_known(self._db, tenant_uuid)

    def remove(self, tenant_uuid):
        with self._db.unit_of_work() as uow:
            session = uow.session
            # Waits for, then blocks, requests adding objects to the tenant (they key-share lock its row).
            session.execute(sa.select(Tenant.uuid).where(Tenant.uuid == tenant_uuid).with_for_update())
            rows = (
                session.execute(
                    sa.select(EndpointSIP)
                    .where(EndpointSIP.tenant_uuid == tenant_uuid)
                    .order_by(EndpointSIP.name)
                    .with_for_update()
                )
                .scalars()
                .all()
            )
            endpoints = [row for row in rows if not row.template]
            templates = {row.uuid: row for row in rows if row.template}
            # Endpoints first: nothing inherits from them, and their parent links go with them.
            _delete_rows(session, [row.uuid for row in endpoints])
            ordered_templates = [
                templates[uuid] for uuid in children_first(templates, dao.tenant_template_parents(session, tenant_uuid))
            ]
            for row in ordered_templates:
                _delete_rows(session, [row.uuid])
            session.execute(sa.delete(PJSIPObjectName).where(PJSIPObjectName.name.in_([row.name for row in rows])))
            session.execute(sa.delete(Tenant).where(Tenant.uuid == tenant_uuid))
            for row in endpoints + ordered_templates:
                resource = 'sip_endpoint_template' if row.template else 'sip_endpoint'
                uow.record(Change(resource, 'deleted', row.uuid, tenant_uuid, event_summary(row, row.template)))
            uow.on_commit(lambda: self._tenants.forget(tenant_uuid))
        logger.info('tenant %s removed: %d endpoints, %d templates', tenant_uuid, len(endpoints), len(templates))


def _delete_rows(session, uuids):
    if uuids:
        session.execute(
            sa.delete(EndpointSIP).where(EndpointSIP.uuid.in_(uuids)).execution_options(synchronize_session=False)
        )
