# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ... import names
from ...database.session import Action
from ...errors import AlreadyExists, InvalidInput, NotFound, StillAssociated
from ..endpoint_sip import dao as endpoint_dao
from . import dao, notifier
from .validator import check_options

RESOURCE = 'Transport'


class TransportService:
    """Engine-wide transports. Every write is one unit of work of `db` and records its Change
    (notifier.py), which the database built by core.py turns into outbox rows and bus events."""

    def __init__(self, db, catalogue):
        self._db = db
        self._catalogue = catalogue

    def list(self, params):
        with self._db.read_only() as session:
            return dao.search(session, params)

    def get(self, uuid):
        with self._db.read_only() as session:
            return self._find(session, uuid)

    def create(self, body):
        with self._db.unit_of_work() as uow:
            return self.create_in(uow, body)

    def create_in(self, uow, body, uuid=None):
        """Create in the caller's unit of work (an import creates everything in one transaction).
        uuid: the one to give it (a deleted one restored from its history), else a new one."""
        check_options(self._catalogue, body['options'])
        self._claim(uow.session, body['name'])
        transport = dao.insert(uow.session, body['name'], body['options'], uuid=uuid)
        notifier.record(uow, Action.CREATED, transport)
        return transport

    def update(self, uuid, body):
        with self._db.unit_of_work() as uow:
            self.update_in(uow, uuid, body)

    def update_in(self, uow, uuid, body):
        if 'options' in body:
            check_options(self._catalogue, body['options'])
        transport = self._find(uow.session, uuid, lock=True)
        before = notifier.summary(transport)
        if 'name' in body and body['name'] != transport.name:
            old_name = transport.name

            def repoint():
                transport.name = body['name']
                uow.session.flush()

            self._rename(uow.session, old_name, body['name'], repoint)
        if 'options' in body:
            transport.options = body['options']
        uow.session.flush()
        notifier.record(uow, Action.EDITED, transport, before=before)

    def delete(self, uuid, fallback_uuid=None):
        with self._db.unit_of_work() as uow:
            self.delete_in(uow, uuid, fallback_uuid)

    def delete_in(self, uow, uuid, fallback_uuid=None):
        session = uow.session
        transport = self._find(session, uuid, lock=True)
        before = notifier.summary(transport)
        if fallback_uuid is not None:
            # Locked: a fallback deleted meanwhile would leave the re-pointed users on nothing.
            fallback = self._find(session, fallback_uuid, lock=True)
            if fallback.uuid == transport.uuid:
                # Re-pointing onto the deleted transport would leave its users without one, silently.
                raise InvalidInput('fallback', 'Must be another transport than the deleted one')
            endpoint_dao.move_transport_users(session, uuid, fallback.uuid)
        else:
            user = endpoint_dao.a_transport_user(session, uuid)
            if user is not None:
                raise StillAssociated(RESOURCE, 'EndpointSIP', uuid=user)
        dao.delete(session, transport)
        names.release(session, transport.name)
        affects = (fallback_uuid,) if fallback_uuid else ()
        notifier.record(uow, Action.DELETED, transport, before=before, affects=affects)

    def _claim(self, session, name):
        try:
            names.claim(session, name, 'transport')
        except names.NameTaken:
            raise AlreadyExists(RESOURCE, name=name)

    def _rename(self, session, old_name, new_name, repoint):
        try:
            names.rename(session, old_name, new_name, 'transport', repoint)
        except names.NameTaken:
            raise AlreadyExists(RESOURCE, name=new_name)

    def _find(self, session, uuid, lock=False):
        transport = dao.find(session, uuid, lock=lock)
        if transport is None:
            raise NotFound(RESOURCE, uuid=uuid)
        return transport
