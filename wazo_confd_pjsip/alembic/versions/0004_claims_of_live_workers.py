# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A claim names its worker, whose liveness is a session advisory lock: a dead worker's claims are taken over at once.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.execute('CREATE SEQUENCE apply_worker_id_seq AS integer CYCLE')
    op.add_column('apply_outbox', sa.Column('claimed_by', sa.Integer))


def downgrade():
    op.drop_column('apply_outbox', 'claimed_by')
    op.execute('DROP SEQUENCE apply_worker_id_seq')
