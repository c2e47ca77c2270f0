# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keeps what lines, their users and trunks add current, from wazo-confd's bus events.

Only the endpoints of the changed line, trunk or user are read again from wazo-confd, outside any
transaction; an endpoint whose additions did change is written with a change the apply outbox
pushes (and nothing else: no bus event, no history record, which are for this service's own
resources). A line or trunk deleted in wazo-confd ends its association.
"""
import logging

import sqlalchemy as sa

from ...database.models import EndpointSIP
from ...database.session import Action, Change, Resource
from .service import LINE, set_wazo_options

logger = logging.getLogger(__name__)


class WazoOptionsRefresher:
    def __init__(self, db, source):
        self._db = db
        self._source = source

    def refresh(self, side, owner_ids):
        """Read again the lines (or trunks) `owner_ids` for the endpoints that use them."""
        column = getattr(EndpointSIP, side.attribute)
        self._refresh(side, sa.select(EndpointSIP.uuid, EndpointSIP.tenant_uuid, column).where(column.in_(owner_ids)))

    def refresh_every(self, side):
        """Read again every line (or trunk) used here: after a change whose extent wazo-confd's event
        does not say (a call pickup's or group's members replaced: who left is not listed)."""
        column = getattr(EndpointSIP, side.attribute)
        self._refresh(side, sa.select(EndpointSIP.uuid, EndpointSIP.tenant_uuid, column).where(column.isnot(None)))

    def refresh_users(self, user_uuids):
        """Read again the lines of these users: their variables are on every line of theirs."""
        users = sa.cast(list(user_uuids), EndpointSIP.wazo_user_uuids.type)
        query = sa.select(EndpointSIP.uuid, EndpointSIP.tenant_uuid, EndpointSIP.line_id).where(
            EndpointSIP.wazo_user_uuids.overlap(users), EndpointSIP.line_id.isnot(None)
        )
        self._refresh(LINE, query)

    def forget(self, side, owner_id):
        """The line or trunk is gone from wazo-confd: its endpoint is no longer associated with it."""
        column = getattr(EndpointSIP, side.attribute)
        with self._db.unit_of_work() as uow:
            rows = uow.session.execute(sa.select(EndpointSIP).where(column == owner_id).with_for_update()).scalars()
            for row in rows:
                setattr(row, side.attribute, None)
                set_wazo_options(row, None)
                uow.record(_change(row))

    def _refresh(self, side, query):
        with self._db.read_only() as session:
            found = session.execute(query).all()
        for endpoint_uuid, tenant_uuid, owner_id in found:
            # ConfdUnavailable goes up: the bus consumer tries the event again later
            wazo_options = side.read(self._source, tenant_uuid, owner_id)
            if wazo_options is None:
                self.forget(side, owner_id)
            else:
                self._store(side, endpoint_uuid, owner_id, wazo_options)

    def _store(self, side, endpoint_uuid, owner_id, wazo_options):
        with self._db.unit_of_work() as uow:
            row = uow.session.get(EndpointSIP, endpoint_uuid, with_for_update=True)
            if row is None or getattr(row, side.attribute) != owner_id:
                return  # dissociated or deleted meanwhile
            before = (row.wazo_options, row.wazo_user_uuids)
            set_wazo_options(row, wazo_options)
            if (row.wazo_options, row.wazo_user_uuids) != before:
                logger.info('%s %s changed in wazo-confd: endpoint %s pushed again', side.kind, owner_id, row.name)
                uow.record(_change(row))


def _change(row):
    return Change(Resource.SIP_ENDPOINT_WAZO_OPTIONS, Action.EDITED, row.uuid, row.tenant_uuid)
