# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import sqlalchemy as sa

from ... import names
from ...database.models import EndpointSIP, SIPTransport
from ...database.session import Change
from ...http.errors import AlreadyExistsError, InputError, NotFoundError, ResourceAssociatedError
from ...http.search import like_pattern
from ..option_checks import check_option_lines

RESOURCE = 'Transport'


def summary(transport):
    return {'uuid': transport.uuid, 'name': transport.name, 'options': transport.options}


class TransportService:
    def __init__(self, db, catalogue):
        self._db = db
        self._catalogue = catalogue

    def list(self, params):
        query = sa.select(SIPTransport)
        if params.search:
            query = query.where(SIPTransport.name.ilike(like_pattern(params.search)))
        if 'name' in params.filters:
            query = query.where(SIPTransport.name == params.filters['name'])
        if params.uuids is not None:
            query = query.where(SIPTransport.uuid.in_(params.uuids))
        with self._db.read_only() as session:
            total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
            column = getattr(SIPTransport, params.order)
            query = query.order_by(column.desc() if params.direction == 'desc' else column, SIPTransport.uuid)
            query = query.offset(params.offset).limit(params.limit)
            return total, list(session.execute(query).scalars())

    def get(self, uuid):
        with self._db.read_only() as session:
            return self._find(session, uuid)

    def create(self, body):
        with self._db.unit_of_work() as uow:
            return self.create_in(uow, body)

    def create_in(self, uow, body):
        """Create in the caller's unit of work (an import creates everything in one transaction)."""
        check_option_lines(self._catalogue, 'options', 'transport', body['options'])
        self._claim(uow.session, body['name'])
        transport = SIPTransport(name=body['name'], options=body['options'])
        uow.session.add(transport)
        uow.session.flush()
        uow.record(Change('sip_transport', 'created', transport.uuid, data=summary(transport)))
        return transport

    def update(self, uuid, body):
        if 'options' in body:
            check_option_lines(self._catalogue, 'options', 'transport', body['options'])
        with self._db.unit_of_work() as uow:
            transport = self._find(uow.session, uuid, lock=True)
            if 'name' in body and body['name'] != transport.name:
                old_name = transport.name

                def repoint():
                    transport.name = body['name']
                    uow.session.flush()

                self._rename(uow.session, old_name, body['name'], repoint)
            if 'options' in body:
                transport.options = body['options']
            uow.session.flush()
            uow.record(Change('sip_transport', 'edited', transport.uuid, data=summary(transport)))

    def delete(self, uuid, fallback_uuid=None):
        with self._db.unit_of_work() as uow:
            session = uow.session
            transport = self._find(session, uuid, lock=True)
            if fallback_uuid is not None:
                # Locked: a fallback deleted meanwhile would leave the re-pointed users on nothing.
                fallback = self._find(session, fallback_uuid, lock=True)
                if fallback.uuid == transport.uuid:
                    # Re-pointing onto the deleted transport would leave its users without one, silently.
                    raise InputError('fallback', 'Must be another transport than the deleted one')
                session.execute(
                    sa.update(EndpointSIP)
                    .where(EndpointSIP.transport_uuid == uuid)
                    .values(transport_uuid=fallback.uuid)
                )
            else:
                users = sa.select(EndpointSIP.uuid).where(EndpointSIP.transport_uuid == uuid)
                in_use = session.execute(users.limit(1)).first()
                if in_use is not None:
                    raise ResourceAssociatedError(RESOURCE, 'EndpointSIP', uuid=in_use.uuid)
            session.delete(transport)
            session.flush()
            names.release(session, transport.name)
            affects = (fallback_uuid,) if fallback_uuid else ()
            uow.record(Change('sip_transport', 'deleted', transport.uuid, data=summary(transport), affects=affects))

    def _claim(self, session, name):
        try:
            names.claim(session, name, 'transport')
        except names.NameTaken:
            raise AlreadyExistsError(RESOURCE, name=name)

    def _rename(self, session, old_name, new_name, repoint):
        try:
            names.rename(session, old_name, new_name, 'transport', repoint)
        except names.NameTaken:
            raise AlreadyExistsError(RESOURCE, name=new_name)

    def _find(self, session, uuid, lock=False):
        query = sa.select(SIPTransport).where(SIPTransport.uuid == uuid)
        if lock:
            query = query.with_for_update()
        transport = session.execute(query).scalar_one_or_none()
        if transport is None:
            raise NotFoundError(RESOURCE, uuid=uuid)
        return transport
