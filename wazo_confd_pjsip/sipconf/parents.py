# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each template once in a parent list, as the service requires: '[p](t,t)' is valid chan_sip."""
from dataclasses import replace

from .plan import Issue


def once_each(entries):
    """(entries whose parents are listed once each, at their last place; warnings).

    chan_sip replays a template listed twice. Twice in a row gives what once gives. Otherwise the
    last replay still decides every option the template sets, but the codec preference order
    may differ (an 'allow' keeps the place of its first replay): that case is warned about.
    """
    result, warnings = [], []
    for entry in entries:
        kept = _last_places(entry.parents)
        if len(kept) == len(entry.parents):
            result.append(entry)
            continue
        result.append(replace(entry, parents=[entry.parents[index] for index in kept]))
        for name in _apart(entry.parents):
            message = (
                f"[{entry.name}] inherits '{name}' several times: the service lists a template once, "
                'at its last place (the codec preference order may differ)'
            )
            warnings.append(Issue(message, entry.name, entry.file, entry.line))
    return result, warnings


def _last_places(parents):
    last = {name: index for index, name in enumerate(parents)}
    return sorted(last.values())


def _apart(parents):
    """Names listed several times, not all in a row."""
    places = {}
    for index, name in enumerate(parents):
        places.setdefault(name, []).append(index)
    return [name for name, indexes in places.items() if indexes[-1] - indexes[0] != len(indexes) - 1]
