# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import EndpointAsteriskResource, SyncResource


class Plugin:
    def load(self, routes, core):
        service = core.services.asterisk_sync
        routes.add(SyncResource, '/asterisk/pjsip/sync', service=service)
        routes.add(EndpointAsteriskResource, '/endpoints/sip/<uuid:uuid>/asterisk', service=service)
