# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Initial schema: tenants, the PJSIP id namespace, transports, endpoints and templates, engine sections.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

WAZO_GLOBAL_DEFAULTS = [
    ['user_agent', 'Wazo PBX'],
    ['endpoint_identifier_order', 'auth_username,username,ip'],
]


def upgrade():
    op.create_table('tenant', sa.Column('uuid', UUID(as_uuid=False), primary_key=True))
    op.create_table(
        'pjsip_object_name',
        sa.Column('name', sa.String(79), primary_key=True),
        sa.Column('kind', sa.String(32), nullable=False),
    )
    op.create_table(
        'sip_transport',
        sa.Column('uuid', UUID(as_uuid=False), primary_key=True, server_default=sa.text('gen_random_uuid()')),
        sa.Column(
            'name',
            sa.String(79),
            sa.ForeignKey('pjsip_object_name.name', onupdate='CASCADE'),
            nullable=False,
            unique=True,
        ),
        sa.Column('options', JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    op.create_table(
        'endpoint_sip',
        sa.Column('uuid', UUID(as_uuid=False), primary_key=True, server_default=sa.text('gen_random_uuid()')),
        sa.Column('tenant_uuid', UUID(as_uuid=False), sa.ForeignKey('tenant.uuid', ondelete='CASCADE'), nullable=False),
        sa.Column('template', sa.Boolean, nullable=False),
        sa.Column(
            'name',
            sa.String(79),
            sa.ForeignKey('pjsip_object_name.name', onupdate='CASCADE'),
            nullable=False,
            unique=True,
        ),
        sa.Column('label', sa.String(128)),
        sa.Column('asterisk_id', sa.String(1024)),
        sa.Column('transport_uuid', UUID(as_uuid=False), sa.ForeignKey('sip_transport.uuid', ondelete='SET NULL')),
        sa.Column('options', JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column('search_text', sa.Text, nullable=False, server_default=''),
    )
    op.create_index('endpoint_sip__idx__tenant_template', 'endpoint_sip', ['tenant_uuid', 'template'])
    op.create_table(
        'endpoint_sip_parent',
        sa.Column(
            'child_uuid', UUID(as_uuid=False), sa.ForeignKey('endpoint_sip.uuid', ondelete='CASCADE'), primary_key=True
        ),
        sa.Column('position', sa.Integer, primary_key=True),
        sa.Column(
            'parent_uuid', UUID(as_uuid=False), sa.ForeignKey('endpoint_sip.uuid', ondelete='RESTRICT'), nullable=False
        ),
        sa.UniqueConstraint('child_uuid', 'parent_uuid', name='endpoint_sip_parent__uq__child_parent'),
    )
    op.create_index('endpoint_sip_parent__idx__parent', 'endpoint_sip_parent', ['parent_uuid'])
    section = op.create_table(
        'pjsip_engine_section',
        sa.Column('name', sa.String(16), primary_key=True),
        sa.Column('options', JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    op.bulk_insert(section, [{'name': 'global', 'options': WAZO_GLOBAL_DEFAULTS}, {'name': 'system', 'options': []}])


def downgrade():
    for table in (
        'pjsip_engine_section',
        'endpoint_sip_parent',
        'endpoint_sip',
        'sip_transport',
        'pjsip_object_name',
        'tenant',
    ):
        op.drop_table(table)
