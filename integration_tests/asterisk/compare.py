# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An endpoint as Asterisk holds it, compared by meaning with what the API says it is.

ARI reads back every option of an object, defaults included, the way Asterisk prints it: booleans as
true/false, codecs as ``(ulaw|alaw)``, doubles as ``3.000000``, groups as ``1, 3, 4``, ToS as a number,
caller ids as ``"Name" <number>``, identify matches as ``address/netmask``, aor contacts in no particular
order, each ``set_var`` as the variable itself (``{"attribute": "FOO", "value": "bar"}``). The inline ACL
options (``deny``, ``permit``, ``contact_deny``...) never come back: ARI only shows whether the object has
an ACL (``acl``/``contact_acl``), so their effect is checked with SIP (`options`).

So values are compared after normalising both sides by the option's kind in the catalogue; codec lines
are replayed with the service's own codec arithmetic.
"""
from __future__ import annotations

import ipaddress
import re

from wazo_confd_pjsip.asterisk.builder import (
    OUTBOUND_AUTH_SUFFIX,
    REGISTRATION_AUTH_SUFFIX,
    SERVICE_OWNED_KEYS,
    derived_id,
)
from wazo_confd_pjsip.inheritance.codec_edits import CODEC_KEYS, apply_codec_edits
from wazo_confd_pjsip.options.catalogue import OptionCatalogue
from wazo_confd_pjsip.sections import SECTION_OBJECT_TYPES, field_name
from wazo_confd_pjsip.sipconf.values import is_true

from .sipp import Exchange, Sipp

CATALOGUE = OptionCatalogue.bundled()

# What ARI reads back for an option that was never set, where it is not the catalogue's default.
UNSET_READ_BACK = {
    ('endpoint', 'allow'): '(nothing)',
    ('endpoint', 'callerid'): '<unknown>',
    ('endpoint', 'dtls_fingerprint'): 'SHA-256',
    ('endpoint', 'dtls_setup'): 'active',
    ('endpoint', 'stir_shaken'): 'no',
    ('auth', 'supported_algorithms_uac'): 'MD5',  # [global] default_auth_algorithms_uac
    ('auth', 'supported_algorithms_uas'): 'MD5',
}
# ARI never reads the ACL options back; it shows `acl` and `contact_acl`, empty when the endpoint has none.
ACL_SUMMARY = {
    'acl': 'acl',
    'deny': 'acl',
    'permit': 'acl',
    'contact_acl': 'contact_acl',
    'contact_deny': 'contact_acl',
    'contact_permit': 'contact_acl',
}
NO_ACL = ''

DSCP = {
    'ef': 46,
    **{f'cs{n}': 8 * n for n in range(8)},
    **{f'af{x}{y}': 8 * x + 2 * y for x in range(1, 5) for y in range(1, 4)},
}


def _items(value):
    return tuple(item.strip() for item in value.split(',') if item.strip())


def _codec_names(tokens):
    return tuple(token.partition(':')[0].lower() for token in tokens)


def _codecs(value):
    return () if value == '(nothing)' else _codec_names(apply_codec_edits([('allow', value)]))


def _callerid(value):
    """(name, number), as Asterisk splits ``"Name" <number>``, ``Name <number>``, ``<number>`` or ``number``."""
    match = re.fullmatch(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*(?:<([^>]*)>)?\s*', value)
    quoted, bare, number = match.groups() if match else (None, value, None)
    name = quoted if quoted is not None else bare
    if number is None and re.fullmatch(r'[0-9*#+]+', name):
        return '', name
    return name, number or ''


def _group(value):
    numbers = set()
    for item in _items(value):
        first, _, last = item.partition('-')
        numbers.update(range(int(first), int(last or first) + 1))
    return frozenset(numbers)


def _tos(value):
    return DSCP[value.lower()] << 2 if value.lower() in DSCP else int(value, 0)


def _codec_prefs(value):
    parts = dict(tuple(part.strip() for part in item.split(':', 1)) for item in _items(value))
    parts.setdefault('transcode', 'allow')
    return frozenset(parts.items())


def _network(item):
    try:
        return ipaddress.ip_network(item, strict=False)
    except ValueError:
        return item  # a host name: compared as written


NORMALISE = {
    'bool': is_true,
    'uint': int,
    'int': int,
    'double': float,
    'enum': str.lower,
    'codec': _codecs,
    'callerid': _callerid,
    'group': _group,
    'tos': _tos,
    'codec_prefs': _codec_prefs,
    'list:enum': _items,
    'list:string': _items,
    'list:auth': _items,
    'list:uri': lambda value: frozenset(_items(value)),
    'list:host_or_cidr': lambda value: frozenset(map(_network, _items(value))),
}


def normalised(object_type, key, value):
    spec = CATALOGUE.spec(object_type, key)
    normalise = NORMALISE.get(spec.datatype) if spec else None
    try:
        return normalise(value) if normalise else value
    except ValueError:
        return ('unreadable', value)  # never equal to a readable value: reported as a difference


def attribute_value(object_type, attribute, values):
    """The normalised value of an attribute from its successive values: repeatable options accumulate items."""
    spec = CATALOGUE.spec(object_type, attribute)
    if spec is None:
        return values[-1]  # a channel variable of set_var
    if spec.repeatable and spec.datatype != 'codec':
        items = (normalised(object_type, attribute, value) for value in values if value)
        return frozenset().union(*(item if isinstance(item, frozenset) else {item} for item in items))
    return normalised(object_type, attribute, values[-1])


def expected_attributes(object_type, lines):
    """attribute → normalised value Asterisk must show for these option lines."""
    expected = {}
    codec_lines = [(key, value) for key, value in lines if key in CODEC_KEYS]
    if codec_lines:
        expected['allow'] = _codec_names(apply_codec_edits(codec_lines))
    values = {}
    for key, value in lines:
        if key in ACL_SUMMARY and object_type == 'endpoint':
            expected[ACL_SUMMARY[key]] = True
        elif key == 'set_var':
            variable, _, variable_value = value.partition('=')
            expected[variable.strip()] = variable_value
        elif key not in CODEC_KEYS:
            values.setdefault(key, []).append(value)
            if object_type == 'auth' and key == 'md5_cred' and value:
                values.setdefault('password_digest', []).append(f'MD5:{value}')  # Asterisk 22 shows it both ways
    return expected | {key: attribute_value(object_type, key, key_values) for key, key_values in values.items()}


def held_attributes(object_type, held):
    """attribute → normalised value of what ARI read back."""
    return {
        attribute: (
            values[-1] != NO_ACL
            if _is_acl_summary(object_type, attribute)
            else attribute_value(object_type, attribute, values)
        )
        for attribute, values in held.items()
    }


def unset_value(object_type, attribute):
    """What ARI shows for an attribute no line sets."""
    if _is_acl_summary(object_type, attribute):
        return False
    spec = CATALOGUE.spec(object_type, attribute)
    if spec is None:
        return ('no such option', attribute)  # a channel variable nobody set
    default = UNSET_READ_BACK.get((object_type, attribute), spec.default)
    return attribute_value(object_type, attribute, [default])


def _is_acl_summary(object_type, attribute):
    return object_type == 'endpoint' and attribute in ACL_SUMMARY.values()


def line_differences(object_type, object_id, lines, held, complete=True):
    """What Asterisk's object (ARI fields, {attribute: [values]}) holds that differs from these lines.

    `complete`: every other attribute must hold its default too (the lines are the whole object).
    """
    where = f'{object_type} {object_id}'
    if held is None:
        return [f'{where}: not in Asterisk']
    expected = expected_attributes(object_type, lines)
    read = held_attributes(object_type, held)
    if complete:
        expected = {attribute: unset_value(object_type, attribute) for attribute in read} | expected
    return [
        f'{where}: {attribute} is {held.get(attribute)}, expected {value!r}'
        for attribute, value in expected.items()
        if read.get(attribute) != value
    ]


def object_ids(name):
    """The Asterisk object of each section of endpoint `name`: section → (type, id)."""
    ids = {
        'outbound_auth': derived_id(name, OUTBOUND_AUTH_SUFFIX),
        'registration_outbound_auth': derived_id(name, REGISTRATION_AUTH_SUFFIX),
    }
    return {section: (object_type, ids.get(section, name)) for section, object_type in SECTION_OBJECT_TYPES.items()}


def endpoint_differences(api, asterisk, uuid):
    """Every way Asterisk's objects of the endpoint differ from the API's merged view and desired objects."""
    endpoint = api.get(f'/endpoints/sip/{uuid}', params={'view': 'merged'})
    state = api.get(f'/endpoints/sip/{uuid}/asterisk')
    problems = [f'{obj["type"]} {obj["id"]} not applied' for obj in state['objects'] if not obj['applied']]
    problems += [f'stale {obj["type"]} {obj["id"]}' for obj in state['stale_objects']]
    if state['pending']:
        problems.append('changes pending')
    desired = {(obj['type'], obj['id']): obj['fields'] for obj in state['objects']}
    held = {key: asterisk.object(*key) for key in set(desired) | set(object_ids(endpoint['name']).values())}
    problems += _merged_view_differences(endpoint, desired, held)
    for key, fields in desired.items():
        problems += line_differences(*key, [tuple(line) for line in fields], held[key])
    return problems


def _merged_view_differences(endpoint, desired, held):
    """Each section's merged lines are on its object (the service's own references aside); no lines, no object."""
    problems = []
    for section, key in object_ids(endpoint['name']).items():
        owned = SERVICE_OWNED_KEYS.get(section, frozenset())
        lines = [tuple(line) for line in endpoint[field_name(section)] if line[0] not in owned]
        if not lines:
            if held[key] is not None or key in desired:
                problems.append(f'{key[0]} {key[1]} exists, though section {section} has no options')
            continue
        problems += line_differences(*key, lines, held[key], complete=False)
    return problems + _reference_differences(endpoint, held)


# (section, attribute, section of the object it names): set by the service, never by the user's lines.
REFERENCES = (
    ('endpoint', 'aors', 'aor'),
    ('endpoint', 'auth', 'auth'),
    ('endpoint', 'outbound_auth', 'outbound_auth'),
    ('identify', 'endpoint', 'endpoint'),
    ('registration', 'endpoint', 'endpoint'),
    ('registration', 'outbound_auth', 'registration_outbound_auth'),
)


def _reference_differences(endpoint, held):
    """The references the service writes point at the endpoint's own objects, when they exist."""
    ids = object_ids(endpoint['name'])
    objects = {section: held[key] for section, key in ids.items()}
    problems = []
    for section, attribute, target in REFERENCES:
        if objects[section] is None:
            continue
        value = objects[section][attribute][-1]
        expected = ids[target][1] if objects[target] is not None else ''
        if section == 'registration' and attribute == 'endpoint' and not is_true(objects[section]['line'][-1]):
            expected = ''  # Asterisk refuses a registration naming an endpoint without line=yes
        if value != expected:
            problems.append(f'{section} {attribute} is {value!r}, expected {expected!r}')
    if objects['endpoint'] is not None and bool(objects['endpoint']['transport'][-1]) != bool(endpoint['transport']):
        problems.append(f'endpoint transport is {objects["endpoint"]["transport"]}, API: {endpoint["transport"]}')
    return problems


def options(sip_port, from_user, source='127.0.0.1', contact_host=None, timeout=10) -> Exchange:
    """An OPTIONS from `from_user` at `source` (its Contact at `contact_host`) to Asterisk's port `sip_port`."""
    keys = {'from_user': from_user, 'contact_host': contact_host or source}
    return Sipp('options.xml', f'127.0.0.1:{sip_port}', local_ip=source, keys=keys, timeout=timeout).run()
