# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd's line and user events, published on a real RabbitMQ as wazo-bus shapes them, refresh
what the line adds to its endpoint."""
import json

import kombu
import pytest

from tests.api.conftest import (  # noqa: F401 (fixtures)
    MAIN,
    OTHER,
    OTHER_TOKEN,
    confd_config,
    fake_confd,
    wait_for_service_token,
)
from wazo_confd_pjsip.bus.connection import wazo_exchange

from .conftest import ORIGIN_UUID, eventually

WAZO_CONFD_UUID = '5e1e6b2c-0000-4000-8000-00000000c0fd'


@pytest.fixture
def config_overrides(rabbitmq, fake_confd):  # noqa: F811
    return {'uuid': ORIGIN_UUID, 'bus': rabbitmq.bus_config(), **confd_config(fake_confd)}


def publish_confd_event(rabbitmq, bus_config, name, routing_key, data):
    headers = {
        'name': name,
        'origin_uuid': WAZO_CONFD_UUID,
        'tenant_uuid': MAIN,
        'user_uuid:*': True,
        'required_access': f'event.{name}',
    }
    with kombu.Connection(rabbitmq.uri) as connection:
        producer = kombu.Producer(connection.default_channel, exchange=wazo_exchange(bus_config))
        producer.publish(
            json.dumps({**headers, 'data': data}),
            headers=headers,
            content_type='application/json',
            content_encoding='utf-8',
            routing_key=routing_key,
        )


def merged_endpoint_options(api, uuid):
    return api.get(f'/endpoints/sip/{uuid}', query={'view': 'merged'}).json['endpoint_section_options']


@pytest.mark.usefixtures('wait_for_service_token')
def test_line_and_user_events_refresh_the_endpoint(api, bus, rabbitmq, bus_config, fake_confd):  # noqa: F811
    line = fake_confd.add_line(MAIN, context='before')
    user = fake_confd.add_user(MAIN, simultaneous_calls=1)
    response = api.post('/endpoints/sip', json={'name': 'alice'})
    alice = response.json
    assert api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}').status_code == 204
    assert not any(value.startswith('WAZO_USERUUID') for _, value in merged_endpoint_options(api, alice['uuid']))

    fake_confd.add_user_to_line(user, line)
    publish_confd_event(
        rabbitmq,
        bus_config,
        'user_line_associated',
        f'config.users.{user["uuid"]}.lines.{line["id"]}.updated',
        {
            'user': {'id': user['id'], 'uuid': user['uuid'], 'tenant_uuid': MAIN},
            'line': {'id': line['id'], 'name': line['name'], 'endpoint_sip': {'uuid': alice['uuid']}},
            'main_user': True,
            'main_line': True,
        },
    )
    eventually(lambda: ['set_var', f'WAZO_USERUUID={user["uuid"]}'] in merged_endpoint_options(api, alice['uuid']))

    line['context'] = 'after'
    publish_confd_event(
        rabbitmq,
        bus_config,
        'line_edited',
        'config.line.edited',
        {'id': line['id'], 'name': line['name'], 'protocol': 'sip', 'tenant_uuid': MAIN},
    )
    eventually(lambda: ['context', 'after'] in merged_endpoint_options(api, alice['uuid']))

    user['simultaneous_calls'] = 4
    publish_confd_event(
        rabbitmq,
        bus_config,
        'user_edited',
        'config.user.edited',
        {'id': user['id'], 'uuid': user['uuid'], 'subscription_type': 0, 'created_at': None, 'tenant_uuid': MAIN},
    )
    eventually(lambda: ['set_var', 'WAZO_CALLER_SIMULTCALLS=4'] in merged_endpoint_options(api, alice['uuid']))

    publish_confd_event(
        rabbitmq,
        bus_config,
        'line_deleted',
        'config.line.deleted',
        {'id': line['id'], 'name': line['name'], 'protocol': 'sip', 'tenant_uuid': MAIN},
    )
    eventually(lambda: api.get(f'/endpoints/sip/{alice["uuid"]}').status_code == 404)  # as wazo-confd does


@pytest.mark.usefixtures('wait_for_service_token')
def test_a_pickup_event_reads_again_the_lines_of_its_tenant_only(
    api, bus, rabbitmq, bus_config, fake_confd
):  # noqa: F811
    lines, endpoints = {}, {}
    for tenant, client in ((MAIN, api), (OTHER, api.as_(OTHER_TOKEN))):
        lines[tenant] = fake_confd.add_line(tenant)
        user = fake_confd.add_user(tenant)
        fake_confd.add_user_to_line(user, lines[tenant])
        fake_confd.add_call_pickup(tenant, interceptors=[user])
        endpoints[tenant] = client.post('/endpoints/sip', json={'name': f'pickup-{tenant[-1]}'}).json['uuid']
        assert client.put(f'/lines/{lines[tenant]["id"]}/endpoints/sip/{endpoints[tenant]}').status_code == 204
    reads_of_other = len(fake_confd.requests_of(f'/lines/{lines[OTHER]["id"]}'))

    publish_confd_event(rabbitmq, bus_config, 'call_pickup_edited', 'config.callpickup.edited', {'id': 1})  # of MAIN
    # Events are handled one at a time, in order: once this one shows, the pickup event was handled.
    lines[MAIN]['context'] = 'after'
    publish_confd_event(
        rabbitmq,
        bus_config,
        'line_edited',
        'config.line.edited',
        {'id': lines[MAIN]['id'], 'name': lines[MAIN]['name'], 'protocol': 'sip', 'tenant_uuid': MAIN},
    )
    eventually(lambda: ['context', 'after'] in merged_endpoint_options(api, endpoints[MAIN]))

    assert len(fake_confd.requests_of(f'/lines/{lines[OTHER]["id"]}')) == reads_of_other
