# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one Asterisk id namespace shared by endpoints, templates and transports.

A name is claimed by inserting it into pjsip_object_name; its primary key makes two concurrent
claims of one name impossible (the second waits for the first transaction, then finds it taken).
"""
import secrets
import string

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from .database.models import PJSIPObjectName

GENERATED_NAME_ALPHABET = string.ascii_lowercase + string.digits
GENERATED_NAME_LENGTH = 8
GENERATION_ATTEMPTS = 20


class NameTaken(Exception):
    def __init__(self, name, kind):
        super().__init__(name)
        self.name = name
        self.kind = kind


def claim(session, name, kind):
    statement = insert(PJSIPObjectName).values(name=name, kind=kind).on_conflict_do_nothing()
    if session.execute(statement.returning(PJSIPObjectName.name)).first() is None:
        holder = session.execute(sa.select(PJSIPObjectName.kind).where(PJSIPObjectName.name == name)).scalar()
        raise NameTaken(name, holder)


def release(session, name):
    release_all(session, [name])


def release_all(session, names):
    if names:
        session.execute(sa.delete(PJSIPObjectName).where(PJSIPObjectName.name.in_(list(names))))


def holders(session, names):
    """name -> kind of the object holding it (endpoint, template, transport), whatever its tenant."""
    query = sa.select(PJSIPObjectName.name, PJSIPObjectName.kind).where(PJSIPObjectName.name.in_(list(names)))
    return dict(session.execute(query).all())


def generate(session, kind):
    for _ in range(GENERATION_ATTEMPTS):
        name = ''.join(secrets.choice(GENERATED_NAME_ALPHABET) for _ in range(GENERATED_NAME_LENGTH))
        try:
            claim(session, name, kind)
        except NameTaken:
            continue
        return name
    raise RuntimeError('could not generate a free name')


def rename(session, old_name, new_name, kind, repoint):
    """Claim new_name, let repoint() move the owner's row onto it, then free old_name."""
    claim(session, new_name, kind)
    repoint()
    release(session, old_name)
