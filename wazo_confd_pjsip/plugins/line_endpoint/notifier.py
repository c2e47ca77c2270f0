# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Changes of line and trunk associations, and of what a line or trunk adds, recorded in the unit of work.

An association's is published with wazo-confd's payload; the other is only pushed (apply outbox).
"""
from ...database.session import Action, Change, Resource
from ..endpoint_sip.notifier import event_summary


def record_association(uow, side, action, row, owner_id):
    """side: service.LINE or TRUNK; action: ASSOCIATED or DISSOCIATED."""
    summary = event_summary(row)
    data = {
        side.kind: side.owner_summary(row, owner_id),
        'endpoint_sip': {field: summary[field] for field in side.summary_fields},
    }
    uow.record(Change(side.resource, action, row.uuid, row.tenant_uuid, data))


def record_wazo_options(uow, row):
    uow.record(Change(Resource.SIP_ENDPOINT_WAZO_OPTIONS, Action.EDITED, row.uuid, row.tenant_uuid))
