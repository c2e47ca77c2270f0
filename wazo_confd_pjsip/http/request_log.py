# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One log line per request: method, path, status, duration and tenant — never tokens or bodies."""
import logging
import time

from flask import g, request

logger = logging.getLogger('wazo_confd_pjsip.requests')


def install(app):
    @app.before_request
    def start_timer():
        g.request_started = time.monotonic()

    @app.after_request
    def log_request(response):
        started = g.get('request_started')
        duration_ms = (time.monotonic() - started) * 1000 if started is not None else -1
        tenant = g.get('tenant')
        logger.info(
            '%s %s %s %.1fms tenant=%s',
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            # only what is known already: logging must not cost a call to wazo-auth
            tenant.known_uuid() if tenant is not None else '-',
        )
        return response
