# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sections of a SIP endpoint (or template) and the Asterisk object type each one becomes.

A section name is the prefix of its API field: ``aor`` is ``aor_section_options``.
The order is the serialization order of the API and the dependency-free order of the sections.
"""

SECTION_OBJECT_TYPES = {
    'aor': 'aor',
    'auth': 'auth',
    'endpoint': 'endpoint',
    'identify': 'identify',
    'registration': 'registration',
    'registration_outbound_auth': 'auth',
    'outbound_auth': 'auth',
}

SECTIONS = tuple(SECTION_OBJECT_TYPES)

# Only these object types accept '@name' custom keys (Asterisk's sorcery custom fields).
SECTIONS_WITH_CUSTOM_KEYS = frozenset({'aor', 'endpoint'})


def field_name(section):
    return f'{section}_section_options'
