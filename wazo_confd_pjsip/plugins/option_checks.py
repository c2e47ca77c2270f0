# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option lines checked against the catalogue, turned into the API's 400s (field and option named)."""
from ..errors import InvalidInputs
from ..options.validation import validate_option_mapping, validate_options


def _raise(field, errors):
    if errors:
        raise InvalidInputs([(None, error.describe(field)) for error in errors])


def check_option_lines(catalogue, field, object_type, lines, allow_custom_keys=False):
    _raise(field, validate_options(catalogue, object_type, lines, allow_custom_keys=allow_custom_keys))


def check_option_mapping(catalogue, field, object_type, mapping):
    _raise(field, validate_option_mapping(catalogue, object_type, mapping))
