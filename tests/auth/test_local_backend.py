# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import os
import time

import pytest

from wazo_confd_pjsip.auth import (
    InvalidTokensFile,
    LocalAuthBackend,
    TenantInfo,
    TokenInfo,
    Unauthorized,
    WazoAuthBackend,
    make_auth_backend,
    write_first_run_tokens_file,
)

from .conftest import MAIN, SUB1, SUB1_CHILD, SUB2, TENANTS, write_yaml

USER = '1f6e0000-0000-4000-8000-000000000001'


def token(name, tenant=MAIN, acl=('confd.#',), **extra):
    return {'token': name, 'user_uuid': USER, 'tenant_uuid': tenant, 'acl': list(acl), 'expires_at': None, **extra}


def backend_with(tokens_path, tokens, tenants=TENANTS, **extra):
    write_yaml(tokens_path, {'tenants': tenants, 'tokens': tokens, **extra})
    return LocalAuthBackend(str(tokens_path))


def outcome(backend, *args):
    try:
        backend.check_token(*args)
    except Unauthorized:
        return 'unauthorized'
    return 'ok'


def test_acl_is_checked(tokens_path):
    backend = backend_with(tokens_path, [token('t', acl=['confd.#', '!confd.sip.transports.#'])])
    assert outcome(backend, 't', 'confd.endpoints.sip.read') == 'ok'
    assert outcome(backend, 't', 'confd.sip.transports.read') == 'unauthorized'
    assert outcome(backend, 't', 'wazo.read') == 'unauthorized'


def test_unknown_or_empty_token(tokens_path):
    backend = backend_with(tokens_path, [token('t')])
    assert outcome(backend, 'nope', 'confd.status.read') == 'unauthorized'
    assert outcome(backend, '', 'confd.status.read') == 'unauthorized'
    with pytest.raises(Unauthorized):
        backend.token_info('nope')


def test_me_is_the_token_user(tokens_path):
    backend = backend_with(tokens_path, [token('t', acl=['confd.users.me.read'])])
    assert outcome(backend, 't', f'confd.users.{USER}.read') == 'ok'
    assert outcome(backend, 't', 'confd.users.other.read') == 'unauthorized'


@pytest.mark.parametrize(
    'expires_at, result',
    [
        (None, 'ok'),
        ('2999-01-01T00:00:00Z', 'ok'),
        ('2999-01-01T00:00:00+00:00', 'ok'),
        ('2999-01-01T00:00:00', 'ok'),  # no zone: UTC
        ('2000-01-01T00:00:00Z', 'unauthorized'),
        (datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc), 'unauthorized'),  # unquoted in YAML
        (datetime.datetime(2999, 1, 1), 'ok'),
    ],
)
def test_expiry(tokens_path, expires_at, result):
    backend = backend_with(tokens_path, [token('t', expires_at=expires_at)])
    assert outcome(backend, 't', 'confd.status.read') == result


def test_a_token_expires_while_the_file_does_not_change(tokens_path):
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=200)
    backend = backend_with(tokens_path, [token('t', expires_at=soon.isoformat())])
    assert outcome(backend, 't', 'confd.status.read') == 'ok'
    time.sleep(0.25)
    assert outcome(backend, 't', 'confd.status.read') == 'unauthorized'


@pytest.mark.parametrize(
    'token_tenant, tenant, result',
    [
        (MAIN, None, 'ok'),
        (MAIN, MAIN, 'ok'),
        (MAIN, SUB1, 'ok'),
        (MAIN, SUB1_CHILD, 'ok'),
        (SUB1, SUB1, 'ok'),
        (SUB1, SUB1_CHILD, 'ok'),
        (SUB1, MAIN, 'unauthorized'),
        (SUB1, SUB2, 'unauthorized'),
        (SUB1_CHILD, SUB1, 'unauthorized'),
        (MAIN, 'eeeeeeee-eeee-eeee-eeee-000000000000', 'unauthorized'),
    ],
)
def test_tenant_must_be_in_the_token_tenant_subtree(tokens_path, token_tenant, tenant, result):
    backend = backend_with(tokens_path, [token('t', tenant=token_tenant)])
    assert outcome(backend, 't', 'confd.status.read', tenant) == result


def test_token_info(tokens_path):
    backend = backend_with(tokens_path, [token('t', tenant=SUB1, acl=['confd.#'], session_uuid='s1')])
    assert backend.token_info('t') == TokenInfo('t', USER, SUB1, 's1', ('confd.#',))


def test_a_token_name_is_its_auth_id(tokens_path):
    # what the history records as the author of a change made with that token
    backend = backend_with(tokens_path, [{**token('t'), 'name': 'provisioning-script'}])
    assert backend.token_info('t').auth_id == 'provisioning-script'


def test_visible_tenants_with_tenant_read_acl(tokens_path):
    backend = backend_with(tokens_path, [token('t', acl=['confd.#', 'auth.tenants.read'])])
    assert [t.uuid for t in backend.visible_tenants('t', MAIN)] == [MAIN, SUB1, SUB2, SUB1_CHILD]
    assert backend.visible_tenants('t', SUB1) == [
        TenantInfo(SUB1, MAIN, 'sub1'),
        TenantInfo(SUB1_CHILD, SUB1, 'sub1-child'),
    ]
    assert backend.visible_tenants('t', SUB2) == [TenantInfo(SUB2, MAIN, 'sub2')]


@pytest.mark.parametrize(
    'acl, token_tenant, tenant',
    [
        (['confd.#'], MAIN, MAIN),  # may not read tenants
        (['confd.#', 'auth.tenants.read'], SUB1, MAIN),  # tenant not visible to the token
        (['#', '!auth.tenants.#'], MAIN, MAIN),
    ],
)
def test_visible_tenants_falls_back_to_the_tenant_alone(tokens_path, acl, token_tenant, tenant):
    backend = backend_with(tokens_path, [token('t', tenant=token_tenant, acl=acl)])
    assert backend.visible_tenants('t', tenant) == [TenantInfo(tenant, None, None)]
    assert backend.visible_tenants('unknown', tenant) == [TenantInfo(tenant, None, None)]


def test_master_tenant_is_the_configured_one(tokens_path):
    backend = backend_with(tokens_path, [], master_tenant_uuid=SUB1)
    assert backend.master_tenant_uuid() == SUB1
    assert backend.status() == {'master_tenant': {'status': 'ok'}, 'service_token': {'status': 'disabled'}}


def test_master_tenant_is_the_only_root(tokens_path):
    assert backend_with(tokens_path, []).master_tenant_uuid() == MAIN


def test_no_master_tenant_among_several_roots(tokens_path):
    other_root = {'uuid': 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'name': 'other', 'parent_uuid': None}
    backend = backend_with(tokens_path, [], tenants=[*TENANTS, other_root])
    assert backend.master_tenant_uuid() is None
    assert backend.status()['master_tenant'] == {'status': 'fail'}


def rewrite(tokens_path, content):
    """Rewrite the file with a later mtime, as an editor would (some file systems have coarse mtimes)."""
    before = os.stat(tokens_path).st_mtime_ns
    write_yaml(tokens_path, content)
    os.utime(tokens_path, ns=(before + 10**9, before + 10**9))


def test_the_file_is_re_read_when_it_changes(tokens_path):
    backend = backend_with(tokens_path, [token('old')])
    assert outcome(backend, 'old', 'confd.status.read') == 'ok'

    rewrite(tokens_path, {'tenants': TENANTS, 'tokens': [token('new')], 'master_tenant_uuid': SUB2})

    assert outcome(backend, 'old', 'confd.status.read') == 'unauthorized'
    assert outcome(backend, 'new', 'confd.status.read') == 'ok'
    assert backend.master_tenant_uuid() == SUB2


@pytest.mark.parametrize('broken', ['tokens: [unclosed', 'tokens: [{token: t, tenant_uuid: unknown-tenant}]'])
def test_a_broken_rewrite_keeps_the_previous_content(tokens_path, broken):
    backend = backend_with(tokens_path, [token('t')])
    tokens_path.write_text(broken)
    assert outcome(backend, 't', 'confd.status.read') == 'ok'

    rewrite(tokens_path, {'tenants': TENANTS, 'tokens': [token('fixed')]})
    assert outcome(backend, 'fixed', 'confd.status.read') == 'ok'


def test_a_removed_file_keeps_the_previous_content(tokens_path):
    backend = backend_with(tokens_path, [token('t')])
    tokens_path.unlink()
    assert outcome(backend, 't', 'confd.status.read') == 'ok'


@pytest.mark.parametrize(
    'content',
    [
        '[]',
        'tenants: {a: b}',
        'tenants: [{name: no-uuid}]',
        f'tenants: [{{uuid: {SUB1}, parent_uuid: {MAIN}}}]',  # unknown parent
        f'tenants: [{{uuid: {MAIN}}}]\ntokens: [{{token: t, tenant_uuid: {SUB1}, acl: []}}]',  # unknown tenant
        f'tenants: [{{uuid: {MAIN}}}]\ntokens: [{{token: t, tenant_uuid: {MAIN}, acl: confd.#}}]',
        f'tenants: [{{uuid: {MAIN}}}]\ntokens: [{{token: t, tenant_uuid: {MAIN}, expires_at: tomorrow}}]',
        f'tenants: [{{uuid: {MAIN}}}]\nmaster_tenant_uuid: {SUB1}',
        'tokens: [unclosed',
    ],
)
def test_an_unusable_file_is_refused_at_start(tokens_path, content):
    tokens_path.write_text(content)
    with pytest.raises(InvalidTokensFile):
        LocalAuthBackend(str(tokens_path))


def test_a_missing_file_is_refused_at_start(tokens_path):
    with pytest.raises(FileNotFoundError):
        LocalAuthBackend(str(tokens_path))


def test_first_run_writes_a_private_file_with_an_admin_token(tmp_path):
    path = tmp_path / 'new' / 'dir' / 'tokens.yml'

    master, admin_token = write_first_run_tokens_file(str(path))

    assert os.stat(path).st_mode & 0o777 == 0o600
    backend = LocalAuthBackend(str(path))
    assert backend.master_tenant_uuid() == master
    # the admin token may list tenants, so that recurse=true reaches sub-tenants added to the file later
    assert backend.visible_tenants(admin_token, master) == [TenantInfo(master, None, 'main')]
    assert outcome(backend, admin_token, 'confd.sip.transports.create', master) == 'ok'
    assert outcome(backend, admin_token, 'auth.tenants.read') == 'ok'
    assert outcome(backend, admin_token, 'auth.users.read') == 'unauthorized'
    info = backend.token_info(admin_token)
    assert info.tenant_uuid == master and info.acl == ('confd.#', 'auth.tenants.read')
    assert 'name: main' in path.read_text()


def test_first_run_keeps_an_existing_file(tmp_path):
    path = str(tmp_path / 'tokens.yml')
    first = write_first_run_tokens_file(path)
    content = open(path).read()

    assert write_first_run_tokens_file(path) == first
    assert open(path).read() == content


def test_first_run_reports_the_existing_admin_token(tokens_path):
    write_yaml(tokens_path, {'tenants': TENANTS, 'tokens': [token('sub', tenant=SUB1), token('admin')]})
    assert write_first_run_tokens_file(str(tokens_path)) == (MAIN, 'admin')


def test_make_auth_backend(tokens_path):
    write_first_run_tokens_file(str(tokens_path))
    assert isinstance(make_auth_backend({'backend': 'local', 'tokens_file': str(tokens_path)}), LocalAuthBackend)
    remote = make_auth_backend({'backend': 'wazo-auth', 'host': 'auth.example', 'port': 9497, 'unknown_key': 1})
    assert isinstance(remote, WazoAuthBackend)
    assert isinstance(make_auth_backend({}), WazoAuthBackend)
    with pytest.raises(ValueError, match='tokens_file'):
        make_auth_backend({'backend': 'local'})
    with pytest.raises(ValueError, match='unknown auth.backend'):
        make_auth_backend({'backend': 'ldap'})
