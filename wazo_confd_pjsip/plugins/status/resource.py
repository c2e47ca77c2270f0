# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ...http.auth import AuthResource, required_acl


class StatusResource(AuthResource):
    @required_acl('confd.status.read')
    def get(self):
        return self.service.status(), 200
