# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The change history: what the records say, and a revert, made through the resources' own services.

A revert restores a record's before-state as a normal write of the caller's: validated like any
write, recorded (a change of its own) and pushed to Asterisk by the same unit of work. It is
refused (Conflict, 409) when the resource is no longer as the change left it, or when what it
refers to (a parent template, a transport, its name) is no longer there to be had.
"""
from ...database.session import Resource
from ...errors import AlreadyExists, Conflict, NotFound, RelatedNotFound, StillAssociated, StillInherited
from ..endpoint_sip import dao as endpoint_dao
from ..endpoint_sip import notifier as endpoint_notifier
from ..endpoint_sip import tenants
from ..endpoint_sip.schema import load_create, load_update
from ..engine_settings import dao as engine_settings_dao
from ..transports import dao as transport_dao
from ..transports import notifier as transport_notifier
from . import dao
from .dao import HistoryQuery

WIRE_NAMES = {
    Resource.SIP_ENDPOINT.value: 'SIPEndpoint',
    Resource.SIP_ENDPOINT_TEMPLATE.value: 'SIPEndpointTemplate',
    Resource.SIP_TRANSPORT.value: 'Transport',
    Resource.PJSIP_GLOBAL.value: 'PJSIPGlobal',
    Resource.PJSIP_SYSTEM.value: 'PJSIPSystem',
}
_ENGINE_SETTING_RESOURCES = {Resource.PJSIP_GLOBAL.value: 'global', Resource.PJSIP_SYSTEM.value: 'system'}
# The refusals of a write that mean "the state is no longer what the record needs".
_STATE_REFUSALS = (AlreadyExists, RelatedNotFound, StillAssociated, StillInherited)


class HistoryService:
    def __init__(self, db, endpoints, templates, transports, engine_settings):
        self._db = db
        self._endpoints = endpoints
        self._templates = templates
        self._transports = transports
        self._engine_settings = engine_settings  # section → EngineSettingsService

    # reads

    def search(self, query, limit=None, offset=0):
        with self._db.read_only() as session:
            return dao.search(session, query, limit, offset)

    def of_resource(self, resource, resource_uuid, tenant_uuids, limit=None, offset=0):
        """The records of one resource the tenants may see; NotFound when there are none."""
        query = HistoryQuery(tenant_uuids=tenant_uuids, resources=(resource,), resource_uuid=resource_uuid)
        total, rows = self.search(query, limit, offset)
        if total == 0:
            raise NotFound(WIRE_NAMES[resource], uuid=resource_uuid)
        return total, rows

    # reverts

    def revert(self, tenant, resource, resource_uuid, change_uuid):
        """Restore the resource as it was before the change; returns the unit of work's new changes."""
        with self._db.unit_of_work() as uow:
            record = dao.find(uow.session, change_uuid)
            if record is None or record.resource != resource or record.resource_uuid != resource_uuid:
                raise NotFound('Change', uuid=change_uuid)
            if record.tenant_uuid is not None and not tenant.can_see(record.tenant_uuid):
                raise NotFound('Change', uuid=change_uuid)
            self._revert(uow, tenant, record)
        return uow.change_set_id, list(uow.changes)

    def revert_change_set(self, tenant, change_set_uuid, engine_wide_allowed):
        """Every change of the set, the newest first, in one unit of work: all reverted or none."""
        with self._db.unit_of_work() as uow:
            records = dao.change_set(uow.session, change_set_uuid)
            visible = [
                record
                for record in records
                if (engine_wide_allowed if record.tenant_uuid is None else tenant.can_see(record.tenant_uuid))
            ]
            if not records or len(visible) != len(records):
                raise NotFound('ChangeSet', uuid=change_set_uuid)
            for record in reversed(records):
                self._revert(uow, tenant, record)
        return uow.change_set_id, list(uow.changes)

    def _revert(self, uow, tenant, record):
        name = WIRE_NAMES[record.resource]
        what = f"{name} {record.resource_uuid or ''}".rstrip()
        current = self._current(uow.session, record)
        if _comparable(current) != _comparable(record.after):
            if current is None:
                raise Conflict(f'{what} was deleted after change {record.change_uuid}')
            if record.after is None:
                raise Conflict(f'{what} exists again after change {record.change_uuid}')
            raise Conflict(f'{what} was changed after change {record.change_uuid}')
        try:
            self._restore(uow, tenant, record)
        except _STATE_REFUSALS as refusal:
            raise Conflict(f'{what} cannot be restored as it was before change {record.change_uuid}', refusal)

    def _current(self, session, record):
        """The resource's body now, as the history keeps it (None: it does not exist)."""
        if record.resource in _ENGINE_SETTING_RESOURCES:
            return {
                'options': engine_settings_dao.options_of(
                    session, _ENGINE_SETTING_RESOURCES[record.resource], lock=True
                )
            }
        if record.resource == Resource.SIP_TRANSPORT.value:
            transport = transport_dao.find(session, record.resource_uuid, lock=True)
            return transport_notifier.summary(transport) if transport is not None else None
        template = record.resource == Resource.SIP_ENDPOINT_TEMPLATE.value
        row = endpoint_dao.find(session, record.resource_uuid, template, lock=True)
        if row is None:
            return None
        return endpoint_notifier.state(row, endpoint_dao.parents_of(session, [row.uuid])[row.uuid])

    def _restore(self, uow, tenant, record):
        before, uuid = record.before, record.resource_uuid
        if record.resource in _ENGINE_SETTING_RESOURCES:
            self._engine_settings[_ENGINE_SETTING_RESOURCES[record.resource]].replace_in(uow, dict(before['options']))
        elif record.resource == Resource.SIP_TRANSPORT.value:
            if before is None:
                self._transports.delete_in(uow, uuid)
            elif record.after is None:
                self._transports.create_in(uow, {'name': before['name'], 'options': before['options']}, uuid=uuid)
            else:
                self._transports.update_in(uow, uuid, {'name': before['name'], 'options': before['options']})
        else:
            service = self._templates if record.resource == Resource.SIP_ENDPOINT_TEMPLATE.value else self._endpoints
            if before is None:
                service.delete_in(uow, tenant, uuid)
            elif record.after is None:
                # Its tenant would come back with new default templates: a removed tenant stays removed.
                if not tenants.recorded(uow.session, record.tenant_uuid):
                    raise Conflict(f'tenant {record.tenant_uuid} of {uuid} was removed')
                service.create_in(uow, record.tenant_uuid, load_create(before), uuid=uuid)
            else:
                service.update_in(uow, tenant, uuid, load_update(before))


def _comparable(body):
    """A body as a revert compares it: parents by uuid only (a parent's label may change meanwhile), and
    without its line or trunk (a revert restores options, not associations)."""
    if body is None or 'templates' not in body:
        return body
    kept = {key: value for key, value in body.items() if key not in ('line', 'trunk')}
    return {**kept, 'templates': [template['uuid'] for template in body['templates']]}
