# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-auth's tenant events, published on a real RabbitMQ, handled end to end."""
import json

import kombu
import pytest
import sqlalchemy as sa

from tests.api.conftest import MASTER_TOKEN, SUB_OF_SUB
from tests.api.endpoint_sip.helpers import DEFAULT_LABELS, create_endpoint, parents
from wazo_confd_pjsip.bus.components import tenant_event_handlers
from wazo_confd_pjsip.bus.connection import wazo_exchange
from wazo_confd_pjsip.bus.consumer import UnusableEvent
from wazo_confd_pjsip.plugins.endpoint_sip.tenants import Tenants

from .conftest import eventually


def publish_auth_event(rabbitmq, bus_config, name, data):
    """As wazo-auth would, with the smallest body the service must accept."""
    with kombu.Connection(rabbitmq.uri) as connection:
        producer = kombu.Producer(connection.default_channel, exchange=wazo_exchange(bus_config))
        producer.publish(
            json.dumps({'name': name, 'data': data}),
            headers={'name': name},
            content_type='application/json',
            content_encoding='utf-8',
            routing_key=f'auth.tenants.{name}',
        )


def templates_of(database, tenant_uuid):
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text('SELECT uuid::text, label FROM endpoint_sip WHERE tenant_uuid = :t AND template'),
            {'t': tenant_uuid},
        )
        return {label: uuid for uuid, label in rows}


def rows_of(database, tenant_uuid):
    with database.engine.connect() as connection:
        return connection.execute(
            sa.text('SELECT count(*) FROM endpoint_sip WHERE tenant_uuid = :t'), {'t': tenant_uuid}
        ).scalar()


def test_tenant_added_then_deleted(api, bus, captured, rabbitmq, bus_config, database):
    tenant = SUB_OF_SUB
    publish_auth_event(
        rabbitmq, bus_config, 'auth_tenant_added', {'uuid': tenant, 'name': 'acme', 'slug': 'acme', 'domain_names': []}
    )

    eventually(lambda: sorted(templates_of(database, tenant)) == sorted(DEFAULT_LABELS))
    created = captured.take(4)
    assert [m.headers['name'] for m in created] == ['sip_endpoint_template_created'] * 4
    assert {m.headers['tenant_uuid'] for m in created} == {tenant}

    templates = templates_of(database, tenant)
    endpoint = create_endpoint(
        api.as_(MASTER_TOKEN, tenant=tenant), label='phone', templates=parents({'uuid': templates['webrtc']})
    )
    captured.take(1)

    publish_auth_event(rabbitmq, bus_config, 'auth_tenant_deleted', {'uuid': tenant})

    eventually(lambda: rows_of(database, tenant) == 0)
    deleted = captured.take(5)
    assert [(m.headers['name'], json.loads(m.body)['data']['uuid']) for m in deleted[:1]] == [
        ('sip_endpoint_deleted', endpoint['uuid'])
    ]
    assert [m.headers['name'] for m in deleted[1:]] == ['sip_endpoint_template_deleted'] * 4
    assert {json.loads(m.body)['data']['uuid'] for m in deleted[1:]} == set(templates.values())


def test_a_tenant_deleted_while_postgresql_is_down_is_deleted_once_it_is_back(
    api, bus, rabbitmq, bus_config, database, monkeypatch
):
    create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB_OF_SUB), label='phone')
    remove = Tenants.remove
    attempts = []

    def remove_while_down(lifecycle, tenant_uuid):
        attempts.append(tenant_uuid)
        if len(attempts) == 1:
            raise sa.exc.OperationalError('DELETE', {}, Exception('connection refused'))
        return remove(lifecycle, tenant_uuid)

    monkeypatch.setattr(Tenants, 'remove', remove_while_down)

    publish_auth_event(rabbitmq, bus_config, 'auth_tenant_deleted', {'uuid': SUB_OF_SUB})

    eventually(lambda: rows_of(database, SUB_OF_SUB) == 0)
    assert attempts == [SUB_OF_SUB, SUB_OF_SUB]


def test_unreadable_events_are_dropped_and_consuming_goes_on(api, bus, rabbitmq, bus_config, database):
    publish_auth_event(rabbitmq, bus_config, 'auth_tenant_added', {'no uuid': True})
    publish_auth_event(rabbitmq, bus_config, 'auth_tenant_added', {'uuid': SUB_OF_SUB})

    eventually(lambda: sorted(templates_of(database, SUB_OF_SUB)) == sorted(DEFAULT_LABELS))
    assert bus.consumer.status() == {'status': 'ok'}


@pytest.mark.parametrize('data', [{'no uuid': True}, {'uuid': 'not-a-uuid'}, {'uuid': 5}, ['uuid']])
def test_tenant_events_without_a_tenant_uuid_are_unusable_whatever_the_database_says(data):
    class NoDatabase:
        def add(self, tenant_uuid):
            raise AssertionError('reached the database')

        remove = add

    for handler in tenant_event_handlers(NoDatabase()).values():
        with pytest.raises(UnusableEvent):
            handler(data, None)


def test_status_reports_the_consumer(api, bus):
    assert api.get('/status').json['bus_consumer'] == {'status': 'ok'}
