# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one definition of what the service takes as a PJSIP name, an Asterisk object id and an option key.

The API validates names and option keys with it, the builder derives ids from it and the pjsip.conf
renderer refuses anything else, so nothing the API accepts can break a render or a push.

- A name (endpoint, template, transport) is 1 to 79 letters, digits, "-", "_" or ".": it can
  neither end a pjsip.conf line nor a ``[section]`` header, and is a plain ARI URL segment.
- An object id is a name, or an id the builder derives from a name with "~" (``alice~outbound``):
  names never hold "~", so a derived id is never another endpoint's name.
- An option key is letters, digits, "_", "." or "-", with a leading "@" for a custom key.

Patterns are matched whole (``fullmatch``): ``re.match`` with ``$`` lets a trailing newline through.
"""

import re

# Asterisk truncates section/object ids longer than this.
MAX_ID_LENGTH = 79
# [global] and [system] are the engine-wide sections: no endpoint, template or transport takes their names.
RESERVED_NAMES = frozenset({'global', 'system'})
DERIVED_ID_SEPARATOR = '~'
CUSTOM_KEY_PREFIX = '@'

NAME_CHARACTERS = 'A-Za-z0-9_.-'  # the "-" last: a literal, not a range
NAME_PATTERN = re.compile(f'[{NAME_CHARACTERS}]{{1,{MAX_ID_LENGTH}}}')
OBJECT_ID_PATTERN = re.compile(f'[{DERIVED_ID_SEPARATOR}{NAME_CHARACTERS}]{{1,{MAX_ID_LENGTH}}}')
OPTION_KEY_PATTERN = re.compile(f'{CUSTOM_KEY_PREFIX}?[{NAME_CHARACTERS}]+')

NAME_RULE = f'1 to {MAX_ID_LENGTH} characters among letters, digits, "-", "_" and "."'
OPTION_KEY_RULE = 'made of letters, digits, "_", ".", "-" (and a leading "@" for custom keys)'


def _matches(pattern, text):
    return isinstance(text, str) and pattern.fullmatch(text) is not None


def is_name(text) -> bool:
    """An endpoint, template or transport name (reserved names aside)."""
    return _matches(NAME_PATTERN, text)


def is_object_id(text) -> bool:
    """An Asterisk object id: a name or an id derived from one."""
    return _matches(OBJECT_ID_PATTERN, text)


def is_option_key(text) -> bool:
    """An option name pjsip.conf and ARI take as it is, whether Asterisk knows it or not."""
    return _matches(OPTION_KEY_PATTERN, text)
