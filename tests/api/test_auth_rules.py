# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication and tenant rules of wazo-auth.md, on every route the application exposes.

The routes are read from an application built at collection time, so a route added by any plugin
is covered without editing this file. Refusals happen before any handler runs: they are checked on
applications whose collaborators, but for the auth backend, are mocks (no database, fast). What
must get through the checks is tried on the real application.
"""
import dataclasses
import json
import re
import uuid
from unittest import mock

import pytest

from wazo_confd_pjsip.app import create_app
from wazo_confd_pjsip.auth import make_auth_backend
from wazo_confd_pjsip.config import DEFAULT_CONFIG

from .conftest import MAIN, MASTER_TOKEN, NO_ACL_TOKEN, OTHER, READ_ONLY_TOKEN, SUB, SUB_TOKEN, make_config
from .test_status import app_with_auth  # noqa: F401 (fixture)

UNAUTHORIZED = ['Unauthorized: invalid token or unauthorized access']
ITEM_ID = 42
ITEM_UUID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
PUBLIC_PATHS = {'/1.1/api/api.yml'}
WRITE_METHODS = {'POST', 'PUT', 'DELETE'}

# The ACL of each route of the reference (wazo-confd-api.md, wazo-auth.md).
REFERENCE_ACLS = {
    ('GET', '/1.1/endpoints/sip'): 'confd.endpoints.sip.read',
    ('POST', '/1.1/endpoints/sip'): 'confd.endpoints.sip.create',
    ('GET', '/1.1/endpoints/sip/<uuid:uuid>'): 'confd.endpoints.sip.{uuid}.read',
    ('PUT', '/1.1/endpoints/sip/<uuid:uuid>'): 'confd.endpoints.sip.{uuid}.update',
    ('DELETE', '/1.1/endpoints/sip/<uuid:uuid>'): 'confd.endpoints.sip.{uuid}.delete',
    ('GET', '/1.1/endpoints/sip/templates'): 'confd.endpoints.sip.templates.read',
    ('POST', '/1.1/endpoints/sip/templates'): 'confd.endpoints.sip.templates.create',
    ('GET', '/1.1/endpoints/sip/templates/<uuid:uuid>'): 'confd.endpoints.sip.templates.{uuid}.read',
    ('PUT', '/1.1/endpoints/sip/templates/<uuid:uuid>'): 'confd.endpoints.sip.templates.{uuid}.update',
    ('DELETE', '/1.1/endpoints/sip/templates/<uuid:uuid>'): 'confd.endpoints.sip.templates.{uuid}.delete',
    ('GET', '/1.1/sip/transports'): 'confd.sip.transports.read',
    ('POST', '/1.1/sip/transports'): 'confd.sip.transports.create',
    ('GET', '/1.1/sip/transports/<uuid:uuid>'): 'confd.sip.transports.{uuid}.read',
    ('PUT', '/1.1/sip/transports/<uuid:uuid>'): 'confd.sip.transports.{uuid}.update',
    ('DELETE', '/1.1/sip/transports/<uuid:uuid>'): 'confd.sip.transports.{uuid}.delete',
    ('GET', '/1.1/asterisk/pjsip/global'): 'confd.asterisk.pjsip.global.read',
    ('PUT', '/1.1/asterisk/pjsip/global'): 'confd.asterisk.pjsip.global.update',
    ('GET', '/1.1/asterisk/pjsip/system'): 'confd.asterisk.pjsip.system.read',
    ('PUT', '/1.1/asterisk/pjsip/system'): 'confd.asterisk.pjsip.system.update',
    ('GET', '/1.1/asterisk/pjsip/doc'): 'confd.asterisk.pjsip.doc.read',
    ('GET', '/1.1/status'): 'confd.status.read',
}
REFERENCE_MASTER_ONLY = {
    ('POST', '/1.1/sip/transports'),
    ('PUT', '/1.1/sip/transports/<uuid:uuid>'),
    ('DELETE', '/1.1/sip/transports/<uuid:uuid>'),
    ('GET', '/1.1/asterisk/pjsip/global'),
    ('PUT', '/1.1/asterisk/pjsip/global'),
    ('GET', '/1.1/asterisk/pjsip/system'),
    ('PUT', '/1.1/asterisk/pjsip/system'),
}

_NO_MARKER = object()


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    rule: str
    path: str  # the rule with its parameters filled in
    acl: object  # the required_acl template; None when public, _NO_MARKER when the marker is missing
    master_only: bool

    @property
    def expected_scope(self):
        return re.sub(r'\{(\w+_id)\}', str(ITEM_ID), re.sub(r'\{(\w*uuid)\}', ITEM_UUID, self.acl))

    def __str__(self):
        return f'{self.method} {self.rule}'


def mocked_app(config, auth_backend=None):
    """The application with only `config` and `auth_backend` real: enough for routing and refusals."""
    return create_app(mock.MagicMock(config=config, auth_backend=auth_backend, status_reporters={}))


def _routes():
    app = mocked_app(DEFAULT_CONFIG)
    urls = app.url_map.bind('localhost')
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == 'static':
            continue
        view_class = app.view_functions[rule.endpoint].view_class
        # Route arguments: uuids, but the ids of wazo-confd's lines and trunks.
        path = urls.build(
            rule.endpoint, {name: ITEM_ID if name.endswith('_id') else ITEM_UUID for name in rule.arguments}
        )
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            handler = getattr(view_class, method.lower())
            routes.append(
                Route(
                    method,
                    rule.rule,
                    path,
                    getattr(handler, 'required_acl', _NO_MARKER),
                    getattr(handler, 'master_tenant_only', False),
                )
            )
    return routes


ALL_ROUTES = _routes()
PROTECTED = [route for route in ALL_ROUTES if route.path not in PUBLIC_PATHS]
MASTER_ONLY = [route for route in PROTECTED if route.master_only]


def call(client, route, token=MASTER_TOKEN, tenant=None):
    headers = {'Accept': 'application/json'}
    if token:
        headers['X-Auth-Token'] = token
    if tenant:
        headers['Wazo-Tenant'] = tenant
    body = json.dumps({}) if route.method in ('POST', 'PUT') else None
    return client.open(route.path, method=route.method, data=body, content_type='application/json', headers=headers)


def assert_error(response, status, body=None):
    assert response.status_code == status, (response.status_code, response.data)
    assert isinstance(response.json, list) and response.json
    assert all(isinstance(message, str) for message in response.json)
    if body is not None:
        assert response.json == body


@pytest.fixture(scope='module')
def refusing_apps(fake_auth):
    """name → a test client of an application that only refuses; its auth backend is configured per name."""
    auth_overrides = {'normal': {}, 'no_master': {'master_tenant_uuid': None}}
    backends = {
        name: make_auth_backend(make_config(fake_auth, auth=overrides)['auth'])
        for name, overrides in auth_overrides.items()
    }
    yield {name: mocked_app(make_config(fake_auth), backend).test_client() for name, backend in backends.items()}
    for backend in backends.values():
        backend.close()


@pytest.fixture
def refusing(refusing_apps, fake_auth):
    fake_auth.set_mode('normal')
    fake_auth.requests.clear()
    return refusing_apps['normal']


@pytest.fixture
def client(app):
    return app.test_client()


# --- the routes themselves


def test_the_reference_routes_are_all_there():
    exposed = {(route.method, route.rule) for route in ALL_ROUTES}
    assert set(REFERENCE_ACLS) <= exposed


@pytest.mark.parametrize('route', ALL_ROUTES, ids=str)
def test_every_route_declares_its_acl(route):
    if route.path in PUBLIC_PATHS:
        assert route.acl is None
        return
    assert isinstance(route.acl, str), f'{route}: no required_acl marker'
    assert route.acl.startswith('confd.')
    key = (route.method, route.rule)
    if key in REFERENCE_ACLS:
        assert route.acl == REFERENCE_ACLS[key]
        assert route.master_only == (key in REFERENCE_MASTER_ONLY)


def test_the_api_document_is_public(refusing, fake_auth):
    response = refusing.get('/1.1/api/api.yml')

    assert response.status_code == 200
    assert fake_auth.requests == []


# --- refusals: 401


@pytest.mark.parametrize('route', PROTECTED, ids=str)
def test_no_token(refusing, route, fake_auth):
    assert_error(call(refusing, route, token=None), 401, UNAUTHORIZED)
    assert_error(call(refusing, route, token=''), 401, UNAUTHORIZED)
    assert fake_auth.requests == []  # refused without asking wazo-auth


@pytest.mark.parametrize('route', PROTECTED, ids=str)
def test_unknown_token(refusing, route):
    assert_error(call(refusing, route, token='no-such-token'), 401, UNAUTHORIZED)


@pytest.mark.parametrize('route', PROTECTED, ids=str)
def test_token_without_the_acl(refusing, route):
    assert_error(call(refusing, route, token=NO_ACL_TOKEN), 401, UNAUTHORIZED)


@pytest.mark.parametrize('route', [route for route in PROTECTED if route.method in WRITE_METHODS], ids=str)
def test_read_only_token_may_not_write(refusing, route):
    assert_error(call(refusing, route, token=READ_ONLY_TOKEN), 401, UNAUTHORIZED)


@pytest.mark.parametrize('route', PROTECTED, ids=str)
@pytest.mark.parametrize(
    'tenant', [OTHER, MAIN, 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeee99'], ids=['sibling', 'parent', 'unknown']
)
def test_tenant_not_visible_to_the_token(refusing, route, tenant, fake_auth):
    assert_error(call(refusing, route, token=SUB_TOKEN, tenant=tenant), 401, UNAUTHORIZED)
    assert fake_auth.requests_of('HEAD')[0].query['tenant'] == tenant


@pytest.mark.parametrize('route', PROTECTED, ids=str)
def test_invalid_tenant_header(refusing, route, fake_auth):
    for tenant in ('not-a-uuid', f'{MAIN}.x', "' OR 1=1 --", f'{{{MAIN}}}', f'urn:uuid:{MAIN}', MAIN.replace('-', '')):
        assert_error(call(refusing, route, tenant=tenant), 401, UNAUTHORIZED)
    assert fake_auth.requests == []


@pytest.mark.parametrize('route', MASTER_ONLY, ids=str)
def test_master_only_routes_refuse_other_tenants(refusing, route):
    assert_error(call(refusing, route, token=SUB_TOKEN), 401, UNAUTHORIZED)
    assert_error(call(refusing, route, token=SUB_TOKEN, tenant=SUB), 401, UNAUTHORIZED)


# --- 503: wazo-auth unavailable, master tenant unknown


@pytest.mark.parametrize('route', PROTECTED, ids=str)
@pytest.mark.parametrize('mode', ['down', 'broken'])
def test_wazo_auth_unavailable(refusing, route, mode, fake_auth):
    fake_auth.set_mode(mode)

    response = call(refusing, route)

    assert_error(response, 503)
    assert response.json[0].startswith('Authentication server unreachable: ')


def test_wazo_auth_too_slow(app_with_auth, fake_auth):  # noqa: F811
    api = app_with_auth(timeout=0.2)
    fake_auth.set_mode('slow', delay=1.0)

    assert_error(api.get('/sip/transports'), 503)


@pytest.mark.parametrize('route', MASTER_ONLY, ids=str)
def test_master_tenant_unknown(refusing_apps, refusing, route):
    client = refusing_apps['no_master']

    assert_error(call(client, route), 503, ['The master tenant is not known yet'])
    # the token check comes first: a refused token is still a 401
    assert_error(call(client, route, token=NO_ACL_TOKEN), 401, UNAUTHORIZED)


def test_master_tenant_unknown_spares_the_other_routes(app_with_auth):  # noqa: F811
    api = app_with_auth(master_tenant_uuid=None)

    assert api.get('/sip/transports').status_code == 200
    assert api.get('/asterisk/pjsip/doc').status_code == 200
    assert api.get('/endpoints/sip').status_code == 200


# --- what gets through: the ACL asked of wazo-auth, with its URL parameters substituted


@pytest.mark.parametrize('route', PROTECTED, ids=str)
def test_exactly_the_substituted_acl_is_enough(client, route, fake_auth):
    exact, other_item = f'exact-{uuid.uuid4().hex}', f'other-item-{uuid.uuid4().hex}'
    fake_auth.add_token(exact, tenant_uuid=MAIN, acl=[route.expected_scope])
    fake_auth.add_token(other_item, tenant_uuid=MAIN, acl=[route.acl.replace('{uuid}', str(uuid.uuid4()))])

    response = call(client, route, token=exact, tenant=SUB if not route.master_only else None)

    # through: refused by nothing of wazo-auth's (a user's line answers 503 without a wazo-confd)
    assert response.status_code != 401, response.json
    if response.status_code == 503:
        assert not response.json[0].startswith('Authentication server'), response.json
    check = fake_auth.requests_of('HEAD', '/0.1/token/')[0]
    assert check.path == f'/0.1/token/{exact}'
    expected_query = (
        {'scope': route.expected_scope} if route.master_only else {'scope': route.expected_scope, 'tenant': SUB}
    )
    assert check.query == expected_query
    if '{uuid}' in route.acl:
        assert_error(call(client, route, token=other_item), 401, UNAUTHORIZED)


def test_tenant_header_is_case_insensitive(api, fake_auth):
    upper = api.as_(tenant=SUB.upper())

    created = upper.post('/endpoints/sip', json={'name': 'upper'})

    assert created.status_code == 201
    assert created.json['tenant_uuid'] == SUB
    assert fake_auth.requests_of('HEAD')[-1].query['tenant'] == SUB
    assert upper.get(f'/endpoints/sip/{created.json["uuid"]}').status_code == 200
    assert [item['name'] for item in upper.get('/endpoints/sip').json['items']] == ['upper']
