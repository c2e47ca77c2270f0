# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ...apply import acknowledged, engine_state, outbox
from ...engine_ids import engine_of
from ...errors import NotFound


class AsteriskSyncService:
    def __init__(self, db, engine_names, desired, endpoint_service):
        self._db = db
        self._engine_names = list(engine_names)
        self._desired = desired
        self._endpoints = endpoint_service

    def status(self):
        with self._db.engine.connect() as connection:
            return engine_state.report(connection, self._engine_names)

    def force_resync(self, engine_name=None):
        if engine_name and engine_name not in self._engine_names:
            raise NotFound('AsteriskEngine', name=engine_name)
        with self._db.unit_of_work() as uow:
            outbox.enqueue_engines(uow, outbox.KIND_RESYNC, [engine_name] if engine_name else self._engine_names)

    def endpoint_objects(self, tenant, uuid):
        """The objects this endpoint becomes, and whether its engine holds them as they should be."""
        row, _ = self._endpoints.get(tenant, uuid)
        engine = engine_of(row.asterisk_id)
        with self._db.read_only() as session:
            objects = self._desired.for_row(session, row)
            pending = outbox.has_pending(session, uuid, engine)
        with self._db.engine.connect() as connection:
            held = acknowledged.of_owner(connection, engine, uuid)
        return engine, objects, held, pending
