# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Query-string parameters shared by the list routes.

Whatever reaches SQL is checked here first, so the database never refuses a value with a 500:
integers fit PostgreSQL's `integer`, texts hold no NUL (nor other control characters, which
nothing stored has).
"""
import dataclasses
import uuid as uuid_lib

from ..errors import InvalidInput
from ..options.values import has_forbidden_characters

_TRUE = {'true', '1', 'yes'}
_FALSE = {'false', '0', 'no'}
MAX_INTEGER = 2**31 - 1
DIRECTIONS = ('asc', 'desc')


def parse_bool(name, raw, default=False):
    # wazo-confd-client sends recurse=False, capitalised as Python prints it.
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidInput(name, 'Not a valid boolean.')


def parse_non_negative_int(name, raw):
    if raw is None or raw == '':
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(name, 'Not a valid integer.')
    if value < 0:
        raise InvalidInput(name, 'Must be greater than or equal to 0.')
    if value > MAX_INTEGER:
        raise InvalidInput(name, f'Must be less than or equal to {MAX_INTEGER}.')
    return value


def parse_text(name, raw):
    """A text compared with stored ones (search, exact filters): none of them holds control characters."""
    if raw is not None and has_forbidden_characters(raw):
        raise InvalidInput(name, 'Must not contain line breaks or control characters.')
    return raw


def parse_uuid_list(raw):
    """uuid=a,b,c: invalid uuids are dropped; None when the filter is absent."""
    if raw is None:
        return None
    valid = []
    for item in raw.split(','):
        try:
            valid.append(str(uuid_lib.UUID(item.strip())))
        except ValueError:
            continue
    return valid


@dataclasses.dataclass(frozen=True)
class ListParams:
    search: str | None
    order: str
    direction: str
    limit: int | None
    offset: int
    recurse: bool
    filters: dict
    uuids: list | None

    @classmethod
    def from_args(cls, args, *, sortable, default_order, filterable=()):
        # Absent takes the default; given empty is no column nor direction (as wazo-confd answers).
        order = args.get('order', default_order)
        if order not in sortable:
            raise InvalidInput('order', f"column '{order}' was not found")
        direction = args.get('direction', 'asc')
        if direction not in DIRECTIONS:
            raise InvalidInput('direction', 'Must be one of: asc, desc.')
        return cls(
            search=parse_text('search', args.get('search')) or None,
            order=order,
            direction=direction,
            limit=parse_non_negative_int('limit', args.get('limit')),
            offset=parse_non_negative_int('offset', args.get('offset')) or 0,
            recurse=parse_bool('recurse', args.get('recurse')),
            filters={name: parse_text(name, args[name]) for name in filterable if name in args},
            uuids=parse_uuid_list(args.get('uuid')),
        )
