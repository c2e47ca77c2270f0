# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The local backend must answer exactly as wazo-auth does: same checks through both, same outcomes."""
import datetime
import itertools

import pytest

from tests.fakes.wazo_auth import FakeWazoAuth
from wazo_confd_pjsip.auth import AuthServiceUnavailable, LocalAuthBackend, Unauthorized, WazoAuthBackend

from .conftest import MAIN, SUB1, SUB1_CHILD, SUB2, TENANTS, write_yaml

USER = '1f6e0000-0000-4000-8000-000000000001'
SESSION = '5e55105e-0000-4000-8000-000000000001'
PAST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
FUTURE = datetime.datetime(2999, 1, 1, tzinfo=datetime.timezone.utc)

# name -> (tenant, ACL, expiry)
TOKENS = {
    'admin': (MAIN, ['confd.#', 'auth.tenants.read'], None),
    'sub1-admin': (SUB1, ['confd.#', '!confd.sip.transports.#', 'auth.tenants.*'], None),
    'reader': (SUB2, ['confd.*.read', 'confd.endpoints.sip.*.read'], None),
    'me': (SUB1_CHILD, ['confd.users.me.#', 'confd.users.me.sessions.my_session.delete', 'confd.sip.edit'], None),
    'everything': (MAIN, ['#'], None),
    'expired': (MAIN, ['#'], PAST),
    'expiring-later': (SUB1, ['confd.#', 'auth.#'], FUTURE),
    'nothing': (SUB1, [], None),
}
REQUIRED = [
    'confd.status.read',
    'confd.endpoints.sip.read',
    'confd.endpoints.sip.templates.read',
    'confd.endpoints.sip.abc.read',
    'confd.sip.transports.read',
    'confd.sip.transports.6f1c8a0e.update',
    'confd',
    'confd.sip.update',
    f'confd.users.{USER}.read',
    f'confd.users.{USER}.sessions.{SESSION}.delete',
    'auth.tenants.read',
    'Confd.status.read',
]
TENANT_HEADERS = [None, MAIN, SUB1, SUB2, SUB1_CHILD, 'eeeeeeee-0000-0000-0000-000000000000']
TOKEN_IDS = [*TOKENS, 'unknown']


@pytest.fixture(scope='module')
def backends(tmp_path_factory):
    tokens_path = tmp_path_factory.mktemp('parity') / 'tokens.yml'
    write_yaml(
        tokens_path,
        {
            'tenants': TENANTS,
            'tokens': [
                {
                    'token': name,
                    'name': USER,  # the fake wazo-auth's auth_id is the user's uuid
                    'user_uuid': USER,
                    'session_uuid': SESSION,
                    'tenant_uuid': tenant,
                    'acl': acl,
                    'expires_at': expiry.isoformat() if expiry else None,
                }
                for name, (tenant, acl, expiry) in TOKENS.items()
            ],
        },
    )
    with FakeWazoAuth() as fake:
        for tenant in TENANTS:
            fake.add_tenant(tenant['uuid'], tenant['parent_uuid'], tenant['name'])
        for name, (tenant, acl, expiry) in TOKENS.items():
            fake.add_token(name, tenant_uuid=tenant, acl=acl, user_uuid=USER, session_uuid=SESSION, expires_at=expiry)
        remote = WazoAuthBackend(fake.config())
        yield remote, LocalAuthBackend(str(tokens_path))
        remote.close()


def outcome(call, *args):
    try:
        return call(*args)
    except Unauthorized:
        return 'unauthorized'
    except AuthServiceUnavailable:
        return 'unavailable'


def test_token_checks_agree(backends):
    remote, local = backends
    checks = list(itertools.product(TOKEN_IDS, REQUIRED, TENANT_HEADERS))

    remote_outcomes = {check: outcome(remote.check_token, *check) for check in checks}
    local_outcomes = {check: outcome(local.check_token, *check) for check in checks}

    assert local_outcomes == remote_outcomes
    # a matrix that exercises both answers (and never an unavailable wazo-auth)
    assert sorted(set(remote_outcomes.values()), key=str) == [None, 'unauthorized']
    allowed = sum(result is None for result in remote_outcomes.values())
    assert 0.15 < allowed / len(checks) < 0.6


def test_token_infos_agree(backends):
    remote, local = backends
    for token in TOKEN_IDS:
        assert outcome(local.token_info, token) == outcome(remote.token_info, token), token


def test_visible_tenants_agree(backends):
    remote, local = backends
    for token, tenant in itertools.product(TOKEN_IDS, TENANT_HEADERS[1:]):
        assert local.visible_tenants(token, tenant) == remote.visible_tenants(token, tenant), (token, tenant)
    assert len(remote.visible_tenants('admin', MAIN)) == len(TENANTS)


def test_master_tenants_agree(backends):
    remote, local = backends
    assert local.master_tenant_uuid() == MAIN
    assert remote.master_tenant_uuid() is None  # no service credentials configured: unknown
