# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Event formatting against the reference table (wazo-auth.md, "Bus events"), literally.

Besides the reference's headers, `change_id` names the change's record in the history (last)."""
import dataclasses
import json

from wazo_confd_pjsip.bus.events import event_for_change, events_for_changes
from wazo_confd_pjsip.database.session import Action, Change, Resource

ORIGIN = '11111111-2222-3333-4444-555555555555'
TENANT = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1'
UUID = '6f1c8a0e-0000-4000-8000-000000000001'
NOW = '2024-05-01T12:00:00.123456+00:00'
CHANGE = '0c0c0c0c-0000-4000-8000-00000000000c'

ENDPOINT_DATA = {
    'uuid': UUID,
    'tenant_uuid': TENANT,
    'name': 'abcdefgh',
    'label': 'Alice',
    'auth_section_options': [['username', 'alice']],
    'registration_section_options': [],
    'trunk': None,
    'line': None,
}
TEMPLATE_DATA = {'uuid': UUID, 'tenant_uuid': TENANT, 'name': 'tpl12345', 'label': 'global'}
TRANSPORT_DATA = {'uuid': UUID, 'name': 'transport-udp', 'options': [['protocol', 'udp'], ['bind', '0.0.0.0:5060']]}


def format_change(change):
    return event_for_change(dataclasses.replace(change, id=CHANGE), ORIGIN, NOW)


def test_endpoint_created():
    event = format_change(Change(Resource.SIP_ENDPOINT, Action.CREATED, UUID, TENANT, ENDPOINT_DATA))

    assert event.name == 'sip_endpoint_created'
    assert event.routing_key == 'config.sip_endpoint.created'
    assert event.headers == {
        'name': 'sip_endpoint_created',
        'origin_uuid': ORIGIN,
        'timestamp': NOW,
        'required_access': 'event.sip_endpoint_created',
        'required_acl': 'events.config.sip_endpoint.created',
        'tenant_uuid': TENANT,
        'user_uuid:*': True,
        'change_id': CHANGE,
    }
    assert event.payload() == (
        '{"name": "sip_endpoint_created", '
        '"origin_uuid": "11111111-2222-3333-4444-555555555555", '
        '"timestamp": "2024-05-01T12:00:00.123456+00:00", '
        '"required_access": "event.sip_endpoint_created", '
        '"required_acl": "events.config.sip_endpoint.created", '
        '"tenant_uuid": "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1", '
        '"user_uuid:*": true, '
        '"change_id": "0c0c0c0c-0000-4000-8000-00000000000c", '
        '"data": {"uuid": "6f1c8a0e-0000-4000-8000-000000000001", '
        '"tenant_uuid": "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1", "name": "abcdefgh", "label": "Alice", '
        '"auth_section_options": [["username", "alice"]], "registration_section_options": [], '
        '"trunk": null, "line": null}}'
    )


def test_endpoint_edited_and_deleted():
    for action in ('edited', 'deleted'):
        event = format_change(Change(Resource.SIP_ENDPOINT, Action(action), UUID, TENANT, ENDPOINT_DATA))

        assert event.name == f'sip_endpoint_{action}'
        assert event.routing_key == f'config.sip_endpoint.{action}'
        assert event.headers['required_access'] == f'event.sip_endpoint_{action}'
        assert event.headers['required_acl'] == f'events.config.sip_endpoint.{action}'
        assert event.body['data'] == ENDPOINT_DATA


def test_template_events_carry_the_summary():
    event = format_change(Change(Resource.SIP_ENDPOINT_TEMPLATE, Action.DELETED, UUID, TENANT, TEMPLATE_DATA))

    assert event.routing_key == 'config.sip_endpoint_template.deleted'
    assert event.body == {
        'name': 'sip_endpoint_template_deleted',
        'origin_uuid': ORIGIN,
        'timestamp': NOW,
        'required_access': 'event.sip_endpoint_template_deleted',
        'required_acl': 'events.config.sip_endpoint_template.deleted',
        'tenant_uuid': TENANT,
        'user_uuid:*': True,
        'change_id': CHANGE,
        'data': TEMPLATE_DATA,
    }


def test_transport_event_is_not_a_tenant_event():
    event = format_change(Change(Resource.SIP_TRANSPORT, Action.EDITED, UUID, data=TRANSPORT_DATA))

    assert event.routing_key == 'config.sip.transports.edited'
    assert event.headers == {
        'name': 'sip_transport_edited',
        'origin_uuid': ORIGIN,
        'timestamp': NOW,
        'required_access': 'event.sip_transport_edited',
        'required_acl': 'events.config.sip.transports.edited',
        'change_id': CHANGE,
    }
    assert event.payload() == (
        '{"name": "sip_transport_edited", '
        '"origin_uuid": "11111111-2222-3333-4444-555555555555", '
        '"timestamp": "2024-05-01T12:00:00.123456+00:00", '
        '"required_access": "event.sip_transport_edited", '
        '"required_acl": "events.config.sip.transports.edited", '
        '"change_id": "0c0c0c0c-0000-4000-8000-00000000000c", '
        '"data": {"uuid": "6f1c8a0e-0000-4000-8000-000000000001", "name": "transport-udp", '
        '"options": [["protocol", "udp"], ["bind", "0.0.0.0:5060"]]}}'
    )


def test_engine_sections_updated():
    for section in ('global', 'system'):
        event = format_change(Change(Resource(f'pjsip_{section}'), Action.UPDATED))

        assert event.routing_key == f'config.pjsip_{section}.updated'
        assert event.payload() == (
            f'{{"name": "pjsip_{section}_updated", '
            '"origin_uuid": "11111111-2222-3333-4444-555555555555", '
            '"timestamp": "2024-05-01T12:00:00.123456+00:00", '
            f'"required_access": "event.pjsip_{section}_updated", '
            f'"required_acl": "events.config.pjsip_{section}.updated", '
            '"change_id": "0c0c0c0c-0000-4000-8000-00000000000c", '
            '"data": {}}'
        )


def test_body_repeats_the_headers_then_data():
    event = format_change(Change(Resource.SIP_ENDPOINT_TEMPLATE, Action.CREATED, UUID, TENANT, TEMPLATE_DATA))

    assert list(event.body) == [*event.headers, 'data']
    assert json.loads(event.payload()) == event.body


def test_changes_keep_their_order():
    changes = [
        Change(Resource.SIP_ENDPOINT_TEMPLATE, Action.CREATED, UUID, TENANT, TEMPLATE_DATA),
        Change(Resource.SIP_ENDPOINT, Action.CREATED, UUID, TENANT, ENDPOINT_DATA),
        Change(Resource.PJSIP_SYSTEM, Action.UPDATED),
    ]

    events = events_for_changes(changes, ORIGIN, NOW)

    assert [event.name for event in events] == [
        'sip_endpoint_template_created',
        'sip_endpoint_created',
        'pjsip_system_updated',
    ]
