# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from marshmallow import EXCLUDE, Schema, ValidationError, fields


class OptionMapping(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError('Not a valid mapping of option names to string values.')
        for key, option_value in value.items():
            if not isinstance(option_value, str):
                raise ValidationError(f"'{key}': the value must be a string")
        return value


class EngineSettingsSchema(Schema):
    class Meta:
        # As for every resource, a GET body (plus anything a client adds) can be PUT back.
        unknown = EXCLUDE

    options = OptionMapping(required=True)
