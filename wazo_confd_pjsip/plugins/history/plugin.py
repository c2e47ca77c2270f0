# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ..engine_settings.service import ENGINE_SETTINGS
from .resource import (
    ChangeSetRevert,
    EndpointSIPHistory,
    EndpointSIPRevert,
    EndpointSIPTemplateHistory,
    EndpointSIPTemplateRevert,
    History,
    TransportHistory,
    engine_settings_history,
)


class Plugin:
    def load(self, routes, core):
        service = core.services.history
        routes.add(History, '/history', endpoint='history', service=service)
        routes.add(
            ChangeSetRevert, '/history/change_sets/<uuid:uuid>/revert', endpoint='change_set_revert', service=service
        )
        routes.add(
            EndpointSIPHistory, '/endpoints/sip/<uuid:uuid>/history', endpoint='endpoint_sip_history', service=service
        )
        routes.add(
            EndpointSIPRevert,
            '/endpoints/sip/<uuid:uuid>/history/<uuid:change_uuid>/revert',
            endpoint='endpoint_sip_revert',
            service=service,
        )
        routes.add(
            EndpointSIPTemplateHistory,
            '/endpoints/sip/templates/<uuid:uuid>/history',
            endpoint='endpoint_sip_template_history',
            service=service,
        )
        routes.add(
            EndpointSIPTemplateRevert,
            '/endpoints/sip/templates/<uuid:uuid>/history/<uuid:change_uuid>/revert',
            endpoint='endpoint_sip_template_revert',
            service=service,
        )
        routes.add(
            TransportHistory, '/sip/transports/<uuid:uuid>/history', endpoint='transport_history', service=service
        )
        for section in ENGINE_SETTINGS:
            routes.add(
                engine_settings_history(section),
                f'/asterisk/pjsip/{section}/history',
                endpoint=f'pjsip_{section}_history',
                service=service,
            )
