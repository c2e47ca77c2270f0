# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The few wazo-confd reads this service makes (its Python client is not on PyPI), with its own token.

Each read names the endpoint's tenant (`Wazo-Tenant`): wazo-confd then answers 404 for a line,
trunk or user of another tenant, which is the tenant check of an association.
"""
import logging
from urllib.parse import quote

import requests

from ..auth.interface import AuthServiceUnavailable
from ..auth.wazo_auth import base_url

logger = logging.getLogger(__name__)


class ConfdUnavailable(Exception):
    """wazo-confd (or the service token it needs) could not answer; trying again later may help."""


class ConfdClient:
    def __init__(self, config, service_token):
        """config: the `confd` section; service_token: () → the token (auth backend's service_token)."""
        self._url = base_url(config, '1.1')
        self._timeout = config['timeout']
        self._service_token = service_token
        self._session = requests.Session()
        self._session.verify = config['verify_certificate']
        self._session.headers['Accept'] = 'application/json'

    def line(self, tenant_uuid, line_id):
        return self._get(tenant_uuid, f'/lines/{int(line_id)}')

    def trunk(self, tenant_uuid, trunk_id):
        return self._get(tenant_uuid, f'/trunks/{int(trunk_id)}')

    def user(self, tenant_uuid, user_uuid):
        return self._get(tenant_uuid, '/users/' + quote(str(user_uuid), safe=''))

    def call_pickups(self, tenant_uuid):
        """The tenant's call pickups, with their interceptors and targets."""
        body = self._get(tenant_uuid, '/callpickups')
        return [] if body is None else list(body.get('items') or [])

    def voicemail(self, tenant_uuid, voicemail_id):
        return self._get(tenant_uuid, f'/voicemails/{int(voicemail_id)}')

    def close(self):
        self._session.close()

    def _get(self, tenant_uuid, path):
        """The resource's body, or None when wazo-confd says it does not exist (in that tenant)."""
        try:
            token = self._service_token()
        except AuthServiceUnavailable as e:
            raise ConfdUnavailable(f'no service token for wazo-confd: {e}') from e
        if token is None:
            raise ConfdUnavailable('no service token for wazo-confd: configure auth.username and auth.password')
        headers = {'X-Auth-Token': token, 'Wazo-Tenant': tenant_uuid}
        try:
            response = self._session.get(self._url + path, headers=headers, timeout=self._timeout)
        except requests.RequestException as e:
            raise ConfdUnavailable(f'wazo-confd unreachable ({type(e).__name__})') from e
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ConfdUnavailable(f'wazo-confd answered {response.status_code} to GET {path}')
        try:
            body = response.json()
        except ValueError as e:
            raise ConfdUnavailable(f'wazo-confd answered GET {path} with no JSON') from e
        if not isinstance(body, dict):
            raise ConfdUnavailable(f'wazo-confd answered GET {path} with no object')
        return body
