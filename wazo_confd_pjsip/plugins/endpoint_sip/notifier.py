# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Change an endpoint or template write records in its unit of work.

The unit of work hands it to the apply outbox before the commit (what reaches Asterisk) and to
the bus after it (the events), as the composition root (core.py) wired them.
"""
from ...database.session import Action, Change, Resource
from . import dao
from .representation import represent


def resource_of(row):
    return Resource.SIP_ENDPOINT_TEMPLATE if row.template else Resource.SIP_ENDPOINT


def state(row, parents):
    """The row as its history keeps it: the wire body without links. parents: [(uuid, label)]."""
    return represent(row, parents, template=row.template, links=False)


def record(uow, action: Action, row, *, before=None, parents=None):
    """before: state() before the change (None for a creation); parents: the row's after it (read here
    when not given)."""
    after = None
    if action is not Action.DELETED:
        if parents is None:
            parents = dao.parents_of(uow.session, [row.uuid])[row.uuid]
        after = state(row, parents)
    change = Change(resource_of(row), action, row.uuid, row.tenant_uuid, event_summary(row), before=before, after=after)
    uow.record(change)


def _first_value(lines, key):
    return next(([k, v] for k, v in lines if k == key), None)


def event_summary(row):
    """The body of the bus events (wazo-auth.md): a summary, never secrets."""
    summary = {'uuid': row.uuid, 'tenant_uuid': row.tenant_uuid, 'name': row.name, 'label': row.label}
    if row.template:
        return summary
    username = _first_value(row.options.get('auth', ()), 'username')
    client_uri = _first_value(row.options.get('registration', ()), 'client_uri')
    summary['auth_section_options'] = [username] if username else []
    summary['registration_section_options'] = [client_uri] if client_uri else []
    summary['trunk'] = {'id': row.trunk_id} if row.trunk_id is not None else None
    summary['line'] = {'id': row.line_id} if row.line_id is not None else None
    return summary
