# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tables. The schema itself is owned by alembic (see wazo_confd_pjsip/alembic); these mirror it.

Option lists are JSONB arrays of [key, value] pairs: order and repeated keys survive, and one
row holds a whole endpoint, so reading an endpoint is one index lookup.
"""
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()  # SQLAlchemy 1.4 has no typed declarative base


class Tenant(Base):
    __tablename__ = 'tenant'

    uuid = sa.Column(UUID(as_uuid=False), primary_key=True)


class PJSIPObjectName(Base):
    """One Asterisk id namespace for endpoints, templates and transports, enforced by its primary key."""

    __tablename__ = 'pjsip_object_name'

    name = sa.Column(sa.String(79), primary_key=True)
    kind = sa.Column(sa.String(32), nullable=False)


class SIPTransport(Base):
    __tablename__ = 'sip_transport'

    uuid = sa.Column(UUID(as_uuid=False), primary_key=True, server_default=sa.text('gen_random_uuid()'))
    name = sa.Column(
        sa.String(79),
        sa.ForeignKey('pjsip_object_name.name', onupdate='CASCADE'),
        nullable=False,
        unique=True,
    )
    options = sa.Column(JSONB, nullable=False, server_default=sa.text("'[]'::jsonb"))


class EndpointSIP(Base):
    """An endpoint or a template (template=True): the same shape, never shown by the other's routes."""

    __tablename__ = 'endpoint_sip'

    uuid = sa.Column(UUID(as_uuid=False), primary_key=True, server_default=sa.text('gen_random_uuid()'))
    tenant_uuid = sa.Column(UUID(as_uuid=False), sa.ForeignKey('tenant.uuid', ondelete='CASCADE'), nullable=False)
    template = sa.Column(sa.Boolean, nullable=False)
    name = sa.Column(
        sa.String(79),
        sa.ForeignKey('pjsip_object_name.name', onupdate='CASCADE'),
        nullable=False,
        unique=True,
    )
    label = sa.Column(sa.String(128))
    asterisk_id = sa.Column(sa.String(1024))
    transport_uuid = sa.Column(UUID(as_uuid=False), sa.ForeignKey('sip_transport.uuid', ondelete='SET NULL'))
    # {section: [[key, value], ...]} for the sections of wazo_confd_pjsip.sections
    options = sa.Column(JSONB, nullable=False, server_default=sa.text("'{}'::jsonb"))
    # lower-cased, accent-stripped name and label: what `search=` matches
    search_text = sa.Column(sa.Text, nullable=False, server_default='')
    # the wazo-confd line or trunk it is associated with (migration 0008)
    line_id = sa.Column(sa.Integer, unique=True)
    trunk_id = sa.Column(sa.Integer, unique=True)
    # what that line (with its users) or trunk adds to the Asterisk objects, {section: [[key, value], ...]},
    # and the line's users; read from wazo-confd (line_additions/, migration 0009), null without it
    wazo_options = sa.Column(JSONB)
    wazo_user_uuids = sa.Column(ARRAY(UUID(as_uuid=False)))

    __table_args__ = (
        sa.Index('endpoint_sip__idx__tenant_template', 'tenant_uuid', 'template'),
        sa.Index('endpoint_sip__idx__wazo_user_uuids', 'wazo_user_uuids', postgresql_using='gin'),
        sa.CheckConstraint(
            'num_nonnulls(line_id, trunk_id) <= 1 AND (NOT template OR num_nonnulls(line_id, trunk_id) = 0)',
            name='endpoint_sip_one_line_or_trunk',
        ),
    )


class EndpointSIPParent(Base):
    __tablename__ = 'endpoint_sip_parent'

    child_uuid = sa.Column(
        UUID(as_uuid=False), sa.ForeignKey('endpoint_sip.uuid', ondelete='CASCADE'), primary_key=True
    )
    position = sa.Column(sa.Integer, primary_key=True)
    # RESTRICT: a template something inherits from cannot vanish, even outside the service.
    parent_uuid = sa.Column(
        UUID(as_uuid=False), sa.ForeignKey('endpoint_sip.uuid', ondelete='RESTRICT'), nullable=False
    )

    __table_args__ = (
        sa.UniqueConstraint('child_uuid', 'parent_uuid', name='endpoint_sip_parent__uq__child_parent'),
        sa.Index('endpoint_sip_parent__idx__parent', 'parent_uuid'),
    )


class PJSIPEngineSection(Base):
    """The engine-wide singleton sections [global] and [system]."""

    __tablename__ = 'pjsip_engine_section'

    name = sa.Column(sa.String(16), primary_key=True)
    options = sa.Column(JSONB, nullable=False, server_default=sa.text("'[]'::jsonb"))


class ApplyOutbox(Base):
    """What must still reach an Asterisk engine; written in the transaction of the change itself."""

    __tablename__ = 'apply_outbox'

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    engine = sa.Column(sa.String(1024), nullable=False)
    owner_uuid = sa.Column(UUID(as_uuid=False))
    kind = sa.Column(sa.String(16), nullable=False)  # endpoint, engine (sections), resync
    created_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    attempts = sa.Column(sa.Integer, nullable=False, server_default='0')
    next_attempt_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    claimed_until = sa.Column(sa.DateTime(timezone=True))
    # the claiming worker (apply.queue.WorkerIdentity): its claims end with its database session
    claimed_by = sa.Column(sa.Integer)
    last_error = sa.Column(sa.Text)
    # Asterisk refused it (or its engine is not configured): kept to be reported, never retried;
    # a later successful apply of the same endpoint removes it.
    failed_at = sa.Column(sa.DateTime(timezone=True))


class EngineObject(Base):
    """An object an engine acknowledged, as it was sent: what the next change is diffed against."""

    __tablename__ = 'engine_object'

    engine = sa.Column(sa.String(1024), primary_key=True)
    object_type = sa.Column(sa.String(32), primary_key=True)
    object_id = sa.Column(sa.String(79), primary_key=True)
    owner_uuid = sa.Column(UUID(as_uuid=False), nullable=False)
    fields = sa.Column(JSONB, nullable=False)

    __table_args__ = (sa.Index('engine_object__idx__engine_owner', 'engine', 'owner_uuid'),)


class EngineState(Base):
    __tablename__ = 'engine_state'

    engine = sa.Column(sa.String(1024), primary_key=True)
    reachable = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    asterisk_version = sa.Column(sa.Text)
    startup_time = sa.Column(sa.Text)
    last_contact_at = sa.Column(sa.DateTime(timezone=True))
    last_error = sa.Column(sa.Text)
    last_error_at = sa.Column(sa.DateTime(timezone=True))
    last_full_resync_at = sa.Column(sa.DateTime(timezone=True))
    restart_required = sa.Column(sa.Text)
    engine_sections = sa.Column(JSONB)


class ChangeHistory(Base):
    """One committed change of one resource, with who made it and its bodies before and after."""

    __tablename__ = 'change_history'

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    change_uuid = sa.Column(UUID(as_uuid=False), nullable=False, server_default=sa.text('gen_random_uuid()'))
    change_set_uuid = sa.Column(UUID(as_uuid=False), nullable=False)
    recorded_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.text('now()'))
    resource = sa.Column(sa.String(32), nullable=False)
    resource_uuid = sa.Column(UUID(as_uuid=False))
    tenant_uuid = sa.Column(UUID(as_uuid=False))
    action = sa.Column(sa.String(16), nullable=False)
    via = sa.Column(sa.String(16), nullable=False)
    user_uuid = sa.Column(sa.String(64))
    actor_tenant_uuid = sa.Column(sa.String(64))
    auth_id = sa.Column(sa.String(128))
    request_id = sa.Column(sa.String(128))
    before = sa.Column(JSONB)
    after = sa.Column(JSONB)

    __table_args__ = (
        sa.UniqueConstraint('change_uuid', name='change_history__uq__change_uuid'),
        sa.Index('change_history__idx__resource', 'resource', 'resource_uuid', 'id'),
        sa.Index('change_history__idx__tenant', 'tenant_uuid', 'id'),
        sa.Index('change_history__idx__change_set', 'change_set_uuid'),
        sa.Index('change_history__idx__recorded_at', 'recorded_at'),
    )
