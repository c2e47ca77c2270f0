# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How chan_sip reads option values: Asterisk's ast_true/ast_false words and comma lists."""

_TRUE_WORDS = frozenset({'yes', 'true', 'y', 't', '1', 'on'})
_FALSE_WORDS = frozenset({'no', 'false', 'n', 'f', '0', 'off'})


def is_true(value):
    return value is not None and value.strip().lower() in _TRUE_WORDS


def is_false(value):
    return value is not None and value.strip().lower() in _FALSE_WORDS


def words(value):
    """The lower-cased items of a comma list such as 'nat = force_rport, comedia'."""
    return [word.strip().lower() for word in value.split(',') if word.strip()]
