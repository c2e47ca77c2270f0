# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wazo-confd line or trunk an endpoint is associated with (PUT /lines/{id}/endpoints/sip/{uuid}).

On the endpoint's own row: it has at most one, each line or trunk has at most one endpoint, and
deleting the endpoint ends the association, as in wazo-confd. Lines and trunks are wazo-confd's:
only their ids are kept here.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('endpoint_sip', sa.Column('line_id', sa.Integer))
    op.add_column('endpoint_sip', sa.Column('trunk_id', sa.Integer))
    op.create_unique_constraint('endpoint_sip_line_id_key', 'endpoint_sip', ['line_id'])
    op.create_unique_constraint('endpoint_sip_trunk_id_key', 'endpoint_sip', ['trunk_id'])
    op.create_check_constraint(
        'endpoint_sip_one_line_or_trunk',
        'endpoint_sip',
        'num_nonnulls(line_id, trunk_id) <= 1 AND (NOT template OR num_nonnulls(line_id, trunk_id) = 0)',
    )


def downgrade():
    op.drop_constraint('endpoint_sip_one_line_or_trunk', 'endpoint_sip')
    op.drop_column('endpoint_sip', 'trunk_id')
    op.drop_column('endpoint_sip', 'line_id')
