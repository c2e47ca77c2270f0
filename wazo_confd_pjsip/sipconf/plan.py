# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a sip.conf becomes: the objects to create through the service, and what did not map."""
from dataclasses import dataclass, field


@dataclass
class PlanEntry:
    """An endpoint or template as the REST API takes it.

    sections maps a section of wazo_confd_pjsip.sections (aor, auth, endpoint...) to its
    [key, value] options in order; parents are template names, applied in order.
    """

    name: str
    parents: list
    sections: dict
    file: str | None = None
    line: int | None = None
    label: str | None = None


@dataclass
class PlanRegistration(PlanEntry):
    """An endpoint carrying a 'register =>' line: registration and registration_outbound_auth sections.

    peer names the endpoint of the plan that this registration serves (the registrar's peer), or None.
    The service links a registration to the endpoint that carries it: to link them in Asterisk, move
    these sections onto that endpoint (the Wazo trunk shape); as separate endpoints, calls from the
    registrar still reach the peer through its identify.
    """

    peer: str | None = None


@dataclass
class PlanTransport:
    name: str
    options: list


@dataclass(frozen=True)
class Unmapped:
    """A sip.conf line that has no effect on the plan, and why."""

    section: str
    file: str
    line: int
    key: str
    reason: str


@dataclass(frozen=True)
class Issue:
    message: str
    section: str | None = None
    file: str | None = None
    line: int | None = None


@dataclass
class ImportPlan:
    """What to create, templates listed parents first, and the migration report.

    errors (invalid or clashing names, values the service would refuse...) must be fixed in
    sip.conf before the plan is applied; warnings and unmapped lines are for the operator to review.
    """

    templates: list = field(default_factory=list)
    endpoints: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    transports: list = field(default_factory=list)
    global_options: dict = field(default_factory=dict)
    system_options: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
