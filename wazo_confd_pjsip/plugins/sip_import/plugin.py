# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import SipImportResource


class Plugin:
    def load(self, routes, core):
        routes.add(
            SipImportResource,
            '/asterisk/sip/import',
            service=core.services.sip_import,
            auth_backend=core.auth_backend,
        )
