# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The history of changes: one row per changed resource, written in the change's own transaction.

No foreign key to the resources: a deleted endpoint keeps its history (and can be restored from
it). Read by resource (newest first), by tenant (newest first) and pruned by time.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'change_history',
        sa.Column('id', sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            'change_uuid',
            UUID(as_uuid=False),
            nullable=False,
            server_default=sa.text('gen_random_uuid()'),
        ),
        sa.Column('change_set_uuid', UUID(as_uuid=False), nullable=False),
        sa.Column(
            'recorded_at',
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text('now()'),
        ),
        sa.Column('resource', sa.String(32), nullable=False),
        sa.Column('resource_uuid', UUID(as_uuid=False)),
        sa.Column('tenant_uuid', UUID(as_uuid=False)),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('via', sa.String(16), nullable=False),
        sa.Column('user_uuid', sa.String(64)),
        sa.Column('actor_tenant_uuid', sa.String(64)),
        sa.Column('auth_id', sa.String(128)),
        sa.Column('request_id', sa.String(128)),
        sa.Column('before', JSONB),
        sa.Column('after', JSONB),
        sa.UniqueConstraint('change_uuid', name='change_history__uq__change_uuid'),
    )
    op.create_index(
        'change_history__idx__resource',
        'change_history',
        ['resource', 'resource_uuid', 'id'],
    )
    op.create_index('change_history__idx__tenant', 'change_history', ['tenant_uuid', 'id'])
    op.create_index('change_history__idx__change_set', 'change_history', ['change_set_uuid'])
    op.create_index('change_history__idx__recorded_at', 'change_history', ['recorded_at'])


def downgrade():
    op.drop_table('change_history')
