# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import StatusResource


class Plugin:
    def load(self, routes, core):
        routes.add(StatusResource, '/status', service=core.services.status)
