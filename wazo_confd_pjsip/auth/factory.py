# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .interface import AuthBackend
from .local import LocalAuthBackend
from .wazo_auth import WazoAuthBackend

BACKENDS = ('wazo-auth', 'local')


def make_auth_backend(auth_config: dict) -> AuthBackend:
    """The backend named by ``auth_config["backend"]`` (default ``wazo-auth``)."""
    backend = auth_config.get('backend', 'wazo-auth')
    if backend == 'wazo-auth':
        return WazoAuthBackend(auth_config)
    if backend == 'local':
        if not auth_config.get('tokens_file'):
            raise ValueError('auth.backend "local" needs auth.tokens_file')
        return LocalAuthBackend(auth_config['tokens_file'])
    raise ValueError(f'unknown auth.backend {backend!r}: expected one of {", ".join(BACKENDS)}')
