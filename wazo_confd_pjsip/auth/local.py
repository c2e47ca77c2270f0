# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication without wazo-auth: tokens and tenants from a local YAML file, same semantics."""
import datetime
import logging
import os
import threading

from .acl import acl_allows
from .interface import STATUS_DISABLED, AuthBackend, TenantInfo, TokenInfo, Unauthorized, component_status
from .tokens_file import InvalidTokensFile, load_tokens_file

logger = logging.getLogger(__name__)

# wazo-auth lists tenants only for tokens holding this ACL
TENANTS_READ_ACL = 'auth.tenants.read'


class LocalAuthBackend(AuthBackend):
    def __init__(self, tokens_file_path):
        self._path = tokens_file_path
        self._lock = threading.Lock()
        self._signature = _file_signature(tokens_file_path)
        self._content = load_tokens_file(tokens_file_path)  # an unusable file at start is fatal

    def check_token(self, token, required_acl, tenant=None):
        content = self._current()
        valid = _valid_token(content, token)
        if not _allows(valid, required_acl):
            raise Unauthorized(f'ACL refused: {required_acl}')
        if tenant is not None and tenant not in content.subtree(valid.tenant_uuid):
            raise Unauthorized(f'tenant not visible to the token: {tenant}')

    def token_info(self, token):
        valid = _valid_token(self._current(), token)
        return TokenInfo(valid.token, valid.user_uuid, valid.tenant_uuid, valid.session_uuid, valid.acl, valid.name)

    def visible_tenants(self, token, tenant_uuid):
        content = self._current()
        try:
            valid = _valid_token(content, token)
        except Unauthorized:
            valid = None
        # where wazo-auth answers 401, the service falls back to the tenant alone
        may_list = valid is not None and _allows(valid, TENANTS_READ_ACL)
        if not may_list or tenant_uuid not in content.subtree(valid.tenant_uuid):
            return [TenantInfo(tenant_uuid, None, None)]
        return [content.tenants[uuid] for uuid in content.subtree(tenant_uuid)]

    def all_tenants(self):
        return list(self._current().tenants)

    def master_tenant_uuid(self):
        return self._current().master_tenant_uuid

    def status(self):
        return {
            'master_tenant': component_status(self.master_tenant_uuid() is not None),
            'service_token': {'status': STATUS_DISABLED},
        }

    def _current(self):
        """The file's content, re-read when the file changed; the last good content if it became unusable."""
        with self._lock:
            signature = _file_signature(self._path)
            if signature != self._signature:
                self._signature = signature  # a broken version is reported once, not at every request
                try:
                    self._content = load_tokens_file(self._path)
                except (OSError, InvalidTokensFile) as e:
                    logger.error('tokens file %s unusable, keeping its previous content: %s', self._path, e)
            return self._content


def _valid_token(content, token):
    found = content.tokens.get(token)
    if found is None or found.expired(datetime.datetime.now(datetime.timezone.utc)):
        raise Unauthorized('unknown or expired token')
    return found


def _allows(token, required_acl):
    return acl_allows(token.acl, required_acl, user_uuid=token.user_uuid, session_uuid=token.session_uuid)


def _file_signature(path):
    """What changes when the file is rewritten or replaced; None when it is missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino
