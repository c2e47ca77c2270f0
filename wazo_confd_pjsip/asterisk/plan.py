# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What to send to Asterisk's ARI to go from the objects it holds to the objects wanted.

A PUT on an existing object is a merge: Asterisk copies the object (through its own text form) and
applies the given lines on top. That copy is lossy, so a merge is only planned when it is safe:

- a repeatable option that changed (``contact``, ``match``, ACL lines...) would be *appended* to the
  copied values: there is no PUT that removes one element. Two repeatable options can be merged all
  the same: the codec lines go as ``disallow=all`` then the wanted ``allow``/``disallow`` lines (the
  codec list is rebuilt from nothing, as a fresh push builds it), and ``set_var`` replaces a
  variable of the same name, so a new or changed variable merges; only a removed one cannot;
- an endpoint carrying ``set_var`` cannot be copied by a stock Asterisk 22 (500 ``Allocation
  failed``: ``set_var_to_vl`` gives the variables back under their own names); one built with
  contrib/asterisk/patches can (`merges_set_var`, probed per engine, see `probe`). An endpoint whose
  allow/disallow lines leave no codec cannot be copied by either (``(nothing)``: 500 too);
- inline ``deny``/``permit`` read back as a named ACL ``deny/permit`` that does not exist, and only
  the first named ACL survives: any ACL option is unsafe;
- options Asterisk never reads back (``security_mechanisms``) are lost; ``direct_media_method``
  reads back as the connected line method (Asterisk 22's direct_media_method_to_str() shows the
  wrong field), and ``preferred_codec_only=yes`` reads back with ``incoming_call_offer_pref`` at
  ``local_first``, which the copy's own check refuses (500); ``contact_user`` and ``dtls_verify``
  come back as given on Asterisk 22.10.1 but are kept out of merges all the same;
- an endpoint without ``callerid`` reads back as ``<unknown>``, which the copy turns into the
  caller id number ``unknown`` (read in Asterisk's source): its merges carry ``callerid=`` (empty),
  which puts it back to none (seen);
- a removed option must go back to Asterisk's default, and a merge can only *set* values: the
  default is sent when `reset_value` knows a text Asterisk accepts for it, else the object is
  re-created (``@custom`` options have no default).

Anything else that changed is merged with only the changed lines. Unsafe changes delete the object
and create it again with its full lines; while it is gone, a REGISTER or call of that endpoint
fails. An aor is never re-created for a scalar change (deleting it drops the registered contacts
and creating one makes Asterisk scan every endpoint): its only unsafe change is its repeatable
``contact``; a removed aor option needs `reset_value` to know its default (every aor option has
one).

Order: for each type in creation order (auth, aor, endpoint, identify, registration) the
re-creations (DELETE then PUT), creations and merges; then the deletions of objects no longer
wanted, in the reverse order, so that nothing ever points at an object already gone.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..inheritance.codec_edits import CODEC_KEYS, apply_codec_edits
from .objects import CREATION_ORDER, AsteriskObject

# Options present on an object that Asterisk's copy cannot carry over.
COPY_UNSAFE_OPTIONS = {
    "endpoint": frozenset(
        {
            "set_var",
            "acl",
            "deny",
            "permit",
            "contact_acl",
            "contact_deny",
            "contact_permit",
            "contact_user",
            "security_mechanisms",
            "dtls_verify",
            "direct_media_method",
            "preferred_codec_only",
        }
    ),
    "registration": frozenset({"security_mechanisms"}),
}


SET_VAR = "set_var"

# Option kinds whose handler accepts an empty value as "back to nothing".
_EMPTY_RESETTABLE_KINDS = frozenset({"string", "path", "callerid", "group", "list:auth", "list:string", "list:enum"})
# Text options whose handler ignores an empty value (seen: md5_cred="" keeps the old digest).
_EMPTY_IGNORED_OPTIONS = frozenset({("auth", "md5_cred")})


class Action(str, enum.Enum):
    PUT = "put"  # create with every line
    MERGE = "merge"  # PUT on an existing object with only the changed lines
    DELETE = "delete"


@dataclass(frozen=True)
class Operation:
    action: Action
    type: str
    id: str
    fields: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.id)

    def as_object(self) -> AsteriskObject:
        """The body of the PUT (the full object for PUT, the changed lines for MERGE)."""
        return AsteriskObject(self.type, self.id, self.fields)


IsRepeatable = Callable[[str, str], bool]
ResetValue = Callable[[str, str], "str | None"]


def plan_changes(
    acknowledged: dict[tuple[str, str], AsteriskObject],
    desired: Iterable[AsteriskObject],
    is_repeatable: IsRepeatable,
    reset_value: ResetValue | None = None,
    *,
    merges_set_var: bool = False,
) -> list[Operation]:
    """The operations that turn `acknowledged` (what Asterisk holds) into `desired`, in a safe order.

    `merges_set_var`: the engine can copy an endpoint that has a ``set_var`` (patched, see `probe`).
    """
    wanted = _by_key(desired)
    _check_types(list(wanted) + list(acknowledged))
    rules = _Rules(is_repeatable, reset_value or (lambda object_type, key: None), merges_set_var)

    operations = []
    for object_type in CREATION_ORDER:
        for key, obj in wanted.items():
            if object_type == obj.type:
                operations.extend(_changes(acknowledged.get(key), obj, rules))
    for object_type in reversed(CREATION_ORDER):
        operations.extend(
            Operation(Action.DELETE, obj_type, obj_id, reason="no longer wanted")
            for (obj_type, obj_id) in acknowledged
            if obj_type == object_type and (obj_type, obj_id) not in wanted
        )
    return operations


def phase_full_push(objects: Iterable[AsteriskObject]) -> list[Operation]:
    """PUTs for an empty Asterisk, phased: every auth, then every aor, endpoint, identify, registration.

    Created while no endpoint exists yet, an aor costs Asterisk nothing; created after the
    endpoints it costs a scan of all of them (reference §7: 20 s instead of 19 min for 10,000).
    """
    objects = list(_by_key(objects).values())
    _check_types(obj.key for obj in objects)
    ordered = sorted(objects, key=lambda obj: CREATION_ORDER.index(obj.type))
    return [Operation(Action.PUT, obj.type, obj.id, obj.fields, "full push") for obj in ordered]


def catalogue_reset_value(catalogue) -> ResetValue:
    """A `reset_value` from an option catalogue (``catalogue.spec(type, key)`` → ``.datatype``, ``.default``).

    A non-empty default is a text Asterisk itself registered for the option; an empty one is only
    accepted back by the option kinds that take any text.
    """

    def reset_value(object_type, key):
        spec = catalogue.spec(object_type, key)
        if spec is None or spec.datatype is None or (object_type, key) in _EMPTY_IGNORED_OPTIONS:
            return None
        if spec.default or spec.datatype in _EMPTY_RESETTABLE_KINDS:
            return spec.default
        return None

    return reset_value


@dataclass(frozen=True)
class _Rules:
    is_repeatable: IsRepeatable
    reset_value: ResetValue
    merges_set_var: bool


def _changes(current, wanted, rules):
    if current is None:
        return [Operation(Action.PUT, wanted.type, wanted.id, wanted.fields, "new")]
    current_state = _State.of(current, rules.is_repeatable)
    wanted_state = _State.of(wanted, rules.is_repeatable)
    if current_state == wanted_state:
        return []
    unsafe = _why_recreate(current.type, current_state, wanted_state, rules)
    if unsafe:
        return [
            Operation(Action.DELETE, wanted.type, wanted.id, reason=f"re-create: {unsafe}"),
            Operation(
                Action.PUT,
                wanted.type,
                wanted.id,
                wanted.fields,
                f"re-create: {unsafe}",
            ),
        ]
    return [
        Operation(
            Action.MERGE,
            wanted.type,
            wanted.id,
            _merge_lines(wanted, current_state, wanted_state, rules),
            "changed",
        )
    ]


def _merge_lines(wanted, current_state, wanted_state, rules):
    before, after = current_state.scalars, wanted_state.scalars
    lines = [(key, value) for key, value in after.items() if before.get(key) != value]
    lines += sorted((key, rules.reset_value(wanted.type, key)) for key in before.keys() - after.keys())
    if current_state.codecs != wanted_state.codecs:
        # From no codec at all, the wanted lines give the list a fresh push gives.
        lines += [("disallow", "all")] + [line for line in wanted.fields if line[0] in CODEC_KEYS]
    lines += [
        (SET_VAR, f"{name}={value}")
        for name, value in wanted_state.variables.items()
        if current_state.variables.get(name) != value
    ]
    if wanted.type == "endpoint" and "callerid" not in before and "callerid" not in after:
        lines.append(("callerid", ""))  # the copy made its <unknown> the number "unknown"
    return tuple(lines)


def _why_recreate(object_type, current_state, wanted_state, rules):
    if current_state.repeated != wanted_state.repeated:
        return f'repeatable options changed ({", ".join(_changed_keys(current_state, wanted_state))})'
    unsafe = COPY_UNSAFE_OPTIONS.get(object_type, frozenset())
    if rules.merges_set_var:
        unsafe = unsafe - {SET_VAR}
    unsafe_present = sorted(unsafe & current_state.keys())
    if unsafe_present:
        return f'{object_type} has {", ".join(unsafe_present)}'
    removed_variables = sorted(current_state.variables.keys() - wanted_state.variables.keys())
    if removed_variables:
        return f'set_var {", ".join(removed_variables)} removed'
    if object_type == "endpoint" and not current_state.codecs:
        return "endpoint has no codecs"
    for key in sorted(current_state.scalars.keys() - wanted_state.scalars.keys()):
        if rules.reset_value(object_type, key) is None:
            return f"option {key} removed"
    return None


@dataclass(frozen=True)
class _State:
    """An object as Asterisk ends up with it, compared by what it does, not by how its lines are written.

    The last line of each option; the codec list the allow/disallow lines give; the channel
    variables (``set_var`` replaces a variable of the same name); the lines of the other repeatable
    options, in order.
    """

    scalars: dict[str, str]
    codecs: tuple[str, ...]
    variables: dict[str, str]
    repeated: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, obj, is_repeatable):
        scalars = {}
        codec_lines = []
        variables = {}
        repeated = []
        for key, value in obj.fields:
            if key in CODEC_KEYS and obj.type == "endpoint":
                codec_lines.append((key, value))
            elif key == SET_VAR and obj.type == "endpoint":
                name, _, variable = value.partition("=")
                if value:  # Asterisk ignores an empty set_var
                    variables[name] = variable
            elif is_repeatable(obj.type, key):
                repeated.append((key, value))
            else:
                scalars.pop(key, None)  # the last line wins: a merge sends it in that position
                scalars[key] = value
        return cls(scalars, tuple(apply_codec_edits(codec_lines)), variables, tuple(repeated))

    def keys(self):
        return self.scalars.keys() | {key for key, _ in self.repeated} | ({SET_VAR} if self.variables else set())


def _changed_keys(current_state, wanted_state):
    def lines_of(state, key):
        return [line for line in state.repeated if line[0] == key]

    keys = sorted({key for key, _ in current_state.repeated + wanted_state.repeated})
    changed = [key for key in keys if lines_of(current_state, key) != lines_of(wanted_state, key)]
    return changed or ["order"]


def _by_key(objects):
    by_key = {}
    for obj in objects:
        if obj.key in by_key:
            raise ValueError(f"{obj.type} {obj.id} wanted twice")
        by_key[obj.key] = obj
    return by_key


def _check_types(keys):
    unknown = {object_type for object_type, _ in keys if object_type not in CREATION_ORDER}
    if unknown:
        raise ValueError(f"object types not pushed through ARI: {sorted(unknown)}")
