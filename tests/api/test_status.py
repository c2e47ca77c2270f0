# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""/1.1/status: the service's view of its parts, per wazo-auth.md."""
import time

import pytest

from wazo_confd_pjsip.app import create_app
from wazo_confd_pjsip.core import build_core

from .conftest import MAIN, NO_ACL_TOKEN, READ_ONLY_TOKEN, SUB_TOKEN, ApiClient, make_config

SERVICE_USER, SERVICE_PASSWORD = 'wazo-confd-pjsip-service', 'service-secret'


@pytest.fixture
def app_with_auth(core, fake_auth, database):
    """Builds apps whose auth configuration is changed by `overrides`; stops their cores."""
    built = []

    def build(**overrides):
        built.append(build_core(make_config(fake_auth, auth=overrides), database))
        return ApiClient(create_app(built[-1]).test_client())

    yield build
    for other in built:
        other.stop()


def status_eventually(api, expected, timeout=3.0):
    """The status body once it equals `expected` (the service token is fetched in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        body = api.get('/status').json
        if body == expected or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


def test_status_body_with_configured_master_tenant(api):
    response = api.get('/status')

    assert response.status_code == 200
    assert response.json == {
        'master_tenant': {'status': 'ok'},
        'service_token': {'status': 'disabled'},
        'bus_consumer': {'status': 'disabled'},
        'rest_api': {'status': 'ok'},
    }
    assert list(response.json) == ['master_tenant', 'service_token', 'bus_consumer', 'rest_api']


def test_master_tenant_unknown_fails(app_with_auth):
    api = app_with_auth(master_tenant_uuid=None)

    assert api.get('/status').json['master_tenant'] == {'status': 'fail'}


def test_master_tenant_from_service_token(app_with_auth, fake_auth):
    fake_auth.add_user(SERVICE_USER, SERVICE_PASSWORD, tenant_uuid=MAIN)
    api = app_with_auth(master_tenant_uuid=None, username=SERVICE_USER, password=SERVICE_PASSWORD)
    expected = {
        'master_tenant': {'status': 'ok'},
        'service_token': {'status': 'ok'},
        'bus_consumer': {'status': 'disabled'},
        'rest_api': {'status': 'ok'},
    }

    assert status_eventually(api, expected) == expected


def test_wrong_service_credentials_fail(app_with_auth, fake_auth):
    fake_auth.add_user(SERVICE_USER, SERVICE_PASSWORD, tenant_uuid=MAIN)
    api = app_with_auth(master_tenant_uuid=None, username=SERVICE_USER, password='wrong')

    api.get('/status')  # starts asking for a service token, in the background
    deadline = time.monotonic() + 3.0
    while not fake_auth.requests_of('POST', '/0.1/token') and time.monotonic() < deadline:
        time.sleep(0.02)
    body = api.get('/status').json

    assert fake_auth.requests_of('POST', '/0.1/token')
    assert body['master_tenant'] == {'status': 'fail'}
    assert body['service_token'] == {'status': 'fail'}


def test_registered_reporters_are_shown(core, fake_auth):
    core.status_reporters['bus_consumer'] = lambda: {'status': 'ok'}
    core.status_reporters['asterisk'] = lambda: {'status': 'fail', 'engines': {'default': 'unreachable'}}
    api = ApiClient(create_app(core).test_client())

    body = api.get('/status').json

    assert list(body) == ['master_tenant', 'service_token', 'bus_consumer', 'rest_api', 'asterisk']
    assert body['bus_consumer'] == {'status': 'ok'}
    assert body['asterisk'] == {'status': 'fail', 'engines': {'default': 'unreachable'}}


def test_a_failing_reporter_shows_as_fail(core):
    def broken():
        raise RuntimeError('boom')

    core.status_reporters['bus_consumer'] = broken
    api = ApiClient(create_app(core).test_client())

    response = api.get('/status')

    assert response.status_code == 200
    assert response.json['bus_consumer'] == {'status': 'fail'}


def test_status_acl(api, fake_auth):
    assert api.as_(READ_ONLY_TOKEN).get('/status').status_code == 200
    assert api.as_(SUB_TOKEN).get('/status').status_code == 200
    assert fake_auth.requests_of('HEAD')[-1].query == {'scope': 'confd.status.read'}

    response = api.as_(NO_ACL_TOKEN).get('/status')
    assert response.status_code == 401
    assert response.json == ['Unauthorized: invalid token or unauthorized access']


def test_status_without_token(api):
    assert api.as_(None).get('/status').status_code == 401


def test_status_when_wazo_auth_is_down(api, fake_auth):
    fake_auth.set_mode('down')

    response = api.get('/status')

    assert response.status_code == 503
    assert len(response.json) == 1 and response.json[0].startswith('Authentication server unreachable: ')
