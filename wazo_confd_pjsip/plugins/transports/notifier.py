# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Change a transport write records: to the apply outbox before commit, to the bus after (core.py)."""
from ...database.session import Change, Resource


def record(uow, action, transport, affects=()):
    uow.record(Change(Resource.SIP_TRANSPORT, action, transport.uuid, data=summary(transport), affects=affects))


def summary(transport):
    return {'uuid': transport.uuid, 'name': transport.name, 'options': transport.options}
