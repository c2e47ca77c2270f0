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
One keep-alive connection (http.client: a third of the cost of a request through `requests`,
which a full push of 10,000 endpoints makes 30,000 times) is kept between requests, and opened
again when Asterisk closed it in between; use one client per thread.
"""

from __future__ import annotations

import base64
import http.client
import json
import select
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

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


@dataclass(frozen=True)
class _Response:
    status: int
    reason: str
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')


class AriClient:
    def __init__(self, url, username, password, timeout=10.0):
        base = url.rstrip('/')
        base = base if base.endswith('/ari') else f'{base}/ari'
        parts = urlsplit(base)
        self._path = parts.path
        self._secure = parts.scheme == 'https'
        self._host = parts.hostname or ''
        self._port = parts.port or (443 if self._secure else 80)
        self._timeout = timeout
        self._authorization = 'Basic ' + base64.b64encode(f'{username}:{password}'.encode()).decode('ascii')
        self._connection = None

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

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

    def has_object(self, object_type, object_id) -> bool:
        """Whether Asterisk holds the object now."""
        try:
            self._request('GET', _object_path(object_type, object_id))
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
        headers = {'Authorization': self._authorization, 'Host': f'{self._host}:{self._port}'}
        data = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            data = json.dumps(body).encode('utf-8')
        try:
            connection = self._open()
            connection.request(method, f'{self._path}{path}', body=data, headers=headers)
            answer = connection.getresponse()
            response = _Response(answer.status, answer.reason, answer.read())
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise AriUnavailable(f'Asterisk ARI unreachable: {e}') from e
        if response.status < 400:
            return response
        if response.status == 404 and not _is_json(response):
            # Asterisk's HTTP server answers its own HTML page until res_ari is loaded (while booting).
            raise AriUnavailable('ARI not loaded (Asterisk starting, or no ARI at this URL)', 404)
        message = _error_message(response)
        if response.status == 401:
            raise AriAuthError(message, 401)
        if response.status == 500 and message == ALLOCATION_FAILED:
            # A merge Asterisk could not copy: sending it again fails the same way.
            raise AriRejected(message, 500)
        if response.status >= 500 or response.status == 409:
            raise AriUnavailable(message, response.status)
        raise AriRejected(message, response.status)

    def _open(self):
        """The kept connection, or a new one when there is none or Asterisk closed it since the last answer."""
        connection = self._connection
        if connection is not None and connection.sock is not None:
            readable, _, _ = select.select([connection.sock], [], [], 0)
            if readable:  # the end of the stream (or bytes nobody asked for): not to be reused
                self.close()
                connection = None
        if connection is None:
            if self._secure:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self._timeout, context=ssl.create_default_context()
                )
            else:
                connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
            self._connection = connection
        if connection.sock is None:
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection


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
