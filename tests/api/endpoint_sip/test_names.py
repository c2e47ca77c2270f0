# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Names: generated when absent, checked, unique in the one Asterisk id namespace, even under concurrency."""
import re
import threading

import pytest

from ..conftest import OTHER_TOKEN, SUB_TOKEN, ApiClient
from .helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_template, create_transport, item_path, row_counts


def already_exists(name):
    return [f"Resource Error - SIPEndpoint already exists ('name': '{name}')"]


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_a_name_is_generated_when_absent(api, base):
    generated = {api.post(base, json={}).json['name'] for _ in range(3)}
    assert len(generated) == 3
    assert all(re.fullmatch('[a-z0-9]{8}', name) for name in generated)


def test_valid_names_are_kept(api):
    for name in ('a', 'A-b_c.9', 'x' * 79):
        assert create_endpoint(api, name=name)['name'] == name


INVALID_NAMES = [
    None,
    '',
    'x' * 80,
    'with space',
    'semi;colon',
    'brack[et]',
    'new\nline',
    'trailing-newline\n',
    'derived~id',
    'accentué',
    'global',
    'system',
    5,
]


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_invalid_names_are_refused_and_nothing_is_written(api, database, base):
    api.get(base)  # the tenant's defaults exist before counting
    before = row_counts(database)
    for name in INVALID_NAMES:
        response = api.post(base, json={'name': name})
        assert response.status_code == 400, name
        assert len(response.json) == 1 and response.json[0].startswith('Input Error - name: '), response.json
    assert row_counts(database) == before


def test_a_name_cannot_be_renamed_to_an_invalid_one(api):
    body = create_endpoint(api, name='good')
    for name in INVALID_NAMES:
        assert api.put(item_path(ENDPOINTS, body), json={'name': name}).status_code == 400
    assert api.get(item_path(ENDPOINTS, body)).json['name'] == 'good'


@pytest.mark.parametrize(
    'first_base, second_base',
    [(ENDPOINTS, ENDPOINTS), (ENDPOINTS, TEMPLATES), (TEMPLATES, ENDPOINTS), (TEMPLATES, TEMPLATES)],
)
def test_names_are_unique_across_endpoints_and_templates(api, first_base, second_base):
    assert api.post(first_base, json={'name': 'taken'}).status_code == 201

    response = api.post(second_base, json={'name': 'taken'})

    resource = 'SIPEndpointTemplate' if second_base == TEMPLATES else 'SIPEndpoint'
    assert (response.status_code, response.json) == (
        400,
        [f"Resource Error - {resource} already exists ('name': 'taken')"],
    )


def test_names_are_unique_across_transports(api):
    create_transport(api, 'transport-udp')
    response = api.post(ENDPOINTS, json={'name': 'transport-udp'})
    assert (response.status_code, response.json) == (400, already_exists('transport-udp'))
    endpoint = create_endpoint(api, name='line-1')
    response = api.put(item_path(ENDPOINTS, endpoint), json={'name': 'transport-udp'})
    assert (response.status_code, response.json) == (400, already_exists('transport-udp'))


def test_names_are_unique_across_tenants(api):
    create_endpoint(api, name='shared')
    for token in (SUB_TOKEN, OTHER_TOKEN):
        response = api.as_(token).post(ENDPOINTS, json={'name': 'shared'})
        assert (response.status_code, response.json) == (400, already_exists('shared'))


def test_wazo_ui_matches_the_already_exists_prefix(api):
    create_endpoint(api, name='dup')
    message = api.post(ENDPOINTS, json={'name': 'dup'}).json[0]
    assert message.startswith("Resource Error - SIPEndpoint already exists ('name':")


def test_renaming_to_a_taken_name_is_refused_and_changes_nothing(api, database):
    create_template(api, name='taken')
    body = create_endpoint(api, name='mine', label='kept')
    before = row_counts(database)

    response = api.put(item_path(ENDPOINTS, body), json={'name': 'taken', 'label': 'changed'})

    assert (response.status_code, response.json) == (400, already_exists('taken'))
    assert api.get(item_path(ENDPOINTS, body)).json == body
    assert row_counts(database) == before


def test_renaming_frees_the_old_name(api):
    body = create_endpoint(api, name='old-name')
    assert api.put(item_path(ENDPOINTS, body), json={'name': 'new-name'}).status_code == 204

    assert api.get(item_path(ENDPOINTS, body)).json['name'] == 'new-name'
    assert create_template(api, name='old-name')['name'] == 'old-name'
    assert api.post(ENDPOINTS, json={'name': 'new-name'}).status_code == 400


def test_putting_the_same_name_back_is_not_a_collision(api):
    body = create_endpoint(api, name='same')
    assert api.put(item_path(ENDPOINTS, body), json={'name': 'same'}).status_code == 204


def test_deleting_frees_the_name(api):
    body = create_template(api, name='recycled')
    assert api.delete(item_path(TEMPLATES, body)).status_code == 204
    assert create_endpoint(api, name='recycled')['name'] == 'recycled'


def test_names_are_case_sensitive_like_asterisk_ids(api):
    create_endpoint(api, name='Case')
    assert create_endpoint(api, name='case')['name'] == 'case'


@pytest.mark.parametrize('bases', [(ENDPOINTS, ENDPOINTS), (ENDPOINTS, TEMPLATES)])
def test_two_concurrent_creates_of_one_name_give_exactly_one_201(app, api, bases):
    api.get(ENDPOINTS)  # the tenant and its defaults exist: both requests race on the name alone
    start = threading.Barrier(len(bases))
    responses = []

    def create(base):
        client = ApiClient(app.test_client())
        start.wait(timeout=5)
        response = client.post(base, json={'name': 'raced'})
        responses.append((response.status_code, response.json))

    threads = [threading.Thread(target=create, args=(base,)) for base in bases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    codes = sorted(code for code, _ in responses)
    assert codes == [201, 400], responses
    refusal = next(body for code, body in responses if code == 400)
    assert refusal[0].startswith("Resource Error - ") and "already exists ('name': 'raced')" in refusal[0]
    assert [item['name'] for item in api.get(ENDPOINTS, query={'name': 'raced'}).json['items']] + [
        item['name'] for item in api.get(TEMPLATES, query={'name': 'raced'}).json['items']
    ] == ['raced']


def test_concurrent_first_requests_of_a_new_tenant_both_succeed(app):
    """Two creates racing on a tenant nobody has seen: one makes the defaults, neither fails."""
    start = threading.Barrier(2)
    codes = []

    def create(name):
        client = ApiClient(app.test_client(), token=SUB_TOKEN)
        start.wait(timeout=5)
        codes.append(client.post(ENDPOINTS, json={'name': name}).status_code)

    threads = [threading.Thread(target=create, args=(name,)) for name in ('first', 'second')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert codes == [201, 201]
    labels = [item['label'] for item in ApiClient(app.test_client(), token=SUB_TOKEN).get(TEMPLATES).json['items']]
    assert sorted(labels) == ['global', 'meeting_guest', 'registration_trunk', 'webrtc']
