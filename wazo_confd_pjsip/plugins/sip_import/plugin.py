# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import SipImportResource
from .service import SipConfImporter


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(
            SipImportResource,
            '/asterisk/sip/import',
            resource_class_args=(dependencies.authenticator,),
            resource_class_kwargs={
                'service': SipConfImporter.from_dependencies(dependencies),
                'auth_backend': dependencies.auth_backend,
            },
        )
