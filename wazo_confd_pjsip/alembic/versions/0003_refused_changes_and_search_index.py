# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Changes Asterisk refused stay visible (failed_at); trigram index for `search=`, index for `label=`.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _trigram_available(connection):
    # pg_trgm is a trusted extension (the database owner may create it), shipped with Debian's postgresql.
    return (
        connection.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first() is not None
    )


def upgrade():
    op.add_column('apply_outbox', sa.Column('failed_at', sa.DateTime(timezone=True)))
    op.create_index('endpoint_sip__idx__label', 'endpoint_sip', ['label'])
    if _trigram_available(op.get_bind()):
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX endpoint_sip__idx__search_text ON endpoint_sip USING gin (search_text gin_trgm_ops)')


def downgrade():
    op.execute('DROP INDEX IF EXISTS endpoint_sip__idx__search_text')
    op.drop_index('endpoint_sip__idx__label', 'endpoint_sip')
    op.drop_column('apply_outbox', 'failed_at')
