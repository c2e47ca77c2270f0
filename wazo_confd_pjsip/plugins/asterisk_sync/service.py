# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import sqlalchemy as sa

from ...apply import acknowledged, engine_state
from ...apply.engines import engine_of
from ...apply.outbox import KIND_RESYNC, NOTIFY_CHANNEL, OutboxRecorder
from ...database.models import ApplyOutbox
from ...http.errors import NotFoundError


class AsteriskSyncService:
    def __init__(self, db, engines, desired, endpoint_service):
        self._db = db
        self._engines = engines
        self._desired = desired
        self._endpoints = endpoint_service

    def status(self):
        with self._db.engine.connect() as connection:
            return engine_state.report(connection, list(self._engines))

    def force_resync(self, engine_name=None):
        names = [engine_name] if engine_name else list(self._engines)
        if engine_name and engine_name not in self._engines:
            raise NotFoundError('AsteriskEngine', name=engine_name)
        with self._db.unit_of_work() as uow:
            OutboxRecorder.enqueue_engines(uow.session, KIND_RESYNC, names)
            uow.session.execute(sa.text(f'NOTIFY {NOTIFY_CHANNEL}'))

    def endpoint_objects(self, tenant, uuid):
        """The objects this endpoint becomes, and whether its engine holds them as they should be."""
        row, _ = self._endpoints.get(tenant, uuid)
        engine = engine_of(row.asterisk_id)
        with self._db.read_only() as session:
            objects = self._desired.for_row(session, row)
            pending = session.execute(
                sa.select(sa.func.count()).where(ApplyOutbox.owner_uuid == uuid, ApplyOutbox.engine == engine)
            ).scalar()
        with self._db.engine.connect() as connection:
            held = acknowledged.of_owner(connection, engine, uuid)
        return engine, objects, held, pending > 0
