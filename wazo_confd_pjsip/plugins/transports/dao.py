# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries on transports, and on the endpoints that use one."""
import sqlalchemy as sa

from ...database import listing
from ...database.models import EndpointSIP, SIPTransport
from ...database.search import like_pattern

SORTABLE = ('name', 'uuid')
FILTERABLE = ('name',)


def search(session, params):
    return listing.page(
        session, sa.select(SIPTransport), SIPTransport, params, lambda term: SIPTransport.name.ilike(like_pattern(term))
    )


def find(session, uuid, lock=False):
    query = sa.select(SIPTransport).where(SIPTransport.uuid == uuid)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def insert(session, name, options, uuid=None):
    transport = SIPTransport(name=name, options=options)
    if uuid is not None:
        transport.uuid = uuid
    session.add(transport)
    session.flush()
    return transport


def delete(session, transport):
    session.delete(transport)
    session.flush()


def a_user(session, uuid):
    """The uuid of one endpoint or template set on the transport, or None."""
    users = sa.select(EndpointSIP.uuid).where(EndpointSIP.transport_uuid == uuid)
    return session.execute(users.limit(1)).scalar()


def move_users(session, uuid, to_uuid):
    session.execute(sa.update(EndpointSIP).where(EndpointSIP.transport_uuid == uuid).values(transport_uuid=to_uuid))
