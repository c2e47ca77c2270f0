# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an endpoint's wazo-confd line (with its user) or trunk adds to its Asterisk objects.

Read from wazo-confd when the association is made, and kept current from the Wazo bus
(line_additions/): {section: [[key, value], ...]}, applied before what the endpoint inherits and
sets. The line's users' uuids find the endpoints to refresh when a user changes. Null without wazo-confd.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('endpoint_sip', sa.Column('wazo_options', JSONB))
    op.add_column('endpoint_sip', sa.Column('wazo_user_uuids', ARRAY(UUID(as_uuid=False))))
    op.create_index('endpoint_sip__idx__wazo_user_uuids', 'endpoint_sip', ['wazo_user_uuids'], postgresql_using='gin')


def downgrade():
    op.drop_index('endpoint_sip__idx__wazo_user_uuids', 'endpoint_sip')
    op.drop_column('endpoint_sip', 'wazo_user_uuids')
    op.drop_column('endpoint_sip', 'wazo_options')
