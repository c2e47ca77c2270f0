# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from alembic import context
from sqlalchemy import create_engine, text

# Serializes concurrent upgrades (several service processes starting at once).
MIGRATION_LOCK_KEY = 0x7A5C0F


def run_migrations_online():
    engine = create_engine(context.config.get_main_option('sqlalchemy.url'), future=True)
    with engine.connect() as connection:
        connection.execute(text('SELECT pg_advisory_lock(:key)'), {'key': MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            context.configure(connection=connection, transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text('SELECT pg_advisory_unlock(:key)'), {'key': MIGRATION_LOCK_KEY})
            connection.commit()
    engine.dispose()


run_migrations_online()
