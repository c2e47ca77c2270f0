# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every route shares: error format, 404/405/500, JSON bodies, CORS, proxy headers, query booleans."""
import dataclasses
import io
import json
import logging
import uuid

import pytest
from flask_restful import Resource

from wazo_confd_pjsip.app import create_app
from wazo_confd_pjsip.http.api import WazoApi
from wazo_confd_pjsip.http.auth import no_auth

from .conftest import MASTER_TOKEN, SUB, ApiClient, make_config

NOT_FOUND = [
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'  # noqa: E501
]
NOT_ALLOWED = ['The method is not allowed for the requested URL.']


def assert_json_error(response, status):
    assert response.status_code == status
    assert response.mimetype == 'application/json'
    assert isinstance(response.json, list) and response.json
    assert all(isinstance(message, str) for message in response.json)


# --- 404 and 405


def test_unknown_route_is_404(api, fake_auth):
    for path in ('/1.1/nothing/here', '/nothing', '/1.0/sip/transports', '/1.1/sip/transports/x/y'):
        response = api._client.get(path, headers={'X-Auth-Token': MASTER_TOKEN})

        assert_json_error(response, 404)
        assert response.json == NOT_FOUND, path
    assert fake_auth.requests == []  # no route, nothing to authorize


def test_non_uuid_id_is_404(api, fake_auth):
    for path in (
        '/sip/transports/not-a-uuid',
        '/endpoints/sip/123',
        '/endpoints/sip/templates/global',
        "/sip/transports/' OR 1=1",
    ):
        response = api.get(path)

        assert_json_error(response, 404)
        assert response.json == NOT_FOUND, path
    assert fake_auth.requests == []


def test_wrong_method_is_405(api):
    for method, path, allowed in (
        ('PATCH', '/sip/transports', {'GET', 'HEAD', 'OPTIONS', 'POST'}),
        ('DELETE', '/sip/transports', {'GET', 'HEAD', 'OPTIONS', 'POST'}),
        ('POST', f'/sip/transports/{uuid.uuid4()}', {'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT'}),
        ('DELETE', '/asterisk/pjsip/global', {'GET', 'HEAD', 'OPTIONS', 'PUT'}),
        ('POST', '/status', {'GET', 'HEAD', 'OPTIONS'}),
    ):
        response = api.request(method, path, json={})

        assert_json_error(response, 405)
        assert response.json == NOT_ALLOWED
        assert set(response.headers['Allow'].split(', ')) == allowed, (method, path)


# --- 500


@pytest.fixture
def failing_api(core):
    """The application plus two routes that fail: one of the REST API, one plain Flask route."""

    class Failing(Resource):
        @no_auth
        def get(self):
            raise RuntimeError('password=hunter2 in /srv/secret.py line 12')

    app = create_app(core)
    WazoApi(app, prefix='/1.1').add_resource(Failing, '/failing')  # beside the plugins' routes, as they are

    @app.route('/plain-failing')
    def plain_failing():
        raise KeyError('secret-key')

    return app.test_client()


@pytest.mark.parametrize('path, error_class', [('/1.1/failing', 'RuntimeError'), ('/plain-failing', 'KeyError')])
def test_unexpected_error_is_500_without_details(failing_api, path, error_class, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing_api.get(path)

    assert_json_error(response, 500)
    assert response.json == [f'Unexpected error: {error_class}']
    assert b'Traceback' not in response.data and b'secret' not in response.data and b'hunter2' not in response.data
    # the details go to the log, with the stack trace
    (record,) = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert path in record.getMessage()


# --- JSON bodies


INVALID_BODIES = {
    'absent': (None, None),
    'empty': ('', 'application/json'),
    'truncated': ('{"name": "udp",', 'application/json'),
    'form': ('name=udp', 'application/x-www-form-urlencoded'),
    'not utf-8': (b'\xff\xfe{}', 'application/json'),
    'null': ('null', 'application/json'),
}


@pytest.mark.parametrize('method, path', [('POST', '/sip/transports'), ('PUT', '/asterisk/pjsip/global')])
def test_missing_or_invalid_json_body(api, method, path):
    for case, (data, content_type) in INVALID_BODIES.items():
        headers = {'Content-Type': content_type} if content_type else {}

        response = api.request(method, path, data=data, headers=headers)

        assert_json_error(response, 400)
        assert response.json == ['Input Error - body: Missing or invalid JSON body'], case


def test_json_body_that_is_not_an_object(api):
    for body in ('[]', '"text"', '42', 'true'):
        response = api.request('POST', '/sip/transports', data=body, headers={'Content-Type': 'application/json'})

        assert_json_error(response, 400)
        assert response.json == ['Input Error - body: Must be a JSON object'], body


def test_json_body_without_json_content_type_is_read(api):
    # wazo-confd reads the body whatever the Content-Type says
    response = api.request('POST', '/sip/transports', data='{"name": "udp"}', headers={'Content-Type': 'text/plain'})

    assert response.status_code == 201


def test_empty_body_put_answers_204_without_body(api):
    created = api.post('/sip/transports', json={'name': 'udp'}).json

    response = api.put(f'/sip/transports/{created["uuid"]}', json={})

    assert response.status_code == 204
    assert response.data == b''


# --- CORS


def test_cors_preflight(api):
    response = api._client.options(
        '/1.1/sip/transports',
        headers={
            'Origin': 'https://ui.example',
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'X-Auth-Token, Content-Type, Wazo-Tenant',
        },
    )

    assert response.status_code == 200
    assert response.headers['Access-Control-Allow-Origin'] == 'https://ui.example'
    assert set(response.headers['Access-Control-Allow-Headers'].split(', ')) == {
        'X-Auth-Token',
        'Content-Type',
        'Wazo-Tenant',
    }
    assert {'GET', 'POST', 'PUT', 'DELETE'} <= set(response.headers['Access-Control-Allow-Methods'].split(', '))


def test_cors_headers_on_answers(api):
    response = api.get('/sip/transports', headers={'Origin': 'https://ui.example'})

    assert response.headers['Access-Control-Allow-Origin'] == 'https://ui.example'
    assert 'Location' in response.headers['Access-Control-Expose-Headers']


def test_cors_headers_on_errors(api):
    response = api.as_('no-such-token').get('/sip/transports', headers={'Origin': 'https://ui.example'})

    assert response.status_code == 401
    assert response.headers['Access-Control-Allow-Origin'] == 'https://ui.example'


def test_cors_can_be_disabled(core, fake_auth):
    config = make_config(fake_auth, rest_api={'cors': {'enabled': False}})
    api = ApiClient(create_app(dataclasses.replace(core, config=config)).test_client())

    response = api.get('/sip/transports', headers={'Origin': 'https://ui.example'})

    assert response.status_code == 200
    assert 'Access-Control-Allow-Origin' not in response.headers


# --- behind a proxy


PROXIES = [
    ({}, 'http://localhost/1.1'),
    ({'X-Script-Name': '/api/confd'}, 'http://localhost/api/confd/1.1'),
    ({'X-Script-Name': '/api/confd/'}, 'http://localhost/api/confd/1.1'),
    ({'X-Script-Name': 'api/confd'}, 'http://localhost/api/confd/1.1'),
    ({'X-Script-Name': '/'}, 'http://localhost/1.1'),
    (
        {'X-Script-Name': '/api/confd', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'pbx.example:8443'},
        'https://pbx.example:8443/api/confd/1.1',
    ),
    ({'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'pbx.example'}, 'https://pbx.example/1.1'),
    ({'X-Forwarded-Prefix': '/confd'}, 'http://localhost/confd/1.1'),
]


def test_location_and_links_follow_proxy_headers(api):
    for index, (headers, base) in enumerate(PROXIES):
        created = api.post('/sip/transports', json={'name': f'udp{index}'}, headers=headers)
        endpoint = api.post('/endpoints/sip', json={}, headers=headers)

        href = f'{base}/sip/transports/{created.json["uuid"]}'
        assert created.headers['Location'] == href, headers
        endpoint_href = f'{base}/endpoints/sip/{endpoint.json["uuid"]}'
        assert endpoint.headers['Location'] == endpoint_href
        listed = api.get(f'/endpoints/sip/{endpoint.json["uuid"]}', headers=headers).json
        assert listed['links'] == [{'rel': 'endpoint_sip', 'href': endpoint_href}]


# --- query booleans


def test_boolean_query_values(api):
    api.as_(tenant=SUB).post('/endpoints/sip', json={'name': 'in-sub'})
    for value, recursive in (
        ('True', True),
        ('true', True),
        ('1', True),
        ('yes', True),
        ('TRUE', True),
        ('False', False),
        ('false', False),
        ('0', False),
        ('no', False),
    ):
        response = api.get('/endpoints/sip', query={'recurse': value})

        assert response.status_code == 200, value
        names = [item['name'] for item in response.json['items']]
        assert ('in-sub' in names) is recursive, value


def test_other_boolean_query_values_are_400(api):
    for value in ('maybe', '', '2', 'on', 'truee', 'y'):
        response = api.get('/endpoints/sip', query={'recurse': value})

        assert_json_error(response, 400)
        assert response.json == ['Input Error - recurse: Not a valid boolean.'], value


def test_what_wazo_confd_client_sends(api):
    # wazo-confd-client's list(): recurse=False, Connection: close, JSON accept
    response = api.get('/sip/transports', query={'recurse': 'False'}, headers={'Connection': 'close'})

    assert response.status_code == 200
    assert response.json == {'total': 0, 'items': []}


def test_json_nested_too_deeply_is_a_400(api):
    depth = 50_000
    body = '{"name": "x", "label": ' + '[' * depth + ']' * depth + '}'

    response = api.post('/endpoints/sip', data=body, headers={'Content-Type': 'application/json'})

    assert response.status_code == 400
    assert response.json == ['Input Error - body: JSON nested too deeply']


def test_a_body_larger_than_any_valid_one_is_refused_unread(api):
    from wazo_confd_pjsip.app import MAX_BODY_BYTES

    response = api.post(
        '/endpoints/sip', data=b'x' * (MAX_BODY_BYTES + 1), headers={'Content-Type': 'application/json'}
    )

    assert response.status_code == 413
    assert isinstance(response.json, list) and all(isinstance(message, str) for message in response.json)


def _chunked(api, method, path, data):
    """As cheroot hands a chunked body over: no Content-Length, the input terminated by the server."""
    return api._client.open(
        path=f'/1.1{path}',
        method=method,
        input_stream=io.BytesIO(data),
        headers={**api._headers({}), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'},
        environ_overrides={'wsgi.input_terminated': True, 'CONTENT_LENGTH': ''},
    )


@pytest.mark.parametrize('method, path', [('POST', '/endpoints/sip'), ('PUT', '/asterisk/pjsip/global')])
def test_a_chunked_body_larger_than_any_valid_one_is_refused(api, method, path):
    from wazo_confd_pjsip.app import MAX_BODY_BYTES

    response = _chunked(api, method, path, b'{"options": {"user_agent": "' + b'x' * MAX_BODY_BYTES + b'"}}')

    assert response.status_code == 413
    assert isinstance(response.json, list) and all(isinstance(message, str) for message in response.json)


def test_a_chunked_body_within_the_limit_is_read(api):
    response = _chunked(api, 'POST', '/endpoints/sip', json.dumps({'name': 'chunky'}).encode())

    assert response.status_code == 201, response.json
    assert response.json['name'] == 'chunky'
