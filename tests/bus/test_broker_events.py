# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Events published on a real RabbitMQ after API requests, compared with the reference byte for byte."""
import datetime
import json
import time
import uuid

from tests.api.conftest import MAIN, SUB_TOKEN
from tests.api.endpoint_sip.helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_transport, item_path

from .conftest import ORIGIN_UUID, eventually, wait_consuming

DEFAULT_TEMPLATES_CREATED = ['sip_endpoint_template_created'] * 4


def names(messages):
    return [message.headers['name'] for message in messages]


def recent_timestamp(message):
    timestamp = message.headers['timestamp']
    age = datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(timestamp)
    assert datetime.timedelta(0) <= age < datetime.timedelta(seconds=30)
    return timestamp


def body_bytes(message):
    # py-amqp hands over bodies with a text content_encoding decoded: encode them back.
    return message.body.encode(message.content_encoding)


def assert_wire_form(message, routing_key, headers, data):
    """headers: all but change_id, the id of the change's history record (test_events_name_their_change)."""
    assert message.delivery_info['routing_key'] == routing_key
    headers = {**headers, 'change_id': str(uuid.UUID(message.headers['change_id']))}
    assert message.headers == headers
    assert body_bytes(message) == json.dumps({**headers, 'data': data}).encode()
    assert (message.content_type, message.content_encoding) == ('application/json', 'utf-8')
    assert message.properties['delivery_mode'] == 2


def tenant_headers(name, routing_key, timestamp, tenant_uuid):
    return {
        'name': name,
        'origin_uuid': ORIGIN_UUID,
        'timestamp': timestamp,
        'required_access': f'event.{name}',
        'required_acl': f'events.{routing_key}',
        'tenant_uuid': tenant_uuid,
        'user_uuid:*': True,
    }


def test_endpoint_creation_publishes_the_tenant_defaults_then_the_endpoint(api, bus, captured):
    endpoint = create_endpoint(api, label='Alice', auth_section_options=[['username', 'alice'], ['password', 'secret']])

    messages = captured.take(5)

    assert names(messages) == [*DEFAULT_TEMPLATES_CREATED, 'sip_endpoint_created']
    message = messages[-1]
    timestamp = recent_timestamp(message)
    assert_wire_form(
        message,
        'config.sip_endpoint.created',
        tenant_headers('sip_endpoint_created', 'config.sip_endpoint.created', timestamp, MAIN),
        {
            'uuid': endpoint['uuid'],
            'tenant_uuid': MAIN,
            'name': endpoint['name'],
            'label': 'Alice',
            'auth_section_options': [['username', 'alice']],
            'registration_section_options': [],
            'trunk': None,
            'line': None,
        },
    )
    global_template = next(m for m in messages if json.loads(m.body)['data']['label'] == 'global')
    stored = api.get(item_path(TEMPLATES, json.loads(global_template.body)['data'])).json
    assert_wire_form(
        global_template,
        'config.sip_endpoint_template.created',
        tenant_headers('sip_endpoint_template_created', 'config.sip_endpoint_template.created', timestamp, MAIN),
        {'uuid': stored['uuid'], 'tenant_uuid': MAIN, 'name': stored['name'], 'label': 'global'},
    )


def test_endpoint_edit_and_delete(api, bus, captured):
    endpoint = create_endpoint(api, label='Alice')
    api.put(item_path(ENDPOINTS, endpoint), json={'label': 'Alice B'})
    api.delete(item_path(ENDPOINTS, endpoint))

    messages = captured.take(7)[5:]

    assert names(messages) == ['sip_endpoint_edited', 'sip_endpoint_deleted']
    assert [m.delivery_info['routing_key'] for m in messages] == [
        'config.sip_endpoint.edited',
        'config.sip_endpoint.deleted',
    ]
    assert [json.loads(m.body)['data']['label'] for m in messages] == ['Alice B', 'Alice B']


def test_events_name_their_change_in_the_history(api, bus, captured):
    endpoint = create_endpoint(api, label='Alice')
    api.put(item_path(ENDPOINTS, endpoint), json={'label': 'Alice B'})
    assert api.put('/asterisk/pjsip/global', json={'options': {'max_forwards': '5'}}).status_code == 204

    created, edited, global_updated = captured.take(7)[4:]

    endpoint_history = api.get(f'{item_path(ENDPOINTS, endpoint)}/history').json['items']
    global_history = api.get('/asterisk/pjsip/global/history').json['items']
    assert [created.headers['change_id'], edited.headers['change_id']] == [
        record['change_uuid'] for record in reversed(endpoint_history)
    ]
    assert global_updated.headers['change_id'] == global_history[0]['change_uuid']


def test_engine_wide_events_are_not_tenant_events(api, bus, captured):
    transport = create_transport(api, 'transport-test')
    assert api.put('/asterisk/pjsip/global', json={'options': {'max_forwards': '5'}}).status_code == 204
    assert api.put('/asterisk/pjsip/system', json={'options': {}}).status_code == 204

    transport_message, global_message, system_message = captured.take(3)

    timestamp = recent_timestamp(transport_message)
    assert_wire_form(
        transport_message,
        'config.sip.transports.created',
        {
            'name': 'sip_transport_created',
            'origin_uuid': ORIGIN_UUID,
            'timestamp': timestamp,
            'required_access': 'event.sip_transport_created',
            'required_acl': 'events.config.sip.transports.created',
        },
        {'uuid': transport['uuid'], 'name': 'transport-test', 'options': [['protocol', 'udp']]},
    )
    for message, section in ((global_message, 'global'), (system_message, 'system')):
        assert_wire_form(
            message,
            f'config.pjsip_{section}.updated',
            {
                'name': f'pjsip_{section}_updated',
                'origin_uuid': ORIGIN_UUID,
                'timestamp': recent_timestamp(message),
                'required_access': f'event.pjsip_{section}_updated',
                'required_acl': f'events.config.pjsip_{section}.updated',
            },
            {},
        )


def test_a_failed_request_publishes_nothing(api, bus, captured):
    create_endpoint(api, name='taken', label='first')
    assert len(captured.take(5)) == 5

    # SUB is seen for the first time: its default templates were recorded, then the name clashed.
    refused = api.as_(SUB_TOKEN).post(ENDPOINTS, json={'name': 'taken', 'label': 'second'})
    assert refused.status_code == 400, refused.json
    create_transport(api, 'after-the-failure')

    messages = captured.take(2, timeout=1.0)
    assert names(messages) == ['sip_transport_created']


def test_events_queued_while_the_broker_is_down_arrive_in_order(api, bus, captured, rabbitmq):
    create_transport(api, 'before')
    assert names(captured.take(1)) == ['sip_transport_created']

    with rabbitmq.stopped():
        started = time.monotonic()
        for name in ('during-1', 'during-2', 'during-3'):
            create_transport(api, name)
        assert time.monotonic() - started < 2.0, 'requests waited for the broker'
        eventually(lambda: api.get('/status').json['bus_consumer'] == {'status': 'fail'})

    messages = captured.take(3, timeout=20.0)
    assert [json.loads(message.body)['data']['name'] for message in messages] == ['during-1', 'during-2', 'during-3']
    wait_consuming(bus.consumer)
    assert api.get('/status').json['bus_consumer'] == {'status': 'ok'}
