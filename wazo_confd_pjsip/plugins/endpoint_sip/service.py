# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ... import names
from ...database.effective import effective_configs
from ...database.session import Action
from ...errors import AlreadyExists, NotFound, StillInherited
from ...sections import SECTIONS, field_name
from . import dao, notifier, validator

_RESOURCES = {False: 'SIPEndpoint', True: 'SIPEndpointTemplate'}


class EndpointSIPService:
    """Endpoints (template=False) or templates (template=True) of the tenants.

    Every write is one unit of work of `db` and records its Change (notifier.py): the database
    built by core.py turns it into apply outbox rows inside the transaction (what reaches
    Asterisk), then into bus events once committed.
    """

    def __init__(self, db, catalogue, tenants, engine_names, template):
        self._db = db
        self._catalogue = catalogue
        self._tenants = tenants
        self._engine_names = engine_names
        self.template = template
        self.resource = _RESOURCES[template]
        self._name_kind = 'template' if template else 'endpoint'

    # reads

    def list(self, tenant, params, template_uuid=None):
        with self._db.read_only() as session:
            scope = tenant.list_scope(params.recurse)
            total, rows = dao.search(session, self.template, scope, params, template_uuid)
            parents = dao.parents_of(session, [row.uuid for row in rows])
        return total, [(row, parents[row.uuid]) for row in rows]

    def get(self, tenant, uuid):
        with self._db.read_only() as session:
            row = self._find(session, tenant, uuid)
            return row, dao.parents_of(session, [uuid])[uuid]

    def get_merged(self, tenant, uuid):
        """The row, its parents, and what it ends up with after inheritance (database.effective.Effective)."""
        with self._db.read_only() as session:
            row = self._find(session, tenant, uuid)
            parents = dao.parents_of(session, [uuid])[uuid]
            effective = effective_configs(session, [row], self._catalogue.is_repeatable)[row.uuid]
        return row, parents, effective

    # writes

    def create(self, tenant, body):
        with self._db.unit_of_work() as uow:
            row, parents = self.create_in(uow, tenant.uuid, body)
        return row, parents

    def create_in(self, uow, tenant_uuid, body, uuid=None):
        """Create in the caller's unit of work (an import creates many objects in one transaction).

        `body` is a loaded create body (see schema.load_create); uuid: the one to give it (a deleted
        one restored from its history), else a new one.
        """
        validator.check_sections(self._catalogue, body)
        validator.check_asterisk_id(self._engine_names, body['asterisk_id'], self.template)
        parent_uuids = [str(ref['uuid']) for ref in body['templates']]
        transport_uuid = _transport_uuid(body)
        session = uow.session
        self._tenants.ensure(uow, tenant_uuid)
        validator.check_parents(session, None, tenant_uuid, parent_uuids, self.template)
        validator.check_transport(session, transport_uuid)
        row = dao.insert(
            session,
            uuid=uuid,
            tenant_uuid=tenant_uuid,
            template=self.template,
            name=self._claim_name(session, body.get('name')),
            label=body['label'],
            asterisk_id=body['asterisk_id'],
            transport_uuid=transport_uuid,
            options={section: body[field_name(section)] for section in SECTIONS},
            parent_uuids=parent_uuids,
        )
        parents = dao.parents_of(session, [row.uuid])[row.uuid]
        notifier.record(uow, Action.CREATED, row, parents=parents)
        return row, parents

    def update(self, tenant, uuid, body):
        with self._db.unit_of_work() as uow:
            self.update_in(uow, tenant, uuid, body)

    def update_in(self, uow, tenant, uuid, body):
        """Update in the caller's unit of work; `body` is a loaded update body (schema.load_update)."""
        validator.check_sections(self._catalogue, body)
        if 'asterisk_id' in body:
            validator.check_asterisk_id(self._engine_names, body['asterisk_id'], self.template)
        session = uow.session
        if self.template and 'templates' in body:
            # Before the row lock, always in this order, so that two such updates cannot deadlock.
            dao.lock_template_graph(session, self._find(session, tenant, uuid).tenant_uuid)
        row = self._find(session, tenant, uuid, lock=True)
        parents = dao.parents_of(session, [row.uuid])[row.uuid]
        before = notifier.state(row, parents)
        if 'templates' in body:
            parents = None  # read again once changed
            parent_uuids = [str(ref['uuid']) for ref in body['templates']]
            validator.check_parents(session, row.uuid, row.tenant_uuid, parent_uuids, self.template)
            dao.set_parents(session, row.uuid, parent_uuids)
        if 'transport' in body:
            transport_uuid = _transport_uuid(body)
            # checked before it is set: the check's query would flush a dangling reference
            validator.check_transport(session, transport_uuid)
            row.transport_uuid = transport_uuid
        if 'name' in body and body['name'] != row.name:
            self._rename(session, row, body['name'])
        for key in ('label', 'asterisk_id'):
            if key in body:
                setattr(row, key, body[key])
        options = dict(row.options)
        for section in SECTIONS:
            if field_name(section) in body:
                options[section] = body[field_name(section)]
        row.options = options
        row.search_text = dao.search_text(row.name, row.label, row.asterisk_id)
        session.flush()
        notifier.record(uow, Action.EDITED, row, before=before, parents=parents)

    def delete(self, tenant, uuid):
        with self._db.unit_of_work() as uow:
            self.delete_in(uow, tenant, uuid)

    def delete_in(self, uow, tenant, uuid):
        session = uow.session
        row = self._find(session, tenant, uuid, lock=True)
        if self.template:
            self._refuse_if_inherited(session, row)
        before = notifier.state(row, dao.parents_of(session, [row.uuid])[row.uuid])
        dao.delete(session, [row])
        notifier.record(uow, Action.DELETED, row, before=before)

    # helpers

    def _find(self, session, tenant, uuid, lock=False):
        row = dao.find(session, uuid, self.template, lock=lock)
        if row is None or not tenant.can_see(row.tenant_uuid):
            raise NotFound(self.resource, uuid=uuid)
        return row

    def _claim_name(self, session, name):
        if name is None:
            return names.generate(session, self._name_kind)
        try:
            names.claim(session, name, self._name_kind)
        except names.NameTaken:
            raise AlreadyExists(self.resource, name=name)
        return name

    def _rename(self, session, row, new_name):
        def repoint():
            row.name = new_name
            session.flush()

        try:
            names.rename(session, row.name, new_name, self._name_kind, repoint)
        except names.NameTaken:
            raise AlreadyExists(self.resource, name=new_name)

    def _refuse_if_inherited(self, session, row):
        children = dao.direct_children(session, row.uuid)
        if children:
            raise StillInherited(
                'SIPEndpointTemplate',
                [(_RESOURCES[child.template], child.name, child.uuid) for child in children],
            )


def _transport_uuid(body):
    transport = body.get('transport')
    return str(transport['uuid']) if transport else None
