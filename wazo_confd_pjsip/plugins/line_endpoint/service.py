# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which wazo-confd line or trunk uses an endpoint: PUT/DELETE /lines/{id}/endpoints/sip/{uuid}, and trunks'.

wazo-confd's rules (its line_endpoint and trunk_endpoint plugins): a line or trunk has one endpoint
and an endpoint one line or trunk; associating a pair again, or dissociating a pair that is not
associated, changes nothing (204, no event); deleting the endpoint ends its association, without a
dissociation event. Lines and trunks are wazo-confd's: only their ids are kept (on the endpoint's
row); this service does not check that they exist, nor their tenant.
"""
import dataclasses

import sqlalchemy as sa

from ...database.models import EndpointSIP
from ...database.session import Action, Change, Resource
from ...errors import NotFound, StillAssociated
from ..endpoint_sip import dao as endpoint_dao
from ..endpoint_sip.notifier import event_summary


@dataclasses.dataclass(frozen=True)
class Side:
    """A line or a trunk, as the endpoint's row and wazo-confd's words and events name it."""

    kind: str  # 'line', 'trunk'
    resource_name: str  # in errors: 'Line', 'Trunk'
    resource: Resource
    summary_fields: tuple[str, ...]  # of the endpoint, in the events (wazo-confd's notifiers)

    @property
    def attribute(self):
        return f'{self.kind}_id'

    def owner_summary(self, row, owner_id):
        summary = {'id': owner_id, 'tenant_uuid': row.tenant_uuid}
        # A line's name is its endpoint's (wazo-confd sets it when they are associated).
        return {**summary, 'name': row.name} if self.kind == 'line' else summary


LINE = Side(
    'line', 'Line', Resource.LINE_ENDPOINT_SIP, ('uuid', 'tenant_uuid', 'label', 'name', 'auth_section_options')
)
TRUNK = Side(
    'trunk',
    'Trunk',
    Resource.TRUNK_ENDPOINT_SIP,
    ('uuid', 'tenant_uuid', 'name', 'auth_section_options', 'registration_section_options'),
)
SIDES = (LINE, TRUNK)
MAX_ID = 2**31 - 1  # wazo-confd's ids are PostgreSQL integers: a larger one is no line's


class EndpointAssociations:
    def __init__(self, db, side):
        self._db = db
        self._side = side

    def associate(self, tenant, owner_id, endpoint_uuid):
        side = self._side
        self._check_id(owner_id)
        with self._db.unit_of_work() as uow:
            session = uow.session
            # Two associations with one line are one after the other: the second sees the first.
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f'{side.kind}:{owner_id}'))))
            row = self._endpoint(session, tenant, endpoint_uuid)
            if getattr(row, side.attribute) == owner_id:
                return
            current = session.execute(
                sa.select(EndpointSIP.uuid).where(getattr(EndpointSIP, side.attribute) == owner_id)
            ).scalar()
            if current is not None:
                raise StillAssociated(
                    side.resource_name,
                    'Endpoint',
                    **{side.attribute: owner_id, 'endpoint': 'sip', 'endpoint_id': current},
                )
            for other in SIDES:
                other_id = getattr(row, other.attribute)
                if other_id is not None:
                    raise StillAssociated(
                        other.resource_name,
                        'Endpoint',
                        **{other.attribute: other_id, 'endpoint': 'sip', 'endpoint_uuid': row.uuid},
                    )
            setattr(row, side.attribute, owner_id)
            session.flush()
            uow.record(self._change(Action.ASSOCIATED, row, owner_id))

    def dissociate(self, tenant, owner_id, endpoint_uuid):
        self._check_id(owner_id)
        with self._db.unit_of_work() as uow:
            row = self._endpoint(uow.session, tenant, endpoint_uuid)
            if getattr(row, self._side.attribute) != owner_id:
                return
            setattr(row, self._side.attribute, None)
            uow.session.flush()
            uow.record(self._change(Action.DISSOCIATED, row, owner_id))

    def _check_id(self, owner_id):
        if not 0 < owner_id <= MAX_ID:
            raise NotFound(self._side.resource_name, id=owner_id)

    def _endpoint(self, session, tenant, endpoint_uuid):
        # A template's uuid is no endpoint's (wazo-confd: 404 SIPEndpoint).
        row = endpoint_dao.find(session, endpoint_uuid, template=False, lock=True)
        if row is None or not tenant.can_see(row.tenant_uuid):
            raise NotFound('SIPEndpoint', uuid=endpoint_uuid)
        return row

    def _change(self, action, row, owner_id):
        side = self._side
        summary = event_summary(row)
        data = {
            side.kind: side.owner_summary(row, owner_id),
            'endpoint_sip': {field: summary[field] for field in side.summary_fields},
        }
        return Change(side.resource, action, row.uuid, row.tenant_uuid, data)
