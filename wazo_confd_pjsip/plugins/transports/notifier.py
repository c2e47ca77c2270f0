# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Change a transport write records: to the apply outbox before commit, to the bus after (core.py)."""
from ...database.session import Action, Change, Resource


def record(uow, action, transport, *, before=None, affects=()):
    """before: summary() before the change (None for a creation)."""
    after = None if action is Action.DELETED else summary(transport)
    change = Change(
        Resource.SIP_TRANSPORT,
        action,
        transport.uuid,
        data=summary(transport),
        affects=affects,
        before=before,
        after=after,
    )
    uow.record(change)


def summary(transport):
    """The bus event's body, and the transport as its history keeps it."""
    return {'uuid': transport.uuid, 'name': transport.name, 'options': [list(line) for line in transport.options]}
