# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keeps what lines, their users and trunks add current, from wazo-confd's bus events.

Only the endpoints of the changed line, trunk or user are read again from wazo-confd, outside any
transaction; an endpoint whose additions did change is written with a change the apply outbox
pushes (and nothing else: no bus event, no history record, which are for this service's own
resources). A line or trunk deleted in wazo-confd takes its endpoint with it, as in Wazo.
"""
import logging

import sqlalchemy as sa

from ...database.models import EndpointSIP
from ...database.session import Action
from ..endpoint_sip import dao as endpoint_dao
from ..endpoint_sip import notifier
from . import notifier as line_notifier
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

    def refresh_every(self, side, tenant_uuid=None):
        """Read again every line (or trunk) used here, of `tenant_uuid` (of every tenant when None):
        after a change whose extent wazo-confd's event does not say (a call pickup's or group's
        members replaced: who left is not listed)."""
        column = getattr(EndpointSIP, side.attribute)
        query = sa.select(EndpointSIP.uuid, EndpointSIP.tenant_uuid, column).where(column.isnot(None))
        if tenant_uuid is not None:
            query = query.where(EndpointSIP.tenant_uuid == tenant_uuid)
        # every line of a tenant names the same call pickups: read once, not once a line
        self._refresh(side, query, self._source.reading_pickups_once())

    def refresh_users(self, user_uuids):
        """Read again the lines of these users: their variables are on every line of theirs."""
        users = sa.cast(list(user_uuids), EndpointSIP.wazo_user_uuids.type)
        query = sa.select(EndpointSIP.uuid, EndpointSIP.tenant_uuid, EndpointSIP.line_id).where(
            EndpointSIP.wazo_user_uuids.overlap(users), EndpointSIP.line_id.isnot(None)
        )
        self._refresh(LINE, query)

    def delete_endpoint_of(self, side, owner_id):
        """The line or trunk is deleted in wazo-confd, which deletes its endpoint with it: so is it here
        (with its event and history record, and out of Asterisk)."""
        column = getattr(EndpointSIP, side.attribute)
        with self._db.unit_of_work() as uow:
            session = uow.session
            rows = list(session.execute(sa.select(EndpointSIP).where(column == owner_id).with_for_update()).scalars())
            parents = endpoint_dao.parents_of(session, [row.uuid for row in rows])
            before = {row.uuid: notifier.state(row, parents[row.uuid]) for row in rows}
            endpoint_dao.delete(session, rows)
            for row in rows:
                logger.info('%s %s deleted in wazo-confd: its endpoint %s deleted', side.kind, owner_id, row.name)
                notifier.record(uow, Action.DELETED, row, before=before[row.uuid])

    def _refresh(self, side, query, source=None):
        with self._db.read_only() as session:
            found = session.execute(query).all()
        for endpoint_uuid, tenant_uuid, owner_id in found:
            # ConfdUnavailable goes up: the bus consumer tries the event again later
            wazo_options = side.read(source or self._source, tenant_uuid, owner_id)
            if wazo_options is None:  # deleted meanwhile: its own event deletes the endpoint
                logger.info(
                    '%s %s is no longer in wazo-confd: endpoint %s left as it is', side.kind, owner_id, endpoint_uuid
                )
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
                line_notifier.record_wazo_options(uow, row)
