# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the service asks an authentication backend, whichever answers (wazo-auth or a local file)."""
import abc
from dataclasses import dataclass


class Unauthorized(Exception):
    """The token is unknown or expired, its ACL refuses the operation, or the tenant is not visible to it."""


class AuthServiceUnavailable(Exception):
    """The authentication service could not give an answer (unreachable, timeout, unexpected status)."""


@dataclass(frozen=True)
class TokenInfo:
    token: str
    user_uuid: str | None
    tenant_uuid: str
    session_uuid: str | None
    acl: tuple[str, ...]
    auth_id: str | None = None  # wazo-auth's auth_id; the local backend's token name


@dataclass(frozen=True)
class TenantInfo:
    uuid: str
    parent_uuid: str | None
    name: str | None


# The status of a part that is not needed with this configuration (e.g. no service token).
STATUS_DISABLED = 'disabled'


def component_status(ok: bool) -> dict:
    return {'status': 'ok' if ok else 'fail'}


class AuthBackend(abc.ABC):
    @abc.abstractmethod
    def check_token(self, token: str, required_acl: str, tenant: str | None = None) -> None:
        """Return if the token may do ``required_acl`` (in ``tenant`` when given), else raise."""

    @abc.abstractmethod
    def token_info(self, token: str) -> TokenInfo: ...

    @abc.abstractmethod
    def visible_tenants(self, token: str, tenant_uuid: str) -> list[TenantInfo]:
        """The tenant and all its descendants; the tenant alone when the token may not list tenants."""

    @abc.abstractmethod
    def all_tenants(self) -> list[str] | None:
        """Every tenant's uuid, for the service's own bookkeeping; None when this backend can never
        tell (no service credentials). Raises AuthServiceUnavailable while it cannot tell yet."""

    @abc.abstractmethod
    def master_tenant_uuid(self) -> str | None:
        """None while unknown."""

    def service_token(self) -> str | None:
        """The service's own token, for calling other Wazo services; None when this backend has none
        (no service credentials). Raises AuthServiceUnavailable while it has none yet."""
        return None

    @abc.abstractmethod
    def status(self) -> dict:
        """``{"master_tenant": {"status": ...}, "service_token": {"status": ...}}`` for /1.1/status."""

    def start(self) -> None:
        """Begin background work, if any (called at service start)."""

    def close(self) -> None:
        """Stop background work and release connections."""
