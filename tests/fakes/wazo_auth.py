# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fake wazo-auth: the four calls the service makes, over real HTTP on 127.0.0.1.

Seeded by the test with tenants, tokens and service users; evaluates ACLs with the service's own
algorithm (the same algorithm is the point); records every request it receives.
Modes: ``normal``, ``down`` (listening socket and open connections closed: connection refused),
``broken`` (500 to everything), ``slow`` (answers after ``delay`` seconds).
"""
import base64
import datetime
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import unquote

from wazo_confd_pjsip.auth.acl import acl_allows
from wazo_confd_pjsip.auth.tenant_tree import subtree

from .http_service import FakeHttpService

MODES = ('normal', 'down', 'broken', 'slow')


@dataclass
class FakeToken:
    token: str
    user_uuid: str
    tenant_uuid: str
    acl: list
    expires_at: datetime.datetime | None = None
    session_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))

    def valid(self):
        return self.expires_at is None or self.expires_at > datetime.datetime.now(datetime.timezone.utc)


@dataclass
class FakeUser:
    password: str
    user_uuid: str
    tenant_uuid: str
    acl: list


class FakeWazoAuth(FakeHttpService):
    THREAD_NAME = 'fake-wazo-auth'

    def __init__(self):
        super().__init__()
        self.tenants = {}  # uuid -> (parent_uuid, name)
        self.tokens = {}
        self.users = {}
        self.mode = 'normal'
        self.delay = 0.0

    # --- seeding

    def add_tenant(self, tenant_uuid, parent_uuid=None, name=None):
        with self._lock:
            self.tenants[tenant_uuid] = (parent_uuid, name or tenant_uuid[-4:])

    def add_token(self, token, *, tenant_uuid, acl, user_uuid=None, expires_at=None, session_uuid=None):
        fake = FakeToken(
            token, user_uuid or str(uuid.uuid4()), tenant_uuid, list(acl), expires_at, session_uuid or str(uuid.uuid4())
        )
        with self._lock:
            self.tokens[token] = fake
        return fake

    def add_user(self, username, password, *, tenant_uuid, acl=(), user_uuid=None):
        with self._lock:
            self.users[username] = FakeUser(password, user_uuid or str(uuid.uuid4()), tenant_uuid, list(acl))

    # --- observing

    def requests_of(self, method, path_prefix='/'):
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def config(self, **overrides):
        """The ``auth`` configuration of a service using this fake."""
        return {
            'backend': 'wazo-auth',
            'host': '127.0.0.1',
            'port': self.port,
            'https': False,
            'timeout': 2,
            **overrides,
        }

    # --- modes

    def set_mode(self, mode, delay=1.0):
        assert mode in MODES, mode
        if mode == 'down':
            self.stop()
        elif self._server is None:
            self.start()  # same port again
        self.mode, self.delay = mode, delay

    # --- the protocol (called from the handler threads)

    def answer(self, request):
        """(status, JSON body or None) for a request."""
        with self._lock:
            self.requests.append(request)
            mode, delay = self.mode, self.delay
        if mode == 'slow':
            time.sleep(delay)
        if mode == 'broken':
            return 500, {'message': 'broken on purpose'}
        with self._lock:
            return self._route(request)

    def _route(self, request):
        parts = request.path.split('/')
        if request.method == 'HEAD' and len(parts) == 4 and request.path.startswith('/0.1/token/'):
            return self._check_token(unquote(parts[3]), request.query)
        if request.method == 'GET' and len(parts) == 4 and request.path.startswith('/0.1/token/'):
            return self._token_info(unquote(parts[3]))
        if request.method == 'GET' and request.path == '/0.1/tenants':
            return self._list_tenants(request.header('X-Auth-Token'), request.header('Wazo-Tenant'))
        if request.method == 'POST' and request.path == '/0.1/token':
            return self._create_token(request.header('Authorization'), request.body)
        return 405, {'message': 'not faked'}

    def _check_token(self, token_id, query):
        token = self._valid_token(token_id)
        if token is None:
            return 404, None
        if not acl_allows(
            token.acl, query.get('scope', ''), user_uuid=token.user_uuid, session_uuid=token.session_uuid
        ):
            return 403, None
        if 'tenant' in query and not self._visible(token, query['tenant']):
            return 403, None
        return 204, None

    def _token_info(self, token_id):
        token = self._valid_token(token_id)
        if token is None:
            return 404, {'message': 'No such token'}
        return 200, {'data': _token_data(token)}

    def _list_tenants(self, token_id, tenant_uuid):
        token = self._valid_token(token_id)
        if token is None or not acl_allows(
            token.acl, 'auth.tenants.read', user_uuid=token.user_uuid, session_uuid=token.session_uuid
        ):
            return 401, {'message': 'Unauthorized'}
        tenant_uuid = tenant_uuid or token.tenant_uuid
        if not self._visible(token, tenant_uuid):
            return 401, {'message': 'Unauthorized tenant'}
        items = [self._tenant_item(uuid_) for uuid_ in subtree(self._parents(), tenant_uuid)]
        return 200, {'items': items, 'total': len(items), 'filtered': len(items)}

    def _create_token(self, authorization, body):
        username, password = _basic_credentials(authorization)
        user = self.users.get(username)
        if user is None or user.password != password:
            return 401, {'message': 'Authentication Failed'}
        expiration = json.loads(body or b'{}').get('expiration', 7200)
        expires_at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expiration)
        token = FakeToken(str(uuid.uuid4()), user.user_uuid, user.tenant_uuid, user.acl, expires_at)
        self.tokens[token.token] = token
        return 200, {'data': _token_data(token)}

    def _valid_token(self, token_id):
        token = self.tokens.get(token_id or '')
        return token if token is not None and token.valid() else None

    def _visible(self, token, tenant_uuid):
        return tenant_uuid in subtree(self._parents(), token.tenant_uuid)

    def _parents(self):
        return {uuid_: parent for uuid_, (parent, _) in self.tenants.items()}

    def _tenant_item(self, tenant_uuid):
        parent, name = self.tenants.get(tenant_uuid, (None, None))
        # like wazo-auth, a root tenant is its own parent
        return {'uuid': tenant_uuid, 'parent_uuid': parent or tenant_uuid, 'name': name, 'slug': name}


def _token_data(token):
    expires_at = token.expires_at.isoformat() if token.expires_at else None
    return {
        'token': token.token,
        'auth_id': token.user_uuid,
        'session_uuid': token.session_uuid,
        'acl': token.acl,
        'metadata': {'uuid': token.user_uuid, 'tenant_uuid': token.tenant_uuid},
        'expires_at': expires_at,
        'utc_expires_at': expires_at,
    }


def _basic_credentials(authorization):
    scheme, _, encoded = (authorization or '').partition(' ')
    if scheme.lower() != 'basic':
        return None, None
    username, _, password = base64.b64decode(encoded).decode().partition(':')
    return username, password
