# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Create, get, partial update and delete of endpoints and templates: bodies, codes, headers."""
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from ..conftest import MAIN, ApiClient
from .helpers import (
    ENDPOINT_FIELDS,
    ENDPOINTS,
    SECTION_FIELDS,
    TEMPLATE_FIELDS,
    TEMPLATES,
    create_endpoint,
    create_template,
    create_transport,
    item_path,
    parents,
)

FULL_BODY = {
    'name': 'trunk-1',
    'label': 'Trunk one',
    'aor_section_options': [['max_contacts', '1'], ['contact', 'sip:a@10.0.0.1'], ['contact', 'sip:b@10.0.0.2']],
    'auth_section_options': [['username', 'u'], ['password', 'p']],
    'endpoint_section_options': [['callerid', '"A" <100>'], ['set_var', 'X=1'], ['set_var', 'Y=2']],
    'identify_section_options': [['match', '54.172.60.0'], ['match', '54.172.60.1']],
    'registration_section_options': [['client_uri', 'sip:peer@proxy'], ['server_uri', 'sip:proxy']],
    'registration_outbound_auth_section_options': [['username', 'r'], ['password', 's']],
    'outbound_auth_section_options': [['username', 'o'], ['password', 's']],
    'asterisk_id': 'default',
}


def test_create_endpoint_returns_the_whole_body_in_order(api):
    transport = create_transport(api, 'transport-udp')
    template = create_template(api, label='tpl')
    response = api.post(
        ENDPOINTS, json={**FULL_BODY, 'templates': parents(template), 'transport': {'uuid': transport['uuid']}}
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert list(body) == ENDPOINT_FIELDS
    assert uuid.UUID(body['uuid'])
    assert body == {
        'uuid': body['uuid'],
        'tenant_uuid': MAIN,
        **FULL_BODY,
        'templates': [{'uuid': template['uuid'], 'label': 'tpl'}],
        'transport': {'uuid': transport['uuid']},
        'links': [{'rel': 'endpoint_sip', 'href': f'http://localhost/1.1/endpoints/sip/{body["uuid"]}'}],
        'trunk': None,
        'line': None,
    }
    assert response.headers['Location'] == f'http://localhost/1.1/endpoints/sip/{body["uuid"]}'


def test_create_minimal_endpoint_has_empty_sections_and_null_fields(api):
    body = create_endpoint(api)
    for field in SECTION_FIELDS:
        assert body[field] == []
    assert (body['label'], body['templates'], body['transport'], body['asterisk_id']) == (None, [], None, None)
    assert (body['trunk'], body['line']) == (None, None)


def test_create_template_has_no_trunk_nor_line_and_its_own_location(api):
    response = api.post(TEMPLATES, json={'name': 'tpl-1', 'label': 'T'})

    assert response.status_code == 201, response.json
    body = response.json
    assert list(body) == TEMPLATE_FIELDS
    href = f'http://localhost/1.1/endpoints/sip/templates/{body["uuid"]}'
    assert body['links'] == [{'rel': 'endpoint_sip_templates', 'href': href}]
    assert response.headers['Location'] == href


def test_location_and_links_follow_the_proxy_headers(api):
    headers = {'X-Script-Name': '/api/confd', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'pbx.example.com'}
    response = api.post(ENDPOINTS, json={}, headers=headers)

    expected = f'https://pbx.example.com/api/confd/1.1/endpoints/sip/{response.json["uuid"]}'
    assert response.headers['Location'] == expected
    assert response.json['links'][0]['href'] == expected


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_get_returns_what_create_returned(api, base):
    body = api.post(base, json={'label': 'x', 'endpoint_section_options': [['context', 'ctx']]}).json
    response = api.get(item_path(base, body))
    assert response.status_code == 200
    assert response.json == body


def test_endpoint_routes_never_show_templates_and_vice_versa(api):
    endpoint = create_endpoint(api, name='the-endpoint')
    template = create_template(api, name='the-template')

    for base, item, resource in ((ENDPOINTS, template, 'SIPEndpoint'), (TEMPLATES, endpoint, 'SIPEndpointTemplate')):
        message = f"Resource Not Found - {resource} was not found ('uuid': '{item['uuid']}')"
        for method in ('get', 'delete'):
            response = getattr(api, method)(item_path(base, item))
            assert (response.status_code, response.json) == (404, [message])
        response = api.put(item_path(base, item), json={'label': 'x'})
        assert (response.status_code, response.json) == (404, [message])
    assert [item['name'] for item in api.get(ENDPOINTS).json['items']] == ['the-endpoint']
    assert 'the-endpoint' not in [item['name'] for item in api.get(TEMPLATES, query={'limit': 100}).json['items']]


def test_unknown_uuid_is_a_404_in_the_wazo_confd_form(api):
    missing = str(uuid.uuid4())
    response = api.get(f'{ENDPOINTS}/{missing}')
    assert response.status_code == 404
    assert response.json == [f"Resource Not Found - SIPEndpoint was not found ('uuid': '{missing}')"]
    response = api.delete(f'{TEMPLATES}/{missing}')
    assert response.json == [f"Resource Not Found - SIPEndpointTemplate was not found ('uuid': '{missing}')"]


def test_partial_put_leaves_absent_fields_untouched(api):
    transport = create_transport(api, 'transport-udp')
    template = create_template(api)
    body = create_endpoint(api, **FULL_BODY, templates=parents(template), transport={'uuid': transport['uuid']})

    response = api.put(item_path(ENDPOINTS, body), json={'label': 'renamed label'})

    assert (response.status_code, response.data) == (204, b'')
    assert api.get(item_path(ENDPOINTS, body)).json == {**body, 'label': 'renamed label'}


def test_put_of_a_section_replaces_that_section_only(api):
    body = create_endpoint(api, **FULL_BODY)

    update = {'aor_section_options': [['max_contacts', '5']], 'identify_section_options': []}
    assert api.put(item_path(ENDPOINTS, body), json=update).status_code == 204

    assert api.get(item_path(ENDPOINTS, body)).json == {**body, **update}


def test_put_empty_templates_clears_the_parents_and_null_transport_clears_it(api):
    transport = create_transport(api, 'transport-udp')
    first, second = create_template(api), create_template(api)
    body = create_endpoint(api, templates=parents(first, second), transport={'uuid': transport['uuid']})

    assert api.put(item_path(ENDPOINTS, body), json={'templates': [], 'transport': None}).status_code == 204

    got = api.get(item_path(ENDPOINTS, body)).json
    assert (got['templates'], got['transport']) == ([], None)


def test_put_templates_replaces_them_in_the_given_order(api):
    first, second, third = (create_template(api, label=label) for label in ('a', 'b', 'c'))
    body = create_endpoint(api, templates=parents(first, second))

    assert api.put(item_path(ENDPOINTS, body), json={'templates': parents(third, first)}).status_code == 204

    assert api.get(item_path(ENDPOINTS, body)).json['templates'] == [
        {'uuid': third['uuid'], 'label': 'c'},
        {'uuid': first['uuid'], 'label': 'a'},
    ]


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_a_whole_get_body_put_back_changes_nothing(api, base):
    """wazo-confd-client's update(): the GET body minus links, read-only keys included, at its own uuid."""
    transport = create_transport(api, 'transport-udp')
    template = create_template(api, label='parent')
    created = api.post(
        base, json={**FULL_BODY, 'templates': parents(template), 'transport': {'uuid': transport['uuid']}}
    ).json
    got = api.get(item_path(base, created)).json
    sent = {key: value for key, value in got.items() if key != 'links'}

    response = api.put(item_path(base, created), json=sent, headers={'Connection': 'close'})

    assert response.status_code == 204, response.json
    assert api.get(item_path(base, created)).json == got


def test_read_only_keys_in_a_put_are_ignored(api):
    body = create_endpoint(api, name='kept')
    sent = {
        'uuid': str(uuid.uuid4()),
        'tenant_uuid': str(uuid.uuid4()),
        'trunk': {'id': 1},
        'line': {'id': 2},
        'links': [],
        'whatever': 1,
    }

    assert api.put(item_path(ENDPOINTS, body), json=sent).status_code == 204

    assert api.get(item_path(ENDPOINTS, body)).json == body


def test_put_can_set_and_clear_label_and_asterisk_id(api):
    body = create_endpoint(api, label='a', asterisk_id='default')

    assert api.put(item_path(ENDPOINTS, body), json={'label': None, 'asterisk_id': None}).status_code == 204

    got = api.get(item_path(ENDPOINTS, body)).json
    assert (got['label'], got['asterisk_id']) == (None, None)


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_delete_removes_the_item(api, base):
    body = api.post(base, json={'name': 'gone'}).json

    response = api.delete(item_path(base, body))

    assert (response.status_code, response.data) == (204, b'')
    assert api.get(item_path(base, body)).status_code == 404
    assert api.delete(item_path(base, body)).status_code == 404


def test_an_unexpected_method_is_a_405_in_the_error_format(api):
    response = api.request('PATCH', ENDPOINTS)
    assert response.status_code == 405
    assert all(isinstance(message, str) for message in response.json)


ACL_CASES = [
    # (token ACL, method, path kind, allowed)
    (['confd.endpoints.sip.read'], 'get', 'list', True),
    (['confd.endpoints.sip.read'], 'post', 'list', False),
    (['confd.endpoints.sip.create'], 'post', 'list', True),
    (['confd.endpoints.sip.*.read'], 'get', 'item', True),
    (['confd.endpoints.sip.*.read'], 'put', 'item', False),
    (['confd.endpoints.sip.*.update'], 'put', 'item', True),
    (['confd.endpoints.sip.*.delete'], 'delete', 'item', True),
    (['confd.endpoints.sip.templates.read'], 'get', 'list', False),
    (['confd.endpoints.sip.templates.read'], 'get', 'template_list', True),
    (['confd.endpoints.sip.templates.create'], 'post', 'template_list', True),
    (['confd.endpoints.sip.read'], 'get', 'template_list', False),
    (['confd.endpoints.sip.templates.*.read'], 'get', 'template_item', True),
    (['confd.endpoints.sip.templates.*.update'], 'put', 'template_item', True),
    (['confd.endpoints.sip.templates.*.delete'], 'delete', 'template_item', True),
    (['confd.endpoints.sip.templates.*.delete'], 'delete', 'item', False),
    (['confd.#', '!confd.endpoints.sip.templates.#'], 'get', 'template_list', False),
]


def test_each_route_requires_its_acl(api, fake_auth):
    endpoint, template = create_endpoint(api), create_template(api)
    paths = {
        'list': ENDPOINTS,
        'item': item_path(ENDPOINTS, endpoint),
        'template_list': TEMPLATES,
        'template_item': item_path(TEMPLATES, template),
    }
    bodies = {'post': {}, 'put': {'label': 'x'}}
    for index, (acl, method, kind, allowed) in enumerate(ACL_CASES):
        token = f'endpoint-sip-acl-{index}'
        fake_auth.add_token(token, tenant_uuid=MAIN, acl=acl)
        client = api.as_(token)
        response = getattr(client, method)(paths[kind], **({'json': bodies[method]} if method in bodies else {}))
        assert (response.status_code != 401) == allowed, (acl, method, kind, response.status_code)
        if not allowed:
            assert all(isinstance(message, str) for message in response.json)
    endpoint_response = api.get(item_path(ENDPOINTS, endpoint))
    assert endpoint_response.status_code == 404  # deleted by an allowed case


def test_no_token_is_a_401(api):
    assert api.as_(None).get(ENDPOINTS).status_code == 401
    assert api.as_('unknown-token').post(TEMPLATES, json={}).status_code == 401


def _wait_for_a_blocked_request(database, timeout=5.0):
    deadline = time.monotonic() + timeout
    with database.engine.connect() as connection:
        while not connection.execute(sa.text('SELECT count(*) FROM pg_locks WHERE NOT granted')).scalar():
            assert time.monotonic() < deadline, 'the request never waited for the deleting transaction'
            time.sleep(0.02)


@pytest.mark.parametrize('method', ['create', 'update'])
def test_a_write_racing_the_delete_of_its_transport_waits_for_it_then_is_refused(app, api, database, method):
    transport = create_transport(api, 'transport-udp')
    existing = create_endpoint(api, name='existing')
    responses = []

    def write():
        client = ApiClient(app.test_client())
        body = {'transport': {'uuid': transport['uuid']}}
        if method == 'create':
            response = client.post(ENDPOINTS, json=body)
        else:
            response = client.put(item_path(ENDPOINTS, existing), json=body)
        responses.append((response.status_code, response.json))

    with database.engine.connect() as deleting, deleting.begin():
        # As the transport service deletes: the row locked, then gone, committed after the write checked it.
        deleting.execute(sa.text('DELETE FROM sip_transport WHERE uuid = :uuid'), {'uuid': transport['uuid']})
        writer = threading.Thread(target=write)
        writer.start()
        _wait_for_a_blocked_request(database)
    writer.join(timeout=10)

    assert responses == [
        (400, [f"Input Error - field 'transport': SIPTransport was not found ('uuid': '{transport['uuid']}')"])
    ]
