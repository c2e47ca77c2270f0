# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Authentication by wazo-auth, over its small HTTP protocol (its Python client is not on PyPI)."""
import collections
import logging
import threading
import time
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from ..config.loader import DEFAULT_CONFIG as SERVICE_DEFAULTS
from .interface import (
    STATUS_DISABLED,
    AuthBackend,
    AuthServiceUnavailable,
    TenantInfo,
    TokenInfo,
    Unauthorized,
    component_status,
)

logger = logging.getLogger(__name__)

DEFAULT_CONFIG: dict = SERVICE_DEFAULTS['auth']
SERVICE_TOKEN_EXPIRATION = 21600  # seconds, as every Wazo service asks
RENEWAL_FRACTION = 0.75  # renew once this part of the service token's life is gone
# Each web server thread may be waiting on wazo-auth at once; keep one connection per thread.
CONNECTION_POOL_SIZE = 32
# Who a token belongs to never changes: its details are kept a while, so that saying who made a write
# (the history) costs no call per write. Validity and ACLs are still asked on every request (HEAD).
TOKEN_INFO_SECONDS = 60.0
TOKEN_INFO_CACHE_SIZE = 1024


def base_url(config: dict, api_version: str = '0.1') -> str:
    """A Wazo service's REST root from its `host`, `port`, `prefix` and `https` settings."""
    scheme = 'https' if config['https'] else 'http'
    prefix = (config['prefix'] or '').strip('/')
    prefix = f'/{prefix}' if prefix else ''
    return f'{scheme}://{config["host"]}:{config["port"]}{prefix}/{api_version}'


class WazoAuthBackend(AuthBackend):
    """Asks wazo-auth about each token.

    With ``username``/``password`` configured, a background thread (started by ``start()``, or at the
    first master tenant or status question) keeps a service token, whose tenant is the master tenant
    unless ``master_tenant_uuid`` is configured.
    """

    def __init__(
        self,
        config: dict,
        *,
        service_token_expiration=SERVICE_TOKEN_EXPIRATION,
        retry_interval=5.0,
        clock=time.monotonic,
    ):
        settings = {**DEFAULT_CONFIG, **config}
        self._url = base_url(settings)
        self._timeout = settings['timeout']
        self._session = requests.Session()
        self._session.verify = settings['verify_certificate']
        self._session.headers['Accept'] = 'application/json'
        adapter = HTTPAdapter(pool_maxsize=CONNECTION_POOL_SIZE)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)

        has_credentials = settings['username'] is not None and settings['password'] is not None
        self._credentials = (settings['username'], settings['password']) if has_credentials else None
        self._configured_master = settings['master_tenant_uuid']
        self._service_token_expiration = service_token_expiration
        self._retry_interval = retry_interval

        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._renewer = None
        self._service_token = None
        self._service_token_valid_until = 0.0  # time.monotonic()
        self._service_token_tenant = None
        self._clock = clock  # of the kept token details
        self._token_infos: collections.OrderedDict[str, tuple[float, TokenInfo]] = collections.OrderedDict()

    def check_token(self, token, required_acl, tenant=None):
        if not token:
            raise Unauthorized('no token')
        params = {'scope': required_acl}
        if tenant is not None:
            params['tenant'] = tenant
        response = self._request('HEAD', _token_path(token), token=token, params=params)
        if response.status_code == 204:
            return
        if response.status_code in (403, 404):
            raise Unauthorized(f'wazo-auth refused the token ({response.status_code})')
        raise AuthServiceUnavailable(f'wazo-auth answered {response.status_code} to a token check')

    def token_info(self, token):
        if not token:
            raise Unauthorized('no token')
        with self._lock:
            kept = self._token_infos.get(token)
        if kept is not None and kept[0] > self._clock():
            return kept[1]
        info = self._ask_token_info(token)
        with self._lock:
            self._token_infos[token] = (self._clock() + TOKEN_INFO_SECONDS, info)
            self._token_infos.move_to_end(token)
            while len(self._token_infos) > TOKEN_INFO_CACHE_SIZE:
                self._token_infos.popitem(last=False)
        return info

    def _ask_token_info(self, token):
        response = self._request('GET', _token_path(token), token=token)
        if response.status_code != 200:
            raise Unauthorized(f'wazo-auth answered {response.status_code} about the token')
        data = _data(response)
        metadata = data.get('metadata') or {}
        if not metadata.get('tenant_uuid'):
            raise AuthServiceUnavailable('wazo-auth gave a token without tenant')
        return TokenInfo(
            token=data.get('token', token),
            user_uuid=metadata.get('uuid'),
            tenant_uuid=metadata['tenant_uuid'],
            session_uuid=data.get('session_uuid'),
            acl=tuple(data.get('acl') or ()),
            auth_id=data.get('auth_id'),
        )

    def visible_tenants(self, token, tenant_uuid):
        response = self._request('GET', '/tenants', token=token, headers={'Wazo-Tenant': tenant_uuid})
        if response.status_code == 401:  # the token may not list tenants
            return [TenantInfo(tenant_uuid, None, None)]
        if response.status_code != 200:
            raise AuthServiceUnavailable(f'wazo-auth answered {response.status_code} to a tenant list')
        try:
            items = response.json()['items']
            return [_tenant(item) for item in items]
        except (ValueError, KeyError, TypeError) as e:
            raise AuthServiceUnavailable(f'unexpected tenant list from wazo-auth: {e}') from e

    def all_tenants(self):
        token = self.service_token()
        if token is None:
            return None
        master = self.master_tenant_uuid()
        if master is None:
            raise AuthServiceUnavailable('no service token from wazo-auth yet')
        return [tenant.uuid for tenant in self.visible_tenants(token, master)]

    def service_token(self):
        if self._credentials is None:
            return None
        self.start()
        with self._lock:
            token = self._service_token if time.monotonic() < self._service_token_valid_until else None
        if token is None:
            raise AuthServiceUnavailable('no service token from wazo-auth yet')
        return token

    def master_tenant_uuid(self):
        if self._configured_master:
            return self._configured_master
        self.start()
        with self._lock:
            return self._service_token_tenant

    def status(self):
        self.start()
        if self._credentials is None:
            service_token = {'status': STATUS_DISABLED}
        else:
            with self._lock:
                service_token = component_status(time.monotonic() < self._service_token_valid_until)
        return {
            'master_tenant': component_status(self.master_tenant_uuid() is not None),
            'service_token': service_token,
        }

    def start(self):
        with self._lock:
            if self._credentials is None or self._renewer is not None or self._stopping.is_set():
                return
            self._renewer = threading.Thread(
                target=self._keep_service_token, name='wazo-auth-service-token', daemon=True
            )
            self._renewer.start()

    def close(self):
        self._stopping.set()
        with self._lock:
            renewer = self._renewer
        if renewer is not None:
            renewer.join(timeout=self._timeout + 1)
        self._session.close()

    def _keep_service_token(self):
        while not self._stopping.is_set():
            try:
                self._renew_service_token()
            except AuthServiceUnavailable as e:
                logger.warning('no service token from wazo-auth, retrying in %ss: %s', self._retry_interval, e)
                delay = self._retry_interval
            else:
                delay = self._service_token_expiration * RENEWAL_FRACTION
            self._stopping.wait(delay)

    def _renew_service_token(self):
        requested_at = time.monotonic()
        response = self._request(
            'POST', '/token', auth=self._credentials, json={'expiration': self._service_token_expiration}
        )
        if response.status_code != 200:
            raise AuthServiceUnavailable(f'wazo-auth answered {response.status_code} to the service credentials')
        data = _data(response)
        try:
            tenant = data['metadata']['tenant_uuid']
            token = data['token']
        except (KeyError, TypeError) as e:
            raise AuthServiceUnavailable(f'unexpected service token from wazo-auth: {e}') from e
        with self._lock:
            self._service_token = token
            self._service_token_valid_until = requested_at + self._service_token_expiration
            self._service_token_tenant = tenant

    def _request(self, method, path, *, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token is not None:
            headers['X-Auth-Token'] = token
        try:
            return self._session.request(
                method, self._url + path, headers=headers, timeout=self._timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as e:
            # The exception names the URL, token included; error bodies end up in proxy logs.
            logger.warning('wazo-auth %s request failed: %s', method, type(e).__name__)
            raise AuthServiceUnavailable('wazo-auth unreachable') from e


def _token_path(token):
    return '/token/' + quote(token, safe='')


def _data(response):
    try:
        data = response.json()['data']
    except (ValueError, KeyError, TypeError) as e:
        raise AuthServiceUnavailable(f'unexpected answer from wazo-auth: {e}') from e
    if not isinstance(data, dict):
        raise AuthServiceUnavailable('unexpected answer from wazo-auth: data is not an object')
    return data


def _tenant(item):
    parent = item.get('parent_uuid')
    # wazo-auth stores a root tenant as its own parent
    return TenantInfo(item['uuid'], None if parent == item['uuid'] else parent, item.get('name'))
