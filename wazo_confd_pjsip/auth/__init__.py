# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who may do what, in which tenant: wazo-auth's answers, or the same answers from a local file."""
from .acl import acl_allows, required_acl
from .factory import make_auth_backend
from .interface import AuthBackend, AuthServiceUnavailable, TenantInfo, TokenInfo, Unauthorized
from .local import LocalAuthBackend
from .tokens_file import InvalidTokensFile, write_first_run_tokens_file
from .wazo_auth import WazoAuthBackend

__all__ = [
    'AuthBackend',
    'AuthServiceUnavailable',
    'InvalidTokensFile',
    'LocalAuthBackend',
    'TenantInfo',
    'TokenInfo',
    'Unauthorized',
    'WazoAuthBackend',
    'acl_allows',
    'make_auth_backend',
    'required_acl',
    'write_first_run_tokens_file',
]
