# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import EndpointSIPItem, EndpointSIPList, EndpointSIPTemplateItem, EndpointSIPTemplateList


class Plugin:
    def load(self, routes, core):
        endpoints, templates = core.services.endpoints, core.services.templates
        routes.add(EndpointSIPList, '/endpoints/sip', endpoint='endpoint_sip_list', service=endpoints)
        routes.add(EndpointSIPItem, '/endpoints/sip/<uuid:uuid>', endpoint='endpoint_sip', service=endpoints)
        routes.add(
            EndpointSIPTemplateList,
            '/endpoints/sip/templates',
            endpoint='endpoint_sip_template_list',
            service=templates,
        )
        routes.add(
            EndpointSIPTemplateItem,
            '/endpoints/sip/templates/<uuid:uuid>',
            endpoint='endpoint_sip_template',
            service=templates,
        )
