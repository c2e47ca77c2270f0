# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The names an import gives: PJSIP names are shared by every tenant, and a hosting platform's
customers all have a [1001]. A prefix goes before every template and endpoint name; a rename gives
one section a name of its own, taken as given (no prefix)."""
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .plan import Issue


@dataclass(frozen=True)
class Naming:
    prefix: str = ''
    renames: Mapping[str, str] = field(default_factory=dict)  # sip.conf name → the name to give

    def __call__(self, name):
        return self.renames.get(name, self.prefix + name)

    @classmethod
    def of(cls, prefix=None, renames=()):
        """From a prefix and 'OLD=NEW' texts (CLI and API alike); ValueError naming a bad one."""
        parsed = {}
        for text in renames:
            old, separator, new = text.partition('=')
            if not separator or not old or not new:
                raise ValueError(f"'{text}': expected OLD=NEW")
            if old in parsed:
                raise ValueError(f"'{old}' is renamed twice")
            parsed[old] = new
        return cls(prefix or '', parsed)


def renamed(plan, naming):
    """(the plan with every template and endpoint name, and each reference to one, given by `naming`;
    its issues: a rename of a name the plan does not have is an error, as is two objects given one name)."""
    if not naming.prefix and not naming.renames:
        return plan, []
    given = [*plan.templates, *plan.endpoints, *plan.registrations]
    known = {entry.name for entry in given}
    issues = [
        Issue(f"--rename {old}={new}: sip.conf makes no template or endpoint '{old}'")
        for old, new in naming.renames.items()
        if old not in known
    ]
    holders = {}
    for entry in given:
        holders.setdefault(naming(entry.name), []).append(entry)
    for name, entries in holders.items():
        if len(entries) > 1:
            sources = ', '.join(f"'{entry.name}'" for entry in entries)
            issues.append(
                Issue(f"{sources} would all be named '{name}'", entries[1].name, entries[1].file, entries[1].line)
            )

    def entry(item):
        return replace(item, name=naming(item.name), parents=[naming(parent) for parent in item.parents])

    registrations = [
        replace(entry(item), peer=naming(item.peer) if item.peer is not None else None) for item in plan.registrations
    ]
    result = replace(
        plan,
        templates=[entry(item) for item in plan.templates],
        endpoints=[entry(item) for item in plan.endpoints],
        registrations=registrations,
    )
    return result, issues
