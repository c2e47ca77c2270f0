# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the served document can say only once the service is built: its engines and its options.

The fragments describe shapes; this adds the names the server accepts (the configured Asterisk
engines; the options of [global] and [system], from the catalogue) and the values it accepts for
those options, as far as a pattern can tell.
"""
import re

from ...engine_ids import DEFAULT_ENGINE
from ...options.values import _BOOL_WORDS  # the words the server's check of a bool takes
from ..engine_settings.service import ENGINE_SETTINGS

MAX_UINT = 2**32 - 1
MAX_INT = 2**31 - 1
OPTION_VALUE = {'$ref': '#/definitions/OptionValue'}


def add_service_facts(document, engine_names, catalogue):
    definitions = document['definitions']
    _engine_names(definitions, sorted(engine_names))
    for section in ENGINE_SETTINGS:
        # the settings share their schema of options (a YAML alias): each gets its own
        properties = definitions[f'PJSIP{section.capitalize()}Section']['properties']
        properties['options'] = _option_mapping(properties['options'], catalogue, section)
    return document


def _engine_names(definitions, engine_names):
    # The two definitions share their property schemas (a YAML merge key): each gets its own.
    asterisk_id = {**definitions['EndpointSIPTemplate']['properties']['asterisk_id'], 'enum': engine_names}
    definitions['EndpointSIPTemplate']['properties']['asterisk_id'] = asterisk_id
    # null is the default engine: refused for an endpoint when there is none (a template is never pushed)
    definitions['EndpointSIP']['properties']['asterisk_id'] = {
        **asterisk_id,
        'x-nullable': DEFAULT_ENGINE in engine_names,
    }
    definitions['PJSIPResync']['properties']['engine']['enum'] = engine_names


def _option_mapping(options, catalogue, section):
    values = {name: _option_value(catalogue.spec(section, name)) for name in catalogue.option_names(section)}
    return {**options, 'properties': values, 'additionalProperties': False}


def _option_value(spec):
    """The schema of the values the server accepts for the option, as far as a pattern can tell."""
    if spec.datatype == 'enum' and spec.choices:
        return {'type': 'string', 'enum': list(spec.choices)}
    if spec.datatype == 'bool':
        return {'type': 'string', 'pattern': f'^({"|".join(_any_case(word) for word in sorted(_BOOL_WORDS))})$'}
    if spec.datatype == 'uint':
        return {'type': 'string', 'pattern': f'^0*{_at_most(MAX_UINT)}$'}
    if spec.datatype == 'int':
        return {'type': 'string', 'pattern': f'^(\\+?0*{_at_most(MAX_INT)}|-0*{_at_most(MAX_INT + 1)})$'}
    return OPTION_VALUE


def _any_case(word):
    return ''.join(f'[{c.lower()}{c.upper()}]' if c.isalpha() else re.escape(c) for c in word)


def _at_most(limit):
    """A regular expression of the decimal numbers from 0 to `limit` (the shorter ones may start with 0)."""
    digits = str(limit)
    alternatives = [f'[0-9]{{1,{len(digits) - 1}}}'] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        if digit != '0':
            rest = len(digits) - position - 1
            lower = '0' if digit == '1' else f'[0-{int(digit) - 1}]'
            alternatives.append(digits[:position] + lower + (f'[0-9]{{{rest}}}' if rest else ''))
    alternatives.append(digits)
    return f'({"|".join(alternatives)})'
