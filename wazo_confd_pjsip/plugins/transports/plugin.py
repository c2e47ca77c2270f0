# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import TransportItem, TransportList
from .service import TransportService


class Plugin:
    def load(self, dependencies):
        service = TransportService(dependencies.db, dependencies.catalogue)
        dependencies.transport_service = service
        args = (dependencies.authenticator,)
        kwargs = {'service': service}
        api = dependencies.api
        api.add_resource(TransportList, '/sip/transports', resource_class_args=args, resource_class_kwargs=kwargs)
        api.add_resource(
            TransportItem,
            '/sip/transports/<uuid:uuid>',
            endpoint='transport',
            resource_class_args=args,
            resource_class_kwargs=kwargs,
        )
