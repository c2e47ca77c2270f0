# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .defaults import create_default_templates
from .resource import EndpointSIPItem, EndpointSIPList, EndpointSIPTemplateItem, EndpointSIPTemplateList
from .service import EndpointSIPService


class Plugin:
    def load(self, dependencies):
        engines = dependencies.config['asterisk']['engines']
        args = (dependencies.authenticator,)
        api = dependencies.api
        dependencies.tenants.created_listeners.append(create_default_templates)
        routes = (
            (False, EndpointSIPList, EndpointSIPItem, '/endpoints/sip', 'endpoint_sip'),
            (
                True,
                EndpointSIPTemplateList,
                EndpointSIPTemplateItem,
                '/endpoints/sip/templates',
                'endpoint_sip_template',
            ),
        )
        for template, list_resource, item_resource, path, endpoint in routes:
            service = EndpointSIPService(
                dependencies.db, dependencies.catalogue, dependencies.tenants, engines, template=template
            )
            if template:
                dependencies.template_service = service
            else:
                dependencies.endpoint_service = service
            kwargs = {'service': service}
            api.add_resource(
                list_resource, path, endpoint=f'{endpoint}_list', resource_class_args=args, resource_class_kwargs=kwargs
            )
            api.add_resource(
                item_resource,
                f'{path}/<uuid:uuid>',
                endpoint=endpoint,
                resource_class_args=args,
                resource_class_kwargs=kwargs,
            )
