# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options whose values are credentials: masked in the history (for who may not read them) and in dry runs."""
from .database.session import Resource
from .sections import SECTION_OBJECT_TYPES, field_name

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
    if resource == Resource.SIP_TRANSPORT:
        return {**body, 'options': _masked_lines(body['options'], SECRET_OPTIONS['transport'])}
    return {
        key: _masked_lines(value, _SECRET_FIELDS[key]) if key in _SECRET_FIELDS else value
        for key, value in body.items()
    }


def masked_changes(changes, resource):
    """`option_diff.option_changes` of unmasked bodies, each secret value masked: a changed password
    shows as changed, not its value."""
    secret_keys_of = {'options': SECRET_OPTIONS['transport']} if resource == Resource.SIP_TRANSPORT else _SECRET_FIELDS
    result = []
    for change in changes:
        if change['key'] in secret_keys_of.get(change['field'], ()):
            change = {**change, **{side: MASK for side in ('before', 'after') if change[side] is not None}}
        result.append(change)
    return result
