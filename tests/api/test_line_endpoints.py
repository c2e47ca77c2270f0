# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A line or trunk of wazo-confd and a SIP endpoint: wazo-ui's third call, with wazo-confd's rules and words."""
import pytest

from wazo_confd_pjsip.bus.events import events_for_changes

from .conftest import OTHER_TOKEN, SUB, SUB_TOKEN

ENDPOINTS = '/endpoints/sip'
SIDES = {'line': '/lines', 'trunk': '/trunks'}


def endpoint(api, name, **body):
    response = api.post(ENDPOINTS, json={'name': name, **body})
    assert response.status_code == 201, response.json
    return response.json


def association(side, owner_id, endpoint_uuid):
    return f'{SIDES[side]}/{owner_id}/endpoints/sip/{endpoint_uuid}'


@pytest.mark.parametrize('side', SIDES)
def test_an_association_shows_in_the_endpoint_and_is_announced(api, change_recorder, side):
    alice = endpoint(api, 'alice', auth_section_options=[['username', 'alice'], ['password', 'secret']])
    change_recorder.clear()

    response = api.put(association(side, 7, alice['uuid']))

    assert (response.status_code, response.data) == (204, b'')
    body = api.get(f'{ENDPOINTS}/{alice["uuid"]}').json
    collection = SIDES[side].strip('/')
    assert body[side] == {'id': 7, 'links': [{'rel': collection, 'href': f'http://localhost/1.1/{collection}/7'}]}
    assert body['trunk' if side == 'line' else 'line'] is None
    [event] = events_for_changes(change_recorder.changes, 'origin', '2026-12-03T00:00:00')
    assert event.name == f'{side}_endpoint_sip_associated'
    assert event.routing_key == f'config.{collection}.7.endpoints.sip.{alice["uuid"]}.updated'
    assert event.headers['tenant_uuid'] == alice['tenant_uuid']
    endpoint_summary = {'uuid': alice['uuid'], 'tenant_uuid': alice['tenant_uuid'], 'name': 'alice'}
    if side == 'line':
        assert event.body['data'] == {
            'line': {'id': 7, 'tenant_uuid': alice['tenant_uuid'], 'name': 'alice'},
            'endpoint_sip': {**endpoint_summary, 'label': None, 'auth_section_options': [['username', 'alice']]},
        }
    else:
        assert event.body['data'] == {
            'trunk': {'id': 7, 'tenant_uuid': alice['tenant_uuid']},
            'endpoint_sip': {
                **endpoint_summary,
                'auth_section_options': [['username', 'alice']],
                'registration_section_options': [],
            },
        }


@pytest.mark.parametrize('side', SIDES)
def test_the_same_pair_again_or_a_pair_not_associated_changes_nothing(api, change_recorder, side):
    alice = endpoint(api, 'alice')
    api.put(association(side, 7, alice['uuid']))
    change_recorder.clear()

    again = api.put(association(side, 7, alice['uuid']))
    not_associated = api.delete(association(side, 8, alice['uuid']))

    assert (again.status_code, not_associated.status_code) == (204, 204)
    assert change_recorder.changes == []
    assert api.get(f'{ENDPOINTS}/{alice["uuid"]}').json[side]['id'] == 7


@pytest.mark.parametrize('side', SIDES)
def test_dissociating_clears_the_endpoint_and_is_announced(api, change_recorder, side):
    alice = endpoint(api, 'alice')
    api.put(association(side, 7, alice['uuid']))
    change_recorder.clear()

    assert api.delete(association(side, 7, alice['uuid'])).status_code == 204

    assert api.get(f'{ENDPOINTS}/{alice["uuid"]}').json[side] is None
    [event] = events_for_changes(change_recorder.changes, 'origin', '2026-12-03T00:00:00')
    assert event.name == f'{side}_endpoint_sip_dissociated'
    assert event.routing_key.endswith(f'.7.endpoints.sip.{alice["uuid"]}.deleted')


def test_one_endpoint_per_line_and_one_line_or_trunk_per_endpoint(api):
    alice, bob = endpoint(api, 'alice'), endpoint(api, 'bob')
    api.put(association('line', 1, alice['uuid']))
    api.put(association('trunk', 2, bob['uuid']))

    line_taken = api.put(association('line', 1, bob['uuid']))
    on_another_line = api.put(association('line', 3, alice['uuid']))
    on_a_trunk = api.put(association('line', 4, bob['uuid']))
    trunk_taken = api.put(association('trunk', 2, endpoint(api, 'carol')['uuid']))
    on_a_line = api.put(association('trunk', 5, alice['uuid']))

    expected = [
        (
            line_taken,
            f"Line is associated with a Endpoint ('line_id': 1, 'endpoint': 'sip', 'endpoint_id': '{alice['uuid']}')",
        ),
        (
            on_another_line,
            f"Line is associated with a Endpoint ('line_id': 1, 'endpoint': 'sip', 'endpoint_uuid': '{alice['uuid']}')",
        ),
        (
            on_a_trunk,
            f"Trunk is associated with a Endpoint ('trunk_id': 2, 'endpoint': 'sip', 'endpoint_uuid': '{bob['uuid']}')",
        ),
        (
            trunk_taken,
            f"Trunk is associated with a Endpoint ('trunk_id': 2, 'endpoint': 'sip', 'endpoint_id': '{bob['uuid']}')",
        ),
        (
            on_a_line,
            f"Line is associated with a Endpoint ('line_id': 1, 'endpoint': 'sip', 'endpoint_uuid': '{alice['uuid']}')",
        ),
    ]
    for response, message in expected:
        assert (response.status_code, response.json) == (400, [f'Resource Error - {message}'])
    assert api.get(f'{ENDPOINTS}/{bob["uuid"]}').json['trunk']['id'] == 2


def test_deleting_an_associated_endpoint_ends_its_association(api, change_recorder):
    alice = endpoint(api, 'alice')
    api.put(association('line', 1, alice['uuid']))
    change_recorder.clear()

    assert api.delete(f'{ENDPOINTS}/{alice["uuid"]}').status_code == 204

    # As wazo-confd: the endpoint's deletion is announced, no dissociation.
    assert [(change.resource.value, change.action.value) for change in change_recorder.changes] == [
        ('sip_endpoint', 'deleted')
    ]
    assert api.put(association('line', 1, endpoint(api, 'bob')['uuid'])).status_code == 204


def test_templates_and_other_tenants_endpoints_are_not_found(api):
    template = api.post('/endpoints/sip/templates', json={'label': 'tpl'}).json
    subs = endpoint(api.as_(SUB_TOKEN), 'subs')
    missing = "Resource Not Found - SIPEndpoint was not found ('uuid': '{}')"

    for client, uuid in ((api, template['uuid']), (api.as_(OTHER_TOKEN), subs['uuid'])):
        response = client.put(association('line', 1, uuid))
        assert (response.status_code, response.json) == (404, [missing.format(uuid)])
    # Seen from above: the master tenant's token reaches a sub-tenant's endpoint, as in wazo-confd.
    assert api.put(association('line', 1, subs['uuid'])).status_code == 204
    assert api.as_(tenant=SUB).get(f'{ENDPOINTS}/{subs["uuid"]}').json['line']['id'] == 1


def test_the_routes_need_wazo_confd_acls(api, fake_auth):
    alice = endpoint(api, 'alice')
    fake_auth.add_token(
        'line-writer', tenant_uuid=alice['tenant_uuid'], acl=[f'confd.lines.1.endpoints.sip.{alice["uuid"]}.update']
    )

    assert api.as_('line-writer').put(association('line', 1, alice['uuid'])).status_code == 204
    assert api.as_('line-writer').delete(association('line', 1, alice['uuid'])).status_code == 401
    assert api.as_('line-writer').put(association('trunk', 1, alice['uuid'])).status_code == 401


@pytest.mark.parametrize('side', SIDES)
def test_an_id_no_line_or_trunk_can_have_is_not_found(api, side):
    alice = endpoint(api, 'alice')

    for owner_id in (0, 2**31, 10**30):
        for method in (api.put, api.delete):
            response = method(association(side, owner_id, alice['uuid']))
            assert (response.status_code, response.json) == (
                404,
                [f"Resource Not Found - {side.capitalize()} was not found ('id': {owner_id})"],
            )


def test_a_users_line_needs_a_wazo_confd(api):
    response = api.get('/users/0b9f7f9e-0000-4000-8000-00000000abcd/lines/main/associated/endpoints/sip')
    assert response.status_code == 503
    assert response.json == ['no wazo-confd is configured (confd.enabled: false): users and their lines are its own']
