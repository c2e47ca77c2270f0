# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The history of changes, written by a before-commit hook: in the change's own transaction.

Either a change and its record commit together, or neither does. All the records of one unit of
work share its change set id (an import, a tenant removal: one change set, revertable at once).
"""
import sqlalchemy as sa

from ...database.models import ChangeHistory
from ...database.session import Resource

# What the history routes show and revert; an association with a wazo-confd line or trunk is not kept.
RECORDED = frozenset(
    {
        Resource.SIP_ENDPOINT,
        Resource.SIP_ENDPOINT_TEMPLATE,
        Resource.SIP_TRANSPORT,
        Resource.PJSIP_GLOBAL,
        Resource.PJSIP_SYSTEM,
    }
)


class HistoryRecorder:
    """A before-commit hook of the Database: one change_history row per Change of the unit of work."""

    def __call__(self, uow):
        changes = [change for change in uow.changes if change.resource in RECORDED]
        if not changes:
            return
        actor = uow.actor()
        rows = [
            {
                'change_uuid': change.id,
                'change_set_uuid': uow.change_set_id,
                'resource': change.resource.value,
                'resource_uuid': change.uuid,
                'tenant_uuid': change.tenant_uuid,
                'action': change.action.value,
                'via': actor.via,
                'user_uuid': actor.user_uuid,
                'actor_tenant_uuid': actor.tenant_uuid,
                'auth_id': actor.auth_id,
                'request_id': actor.request_id,
                'before': change.before,
                'after': change.after,
            }
            for change in changes
        ]
        uow.session.execute(sa.insert(ChangeHistory), rows)
