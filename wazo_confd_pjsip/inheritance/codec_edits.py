# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The codec list an endpoint ends up with after its ``allow``/``disallow`` lines.

Asterisk applies each line as an edit of the list (ast_format_cap_update_by_allow_disallow),
token by token, tokens separated by ``,`` or ``|`` and stripped of spaces: ``allow=x`` appends x
unless present (keeping its place and first framing), ``disallow=x`` removes it, a ``!`` prefix
swaps allow and disallow, ``all`` means every codec. A value written ``(a|b)``, the form Asterisk
prints, first applies the inverse of the line to every codec: ``allow=(a|b)`` removes them all
then adds a and b, ``disallow=(a|b)`` adds them all then removes a and b. Codec names compare
case-insensitively, without their ``:framing``.

The result is a list of tokens that, applied to an empty list, gives the same codecs: plain
codec names, except after ``allow=all``. Which codecs "all" holds, and in what order, depends
on the running Asterisk, so from there on the edits are kept as tokens (``all``, ``!g729``,
``ulaw``...) for Asterisk to replay.
"""

import re

ALL = 'all'
CODEC_KEYS = frozenset({'allow', 'disallow'})
CODEC_SEPARATORS = ',|'
_SEPARATOR = re.compile(f'[{re.escape(CODEC_SEPARATORS)}]')


def _name(token):
    head, colon, _framing = token.rpartition(':')
    return (head if colon else token).lower()


def is_parenthesised(value):
    """Written ``(a|b)``, the form in which Asterisk prints a codec list."""
    return len(value) > 1 and value.startswith('(') and value.endswith(')')


def _edits(key, value):
    """(allowing, token) for each edit of one line, the ``(a|b)`` prelude being an edit of "all"."""
    allowing = key == 'allow'
    if is_parenthesised(value):
        yield not allowing, ALL
        value = value[1:-1]
    for token in _SEPARATOR.split(value):
        token = token.strip()
        negated = token.startswith('!')
        token = token[1:] if negated else token
        if token:  # Asterisk skips empty tokens as unknown codecs
            yield allowing != negated, token


def apply_codec_edits(lines):
    """Tokens of the codec list after applying ``lines`` ((key, value) pairs, allow/disallow)."""
    codecs = []  # plain names while "all" has not been allowed
    replayed = None  # the tokens to replay once it has
    for key, value in lines:
        for allowing, token in _edits(key, value):
            if not allowing and _name(token) == ALL:
                codecs, replayed = [], None
            elif replayed is not None:
                replayed.append(token if allowing else '!' + token)
            elif allowing and _name(token) == ALL:
                replayed = [*codecs, ALL]
            elif allowing:
                if all(_name(codec) != _name(token) for codec in codecs):
                    codecs.append(token)
            else:
                codecs = [codec for codec in codecs if _name(codec) != _name(token)]
    return codecs if replayed is None else replayed


def codec_line_value(codecs):
    """One ``allow`` value that sets exactly these codecs whatever came before: ``!all,...``."""
    return ','.join(['!all', *codecs])
