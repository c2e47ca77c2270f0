# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Endpoints and 3-level templates inserted straight into the database, for the apply benchmark.

Rows are what the services would write (names claimed, parents in order, search text); only the
HTTP layer and per-row validation are skipped, so that 10,000 endpoints take seconds.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from wazo_confd_pjsip.database.models import EndpointSIP, EndpointSIPParent, PJSIPObjectName, Tenant

BATCH = 1000


def _template_options(level, tenant_index):
    return {
        1: {
            'aor': [['max_contacts', '1'], ['qualify_frequency', '60']],
            'endpoint': [['allow', '!all,ulaw'], ['dtmf_mode', 'rfc4733'], ['language', 'en_US']],
        },
        2: {'endpoint': [['context', f'tenant{tenant_index}'], ['set_var', 'LEVEL=2'], ['allow', 'alaw']]},
        3: {'endpoint': [['direct_media', 'no'], ['set_var', 'LEVEL=3']]},
    }[level]


def _endpoint_options(serial):
    name = f'bench{serial:06d}'
    return {
        'auth': [['username', name], ['password', f'secret-{serial}']],
        'aor': [['max_contacts', '2']],
        'endpoint': [['callerid', f'"User {serial}" <{1000 + serial}>']],
    }


class BulkPopulation:
    def __init__(self, db, tenant_count):
        self._db = db
        self._tenant_count = tenant_count
        self._leaf_templates = []  # per tenant index
        self.endpoint_uuids = []

    def grow_to(self, count):
        with self._db.engine.begin() as connection:
            if not self._leaf_templates:
                self._leaf_templates = [
                    self._tenant_with_templates(connection, index) for index in range(self._tenant_count)
                ]
            serials = range(len(self.endpoint_uuids), count)
            for start in range(0, len(serials), BATCH):
                batch = serials[start : start + BATCH]
                self.endpoint_uuids += self._insert_endpoints(
                    connection,
                    [
                        (
                            f'bench{serial:06d}',
                            *self._leaf_templates[serial % self._tenant_count],
                            _endpoint_options(serial),
                        )
                        for serial in batch
                    ],
                )

    def fan_out_template(self, count):
        """A template in a tenant of its own with `count` new endpoints inheriting from it, not yet pushed.

        They reach Asterisk with the next full push: created one by one, each new aor would cost
        Asterisk a scan of every endpoint, and the fan-out measure is about the template change.
        """
        with self._db.engine.begin() as connection:
            tenant_uuid, template_uuid = self._tenant_with_templates(connection, f'fanout{count}')
            self._insert_endpoints(
                connection,
                [
                    (f'fan{count}-{serial:05d}', tenant_uuid, template_uuid, _endpoint_options(serial))
                    for serial in range(count)
                ],
            )
        return template_uuid

    def a_tenant_uuid(self):
        return self._leaf_templates[0][0]

    def _tenant_with_templates(self, connection, index):
        tenant_uuid = str(uuid_lib.uuid4())
        connection.execute(sa.insert(Tenant).values(uuid=tenant_uuid))
        parent = None
        for level in (1, 2, 3):
            name = f't{level}-{index}'
            template_uuid = str(uuid_lib.uuid4())
            connection.execute(sa.insert(PJSIPObjectName).values(name=name, kind='template'))
            connection.execute(
                sa.insert(EndpointSIP).values(
                    uuid=template_uuid,
                    tenant_uuid=tenant_uuid,
                    template=True,
                    name=name,
                    options=_template_options(level, index),
                    search_text=name,
                )
            )
            if parent:
                connection.execute(
                    sa.insert(EndpointSIPParent).values(child_uuid=template_uuid, parent_uuid=parent, position=0)
                )
            parent = template_uuid
        return tenant_uuid, parent

    @staticmethod
    def _insert_endpoints(connection, specs):
        rows = [
            {
                'uuid': str(uuid_lib.uuid4()),
                'tenant_uuid': tenant_uuid,
                'template': False,
                'name': name,
                'options': options,
                'search_text': name,
                'parent': parent,
            }
            for name, tenant_uuid, parent, options in specs
        ]
        connection.execute(sa.insert(PJSIPObjectName), [{'name': row['name'], 'kind': 'endpoint'} for row in rows])
        connection.execute(sa.insert(EndpointSIP), [{k: v for k, v in row.items() if k != 'parent'} for row in rows])
        connection.execute(
            sa.insert(EndpointSIPParent),
            [{'child_uuid': row['uuid'], 'parent_uuid': row['parent'], 'position': 0} for row in rows],
        )
        return [row['uuid'] for row in rows]
