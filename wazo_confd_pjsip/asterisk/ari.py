# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A client of Asterisk's ARI push-configuration routes (res_pjsip objects) and module reloads.

Errors say what the caller should do:

- `AriUnavailable`: try again later — connection refused or reset, timeout, any 5xx (503 while
  Asterisk boots; 500 also answers a merge Asterisk could not copy), 409 (another reload runs), a
  404 that is not ARI's (the HTTP server's own page, before res_ari is loaded);
- `AriAuthError` (an `AriUnavailable`): 401, the ARI user or password is wrong — a configuration
  error that retrying will not fix until the configuration changes;
- `AriRejected`: Asterisk refused this request (400 bad option or value, 403 read-only user or an
  object defined in pjsip.conf, 404): sending it again gives the same answer.

Requests are never retried here: a repeated merge PUT would append repeatable options twice.
One `requests.Session` keeps the connection open between requests; use one client per thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import requests

CONFIG_CLASS = 'res_pjsip'
ALLOCATION_FAILED = 'Allocation failed'


class AriError(Exception):
    def __init__(self, message, status=None):
        super().__init__(message if status is None else f'{status} {message}')
        self.message = message
        self.status = status


class AriUnavailable(AriError):
    pass


class AriAuthError(AriUnavailable):
    pass


class AriRejected(AriError):
    pass


@dataclass(frozen=True)
class AsteriskInfo:
    version: str
    startup_time: str
    last_reload_time: str


class AriClient:
    def __init__(self, url, username, password, timeout=10.0):
        base = url.rstrip('/')
        self._base = base if base.endswith('/ari') else f'{base}/ari'
        self._timeout = timeout
        self._session = requests.Session()
        self._session.auth = (username, password)

    def close(self):
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def put_object(self, obj) -> tuple[tuple[str, str], ...]:
        """Create `obj`, or merge its lines into the existing object; Asterisk's whole object back."""
        body = {'fields': [{'attribute': attribute, 'value': value} for attribute, value in obj.fields]}
        response = self._request('PUT', _object_path(obj.type, obj.id), body=body)
        return _fields(response.json())

    def delete_object(self, object_type, object_id) -> bool:
        """True when deleted, False when there was nothing to delete (already the wanted state)."""
        try:
            self._request('DELETE', _object_path(object_type, object_id))
        except AriRejected as e:
            if e.status == 404 and _is_missing_object(e.message):
                return False
            raise
        return True

    def asterisk_info(self) -> AsteriskInfo:
        info = self._request('GET', '/asterisk/info').json()
        status = info.get('status', {})
        return AsteriskInfo(
            version=info.get('system', {}).get('version', ''),
            startup_time=status.get('startup_time', ''),
            last_reload_time=status.get('last_reload_time', ''),
        )

    def reload_module(self, name):
        self._request('PUT', f'/asterisk/modules/{quote(name, safe="")}')

    def _request(self, method, path, body=None):
        headers = {}
        data = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            data = json.dumps(body)
        try:
            response = self._session.request(
                method, f'{self._base}{path}', data=data, headers=headers, timeout=self._timeout
            )
        except (requests.ConnectionError, requests.Timeout) as e:
            raise AriUnavailable(f'Asterisk ARI unreachable: {e}') from e
        if response.status_code < 400:
            return response
        if response.status_code == 404 and not _is_json(response):
            # Asterisk's HTTP server answers its own HTML page until res_ari is loaded (while booting).
            raise AriUnavailable('ARI not loaded (Asterisk starting, or no ARI at this URL)', 404)
        message = _error_message(response)
        if response.status_code == 401:
            raise AriAuthError(message, 401)
        if response.status_code == 500 and message == ALLOCATION_FAILED:
            # A merge Asterisk could not copy: sending it again fails the same way.
            raise AriRejected(message, 500)
        if response.status_code >= 500 or response.status_code == 409:
            raise AriUnavailable(message, response.status_code)
        raise AriRejected(message, response.status_code)


def _object_path(object_type, object_id):
    return f'/asterisk/config/dynamic/{CONFIG_CLASS}/{quote(object_type, safe="")}/{quote(object_id, safe="")}'


def _fields(body):
    return tuple((field['attribute'], field['value']) for field in body)


def _is_json(response):
    try:
        response.json()
    except ValueError:
        return False
    return True


def _error_message(response):
    # Asterisk answers {"message": ...}, except allocation failures: {"error": "Allocation failed"}.
    try:
        body = response.json()
    except ValueError:
        return response.text or response.reason
    if isinstance(body, dict):
        return str(body.get('message') or body.get('error') or body)
    return str(body)


def _is_missing_object(message):
    # Only a missing *object* is success for a DELETE; an unknown type or class is a real error.
    return message.startswith('Object with id ')
