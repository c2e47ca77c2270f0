# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the tests need to judge a plan: the option catalogue and a naive template resolution."""
import json
from pathlib import Path

import wazo_confd_pjsip
from wazo_confd_pjsip.sections import SECTION_OBJECT_TYPES

CATALOGUE = json.loads((Path(wazo_confd_pjsip.__file__).parent / 'options' / 'pjsip-options.json').read_text())


def produced_options(plan):
    """(object type, key) of every option the plan would write."""
    for entry in plan.templates + plan.endpoints + plan.registrations:
        for section, options in entry.sections.items():
            yield from ((SECTION_OBJECT_TYPES[section], key) for key, _ in options)
    for transport in plan.transports:
        yield from (('transport', key) for key, _ in transport.options)
    yield from (('global', key) for key in plan.global_options)
    yield from (('system', key) for key in plan.system_options)


def unknown_options(plan):
    return sorted({(kind, key) for kind, key in produced_options(plan) if key not in CATALOGUE[kind]})


def resolve(plan, entry):
    """An entry's lines per section: its parents' (recursively, in order), then its own."""
    templates = {template.name: template for template in plan.templates}
    sections = {}
    for parent in entry.parents:
        for section, options in resolve(plan, templates[parent]).items():
            sections.setdefault(section, []).extend(options)
    for section, options in entry.sections.items():
        sections.setdefault(section, []).extend(options)
    return sections


def merged(sections):
    """What Asterisk keeps of lines: last value of a plain option, every line of a repeatable one."""
    result = {}
    for section, options in sections.items():
        kind = CATALOGUE[SECTION_OBJECT_TYPES[section]]
        last = {key: value for key, value in options if not kind[key]['repeatable']}
        repeated = [(key, value) for key, value in options if kind[key]['repeatable']]
        result[section] = (last, repeated)
    return result
