# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries on transports."""
import sqlalchemy as sa

from ...database import listing
from ...database.models import SIPTransport
from ...database.search import like_pattern

SORTABLE = ('name', 'uuid')
FILTERABLE = ('name',)


def search(session, params):
    return listing.page(
        session, sa.select(SIPTransport), SIPTransport, params, lambda term: SIPTransport.name.ilike(like_pattern(term))
    )


def names_by_uuid(session):
    """uuid → name of every transport: what endpoints' objects name them by."""
    return dict(session.execute(sa.select(SIPTransport.uuid, SIPTransport.name)).all())


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


def exists(session, uuid):
    """Whether the transport exists, key-share-locked until commit: a delete of it waits for the
    endpoint written with it, or, already under way, is waited for and the transport is then not found.

    FOR KEY SHARE (read=True with key_share=True; key_share alone is FOR NO KEY UPDATE): the
    foreign key's own lock, so concurrent endpoints of one transport do not wait for each other.
    """
    query = sa.select(SIPTransport.uuid).where(SIPTransport.uuid == uuid).with_for_update(read=True, key_share=True)
    return session.execute(query).first() is not None


def uuid_named(session, name):
    return session.execute(sa.select(SIPTransport.uuid).where(SIPTransport.name == name)).scalar()
