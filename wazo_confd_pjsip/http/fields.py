# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Marshmallow fields shared by the resources."""
from marshmallow import ValidationError, fields, validate

from ..asterisk.syntax import NAME_RULE, RESERVED_NAMES, is_name
from ..options.values import has_forbidden_characters

OPTION_TEXT_MAX = 4092


class OptionLines(fields.Field):
    """An ordered list of [key, value] string pairs (keys may repeat); its own length is limited."""

    def __init__(self, max_items, **kwargs):
        super().__init__(**kwargs)
        self.max_items = max_items

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError('Not a valid list.')
        if len(value) > self.max_items:
            raise ValidationError(f'Longer than maximum length {self.max_items}.')
        lines = []
        for index, pair in enumerate(value):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValidationError(f'item {index}: must be a [key, value] pair')
            key, option_value = pair
            for part, text in (('key', key), ('value', option_value)):
                if not isinstance(text, str):
                    raise ValidationError(f'item {index}: the {part} must be a string')
                if not 1 <= len(text) <= OPTION_TEXT_MAX:
                    raise ValidationError(f'item {index}: the {part} must be 1 to {OPTION_TEXT_MAX} characters long')
            lines.append([key, option_value])
        return lines

    def _serialize(self, value, attr, obj, **kwargs):
        return [list(pair) for pair in value or []]


def validate_pjsip_name(name):
    if not is_name(name):
        raise ValidationError(f'Must be {NAME_RULE}')
    if name in RESERVED_NAMES:
        raise ValidationError(f'"{name}" is reserved')


class PJSIPName(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=validate_pjsip_name, **kwargs)


def _printable(text):
    if has_forbidden_characters(text):
        raise ValidationError('Must not contain line breaks or control characters.')


label_validator = validate.And(validate.Length(max=128), _printable)
