# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import logging

from ...auth.interface import STATUS_DISABLED, component_status

logger = logging.getLogger(__name__)


class StatusService:
    """/1.1/status: the auth backend's parts, then each component's own report."""

    def __init__(self, auth_backend, reporters):
        self._auth_backend = auth_backend
        self._reporters = reporters

    def status(self):
        status = dict(self._auth_backend.status())
        # Wazo clients expect every key; the bus consumer, when configured, reports itself below.
        status['bus_consumer'] = {'status': STATUS_DISABLED}
        status['rest_api'] = component_status(True)
        for name, reporter in self._reporters.items():
            status[name] = _report(name, reporter)
        return status


def _report(name, reporter):
    # A component whose report fails is itself failing: say so rather than fail the whole status.
    try:
        return reporter()
    except Exception:
        logger.exception('status reporter %s failed', name)
        return component_status(False)
