# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import logging
import time
import uuid

import kombu
import pytest

from wazo_confd_pjsip.bus.consumer import BusConsumer, UnusableEvent, decode_event, event_bindings

from .conftest import wait_consuming


def test_bindings_match_each_event_name_exactly():
    exchange = kombu.Exchange('wazo-headers', type='headers')

    bindings = event_bindings(exchange, ['auth_tenant_added', 'auth_tenant_deleted'])

    assert [(binding.exchange.name, binding.arguments) for binding in bindings] == [
        ('wazo-headers', {'name': 'auth_tenant_added', 'x-match': 'all'}),
        ('wazo-headers', {'name': 'auth_tenant_deleted', 'x-match': 'all'}),
    ]


def test_decodes_a_full_wazo_auth_event():
    body = {
        'name': 'auth_tenant_added',
        'origin_uuid': 'o',
        'timestamp': '2024-01-01T00:00:00',
        'required_access': 'event.auth_tenant_added',
        'required_acl': 'events.auth.tenants.created',
        'data': {'uuid': 't1', 'name': 'acme', 'slug': 'acme', 'domain_names': []},
    }

    assert decode_event(json.dumps(body).encode(), {'name': 'auth_tenant_added'}) == (
        'auth_tenant_added',
        {'uuid': 't1', 'name': 'acme', 'slug': 'acme', 'domain_names': []},
        None,
    )


def test_decodes_a_minimal_body():
    assert decode_event(b'{"name": "auth_tenant_deleted", "data": {"uuid": "t1"}}', {}) == (
        'auth_tenant_deleted',
        {'uuid': 't1'},
        None,
    )


def test_name_falls_back_on_the_header():
    assert decode_event(b'{"data": {"uuid": "t1"}}', {'name': 'auth_tenant_deleted'}) == (
        'auth_tenant_deleted',
        {'uuid': 't1'},
        None,
    )


TENANT = 'a0000000-0000-4000-8000-000000000001'


@pytest.mark.parametrize(
    'body, headers, tenant',
    [
        # wazo-bus's tenant events: the header, and the same in the body
        ({'name': 'call_pickup_edited', 'tenant_uuid': TENANT, 'data': {'id': 1}}, {'tenant_uuid': TENANT}, TENANT),
        ({'name': 'call_pickup_edited', 'data': {'id': 1}}, {'tenant_uuid': TENANT.upper()}, TENANT),
        ({'name': 'call_pickup_edited', 'tenant_uuid': TENANT, 'data': {'id': 1}}, {}, TENANT),
        # none, or not a uuid: an event of no tenant
        ({'name': 'call_pickup_edited', 'data': {'id': 1}}, {}, None),
        ({'name': 'call_pickup_edited', 'data': {'id': 1}}, {'tenant_uuid': 'not-a-uuid'}, None),
        ({'name': 'call_pickup_edited', 'tenant_uuid': 5, 'data': {'id': 1}}, {}, None),
    ],
)
def test_the_tenant_of_an_event(body, headers, tenant):
    assert decode_event(json.dumps(body).encode(), headers).tenant_uuid == tenant


@pytest.mark.parametrize('body', [b'not json', b'{"name": "auth_tenant_added"}'])
def test_malformed_bodies_are_refused(body):
    with pytest.raises((ValueError, KeyError)):
        decode_event(body, {})


# --- on a real RabbitMQ: what happens to a message whose handler fails

EXCHANGE = kombu.Exchange('wazo-headers', type='headers', durable=True)
MAX_REDELIVERIES = 3


class Handler:
    """Records each call's data; fails the first `failures` calls of each data (all calls: None)."""

    def __init__(self, failures=0, error=RuntimeError('PostgreSQL is down')):
        self.failures = failures
        self.error = error
        self.calls = []

    def __call__(self, data, tenant_uuid):
        self.calls.append(data)
        if self.failures is None or self.calls.count(data) <= self.failures:
            raise self.error


@pytest.fixture
def consume(rabbitmq):
    """consume(handler) → a started consumer of auth_tenant_deleted events on a private queue."""
    started = []

    def start(handler):
        consumer = BusConsumer(
            rabbitmq.uri,
            EXCHANGE,
            f'wazo-confd-pjsip-test-{uuid.uuid4().hex}',
            {'auth_tenant_deleted': handler},
            durable=False,
            max_backoff=0.05,
            max_redeliveries=MAX_REDELIVERIES,
        )
        consumer.start()
        started.append(consumer)
        wait_consuming(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop()


def publish(rabbitmq, body, name='auth_tenant_deleted'):
    with kombu.Connection(rabbitmq.uri) as connection:
        producer = kombu.Producer(connection.default_channel, exchange=EXCHANGE)
        producer.publish(body, headers={'name': name}, content_type='application/json', content_encoding='utf-8')


def deleted(tenant):
    return json.dumps({'name': 'auth_tenant_deleted', 'data': {'uuid': tenant}})


def eventually(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'not within the time limit'
        time.sleep(0.02)


def test_a_message_whose_handler_failed_comes_back_and_keeps_its_place(rabbitmq, consume):
    handler = Handler(failures=2)
    consume(handler)

    publish(rabbitmq, deleted('t1'))
    publish(rabbitmq, deleted('t2'))

    eventually(lambda: len(handler.calls) == 6)
    time.sleep(0.3)
    # t1 handled on its third delivery, before t2 (tenant events keep their order), then t2 alike; neither again.
    assert handler.calls == [{'uuid': 't1'}] * 3 + [{'uuid': 't2'}] * 3


def test_a_message_that_always_fails_is_dropped_after_bounded_redeliveries(rabbitmq, consume, caplog):
    always = Handler(failures=None)
    consume(always)

    publish(rabbitmq, deleted('t1'))

    eventually(lambda: len(always.calls) == 1 + MAX_REDELIVERIES)
    time.sleep(0.3)
    assert len(always.calls) == 1 + MAX_REDELIVERIES
    dropped = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(dropped) == 1 and 't1' in dropped[0].getMessage()
    always.failures = 0  # the queue goes on with the next message
    publish(rabbitmq, deleted('t2'))
    eventually(lambda: always.calls[-1] == {'uuid': 't2'})


def test_a_message_no_retry_can_help_is_dropped_at_once(rabbitmq, consume, caplog):
    handler = Handler(failures=1, error=UnusableEvent('no tenant uuid'))
    consume(handler)

    publish(rabbitmq, 'not json')
    publish(rabbitmq, deleted('t1'))
    publish(rabbitmq, deleted('t2'))

    eventually(lambda: len(handler.calls) == 2)
    time.sleep(0.3)
    assert handler.calls == [{'uuid': 't1'}, {'uuid': 't2'}]  # each tried once, never again
    assert len([record for record in caplog.records if record.levelno == logging.ERROR]) == 3
