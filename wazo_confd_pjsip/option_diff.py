# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a change did, option by option: the history's `?view=diff` and the dry run's example."""
from .sections import SECTIONS, field_name

_OPTION_FIELDS = ('options',) + tuple(field_name(section) for section in SECTIONS)


def option_changes(before, after):
    """[{field, key, before, after}] for options, then the other fields that changed.

    Options are compared as lists per key (a key may repeat: `allow`, `set_var`, `contact`);
    a value absent on one side is null.
    """
    before, after = before or {}, after or {}
    changes = []
    for field in _OPTION_FIELDS:
        if field not in before and field not in after:
            continue
        old, new = _by_key(before.get(field)), _by_key(after.get(field))
        for key in list(old) + [key for key in new if key not in old]:
            if old.get(key) != new.get(key):
                changes.append({'field': field, 'key': key, 'before': _one(old.get(key)), 'after': _one(new.get(key))})
    for field in list(before) + [field for field in after if field not in before]:
        if field in _OPTION_FIELDS or field == 'uuid':
            continue
        if before.get(field) != after.get(field):
            changes.append({'field': field, 'key': None, 'before': before.get(field), 'after': after.get(field)})
    return changes


def _by_key(lines):
    found = {}
    for key, value in lines or ():
        found.setdefault(key, []).append(value)
    return found


def _one(values):
    """A key's values: the value itself when there is one, the list when it repeats, null when absent."""
    if values is None:
        return None
    return values[0] if len(values) == 1 else values
