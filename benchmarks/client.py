# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP calls to the service, timed as a client sees them; one keep-alive session per thread."""
import threading
import time

import requests

REQUEST_TIMEOUT_SECONDS = 60


class UnexpectedResponse(RuntimeError):
    pass


class ApiClient:
    def __init__(self, base_url):
        self._base_url = base_url
        self._local = threading.local()

    def call(self, method, path, token, expected_status, *, json=None, params=None):
        """(response, elapsed ms); the elapsed time includes sending the body and reading the whole answer."""
        session = self._session()
        started = time.perf_counter()
        response = session.request(
            method,
            self._base_url + path,
            json=json,
            params=params,
            headers={'X-Auth-Token': token},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code != expected_status:
            raise UnexpectedResponse(
                f'{method} {path}: {response.status_code} (expected {expected_status}): ' f'{response.text[:500]}'
            )
        return response, elapsed_ms

    def _session(self):
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = requests.Session()
        return session
