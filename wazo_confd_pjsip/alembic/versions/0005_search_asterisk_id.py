# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`search=` also matches asterisk_id, as wazo-confd's does (name, label, asterisk_id).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from wazo_confd_pjsip.database.search import normalize_search_text

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_rows = sa.table(
    'endpoint_sip',
    sa.column('uuid'),
    sa.column('name'),
    sa.column('label'),
    sa.column('asterisk_id'),
    sa.column('search_text'),
)


def _recompute(parts_of):
    bind = op.get_bind()
    for row in bind.execute(sa.select(_rows.c.uuid, _rows.c.name, _rows.c.label, _rows.c.asterisk_id)).all():
        text = normalize_search_text(*parts_of(row))
        bind.execute(sa.update(_rows).where(_rows.c.uuid == row.uuid).values(search_text=text))


def upgrade():
    _recompute(lambda row: (row.name, row.label, row.asterisk_id))


def downgrade():
    _recompute(lambda row: (row.name, row.label))
