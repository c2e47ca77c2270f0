# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The impact preview of a dry-run unit of work (`Database.previewing`).

Inside the transaction only cheap reads are made (which endpoints, their names), so that a dry
run holds its locks no longer than the real write; the answer is built in `finish()`, after the
rollback.
"""
import sqlalchemy as sa

from ..database.models import EndpointSIP
from ..database.session import Resource
from .outbox import affected

LISTED_ENDPOINTS = 100


def preview(uow):
    """For `Database.previewing`: reads what the changes of `uow` touch, returns the finish callable."""
    owners, sections_changed = affected(uow.session, uow.changes)
    rows = uow.session.execute(sa.select(EndpointSIP.uuid, EndpointSIP.name).where(EndpointSIP.uuid.in_(owners)))
    names = dict(rows.all())
    # A deleted endpoint is no longer in the transaction's view: its name is in the change's summary.
    for change in uow.changes:
        if change.resource is Resource.SIP_ENDPOINT and change.uuid not in names:
            names[change.uuid] = change.data.get('name')
    items = [{'uuid': uuid, 'name': names.get(uuid)} for uuid in sorted(owners)]

    def finish():
        return {
            'endpoints': {'total': len(items), 'items': items[:LISTED_ENDPOINTS]},
            'reload_required': sections_changed,
        }

    return finish
