# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Change an endpoint or template write records in its unit of work.

The unit of work hands it to the apply outbox before the commit (what reaches Asterisk) and to
the bus after it (the events), as the composition root (core.py) wired them.
"""
from ...database.session import Action, Change, Resource


def resource_of(row):
    return Resource.SIP_ENDPOINT_TEMPLATE if row.template else Resource.SIP_ENDPOINT


def record(uow, action: Action, row):
    uow.record(Change(resource_of(row), action, row.uuid, row.tenant_uuid, event_summary(row)))


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
    summary['trunk'] = None
    summary['line'] = None
    return summary
