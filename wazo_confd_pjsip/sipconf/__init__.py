# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""chan_sip sip.conf -> PJSIP migration, pure: parse the text, then map it to an ImportPlan."""
from .mapping import GENERAL_TEMPLATE, flatten_peer, general_template_name, map_flat_peer, map_sip_conf
from .parents import once_each
from .parser import DEFAULT_MAX_BYTES, SipConf, SipConfError, parse
from .placement import PlacedRegistration, place_registrations
from .plan import ImportPlan, Issue, PlanEntry, PlanRegistration, PlanTransport, Unmapped

__all__ = [
    'DEFAULT_MAX_BYTES',
    'GENERAL_TEMPLATE',
    'ImportPlan',
    'Issue',
    'PlacedRegistration',
    'PlanEntry',
    'PlanRegistration',
    'PlanTransport',
    'SipConf',
    'SipConfError',
    'Unmapped',
    'flatten_peer',
    'general_template_name',
    'map_flat_peer',
    'map_sip_conf',
    'once_each',
    'parse',
    'place_registrations',
]
