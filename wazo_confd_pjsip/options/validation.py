# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation of a section's options as the API receives them: `[[key, value], ...]` or `{key: value}`.

Nothing here raises on malformed input: every defect becomes an `OptionError`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..asterisk.syntax import CUSTOM_KEY_PREFIX
from .values import key_syntax_error, safety_error, value_error

_SHOWN_KEY_LENGTH = 100
_NEAREST_KEYS = 3
_NEAR_ENOUGH = 0.6  # difflib's ratio: 'contxt' is 0.92 from 'context'


@dataclass(frozen=True)
class OptionError:
    index: int | None  # position in the list of pairs; None for a mapping or a wrong body shape
    key: object  # as given, whatever its type
    message: str  # without the field name, e.g. "invalid variable (auth_typo)"
    allowed: tuple[str, ...] = ()  # for an unknown key: the keys the section accepts

    def describe(self, field_name):
        """The wazo-confd wording for the field `field_name`, to follow "Input Error - "."""
        if self.allowed:
            return _unknown_key(f"'{field_name}: {self.message}'", self.key, self.allowed)
        return f'{field_name}: {self.message}'


def _unknown_key(start, key, allowed):
    """wazo-confd's words with its list cut short: the keys nearest to the one given (a section has up to
    ~200), the one to try, and where the whole list is."""
    nearest = difflib.get_close_matches(key[:_SHOWN_KEY_LENGTH].lower(), allowed, n=_NEAREST_KEYS, cutoff=_NEAR_ENOUGH)
    listed = ', '.join(nearest or allowed[:_NEAREST_KEYS])
    guess = f' did you mean {nearest[0]}?' if nearest else ''
    return f'{start} must be one of ({listed}, ...):{guess} all {len(allowed)} are in GET /1.1/asterisk/pjsip/doc'


def validate_options(catalogue, object_type, options, *, allow_custom_keys=False) -> list[OptionError]:
    """Errors of a list of [key, value] pairs for the Asterisk `object_type` (endpoint, aor, transport...)."""
    if not isinstance(options, (list, tuple)):
        return [OptionError(None, None, 'must be a list of [key, value] pairs')]
    errors = []
    for index, pair in enumerate(options):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            errors.append(OptionError(index, None, f'option {index} must be a [key, value] pair'))
            continue
        key, value = pair
        error = _option_error(catalogue, object_type, key, value, allow_custom_keys)
        if error:
            errors.append(OptionError(index, key, *error))
    return errors


def validate_option_mapping(catalogue, object_type, mapping) -> list[OptionError]:
    """Errors of a `{key: value}` body, as for the [global] and [system] sections."""
    if not isinstance(mapping, dict):
        return [OptionError(None, None, 'must be an object of option names to string values')]
    errors = []
    for key, value in mapping.items():
        error = _option_error(catalogue, object_type, key, value, allow_custom_keys=False)
        if error:
            errors.append(OptionError(None, key, *error))
    return errors


def _option_error(catalogue, object_type, key, value, allow_custom_keys):
    """(message, allowed keys) for what is wrong with one option, or None."""
    if not isinstance(key, str):
        return 'option keys must be strings', ()
    key_error = key_syntax_error(key)
    if allow_custom_keys and key.startswith(CUSTOM_KEY_PREFIX):
        if key_error:
            return f'invalid custom variable ({_shown(key)}): {key_error}', ()
        error = safety_error(value)
    else:
        spec = None if key_error else catalogue.spec(object_type, key)
        if spec is None:
            return f'invalid variable ({_shown(key)})', catalogue.option_names(object_type)
        error = value_error(value, spec, object_type)
    return (f'invalid value for {_shown(key)}: {error}', ()) if error else None


def _shown(key):
    """`key` fit to be echoed: printable and short."""
    shown = key[:_SHOWN_KEY_LENGTH].encode('unicode_escape').decode('ascii')
    return shown + '...' if len(key) > _SHOWN_KEY_LENGTH else shown
