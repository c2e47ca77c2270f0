# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ...http.auth import AuthResource, master_tenant_only, required_acl
from ...http.body import json_body
from .schema import EngineSettingsSchema


def engine_settings_resource(section):
    class EngineSettingsResource(AuthResource):
        @required_acl(f'confd.asterisk.pjsip.{section}.read')
        @master_tenant_only
        def get(self):
            return {'options': self.service.get()}

        @required_acl(f'confd.asterisk.pjsip.{section}.update')
        @master_tenant_only
        def put(self):
            body = EngineSettingsSchema().load(json_body())
            self.service.replace(body['options'])
            return '', 204

    EngineSettingsResource.__name__ = f'PJSIP{section.capitalize()}Resource'
    return EngineSettingsResource
