# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which endpoint carries each 'register =>' line: the peer it serves when there is one.

On the peer's endpoint (the Wazo trunk shape) Asterisk links the registration to that endpoint,
so the calls the registrar sends to the registered contact reach the peer. A registration that
serves no peer of the plan gets an endpoint of its own, as the plan names it.
"""
from dataclasses import dataclass, replace

from ..sections import SECTIONS
from .plan import Issue, PlanEntry


@dataclass(frozen=True)
class PlacedRegistration:
    registration: object  # plan.PlanRegistration
    endpoint: str  # name of the endpoint that carries it


def place_registrations(plan):
    """(endpoints to create, [PlacedRegistration], warnings).

    The endpoints are plan.endpoints in order, each peer's carrying the registration that targets
    it, then one endpoint per registration left. An endpoint holds one registration: a second one
    for the same peer gets an endpoint of its own, with a warning.
    """
    peers = {entry.name for entry in plan.endpoints}
    carried = {}  # peer name -> its registration
    placements, own, warnings = [], [], []
    for registration in plan.registrations:
        peer = registration.peer
        if peer in peers and peer not in carried:
            carried[peer] = registration
            placements.append(PlacedRegistration(registration, peer))
            continue
        if peer in carried:
            message = (
                f"peer '{peer}' already carries the registration of line {carried[peer].line}: "
                f"this one gets an endpoint of its own, '{registration.name}'"
            )
            warnings.append(Issue(message, 'general', registration.file, registration.line))
        own.append(
            PlanEntry(
                registration.name,
                list(registration.parents),
                registration.sections,
                registration.file,
                registration.line,
            )
        )
        placements.append(PlacedRegistration(registration, registration.name))
    endpoints = [_carrying(entry, carried.get(entry.name)) for entry in plan.endpoints]
    return endpoints + own, placements, warnings


def _carrying(entry, registration):
    if registration is None:
        return entry
    sections = {**entry.sections, **registration.sections}
    return replace(entry, sections={section: sections[section] for section in SECTIONS if section in sections})
