# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from ...http.auth import AuthResource, master_tenant_only, required_acl
from ...http.body import json_body


class OptionMapping(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError('Not a valid mapping of option names to string values.')
        for key, option_value in value.items():
            if not isinstance(option_value, str):
                raise ValidationError(f"'{key}': the value must be a string")
        return value


class EngineSectionSchema(Schema):
    class Meta:
        # As for every resource, a GET body (plus anything a client adds) can be PUT back.
        unknown = EXCLUDE

    options = OptionMapping(required=True)


def engine_section_resource(section):
    class EngineSectionResource(AuthResource):
        @required_acl(f'confd.asterisk.pjsip.{section}.read')
        @master_tenant_only
        def get(self):
            return {'options': self.service.get()}

        @required_acl(f'confd.asterisk.pjsip.{section}.update')
        @master_tenant_only
        def put(self):
            body = EngineSectionSchema().load(json_body())
            self.service.replace(body['options'])
            return '', 204

    EngineSectionResource.__name__ = f'PJSIP{section.capitalize()}Resource'
    return EngineSectionResource
