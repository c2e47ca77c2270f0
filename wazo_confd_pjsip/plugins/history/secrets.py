# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options whose values are credentials: masked in the history for who may not read them."""
from ...sections import SECTION_OBJECT_TYPES, field_name

MASK = '********'
SECRET_OPTIONS = {
    'auth': frozenset({'password', 'md5_cred', 'password_digest', 'oauth_secret', 'refresh_token'}),
    'transport': frozenset({'password'}),
}
_SECRET_FIELDS = {
    field_name(section): SECRET_OPTIONS[object_type]
    for section, object_type in SECTION_OBJECT_TYPES.items()
    if object_type in SECRET_OPTIONS
}


def _masked_lines(lines, secret_keys):
    return [[key, MASK if key in secret_keys else value] for key, value in lines]


def masked(body, resource):
    """A history body (endpoint, template, transport, [global]/[system]) with its secrets masked."""
    if body is None:
        return None
    if resource == 'sip_transport':
        return {**body, 'options': _masked_lines(body['options'], SECRET_OPTIONS['transport'])}
    return {
        key: _masked_lines(value, _SECRET_FIELDS[key]) if key in _SECRET_FIELDS else value
        for key, value in body.items()
    }
