# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import ApiSpecResource
from .service import ServedDocument


class Plugin:
    def load(self, routes, core):
        document = ServedDocument(core.apply.engines, core.catalogue)
        routes.api.add_resource(ApiSpecResource, '/api/api.yml', resource_class_kwargs={'document': document})
