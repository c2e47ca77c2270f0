"""Issue 4's benchmark: how fast a change reaches Asterisk, at N endpoints configured.

Against the fake ARI (in its own process) by default, or a real Asterisk with --ari-url. The
endpoints are inserted directly in the database (the API is the api benchmark's subject); the
service's own apply worker then pushes them, and the measured changes go through the services,
as the API would make them.

- one-endpoint change: service commit → every object acknowledged by ARI (the worker's wake-up
  on NOTIFY, resolution, diff and push included);
- template change reaching K endpoints: commit → all K acknowledged;
- full push of N endpoints into an empty Asterisk (what follows an Asterisk restart).
"""
import random
import tempfile
import time
from dataclasses import dataclass

import sqlalchemy as sa

from wazo_confd_pjsip.apply.components import build_apply
from wazo_confd_pjsip.apply.outbox import OutboxRecorder, collect_written_ids
from wazo_confd_pjsip.config import DEFAULT_CONFIG, merge_configs
from wazo_confd_pjsip.database.embedded import EmbeddedPostgres
from wazo_confd_pjsip.database.migrate import upgrade_to_head
from wazo_confd_pjsip.database.session import Database
from wazo_confd_pjsip.options.catalogue import OptionCatalogue
from wazo_confd_pjsip.plugins.endpoint_sip.service import EndpointSIPService
from wazo_confd_pjsip.plugins.endpoint_sip.schema import load_update
from wazo_confd_pjsip.tenants import TenantRegistry

from .apply_dataset import BulkPopulation
from .fake_ari_process import FakeAriProcess
from .options import positive_int
from .report import Row, Target, progress

TITLE = 'applying changes to Asterisk (issue 4)'
WAIT_LIMIT_SECONDS = 120

ONE_CHANGE_TARGET = Target(80)  # p95 ms at N = 10,000 (p50 target: 30 ms)
FAN_OUT_TARGET = Target(10_000, statistic='max')
FULL_PUSH_TARGET = Target(30_000, statistic='max')


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    fan_outs: tuple[int, ...]
    samples: int
    tenants: int


QUICK = Settings(sizes=(20,), fan_outs=(5,), samples=5, tenants=2)
FULL = Settings(sizes=(100, 1000, 10000), fan_outs=(100, 1000), samples=100, tenants=100)


def add_arguments(group):
    group.add_argument('--ari-url', help='a real Asterisk ARI (http://host:8088/ari) instead of the fake')
    group.add_argument('--ari-username', default='wazo')
    group.add_argument('--ari-password', default='secret')
    group.add_argument('--fan-outs', type=lambda text: tuple(positive_int(p) for p in text.split(',')),
                       help='template fan-out sizes K (default 100,1000)')


class _AnyTenant:
    """The benchmark acts as an administrator who sees every tenant."""

    def can_see(self, tenant_uuid):
        return True


def run(options):
    settings = QUICK if options.quick else FULL
    sizes = tuple(options.sizes or settings.sizes)
    fan_outs = tuple(getattr(options, 'fan_outs', None) or settings.fan_outs)
    samples = options.samples or settings.samples
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-bench-apply-') as data_dir:
        database_server = EmbeddedPostgres(data_dir, cleanup_mode='delete')
        fake = None if options.ari_url else FakeAriProcess()
        try:
            return _run(database_server.start(), options, fake, settings, sizes, fan_outs, samples)
        finally:
            if fake is not None:
                fake.close()
            database_server.stop()


def _run(db_uri, options, fake, settings, sizes, fan_outs, samples):
    upgrade_to_head(db_uri)
    url = options.ari_url or f'{fake.url}/ari'
    username, password = (options.ari_username, options.ari_password) if options.ari_url else ('wazo', 'secret')
    engine_config = {'default': {'ari': {'url': url, 'username': username, 'password': password, 'timeout': 10},
                                 'pjsip_conf_file': None}}
    config = merge_configs({'asterisk': {'engines': engine_config}}, DEFAULT_CONFIG)
    db = Database(db_uri)
    catalogue = OptionCatalogue.bundled()
    apply = build_apply(config, db, catalogue)
    db.before_commit_hooks.append(OutboxRecorder(apply.engines))
    tenants = TenantRegistry()
    endpoints = EndpointSIPService(db, catalogue, tenants, apply.engines, template=False)
    templates = EndpointSIPService(db, catalogue, tenants, apply.engines, template=True)
    population = BulkPopulation(db, settings.tenants)
    worker = apply.worker
    rows = []
    rng = random.Random(4)
    try:
        for size in sizes:
            progress(f'apply: inserting endpoints up to {size}')
            population.grow_to(size)
            progress(f'apply: full push of {size} endpoints')
            if fake is not None:
                fake.restart()  # a restarted Asterisk: the worker notices and pushes everything
                started = time.perf_counter()
                worker.check_engines(force=True)
            else:
                started = time.perf_counter()
                worker.resync('default')
            rows.append(Row('full push of N endpoints', size, (_ms(started),), 'ms', FULL_PUSH_TARGET))
            worker.start()
            progress(f'apply: {samples} one-endpoint changes at N={size}')
            latencies = []
            for revision in range(samples):
                uuid = rng.choice(population.endpoint_uuids)
                body = load_update({'endpoint_section_options': [['context', f'ctx-{revision}'], ['allow', '!all,ulaw']]})
                latencies.append(_timed_change(worker, lambda: endpoints.update(_AnyTenant(), uuid, body)))
            rows.append(Row('one-endpoint change acknowledged', size, tuple(latencies), 'ms', ONE_CHANGE_TARGET))
            worker.stop()
        worker.start()
        for fan_out in fan_outs:
            template_uuid = population.fan_out_template(fan_out)
            progress(f'apply: template change reaching {fan_out} endpoints')
            worker.wait_applied(_all_outbox_ids(db), WAIT_LIMIT_SECONDS)
            body = load_update({'endpoint_section_options': [['language', f'fr_{fan_out}']]})
            elapsed = _timed_change(worker, lambda: templates.update(_AnyTenant(), template_uuid, body))
            rows.append(Row(f'template change reaching K={fan_out}', fan_out, (elapsed,), 'ms', FAN_OUT_TARGET))
    finally:
        worker.stop()
        db.dispose()
    return rows


def _timed_change(worker, change):
    started = time.perf_counter()
    with collect_written_ids() as ids:
        change()
    outcome = worker.wait_applied(ids, WAIT_LIMIT_SECONDS)
    if outcome != 'applied':
        raise RuntimeError(f'a change was not applied within {WAIT_LIMIT_SECONDS} s: {outcome}')
    return _ms(started)


def _all_outbox_ids(db):
    with db.engine.connect() as connection:
        return list(connection.execute(sa.text('SELECT id FROM apply_outbox')).scalars()) or [0]


def _ms(started):
    return (time.perf_counter() - started) * 1000
