# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""pjsip.conf text for Asterisk objects (the engine file: transports, [global], [system]).

Values are written verbatim after ``key = ``; Asterisk's parser gives three characters a meaning
there: a line break starts a new line (a new option or a ``[section]``), and ``;`` starts a
comment unless written ``\\;``. So values with line breaks or other control characters are
refused, and ``;`` is escaped. Ids, types and keys are refused unless they follow ``syntax``,
the rules the API checks too.
"""

from __future__ import annotations

import re

from .syntax import is_name, is_object_id, is_option_key

_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
ESCAPED_SEMICOLON = r'\;'


class UnsafeConfiguration(ValueError):
    pass


def render_pjsip_conf(sections) -> str:
    """pjsip.conf for `sections` (AsteriskObject), in the given order."""
    seen = set()
    blocks = []
    for section in sections:
        if section.key in seen:
            # A duplicate id freezes every object of that type on reload.
            raise UnsafeConfiguration(f'{section.type} {section.id} appears twice')
        seen.add(section.key)
        blocks.append(_render_section(section))
    return '\n'.join(blocks)


def _render_section(section):
    if not is_object_id(section.id):
        raise UnsafeConfiguration(f'section id {section.id!r} is not a plain name')
    if not is_name(section.type):
        raise UnsafeConfiguration(f'section type {section.type!r} is not a plain name')
    lines = [f'[{section.id}]', f'type = {section.type}']
    for key, value in section.fields:
        if not is_option_key(key):
            raise UnsafeConfiguration(f'[{section.id}] option name {key!r} is not a plain name')
        if _CONTROL.search(value):
            raise UnsafeConfiguration(f'[{section.id}] {key}: line breaks and control characters are refused')
        lines.append(f'{key} = {value.replace(";", ESCAPED_SEMICOLON)}')
    return '\n'.join(lines) + '\n'
