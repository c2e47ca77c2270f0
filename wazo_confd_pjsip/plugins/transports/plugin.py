# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import TransportItem, TransportList


class Plugin:
    def load(self, routes, core):
        service = core.services.transports
        routes.add(TransportList, '/sip/transports', service=service)
        routes.add(TransportItem, '/sip/transports/<uuid:uuid>', endpoint='transport', service=service)
