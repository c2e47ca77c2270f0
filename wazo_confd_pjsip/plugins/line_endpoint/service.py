# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which wazo-confd line or trunk uses an endpoint: PUT/DELETE /lines/{id}/endpoints/sip/{uuid}, and trunks'.

wazo-confd's rules (its line_endpoint and trunk_endpoint plugins): a line or trunk has one endpoint
and an endpoint one line or trunk; associating a pair again, or dissociating a pair that is not
associated, changes nothing (204, no event); deleting the endpoint ends its association, without a
dissociation event. Lines and trunks are wazo-confd's. With a wazo-confd configured, associating
reads the line (its users, voicemails) or trunk there first: one wazo-confd does not have in the
endpoint's tenant is refused, and what it adds to the Asterisk objects is kept on the endpoint's
row (line_additions/). Standalone, only the id is kept, unchecked.
"""
import dataclasses

import sqlalchemy as sa

from ...database.session import Action, Resource
from ...errors import NotFound, StillAssociated, Unavailable
from ...line_additions.confd_client import ConfdUnavailable
from ..endpoint_sip import dao as endpoint_dao
from . import notifier


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

    def read(self, source, tenant_uuid, owner_id):
        """WazoOptions of the line or trunk from the ConfdSource, None when wazo-confd has none such."""
        return getattr(source, self.kind)(tenant_uuid, owner_id)

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
    def __init__(self, db, side, source=None):
        """source: the line_additions ConfdSource, None without wazo-confd (standalone)."""
        self._db = db
        self._side = side
        self._source = source

    def associate(self, tenant, owner_id, endpoint_uuid):
        side = self._side
        self._check_id(owner_id)
        wazo_options = self._read_wazo_options(tenant, owner_id, endpoint_uuid)
        with self._db.unit_of_work() as uow:
            session = uow.session
            # Two associations with one line are one after the other: the second sees the first.
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f'{side.kind}:{owner_id}'))))
            row = self._endpoint(session, tenant, endpoint_uuid)
            if getattr(row, side.attribute) == owner_id:
                return
            current = endpoint_dao.associated_with(session, side.attribute, owner_id)
            if current is not None:
                raise StillAssociated(
                    side.resource_name,
                    'Endpoint',
                    **{side.attribute: owner_id, 'endpoint': 'sip', 'endpoint_id': current.uuid},
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
            set_wazo_options(row, wazo_options)
            session.flush()
            notifier.record_association(uow, side, Action.ASSOCIATED, row, owner_id)

    def dissociate(self, tenant, owner_id, endpoint_uuid):
        self._check_id(owner_id)
        if self._source is not None and self._side is LINE:
            self._refuse_if_line_in_use(tenant, owner_id, endpoint_uuid)
        with self._db.unit_of_work() as uow:
            row = self._endpoint(uow.session, tenant, endpoint_uuid)
            if getattr(row, self._side.attribute) != owner_id:
                return
            setattr(row, self._side.attribute, None)
            set_wazo_options(row, None)
            uow.session.flush()
            notifier.record_association(uow, self._side, Action.DISSOCIATED, row, owner_id)

    def _refuse_if_line_in_use(self, tenant, line_id, endpoint_uuid):
        """wazo-confd's rule: a line that still has users, extensions or a device keeps its endpoint."""
        with self._db.read_only() as session:
            row = self._endpoint(session, tenant, endpoint_uuid, lock=False)
        if row.line_id != line_id:
            return
        try:
            members = self._source.line_members(row.tenant_uuid, line_id)
        except ConfdUnavailable as e:
            raise Unavailable(f'cannot read line {line_id} from wazo-confd: {e}') from e
        if members is None:
            return  # gone from wazo-confd: nothing holds it
        for associated, ids in (('User', 'user_ids'), ('Extension', 'extension_ids')):
            if members[ids]:
                raise StillAssociated('Line', associated, line_id=line_id, **{ids: ','.join(map(str, members[ids]))})
        if members['device_id'] is not None:
            raise StillAssociated('Line', 'Device', line_id=line_id, device_id=members['device_id'])

    def _read_wazo_options(self, tenant, owner_id, endpoint_uuid):
        """What the line or trunk adds, read before the transaction (no row stays locked on wazo-confd)."""
        if self._source is None:
            return None
        with self._db.read_only() as session:
            tenant_uuid = self._endpoint(session, tenant, endpoint_uuid, lock=False).tenant_uuid
        side = self._side
        try:
            wazo_options = side.read(self._source, tenant_uuid, owner_id)
        except ConfdUnavailable as e:
            raise Unavailable(f'cannot read {side.kind} {owner_id} from wazo-confd: {e}') from e
        if wazo_options is None:
            raise NotFound(side.resource_name, id=owner_id)
        return wazo_options

    def _check_id(self, owner_id):
        if not 0 < owner_id <= MAX_ID:
            raise NotFound(self._side.resource_name, id=owner_id)

    def _endpoint(self, session, tenant, endpoint_uuid, lock=True):
        # A template's uuid is no endpoint's (wazo-confd: 404 SIPEndpoint).
        row = endpoint_dao.find(session, endpoint_uuid, template=False, lock=lock)
        if row is None or not tenant.can_see(row.tenant_uuid):
            raise NotFound('SIPEndpoint', uuid=endpoint_uuid)
        return row


def set_wazo_options(row, wazo_options):
    """Keep what a line or trunk adds (line_additions.WazoOptions) on the endpoint's row; None: nothing."""
    row.wazo_options = wazo_options.sections if wazo_options else None
    row.wazo_user_uuids = list(wazo_options.user_uuids) if wazo_options and wazo_options.user_uuids else None


class UserLines:
    """The endpoint of a wazo-confd user's line (GET /users/{uuid}/lines/{id|main}/associated/endpoints/sip).

    The user and its lines, main line first, are wazo-confd's; the user is read in the request's tenant.
    """

    def __init__(self, db, source=None):
        self._db = db
        self._source = source

    def endpoint_uuid(self, tenant, user_uuid, line_ref):
        """line_ref: a line id, or 'main' for the user's main line."""
        if self._source is None:
            raise Unavailable("no wazo-confd is configured (confd.enabled: false): users and their lines are its own")
        try:
            line_id = self._line_id(tenant, user_uuid, line_ref)
        except ConfdUnavailable as e:
            raise Unavailable(f'cannot read user {user_uuid} from wazo-confd: {e}') from e
        with self._db.read_only() as session:
            row = endpoint_dao.associated_with(session, LINE.attribute, line_id)
        if row is None or not tenant.can_see(row.tenant_uuid):
            raise NotFound('SIPEndpoint', user_uuid=user_uuid, line_id=line_id)
        return row.uuid

    def _line_id(self, tenant, user_uuid, line_ref):
        user = self._source.user(tenant.uuid, user_uuid)
        if user is None:
            raise NotFound('User', uuid=user_uuid)
        line_ids = [line['id'] for line in user.get('lines') or []]
        if line_ref == 'main':
            if not line_ids:
                raise NotFound('Line', user_uuid=user_uuid, id='main')
            return line_ids[0]
        try:
            line_id = int(line_ref)
        except ValueError:
            raise NotFound('Line', id=line_ref) from None
        if line_id not in line_ids:
            if not self._source.has_line(tenant.uuid, line_id):
                raise NotFound('Line', id=line_ref)
            raise NotFound('SIPEndpoint', user_uuid=user_uuid, line_id=line_id)
        return line_id
