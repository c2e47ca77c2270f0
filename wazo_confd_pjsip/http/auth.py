# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Flask side of authentication: ACL markers on resource methods, checked before dispatch.

The auth backend (wazo-auth or local) is injected; nothing here knows which one it is.
"""
import uuid as uuid_lib

from flask import g, request
from flask_restful import Resource

from ..auth import AuthServiceUnavailable, Unauthorized
from ..auth import required_acl as substitute_acl
from .errors import ServiceUnavailableError, UnauthorizedError

UNAUTHORIZED = 'Unauthorized: invalid token or unauthorized access'


def required_acl(template):
    def decorator(func):
        func.required_acl = template
        return func

    return decorator


def master_tenant_only(func):
    func.master_tenant_only = True
    return func


def no_auth(func):
    func.required_acl = None
    return func


class RequestTenant:
    """Who is asking, for which tenant: resolved lazily, at most one backend call of each kind."""

    def __init__(self, backend, token, tenant_header):
        self._backend = backend
        self.token = token
        self._tenant_header = tenant_header
        self._token_info = None
        self._visible = None

    @property
    def token_info(self):
        if self._token_info is None:
            try:
                self._token_info = self._backend.token_info(self.token)
            except Unauthorized:
                raise UnauthorizedError(UNAUTHORIZED)
            except AuthServiceUnavailable as e:
                raise ServiceUnavailableError(f'Authentication server unreachable: {e}')
        return self._token_info

    def known_uuid(self):
        """The tenant if already known without asking the auth service, else None."""
        if self._tenant_header:
            return self._tenant_header
        return self._token_info.tenant_uuid if self._token_info else None

    @property
    def uuid(self):
        return self._tenant_header or self.token_info.tenant_uuid

    @property
    def token_tenant_uuid(self):
        return self.token_info.tenant_uuid

    def visible_uuids(self):
        """The tenant and all its descendants."""
        if self._visible is None:
            try:
                tenants = self._backend.visible_tenants(self.token, self.uuid)
            except AuthServiceUnavailable as e:
                raise ServiceUnavailableError(f'Authentication server unreachable: {e}')
            self._visible = {tenant.uuid for tenant in tenants} | {self.uuid}
        return self._visible

    def list_scope(self, recurse):
        return sorted(self.visible_uuids()) if recurse else [self.uuid]

    def can_see(self, tenant_uuid):
        return tenant_uuid == self.uuid or tenant_uuid in self.visible_uuids()


class Authenticator:
    def __init__(self, backend):
        self.backend = backend
        # callables run once a request is authenticated, before its method: checks of
        # request-wide parameters, which must not answer 400 to who would get 401
        self.authenticated_request_checks = []

    def verify(self, method, url_params):
        template = getattr(method, 'required_acl', None)
        if template is None:
            return
        token = request.headers.get('X-Auth-Token')
        if not token:
            raise UnauthorizedError(UNAUTHORIZED)
        tenant_header = request.headers.get('Wazo-Tenant') or None
        if tenant_header is not None:
            tenant_header = _canonical_uuid(tenant_header)
        try:
            self.backend.check_token(token, substitute_acl(template, url_params), tenant=tenant_header)
        except Unauthorized:
            raise UnauthorizedError(UNAUTHORIZED)
        except AuthServiceUnavailable as e:
            raise ServiceUnavailableError(f'Authentication server unreachable: {e}')
        g.tenant = RequestTenant(self.backend, token, tenant_header)
        if getattr(method, 'master_tenant_only', False):
            self._check_master_tenant(g.tenant)

    def _check_master_tenant(self, tenant):
        master = self.backend.master_tenant_uuid()
        if master is None:
            raise ServiceUnavailableError('The master tenant is not known yet')
        # The token's own tenant decides, not the Wazo-Tenant header.
        if tenant.token_tenant_uuid != master:
            raise UnauthorizedError(UNAUTHORIZED)


def _canonical_uuid(value):
    """The lower-case hyphenated form: tenants are compared as strings, wherever they come from."""
    try:
        # UUID() also takes braces, "urn:uuid:" and bare hex: only the written-out form is a tenant uuid.
        canonical = str(uuid_lib.UUID(value))
    except ValueError:
        raise UnauthorizedError(UNAUTHORIZED)
    if canonical != value.lower():
        raise UnauthorizedError(UNAUTHORIZED)
    return canonical


class AuthResource(Resource):
    """A resource whose methods carry required_acl markers, checked before the method runs."""

    def __init__(self, authenticator, **dependencies):
        self._authenticator = authenticator
        for name, value in dependencies.items():
            setattr(self, name, value)

    def dispatch_request(self, *args, **kwargs):
        method = getattr(self, request.method.lower(), None)
        if method is None and request.method == 'HEAD':
            method = getattr(self, 'get', None)
        if method is not None:
            self._authenticator.verify(method, kwargs)
            for check in self._authenticator.authenticated_request_checks:
                check()
        return super().dispatch_request(*args, **kwargs)
