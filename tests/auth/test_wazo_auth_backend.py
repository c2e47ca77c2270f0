# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import datetime
import json
import threading
import time

import pytest

from tests.fakes.wazo_auth import FakeWazoAuth
from wazo_confd_pjsip.auth import (
    AuthServiceUnavailable,
    TenantInfo,
    TokenInfo,
    Unauthorized,
    WazoAuthBackend,
    wazo_auth,
)
from wazo_confd_pjsip.auth.wazo_auth import base_url

from .conftest import MAIN, SUB1, SUB1_CHILD, SUB2, TENANTS

USER = '1f6e0000-0000-4000-8000-000000000001'
PAST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture
def fake():
    with FakeWazoAuth() as fake:
        for tenant in TENANTS:
            fake.add_tenant(tenant['uuid'], tenant['parent_uuid'], tenant['name'])
        fake.add_token(
            'admin', tenant_uuid=MAIN, acl=['confd.#', 'auth.tenants.read'], user_uuid=USER, session_uuid='session-1'
        )
        fake.add_token('sub1', tenant_uuid=SUB1, acl=['confd.#', '!confd.sip.transports.#'])
        fake.add_token('expired', tenant_uuid=MAIN, acl=['#'], expires_at=PAST)
        yield fake


@pytest.fixture
def make_backend(fake):
    """WazoAuthBackend(fake.config(**config), **options), closed at the end of the test."""
    made = []

    def make(options=None, **config):
        made.append(WazoAuthBackend(fake.config(**config), **(options or {})))
        return made[-1]

    yield make
    for backend in made:
        backend.close()


@pytest.fixture
def backend(make_backend):
    return make_backend()


def wait_until(condition, timeout=3.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition never met'
        time.sleep(0.01)


def test_an_allowed_token_is_checked_with_head(fake, backend):
    backend.check_token('admin', 'confd.endpoints.sip.read')

    [request] = fake.requests_of('HEAD')
    assert request.path == '/0.1/token/admin'
    assert request.query == {'scope': 'confd.endpoints.sip.read'}
    assert request.header('X-Auth-Token') == 'admin'
    assert request.header('Accept') == 'application/json'


def test_the_tenant_is_passed_along(fake, backend):
    backend.check_token('admin', 'confd.endpoints.sip.read', SUB1)
    assert fake.requests_of('HEAD')[-1].query == {'scope': 'confd.endpoints.sip.read', 'tenant': SUB1}


def test_the_token_is_quoted_in_the_path(fake, backend):
    with pytest.raises(Unauthorized):
        backend.check_token('a/b?c', 'confd.status.read')
    assert fake.requests_of('HEAD')[-1].path == '/0.1/token/a%2Fb%3Fc'


@pytest.mark.parametrize(
    'token, required, tenant',
    [
        ('unknown', 'confd.status.read', None),  # 404
        ('expired', 'confd.status.read', None),  # 404
        ('sub1', 'confd.sip.transports.read', None),  # 403: ACL
        ('sub1', 'confd.status.read', MAIN),  # 403: tenant above the token's
        ('sub1', 'confd.status.read', SUB2),  # 403: sibling tenant
    ],
)
def test_refusals_are_unauthorized(backend, token, required, tenant):
    with pytest.raises(Unauthorized):
        backend.check_token(token, required, tenant)


def test_no_token_is_refused_without_asking(fake, backend):
    with pytest.raises(Unauthorized):
        backend.check_token('', 'confd.status.read')
    with pytest.raises(Unauthorized):
        backend.token_info(None)
    assert fake.requests == []


@pytest.mark.parametrize('mode', ['down', 'broken', 'slow'])
def test_no_answer_is_unavailable(fake, make_backend, mode):
    backend = make_backend(timeout=0.2)
    fake.set_mode(mode, delay=0.5)
    with pytest.raises(AuthServiceUnavailable):
        backend.check_token('admin', 'confd.status.read')
    with pytest.raises(AuthServiceUnavailable):
        backend.visible_tenants('admin', MAIN)


def test_wazo_auth_coming_back_is_used_again(fake, backend):
    backend.check_token('admin', 'confd.status.read')
    fake.set_mode('down')
    with pytest.raises(AuthServiceUnavailable):
        backend.check_token('admin', 'confd.status.read')
    fake.set_mode('normal')
    backend.check_token('admin', 'confd.status.read')


def test_connections_are_reused(fake, backend):
    for _ in range(5):
        backend.check_token('admin', 'confd.status.read')
    backend.token_info('admin')
    assert fake.connections_accepted == 1


def test_token_info(fake, backend):
    assert backend.token_info('admin') == TokenInfo(
        'admin', USER, MAIN, 'session-1', ('confd.#', 'auth.tenants.read'), auth_id=USER
    )
    [request] = fake.requests_of('GET', '/0.1/token/')
    assert request.path == '/0.1/token/admin'
    assert request.header('X-Auth-Token') == 'admin'


def test_token_info_is_kept_a_while_the_token_checked_each_time(fake, make_backend):
    now = [1000.0]
    backend = make_backend({'clock': lambda: now[0]})
    for _ in range(3):
        backend.check_token('admin', 'confd.status.read')
        assert backend.token_info('admin').user_uuid == USER
    assert (len(fake.requests_of('HEAD', '/0.1/token/')), len(fake.requests_of('GET', '/0.1/token/'))) == (3, 1)

    now[0] += wazo_auth.TOKEN_INFO_SECONDS
    backend.token_info('admin')  # out of date: asked again, then kept
    backend.token_info('admin')
    assert len(fake.requests_of('GET', '/0.1/token/')) == 2


def test_a_refused_token_info_is_not_kept(fake, backend):
    fake.set_mode('broken')
    with pytest.raises(Unauthorized):
        backend.token_info('admin')
    fake.set_mode('normal')
    assert backend.token_info('admin').tenant_uuid == MAIN


def test_token_info_keeps_only_the_latest_tokens(fake, backend, monkeypatch):
    monkeypatch.setattr(wazo_auth, 'TOKEN_INFO_CACHE_SIZE', 1)
    backend.token_info('admin')
    backend.token_info('sub1')
    backend.token_info('sub1')
    backend.token_info('admin')
    assert [request.path for request in fake.requests_of('GET', '/0.1/token/')] == [
        '/0.1/token/admin',
        '/0.1/token/sub1',
        '/0.1/token/admin',
    ]


@pytest.mark.parametrize('token', ['unknown', 'expired'])
def test_token_info_of_a_refused_token(backend, token):
    with pytest.raises(Unauthorized):
        backend.token_info(token)


def test_token_info_when_wazo_auth_fails(fake, backend):
    fake.set_mode('broken')
    with pytest.raises(Unauthorized):  # the reference: any status but 200 is a 401
        backend.token_info('admin')
    fake.set_mode('down')
    with pytest.raises(AuthServiceUnavailable):
        backend.token_info('admin')


def test_visible_tenants(fake, backend):
    assert backend.visible_tenants('admin', MAIN) == [
        TenantInfo(MAIN, None, 'main'),  # wazo-auth's self-parent of a root becomes None
        TenantInfo(SUB1, MAIN, 'sub1'),
        TenantInfo(SUB2, MAIN, 'sub2'),
        TenantInfo(SUB1_CHILD, SUB1, 'sub1-child'),
    ]
    request = fake.requests_of('GET', '/0.1/tenants')[-1]
    assert request.header('X-Auth-Token') == 'admin'
    assert request.header('Wazo-Tenant') == MAIN

    assert [t.uuid for t in backend.visible_tenants('admin', SUB1)] == [SUB1, SUB1_CHILD]


@pytest.mark.parametrize('token, tenant', [('sub1', SUB1), ('unknown', SUB1), ('admin', 'not-a-tenant')])
def test_visible_tenants_on_401_is_the_tenant_alone(backend, token, tenant):
    assert backend.visible_tenants(token, tenant) == [TenantInfo(tenant, None, None)]


@pytest.mark.parametrize(
    'config, expected',
    [
        ({'host': 'localhost', 'port': 9497, 'prefix': None, 'https': False}, 'http://localhost:9497/0.1'),
        ({'host': 'h', 'port': 443, 'prefix': '/api/auth', 'https': True}, 'https://h:443/api/auth/0.1'),
        ({'host': 'h', 'port': 443, 'prefix': 'api/auth/', 'https': True}, 'https://h:443/api/auth/0.1'),
        ({'host': 'h', 'port': 80, 'prefix': '', 'https': False}, 'http://h:80/0.1'),
    ],
)
def test_base_url(config, expected):
    assert base_url(config) == expected


def test_configured_master_tenant_needs_no_service_token(fake, make_backend):
    backend = make_backend(master_tenant_uuid=MAIN)
    backend.start()
    assert backend.master_tenant_uuid() == MAIN
    assert backend.status() == {'master_tenant': {'status': 'ok'}, 'service_token': {'status': 'disabled'}}
    assert fake.requests_of('POST') == []


def test_without_master_tenant_nor_credentials(fake, make_backend):
    backend = make_backend()
    assert backend.master_tenant_uuid() is None
    assert backend.status()['master_tenant'] == {'status': 'fail'}


def test_the_master_tenant_is_the_service_token_tenant(fake, make_backend):
    fake.add_user('wazo-confd-pjsip', 's3cret', tenant_uuid=MAIN)
    backend = make_backend(username='wazo-confd-pjsip', password='s3cret')

    assert backend.master_tenant_uuid() is None  # first use starts the service token, in the background
    wait_until(lambda: backend.master_tenant_uuid() == MAIN)

    [request] = fake.requests_of('POST')
    assert request.path == '/0.1/token'
    expected = base64.b64encode(b'wazo-confd-pjsip:s3cret').decode()
    assert request.header('Authorization') == f'Basic {expected}'
    assert json.loads(request.body) == {'expiration': 21600}
    assert backend.status() == {'master_tenant': {'status': 'ok'}, 'service_token': {'status': 'ok'}}


def test_the_configured_master_tenant_wins(fake, make_backend):
    fake.add_user('svc', 'pw', tenant_uuid=SUB1)
    backend = make_backend(username='svc', password='pw', master_tenant_uuid=MAIN)
    backend.start()
    wait_until(lambda: backend.status()['service_token'] == {'status': 'ok'})
    assert backend.master_tenant_uuid() == MAIN


def test_refused_credentials_are_retried(fake, make_backend):
    fake.add_user('svc', 'pw', tenant_uuid=MAIN)
    backend = make_backend({'retry_interval': 0.05}, username='svc', password='wrong')
    backend.start()
    wait_until(lambda: len(fake.requests_of('POST')) >= 3)
    assert backend.master_tenant_uuid() is None
    assert backend.status() == {'master_tenant': {'status': 'fail'}, 'service_token': {'status': 'fail'}}


def test_the_service_token_is_obtained_once_wazo_auth_is_up(fake, make_backend):
    fake.add_user('svc', 'pw', tenant_uuid=MAIN)
    fake.set_mode('down')
    backend = make_backend({'retry_interval': 0.05}, username='svc', password='pw')
    backend.start()
    time.sleep(0.2)
    assert backend.master_tenant_uuid() is None
    fake.set_mode('normal')
    wait_until(lambda: backend.master_tenant_uuid() == MAIN)


def test_the_service_token_is_renewed_before_it_expires(fake, make_backend):
    fake.add_user('svc', 'pw', tenant_uuid=MAIN)
    backend = make_backend({'service_token_expiration': 1}, username='svc', password='pw')
    backend.start()
    wait_until(lambda: len(fake.requests_of('POST')) == 2)
    # renewed at 3/4 of its life: the service never was without a valid token
    assert all(json.loads(r.body) == {'expiration': 1} for r in fake.requests_of('POST'))
    assert backend.status()['service_token'] == {'status': 'ok'}
    backend.close()
    assert not any(thread.name == 'wazo-auth-service-token' for thread in threading.enumerate())


def test_unreachable_wazo_auth_names_neither_the_token_nor_its_url():
    # Issue 13: the message reaches 503 bodies, and those end up in proxy logs.
    import socket

    from wazo_confd_pjsip.auth import AuthServiceUnavailable
    from wazo_confd_pjsip.auth.wazo_auth import WazoAuthBackend

    with socket.socket() as unused:
        unused.bind(('127.0.0.1', 0))
        port = unused.getsockname()[1]
    backend = WazoAuthBackend({'host': '127.0.0.1', 'port': port, 'timeout': 2})
    token = 'secret-token-3c5a'
    try:
        backend.check_token(token, 'confd.endpoints.read')
    except AuthServiceUnavailable as e:
        message = str(e)
    else:
        raise AssertionError('no error from an unreachable wazo-auth')
    assert token not in message
    assert str(port) not in message and '127.0.0.1' not in message
