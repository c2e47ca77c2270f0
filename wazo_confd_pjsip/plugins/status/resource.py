# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import logging

from ...auth.interface import STATUS_DISABLED, component_status
from ...http.auth import AuthResource, required_acl

logger = logging.getLogger(__name__)


class StatusResource(AuthResource):
    @required_acl('confd.status.read')
    def get(self):
        status = dict(self.auth_backend.status())
        # Wazo clients expect every key; the bus consumer, when configured, reports itself below.
        status['bus_consumer'] = {'status': STATUS_DISABLED}
        status['rest_api'] = component_status(True)
        for name, reporter in self.reporters.items():
            status[name] = _report(name, reporter)
        return status, 200


def _report(name, reporter):
    # A component whose report fails is itself failing: say so rather than fail the whole status.
    try:
        return reporter()
    except Exception:
        logger.exception('status reporter %s failed', name)
        return component_status(False)
