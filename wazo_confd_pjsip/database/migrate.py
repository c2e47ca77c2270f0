# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Schema upgrades: the schema is managed only by alembic, upgraded to head at start."""
from pathlib import Path

from alembic import command
from alembic.config import Config

SCRIPT_LOCATION = str(Path(__file__).resolve().parent.parent / 'alembic')


def alembic_config(db_uri):
    config = Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    # '%' is interpolation syntax in alembic's ini-style options.
    config.set_main_option('sqlalchemy.url', db_uri.replace('%', '%%'))
    return config


def upgrade_to_head(db_uri):
    command.upgrade(alembic_config(db_uri), 'head')
