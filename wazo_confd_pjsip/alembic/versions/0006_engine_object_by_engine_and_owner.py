# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an engine acknowledged is looked up by engine and owner together.

With an index on the owner alone, a table just refilled by a full push (no statistics yet) was read
by intersecting it with every key of the engine in the primary key: a scan that grew with N.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('engine_object__idx__engine_owner', 'engine_object', ['engine', 'owner_uuid'])
    op.drop_index('engine_object__idx__owner', 'engine_object')


def downgrade():
    op.create_index('engine_object__idx__owner', 'engine_object', ['owner_uuid'])
    op.drop_index('engine_object__idx__engine_owner', 'engine_object')
