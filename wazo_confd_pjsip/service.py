# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Builds the running service from its configuration: database, auth, catalogue, Flask app."""
import logging
import os
import uuid as uuid_lib
from pathlib import Path

from .app import create_app
from .apply.components import build_apply
from .auth import make_auth_backend, write_first_run_tokens_file
from .bus import build_bus
from .database.embedded import EmbeddedPostgres
from .database.migrate import upgrade_to_head
from .database.session import Database
from .dependencies import Dependencies
from .options.catalogue import OptionCatalogue
from .tenants import TenantRegistry

logger = logging.getLogger(__name__)


class DatabaseServer:
    """The configured PostgreSQL, or a private embedded one under data_dir when db_uri is null."""

    def __init__(self, config):
        self._embedded = None if config['db_uri'] else EmbeddedPostgres(config['data_dir'])
        self.uri = config['db_uri']

    def start(self):
        if self._embedded is not None:
            self.uri = self._embedded.start()
        return self.uri

    def stop(self):
        if self._embedded is not None:
            self._embedded.stop()


def prepare_first_run(config):
    """With the local auth backend and no tokens file yet, create a master tenant and an admin token."""
    auth = config['auth']
    if auth['backend'] != 'local':
        return None
    if not auth.get('tokens_file'):
        auth['tokens_file'] = os.path.join(config['data_dir'], 'tokens.yml')
    return write_first_run_tokens_file(Path(auth['tokens_file']))


def ensure_service_uuid(config):
    """This service's uuid (origin_uuid of its bus events): configured, else kept in data_dir."""
    if config.get('uuid'):
        return config['uuid']
    path = Path(config['data_dir']) / 'uuid'
    try:
        config['uuid'] = path.read_text().strip()
    except FileNotFoundError:
        config['uuid'] = str(uuid_lib.uuid4())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(config['uuid'] + '\n')
        except OSError as e:
            logger.warning('cannot keep the service uuid in %s (%s): it changes at each start', path, e)
    return config['uuid']


def build_dependencies(config, db_uri):
    upgrade_to_head(db_uri)
    ensure_service_uuid(config)
    catalogue = OptionCatalogue.with_doc_file(config.get('pjsip_doc_file'))
    db = Database(db_uri, pool_size=config['rest_api'].get('max_threads', 10))
    tenants = TenantRegistry()
    status_reporters = {}
    return Dependencies(
        config=config,
        db=db,
        auth_backend=make_auth_backend(config['auth']),
        catalogue=catalogue,
        tenants=tenants,
        status_reporters=status_reporters,
        apply=build_apply(config, db, catalogue),
        bus=build_bus(config, db, tenants, status_reporters),
    )


def build_app(config, db_uri):
    dependencies = build_dependencies(config, db_uri)
    return create_app(dependencies), dependencies
