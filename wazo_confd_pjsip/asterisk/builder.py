# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Asterisk objects one SIP endpoint becomes, from its option lines already resolved by inheritance.

Id scheme (one Asterisk id namespace per type, shared by every tenant):

- endpoint, aor, inbound auth, identify and registration are all called ``<name>`` (ids may repeat
  across types; endpoint names are unique across tenants);
- the endpoint's outbound auth is ``<name>~outbound`` and the registration's auth is
  ``<name>~registration``. Names never hold ``~`` (``syntax``), so such an id can never be
  another endpoint's inbound auth (Wazo's ``outbound_auth_<name>`` can: an endpoint named
  ``outbound_auth_alice`` would overwrite alice's outbound credentials). When ``<name>~suffix``
  is longer than 79 characters the name is cut and a hash of the whole name keeps the id unique.

The service owns the cross-references: the user's lines for ``aors``/``auth``/``outbound_auth``
(endpoint), ``endpoint`` (identify, registration) and ``outbound_auth`` (registration) are dropped
and replaced by the ones above (a registration names its endpoint only with ``line=yes``: Asterisk
refuses ``endpoint`` without it) — a user line must never point an endpoint at another tenant's
credentials. ``transport`` is replaced only when the endpoint has a transport. The tenant variable
is set last, after the user's own ``set_var`` lines, so that it always wins.

An aor (and ``aors=``) exists only when the endpoint has aor lines, as in Wazo: an aor without
options accepts no registration, and every aor created costs Asterisk a scan of all endpoints.
"""

from __future__ import annotations

import hashlib
import re

from ..sections import SECTION_OBJECT_TYPES
from ..sipconf.values import is_true
from .objects import AsteriskObject
from .syntax import DERIVED_ID_SEPARATOR, MAX_ID_LENGTH

TENANT_VARIABLE = '__WAZO_TENANT_UUID'
OUTBOUND_AUTH_SUFFIX = f'{DERIVED_ID_SEPARATOR}outbound'
REGISTRATION_AUTH_SUFFIX = f'{DERIVED_ID_SEPARATOR}registration'

# Per section, the keys whose value the service decides.
SERVICE_OWNED_KEYS = {
    'endpoint': frozenset({'aors', 'auth', 'outbound_auth'}),
    'identify': frozenset({'endpoint'}),
    'registration': frozenset({'endpoint', 'outbound_auth'}),
}

# set_var=NAME=value; leading underscores only say how the variable is inherited by channels.
_TENANT_SET_VAR = re.compile(r'\s*_*WAZO_TENANT_UUID\s*=')

_HASH_LENGTH = 8


def build_objects(name, tenant_uuid, resolved_lines, transport_name=None) -> list[AsteriskObject]:
    """The objects of endpoint `name`, in creation order (auth, aor, endpoint, identify, registration)."""
    unknown = set(resolved_lines) - set(SECTION_OBJECT_TYPES)
    if unknown:
        raise ValueError(f'unknown sections: {sorted(unknown)}')
    lines = {section: _user_lines(section, resolved_lines.get(section)) for section in SECTION_OBJECT_TYPES}
    outbound_auth_id = derived_id(name, OUTBOUND_AUTH_SUFFIX)
    registration_auth_id = derived_id(name, REGISTRATION_AUTH_SUFFIX)

    objects = [
        AsteriskObject('auth', auth_id, lines[section])
        for section, auth_id in (
            ('auth', name),
            ('outbound_auth', outbound_auth_id),
            ('registration_outbound_auth', registration_auth_id),
        )
        if lines[section]
    ]
    if lines['aor']:
        objects.append(AsteriskObject('aor', name, lines['aor']))

    endpoint_lines = [
        (key, value)
        for key, value in lines['endpoint']
        if not (transport_name and key == 'transport') and not _sets_tenant_variable(key, value)
    ]
    if transport_name:
        endpoint_lines.append(('transport', transport_name))
    if lines['aor']:
        endpoint_lines.append(('aors', name))
    if lines['auth']:
        endpoint_lines.append(('auth', name))
    if lines['outbound_auth']:
        endpoint_lines.append(('outbound_auth', outbound_auth_id))
    endpoint_lines.append(('set_var', f'{TENANT_VARIABLE}={tenant_uuid}'))
    objects.append(AsteriskObject('endpoint', name, tuple(endpoint_lines)))

    if lines['identify']:
        objects.append(AsteriskObject('identify', name, lines['identify'] + [('endpoint', name)]))
    if lines['registration']:
        registration_lines = list(lines['registration'])
        if _has_line_support(registration_lines):
            registration_lines.append(('endpoint', name))
        if lines['registration_outbound_auth']:
            registration_lines.append(('outbound_auth', registration_auth_id))
        objects.append(AsteriskObject('registration', name, tuple(registration_lines)))
    return objects


def derived_id(name, suffix) -> str:
    """`name` + `suffix`, cut to Asterisk's id length with a hash of the whole name when too long."""
    candidate = f'{name}{suffix}'
    if len(candidate) <= MAX_ID_LENGTH:
        return candidate
    digest = hashlib.sha256(name.encode('utf-8')).hexdigest()[:_HASH_LENGTH]
    kept = MAX_ID_LENGTH - len(suffix) - len(digest) - 1
    return f'{name[:kept]}{DERIVED_ID_SEPARATOR}{digest}{suffix}'


def _user_lines(section, lines):
    owned = SERVICE_OWNED_KEYS.get(section, frozenset())
    return [tuple(line) for line in lines or () if line[0] not in owned]


def _has_line_support(registration_lines):
    # Asterisk refuses a registration naming an endpoint without line=yes, and one with line=yes naming none.
    values = [value for key, value in registration_lines if key == 'line']
    return bool(values) and is_true(values[-1])


def _sets_tenant_variable(key, value):
    return key == 'set_var' and isinstance(value, str) and _TENANT_SET_VAR.match(value) is not None
