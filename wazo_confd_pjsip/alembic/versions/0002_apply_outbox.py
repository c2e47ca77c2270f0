# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Applying changes to Asterisk: the outbox, what each engine acknowledged, and each engine's state.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'apply_outbox',
        sa.Column('id', sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column('engine', sa.String(1024), nullable=False),
        # an endpoint's uuid, or NULL for the engine-wide sections (transports, global, system)
        sa.Column('owner_uuid', UUID(as_uuid=False)),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column('attempts', sa.Integer, nullable=False, server_default='0'),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column('claimed_until', sa.DateTime(timezone=True)),
        sa.Column('last_error', sa.Text),
    )
    op.create_index('apply_outbox__idx__due', 'apply_outbox', ['next_attempt_at', 'id'])
    op.create_index('apply_outbox__idx__owner', 'apply_outbox', ['engine', 'owner_uuid'])
    op.create_table(
        'engine_object',
        sa.Column('engine', sa.String(1024), primary_key=True),
        sa.Column('object_type', sa.String(32), primary_key=True),
        sa.Column('object_id', sa.String(79), primary_key=True),
        sa.Column('owner_uuid', UUID(as_uuid=False), nullable=False),
        sa.Column('fields', JSONB, nullable=False),
    )
    op.create_index('engine_object__idx__owner', 'engine_object', ['owner_uuid'])
    op.create_table(
        'engine_state',
        sa.Column('engine', sa.String(1024), primary_key=True),
        sa.Column('reachable', sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column('asterisk_version', sa.Text),
        sa.Column('startup_time', sa.Text),
        sa.Column('last_contact_at', sa.DateTime(timezone=True)),
        sa.Column('last_error', sa.Text),
        sa.Column('last_error_at', sa.DateTime(timezone=True)),
        sa.Column('last_full_resync_at', sa.DateTime(timezone=True)),
        sa.Column('restart_required', sa.Text),
        # the engine-wide sections last written to the engine's pjsip.conf: to tell what needs a restart
        sa.Column('engine_sections', JSONB),
    )


def downgrade():
    for table in ('engine_state', 'engine_object', 'apply_outbox'):
        op.drop_table(table)
