# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The local backend's YAML file of tenants and tokens (format in the product decisions)."""
import datetime
import os
import uuid
from dataclasses import dataclass
from typing import Any

import yaml

from .interface import TenantInfo
from .tenant_tree import roots, subtree


class InvalidTokensFile(ValueError):
    pass


@dataclass(frozen=True)
class LocalToken:
    token: str
    user_uuid: str | None
    tenant_uuid: str
    session_uuid: str | None
    acl: tuple[str, ...]
    expires_at: datetime.datetime | None
    name: str | None = None  # who holds it, as the history names the author of a change

    def expired(self, now: datetime.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class TokensFile:
    master_tenant_uuid: str | None
    tenants: dict[str, TenantInfo]
    tokens: dict[str, LocalToken]

    def subtree(self, tenant_uuid: str) -> list[str]:
        return subtree({uuid: tenant.parent_uuid for uuid, tenant in self.tenants.items()}, tenant_uuid)


def load_tokens_file(path) -> TokensFile:
    with open(path, encoding='utf-8') as file:
        try:
            content = yaml.safe_load(file)
        except yaml.YAMLError as e:
            raise InvalidTokensFile(f'{path}: not YAML: {e}') from e
    return parse_tokens_file(content)


def parse_tokens_file(content) -> TokensFile:
    if not isinstance(content, dict):
        raise InvalidTokensFile('the tokens file must be a mapping')
    tenants = {}
    for entry in _entries(content, 'tenants'):
        tenant = TenantInfo(
            _text(entry, 'uuid'), _text(entry, 'parent_uuid', optional=True), _text(entry, 'name', optional=True)
        )
        tenants[tenant.uuid] = tenant
    for tenant in tenants.values():
        if tenant.parent_uuid is not None and tenant.parent_uuid not in tenants:
            raise InvalidTokensFile(f'tenant {tenant.uuid}: unknown parent_uuid {tenant.parent_uuid}')

    tokens = {}
    for entry in _entries(content, 'tokens'):
        token = LocalToken(
            token=_text(entry, 'token'),
            user_uuid=_text(entry, 'user_uuid', optional=True),
            tenant_uuid=_text(entry, 'tenant_uuid'),
            session_uuid=_text(entry, 'session_uuid', optional=True),
            acl=_acl(entry),
            expires_at=_expiry(entry.get('expires_at')),
            name=_text(entry, 'name', optional=True),
        )
        if token.tenant_uuid not in tenants:
            raise InvalidTokensFile(f'a token has an unknown tenant_uuid {token.tenant_uuid}')
        tokens[token.token] = token

    master = _text(content, 'master_tenant_uuid', optional=True)
    if master is not None and master not in tenants:
        raise InvalidTokensFile(f'master_tenant_uuid {master} is not in tenants')
    if master is None:
        root_tenants = roots({tenant.uuid: tenant.parent_uuid for tenant in tenants.values()})
        master = root_tenants[0] if len(root_tenants) == 1 else None
    return TokensFile(master, tenants, tokens)


def write_first_run_tokens_file(path) -> tuple[str | None, str | None]:
    """Create the file with a master tenant and one admin token, unless it exists.

    Returns (master tenant uuid, admin token): the new ones, or for an existing file its master
    tenant and the first token of that tenant.
    """
    if os.path.exists(path):
        return _master_and_admin_token(load_tokens_file(path))

    master_uuid = str(uuid.uuid4())
    content: dict[str, Any] = {
        'master_tenant_uuid': master_uuid,
        'tenants': [{'uuid': master_uuid, 'name': 'main', 'parent_uuid': None}],
        'tokens': [
            {
                'token': str(uuid.uuid4()),
                'name': 'admin',
                'user_uuid': str(uuid.uuid4()),
                'tenant_uuid': master_uuid,
                # auth.tenants.read: recursive lists see the sub-tenants, as with wazo-auth
                'acl': ['confd.#', 'auth.tenants.read'],
                'expires_at': None,
            }
        ],
    }
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # O_EXCL: never overwrite a file another process created meanwhile; 0600: it holds secrets
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _master_and_admin_token(load_tokens_file(path))
    with os.fdopen(descriptor, 'w', encoding='utf-8') as file:
        file.write('# wazo-confd-pjsip local authentication: tenants and tokens (written at first run)\n')
        yaml.safe_dump(content, file, sort_keys=False)
    return master_uuid, content['tokens'][0]['token']


def _master_and_admin_token(tokens_file):
    master = tokens_file.master_tenant_uuid
    token = next((t.token for t in tokens_file.tokens.values() if t.tenant_uuid == master), None)
    return master, token


def _entries(content, key):
    entries = content.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise InvalidTokensFile(f'{key} must be a list of mappings')
    return entries


def _text(entry, key, optional=False):
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidTokensFile(f'{key} must be a non-empty string, not {value!r}')
    return value


def _acl(entry):
    acl = entry.get('acl') or []
    if not isinstance(acl, list) or not all(isinstance(item, str) for item in acl):
        raise InvalidTokensFile('acl must be a list of strings')
    return tuple(acl)


def _expiry(value):
    """ISO 8601 UTC text, or the timestamp YAML made of an unquoted one; None: never expires."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError as e:
            raise InvalidTokensFile(f'expires_at: not an ISO 8601 date-time: {value!r}') from e
    if not isinstance(value, datetime.datetime):
        raise InvalidTokensFile(f'expires_at: not a date-time: {value!r}')
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value
