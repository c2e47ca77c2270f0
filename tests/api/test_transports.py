# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""/1.1/sip/transports: engine-wide, read by any tenant, written by the master tenant only."""
import uuid

import pytest

from .conftest import MAIN, OTHER_TOKEN, SUB, SUB_TOKEN

UNAUTHORIZED = ['Unauthorized: invalid token or unauthorized access']
UDP = [['protocol', 'udp'], ['bind', '0.0.0.0:5060']]


def create(api, name, options=UDP):
    response = api.post('/sip/transports', json={'name': name, 'options': options})
    assert response.status_code == 201, response.json
    return response.json


def transport_names(api):
    return [item['name'] for item in api.get('/sip/transports').json['items']]


def not_found(uuid_):
    return [f"Resource Not Found - Transport was not found ('uuid': '{uuid_}')"]


# --- create and read


def test_create_answers_201_with_body_and_location(api):
    response = api.post('/sip/transports', json={'name': 'transport-udp', 'options': UDP})

    assert response.status_code == 201
    body = response.json
    href = f'http://localhost/1.1/sip/transports/{body["uuid"]}'
    assert body == {
        'uuid': body['uuid'],
        'name': 'transport-udp',
        'options': UDP,
    }
    assert list(body) == ['uuid', 'name', 'options']  # wazo-confd's transport schema: no links
    assert uuid.UUID(body['uuid'])
    assert response.headers['Location'] == href


def test_get_returns_what_create_returned(api):
    created = create(api, 'transport-udp')

    response = api.get(f'/sip/transports/{created["uuid"]}')

    assert response.status_code == 200
    assert response.json == created


def test_options_default_to_empty(api):
    response = api.post('/sip/transports', json={'name': 'bare'})

    assert response.status_code == 201
    assert response.json['options'] == []


def test_get_unknown_transport_is_404(api):
    missing = str(uuid.uuid4())

    response = api.get(f'/sip/transports/{missing}')

    assert response.status_code == 404
    assert response.json == not_found(missing)


def test_read_only_and_unknown_keys_are_ignored_on_create(api):
    chosen = str(uuid.uuid4())

    response = api.post('/sip/transports', json={'uuid': chosen, 'name': 'tcp', 'links': [], 'whatever': 1})

    assert response.status_code == 201
    assert response.json['uuid'] != chosen
    assert list(response.json) == ['uuid', 'name', 'options']
    assert api.get(f'/sip/transports/{chosen}').status_code == 404


# --- list


@pytest.fixture
def three(api):
    return [create(api, name) for name in ('b-udp', 'a-tcp', 'c-wss')]


def test_list_is_ordered_by_name_with_total(api, three):
    response = api.get('/sip/transports')

    assert response.status_code == 200
    assert response.json['total'] == 3
    assert [item['name'] for item in response.json['items']] == ['a-tcp', 'b-udp', 'c-wss']
    by_name = {item['name']: item for item in three}
    assert response.json['items'][0] == by_name['a-tcp']


def test_list_direction_desc(api, three):
    response = api.get('/sip/transports', query={'direction': 'desc'})

    assert [item['name'] for item in response.json['items']] == ['c-wss', 'b-udp', 'a-tcp']


def test_list_order_by_uuid(api, three):
    response = api.get('/sip/transports', query={'order': 'uuid'})

    assert [item['uuid'] for item in response.json['items']] == sorted(item['uuid'] for item in three)


def test_list_limit_and_offset_keep_total(api, three):
    response = api.get('/sip/transports', query={'limit': 1, 'offset': 1})

    assert response.json['total'] == 3
    assert [item['name'] for item in response.json['items']] == ['b-udp']


def test_list_offset_past_the_end(api, three):
    response = api.get('/sip/transports', query={'offset': 10})

    assert response.json == {'total': 3, 'items': []}


def test_list_search_is_case_insensitive_substring(api, three):
    response = api.get('/sip/transports', query={'search': 'UD'})

    assert response.json['total'] == 1
    assert [item['name'] for item in response.json['items']] == ['b-udp']


def test_list_search_takes_underscore_and_percent_literally(api):
    create(api, 'a_b')
    create(api, 'axb')

    assert [item['name'] for item in api.get('/sip/transports', query={'search': 'a_b'}).json['items']] == ['a_b']
    assert api.get('/sip/transports', query={'search': '%'}).json['total'] == 0


def test_list_exact_name_filter(api, three):
    response = api.get('/sip/transports', query={'name': 'a-tc'})
    assert response.json['total'] == 0

    response = api.get('/sip/transports', query={'name': 'a-tcp'})
    assert [item['name'] for item in response.json['items']] == ['a-tcp']


def test_list_uuid_filter_drops_invalid_uuids(api, three):
    wanted = [three[0]['uuid'], three[2]['uuid']]

    response = api.get('/sip/transports', query={'uuid': ','.join([*wanted, 'not-a-uuid', f"{three[1]['uuid']}\x00"])})

    assert response.json['total'] == 2
    assert sorted(item['uuid'] for item in response.json['items']) == sorted(wanted)
    assert api.get('/sip/transports', query={'uuid': 'nope'}).json == {'total': 0, 'items': []}


def test_list_bad_parameters(api):
    for query, message in (
        ({'order': 'options'}, "Input Error - order: column 'options' was not found"),
        ({'direction': 'up'}, 'Input Error - direction: Must be one of: asc, desc.'),
        ({'direction': ''}, 'Input Error - direction: Must be one of: asc, desc.'),
        ({'order': ''}, "Input Error - order: column '' was not found"),
        ({'limit': 'ten'}, 'Input Error - limit: Not a valid integer.'),
        ({'offset': '-1'}, 'Input Error - offset: Must be greater than or equal to 0.'),
        ({'limit': '99999999999999999999'}, 'Input Error - limit: Must be less than or equal to 2147483647.'),
        ({'offset': str(2**31)}, 'Input Error - offset: Must be less than or equal to 2147483647.'),
        ({'search': 'udp\x00'}, 'Input Error - search: Must not contain line breaks or control characters.'),
        ({'name': 'udp\x00'}, 'Input Error - name: Must not contain line breaks or control characters.'),
    ):
        response = api.get('/sip/transports', query=query)

        assert (response.status_code, response.json) == (400, [message]), query


# --- update


def test_put_is_partial_options_only(api):
    created = create(api, 'transport-udp')

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'options': [['protocol', 'tcp']]})

    assert response.status_code == 204
    assert response.data == b''
    got = api.get(f'/sip/transports/{created["uuid"]}').json
    assert got['name'] == 'transport-udp'
    assert got['options'] == [['protocol', 'tcp']]


def test_put_is_partial_name_only(api):
    created = create(api, 'old-name')

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'name': 'new-name'})

    assert response.status_code == 204
    got = api.get(f'/sip/transports/{created["uuid"]}').json
    assert got['name'] == 'new-name'
    assert got['options'] == UDP


def test_get_body_can_be_put_back(api):
    created = create(api, 'transport-udp')
    body = api.get(f'/sip/transports/{created["uuid"]}').json
    body['options'] = [['protocol', 'tls']]

    assert api.put(f'/sip/transports/{created["uuid"]}', json=body).status_code == 204
    assert api.get(f'/sip/transports/{created["uuid"]}').json['options'] == [['protocol', 'tls']]


def test_put_unknown_transport_is_404(api):
    missing = str(uuid.uuid4())

    response = api.put(f'/sip/transports/{missing}', json={'options': []})

    assert response.status_code == 404
    assert response.json == not_found(missing)


def test_rename_frees_the_old_name(api):
    created = create(api, 'old-name')
    api.put(f'/sip/transports/{created["uuid"]}', json={'name': 'new-name'})

    response = api.post('/endpoints/sip', json={'name': 'old-name'})

    assert response.status_code == 201, response.json


# --- one name space with endpoints and templates


def test_create_with_the_name_of_another_transport(api):
    create(api, 'transport-udp')

    response = api.post('/sip/transports', json={'name': 'transport-udp', 'options': []})

    assert response.status_code == 400
    assert response.json == ["Resource Error - Transport already exists ('name': 'transport-udp')"]
    assert transport_names(api) == ['transport-udp']


def test_rename_onto_another_transport(api):
    create(api, 'first')
    second = create(api, 'second')

    response = api.put(f'/sip/transports/{second["uuid"]}', json={'name': 'first'})

    assert response.status_code == 400
    assert response.json == ["Resource Error - Transport already exists ('name': 'first')"]
    assert api.get(f'/sip/transports/{second["uuid"]}').json['name'] == 'second'


def test_create_with_the_name_of_an_endpoint(api):
    assert api.post('/endpoints/sip', json={'name': 'shared'}).status_code == 201

    response = api.post('/sip/transports', json={'name': 'shared', 'options': UDP})

    assert response.status_code == 400
    assert response.json == ["Resource Error - Transport already exists ('name': 'shared')"]
    assert transport_names(api) == []


def test_rename_onto_a_template_name(api):
    assert api.post('/endpoints/sip/templates', json={'name': 'tpl'}).status_code == 201
    created = create(api, 'transport-udp')

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'name': 'tpl'})

    assert response.status_code == 400
    assert response.json == ["Resource Error - Transport already exists ('name': 'tpl')"]


def test_endpoint_cannot_take_a_transport_name(api):
    create(api, 'transport-udp')

    response = api.post('/endpoints/sip', json={'name': 'transport-udp'})

    assert response.status_code == 400
    assert response.json == ["Resource Error - SIPEndpoint already exists ('name': 'transport-udp')"]


# --- delete


def test_delete(api):
    created = create(api, 'transport-udp')

    response = api.delete(f'/sip/transports/{created["uuid"]}')

    assert response.status_code == 204
    assert response.data == b''
    assert api.get(f'/sip/transports/{created["uuid"]}').status_code == 404
    # the name is free again
    create(api, 'transport-udp')


def test_delete_unknown_transport_is_404(api):
    missing = str(uuid.uuid4())

    response = api.delete(f'/sip/transports/{missing}')

    assert response.status_code == 404
    assert response.json == not_found(missing)


@pytest.fixture
def in_use(api):
    """A transport used by an endpoint and a template, and another transport."""
    used, spare = create(api, 'used'), create(api, 'spare')
    reference = {'uuid': used['uuid']}
    endpoint = api.post('/endpoints/sip', json={'name': 'alice', 'transport': reference}).json
    template = api.post('/endpoints/sip/templates', json={'name': 'tpl', 'transport': reference}).json
    return used, spare, endpoint, template


def test_delete_with_fallback_repoints_endpoints_and_templates(api, in_use):
    used, spare, endpoint, template = in_use

    response = api.delete(f'/sip/transports/{used["uuid"]}', query={'fallback': spare['uuid']})

    assert response.status_code == 204
    assert api.get(f'/sip/transports/{used["uuid"]}').status_code == 404
    assert api.get(f'/endpoints/sip/{endpoint["uuid"]}').json['transport'] == {'uuid': spare['uuid']}
    assert api.get(f'/endpoints/sip/templates/{template["uuid"]}').json['transport'] == {'uuid': spare['uuid']}


def test_delete_in_use_without_fallback_is_refused(api, in_use):
    used, _, endpoint, template = in_use

    response = api.delete(f'/sip/transports/{used["uuid"]}')

    assert response.status_code == 400
    assert response.json in (
        [f"Resource Error - Transport is associated with a EndpointSIP ('uuid': '{user['uuid']}')"]
        for user in (endpoint, template)
    )
    assert api.get(f'/sip/transports/{used["uuid"]}').status_code == 200
    assert api.get(f'/endpoints/sip/{endpoint["uuid"]}').json['transport'] == {'uuid': used['uuid']}


def test_delete_with_unknown_fallback_is_404(api, in_use):
    used, _, endpoint, _ = in_use
    missing = str(uuid.uuid4())

    response = api.delete(f'/sip/transports/{used["uuid"]}', query={'fallback': missing})

    assert response.status_code == 404
    assert response.json == not_found(missing)
    assert api.get(f'/endpoints/sip/{endpoint["uuid"]}').json['transport'] == {'uuid': used['uuid']}


def test_delete_with_fallback_that_is_not_a_uuid_is_404(api, in_use):
    used = in_use[0]

    for fallback in ('transport-udp', f'{used["uuid"]}\x00'):
        response = api.delete(f'/sip/transports/{used["uuid"]}', query={'fallback': fallback})

        assert response.status_code == 404
        assert response.json == [f"Resource Not Found - Transport was not found ('uuid': {fallback!r})"]
    assert api.get(f'/sip/transports/{used["uuid"]}').status_code == 200


def test_delete_with_itself_as_fallback_is_refused(api, in_use):
    used, _, endpoint, _ = in_use

    response = api.delete(f'/sip/transports/{used["uuid"]}', query={'fallback': used['uuid']})

    assert response.status_code == 400
    assert response.json == ['Input Error - fallback: Must be another transport than the deleted one']
    assert api.get(f'/endpoints/sip/{endpoint["uuid"]}').json['transport'] == {'uuid': used['uuid']}


def test_delete_unused_with_fallback(api):
    unused, spare = create(api, 'unused'), create(api, 'spare')

    response = api.delete(f'/sip/transports/{unused["uuid"]}', query={'fallback': spare['uuid']})

    assert response.status_code == 204
    assert transport_names(api) == ['spare']


# --- options


def test_ipv6_binds_are_accepted(api):
    for name, bind in (('any6', '[::]:5060'), ('host6', '[2001:db8::1]:5061')):
        body = create(api, name, [['protocol', 'udp'], ['bind', bind]])
        assert body['options'][1] == ['bind', bind]


def test_repeated_local_net_kept_in_order(api):
    options = [
        ['local_net', '192.168.0.0/16'],
        ['protocol', 'udp'],
        ['local_net', '10.0.0.0/8'],
        ['local_net', '172.16.0.0/12'],
    ]

    created = create(api, 'nat', options)

    assert api.get(f'/sip/transports/{created["uuid"]}').json['options'] == options


def test_cipher_list_with_commas_accepted(api):
    options = [['protocol', 'tls'], ['cipher', 'ECDHE-RSA-AES128-GCM-SHA256,ECDHE-RSA-AES256-GCM-SHA384']]

    created = create(api, 'tls', options)

    assert created['options'] == options


def test_128_options_accepted_129_refused(api):
    nets = [['local_net', f'10.0.{index}.0/24'] for index in range(129)]

    assert api.post('/sip/transports', json={'name': 'max', 'options': nets[:128]}).status_code == 201
    response = api.post('/sip/transports', json={'name': 'too-many', 'options': nets})

    assert response.status_code == 400
    assert response.json == ['Input Error - options: Longer than maximum length 128.']
    assert transport_names(api) == ['max']


def test_too_many_options_on_update(api):
    created = create(api, 'transport-udp')
    nets = [['local_net', f'10.0.{index}.0/24'] for index in range(129)]

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'options': nets})

    assert response.status_code == 400
    assert api.get(f'/sip/transports/{created["uuid"]}').json['options'] == UDP


INJECTIONS = [
    ([['bind', '0.0.0.0:5060\n[evil]\ntype=endpoint']], 'invalid value for bind: must not contain line breaks'),
    ([['domain', 'example.com\r\n']], 'invalid value for domain: must not contain line breaks'),
    ([['protocol', 'udp\x00']], 'invalid value for protocol: must not contain line breaks'),
    ([['protocol\n[evil]', 'udp']], "'options: invalid variable (protocol\\n[evil])' must be one of ("),
]


def test_injection_is_refused(api):
    for options, fragment in INJECTIONS:
        response = api.post('/sip/transports', json={'name': 'evil', 'options': options})

        assert response.status_code == 400, options
        (message,) = response.json
        assert message.startswith('Input Error - ')
        assert fragment in message
    assert transport_names(api) == []


def test_injection_refused_on_update(api):
    created = create(api, 'transport-udp')

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'options': [['bind', '0.0.0.0:5060\n[x]']]})

    assert response.status_code == 400
    assert api.get(f'/sip/transports/{created["uuid"]}').json['options'] == UDP


def test_unknown_key_lists_the_nearest_allowed_keys(api):
    response = api.post('/sip/transports', json={'name': 'udp', 'options': [['protocl', 'udp']]})

    assert response.status_code == 400
    (message,) = response.json
    assert message.startswith("Input Error - 'options: invalid variable (protocl)' must be one of (protocol, ")
    assert 'did you mean protocol?' in message and message.endswith('are in GET /1.1/asterisk/pjsip/doc')


BAD_OPTIONS = [
    ([['type', 'transport']], "Input Error - 'options: invalid variable (type)' must be one of ("),
    ([['protocol', 'carrier-pigeon']], 'Input Error - options: invalid value for protocol'),
    ([['bind', 'not an address']], 'Input Error - options: invalid value for bind'),
    ([['external_signaling_port', 'many']], 'Input Error - options: invalid value for external_signaling_port'),
    ([['protocol', '']], 'Input Error - options: item 0: the value must be 1 to 4092 characters long'),
]


def test_bad_option_is_refused_naming_field_and_option(api):
    for options, start in BAD_OPTIONS:
        response = api.post('/sip/transports', json={'name': 'udp', 'options': options})

        assert response.status_code == 400, options
        (message,) = response.json
        assert message.startswith(start)
    assert transport_names(api) == []


NAME_RULE = 'Must be 1 to 79 characters among letters, digits, "-", "_" and "."'
BAD_BODIES = [
    ({}, 'Input Error - name: Missing data for required field.'),
    ({'name': None}, 'Input Error - name: Field may not be null.'),
    ({'name': ''}, f'Input Error - name: {NAME_RULE}'),
    ({'name': 'a' * 80}, f'Input Error - name: {NAME_RULE}'),
    ({'name': 'a b'}, f'Input Error - name: {NAME_RULE}'),
    ({'name': 'a\n[b]'}, f'Input Error - name: {NAME_RULE}'),
    ({'name': 'udp\n'}, f'Input Error - name: {NAME_RULE}'),
    ({'name': 'global'}, 'Input Error - name: "global" is reserved'),
    ({'name': 'system'}, 'Input Error - name: "system" is reserved'),
    ({'name': 12}, 'Input Error - name: Not a valid string.'),
    ({'name': 'udp', 'options': 'protocol=udp'}, 'Input Error - options: Not a valid list.'),
    ({'name': 'udp', 'options': None}, 'Input Error - options: Field may not be null.'),
    ({'name': 'udp', 'options': [['protocol']]}, 'Input Error - options: item 0: must be a [key, value] pair'),
    ({'name': 'udp', 'options': [['protocol', 5]]}, 'Input Error - options: item 0: the value must be a string'),
]


def test_bad_body_is_refused(api):
    for body, message in BAD_BODIES:
        response = api.post('/sip/transports', json=body)

        assert (response.status_code, response.json) == (400, [message]), body
    assert transport_names(api) == []


def test_bad_name_refused_on_update(api):
    created = create(api, 'transport-udp')

    response = api.put(f'/sip/transports/{created["uuid"]}', json={'name': 'global'})

    assert (response.status_code, response.json) == (400, ['Input Error - name: "global" is reserved'])
    assert transport_names(api) == ['transport-udp']


def test_79_character_name_accepted(api):
    assert create(api, 'n' * 79)['name'] == 'n' * 79


# --- tenants


def test_any_tenant_may_read(api):
    created = create(api, 'transport-udp')
    for token in (SUB_TOKEN, OTHER_TOKEN):
        reader = api.as_(token)

        assert reader.get('/sip/transports').json['items'] == [created]
        assert reader.get(f'/sip/transports/{created["uuid"]}').json == created


def test_non_master_tenant_cannot_create(api):
    response = api.as_(SUB_TOKEN).post('/sip/transports', json={'name': 'udp', 'options': UDP})

    assert response.status_code == 401
    assert response.json == UNAUTHORIZED
    assert transport_names(api) == []


def test_non_master_tenant_cannot_update_or_delete(api):
    created = create(api, 'transport-udp')
    sub = api.as_(SUB_TOKEN)

    update = sub.put(f'/sip/transports/{created["uuid"]}', json={'name': 'renamed'})
    delete = sub.delete(f'/sip/transports/{created["uuid"]}')

    assert (update.status_code, update.json) == (401, UNAUTHORIZED)
    assert (delete.status_code, delete.json) == (401, UNAUTHORIZED)
    assert api.get(f'/sip/transports/{created["uuid"]}').json == created


def test_the_token_tenant_decides_not_the_header(api):
    # A master token acting in a sub-tenant may still write; a sub token naming the master may not.
    response = api.as_(tenant=SUB).post('/sip/transports', json={'name': 'udp', 'options': UDP})
    assert response.status_code == 201

    response = api.as_(SUB_TOKEN, tenant=MAIN).post('/sip/transports', json={'name': 'tcp', 'options': UDP})
    assert response.status_code == 401
