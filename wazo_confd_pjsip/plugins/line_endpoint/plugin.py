# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import LineEndpointSIP, TrunkEndpointSIP, UserLineEndpointSIP


class Plugin:
    def load(self, routes, core):
        routes.add(
            LineEndpointSIP, '/lines/<int:line_id>/endpoints/sip/<uuid:uuid>', service=core.services.line_endpoints
        )
        routes.add(
            TrunkEndpointSIP, '/trunks/<int:trunk_id>/endpoints/sip/<uuid:uuid>', service=core.services.trunk_endpoints
        )
        routes.add(
            UserLineEndpointSIP,
            '/users/<uuid:user_uuid>/lines/<line_id>/associated/endpoints/sip',
            service=core.services.endpoints,
            user_lines=core.services.user_lines,
        )
