# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issues 4 and 11: how fast a change reaches Asterisk, at N endpoints configured, and how fast a restart is undone.

Against a real Asterisk 22 when one is installed (see ari_target), else the fake ARI. The
endpoints are inserted directly in the database (the API is the api benchmark's subject); the
service's own apply worker then pushes them, and the measured changes go through the services,
as the API would make them.

- full push of N endpoints into an empty Asterisk (what follows an Asterisk restart), the push alone;
- one-endpoint change: from its commit to every object acknowledged by ARI, so visible in Asterisk
  (the worker's wake-up on NOTIFY, claim, resolution, diff, push and bookkeeping included), the
  worker running with its events websocket open;
- new endpoint (auth + aor + endpoint) at N: Asterisk scans every endpoint for each new aor;
- recovery: Asterisk restarted while the worker runs; from the moment Asterisk is up again (its
  start script returned: fully booted) to the full state pushed back (the worker sees the restart
  on its events websocket);
- outage: ARI cut off (a network outage, Asterisk running) and a change made meanwhile; from ARI
  answering again to that change acknowledged (the worker sees the return on its events websocket);
- template change reaching K endpoints: commit → all K acknowledged. The K endpoints exist and
  were pushed before the timed change.
Rows are appended as they are measured, so a failing step still leaves the earlier rows printed.
"""
import random
import tempfile
import time
from dataclasses import dataclass

from integration_tests.asterisk.ari_recorder import AriRecorder
from wazo_confd_pjsip.apply import engine_state
from wazo_confd_pjsip.config import DEFAULT_CONFIG, merge_configs
from wazo_confd_pjsip.core import build_core
from wazo_confd_pjsip.database.embedded import EmbeddedPostgres
from wazo_confd_pjsip.database.migrate import upgrade_to_head
from wazo_confd_pjsip.database.session import Database
from wazo_confd_pjsip.options.catalogue import OptionCatalogue
from wazo_confd_pjsip.plugins.endpoint_sip.schema import load_create, load_update

from . import ari_target
from .apply_dataset import BulkPopulation
from .options import positive_int
from .report import Row, Target, progress

TITLE = 'applying changes to Asterisk (issues 4 and 11)'
WAIT_LIMIT_SECONDS = 120
NEW_ENDPOINT_SAMPLES = 20  # each costs Asterisk a scan of every endpoint: ~0.3 s at 10,000
POLL_SECONDS = 0.002

ONE_CHANGE_TARGET = Target(25, p50_limit=10)  # ms, flat in N
NEW_ENDPOINT_TARGET = Target(500)
FAN_OUT_TARGET = Target(3_000, statistic='max')
FULL_PUSH_TARGET = Target(30_000, statistic='max')
OUTAGE_TARGET = Target(1_000, statistic='max')


def recovery_target(size):
    """1 s up to 100 endpoints, else 1.2 x the phased floor (about 2.06 ms an endpoint, reference §7)."""
    return Target(max(1_000, 2.5 * size), statistic='max')


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    fan_outs: tuple[int, ...]
    samples: int
    tenants: int


QUICK = Settings(sizes=(20,), fan_outs=(5,), samples=5, tenants=2)
FULL = Settings(sizes=(100, 1000, 10000), fan_outs=(100, 1000), samples=100, tenants=100)


def add_arguments(group):
    ari_target.add_arguments(group)
    group.add_argument(
        '--fan-outs',
        type=lambda text: tuple(positive_int(p) for p in text.split(',')),
        help='template fan-out sizes K (default 100,1000)',
    )


class _AnyTenant:
    """The benchmark acts as an administrator who sees every tenant."""

    def can_see(self, tenant_uuid):
        return True


def run(options, rows):
    """Appends each row as it is measured; returns what was measured against."""
    settings = QUICK if options.quick else FULL
    sizes = tuple(options.sizes or settings.sizes)
    fan_outs = tuple(getattr(options, 'fan_outs', None) or settings.fan_outs)
    samples = options.samples or settings.samples
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-bench-apply-') as data_dir:
        database_server = EmbeddedPostgres(data_dir, cleanup_mode='delete')
        try:
            with ari_target.ari_target(options) as target:
                progress(f'apply: against {target.description}')
                _run(database_server.start(), target, settings, sizes, fan_outs, samples, rows)
                return f'measured against {target.description}'
        finally:
            database_server.stop()


def _run(db_uri, target, settings, sizes, fan_outs, samples, rows):
    upgrade_to_head(db_uri)
    engine_config = {
        'default': {
            'ari': {'url': target.url, 'username': target.username, 'password': target.password, 'timeout': 10},
            'pjsip_conf_file': None,
        }
    }
    config = merge_configs({'asterisk': {'engines': engine_config}}, DEFAULT_CONFIG)
    database = Database(db_uri)
    commits = []
    # the last step before COMMIT
    core = build_core(
        config,
        database,
        catalogue=OptionCatalogue.bundled(),
        before_commit=[lambda uow: commits.append(time.perf_counter())],
    )
    db, endpoints, templates, apply = core.db, core.services.endpoints, core.services.templates, core.apply
    population = BulkPopulation(db, settings.tenants)
    worker = apply.worker
    rng = random.Random(4)
    try:
        worker.check_engines(force=True)  # first contact, while the database is empty
        for size in sizes:
            progress(f'apply: inserting endpoints up to {size}')
            population.grow_to(size)
            progress(f'apply: full push of {size} endpoints')
            rows.append(Row('full push of N endpoints', size, (_full_push(target, worker),), 'ms', FULL_PUSH_TARGET))
            _start_watching(worker, apply.engines['default'])
            progress(f'apply: {samples} one-endpoint changes at N={size}')
            latencies = []
            for revision in range(samples):
                uuid = rng.choice(population.endpoint_uuids)
                body = load_update(
                    {'endpoint_section_options': [['context', f'ctx-{revision}'], ['allow', '!all,ulaw']]}
                )
                latencies.append(_timed_change(db, worker, lambda: endpoints.update(_AnyTenant(), uuid, body), commits))
            rows.append(Row('one-endpoint change, commit → visible', size, tuple(latencies), 'ms', ONE_CHANGE_TARGET))
            progress(f'apply: new endpoints at N={size}')
            creator = _Tenant(population.a_tenant_uuid())
            creates = [
                _timed_change(db, worker, lambda: endpoints.create(creator, _new_endpoint(size, serial)), commits)
                for serial in range(min(samples, NEW_ENDPOINT_SAMPLES))
            ]
            rows.append(Row('new endpoint, commit → visible', size, tuple(creates), 'ms', NEW_ENDPOINT_TARGET))
            if target.restart is not None:
                progress(f'apply: Asterisk restarted under the running worker at N={size}')
                recovery = _recovery(target, db, apply.engines['default'])
                rows.append(
                    Row('restart: Asterisk up → full state back', size, (recovery,), 'ms', recovery_target(size))
                )
            worker.stop()
            progress(f'apply: an ARI outage at N={size}, a change waiting for its end')
            outage = _outage(config, db_uri, target, rng.choice(population.endpoint_uuids), commits)
            rows.append(Row('outage: ARI back → waiting change visible', size, (outage,), 'ms', OUTAGE_TARGET))
        if fan_outs:
            template_uuids = {fan_out: population.fan_out_template(fan_out) for fan_out in fan_outs}
            progress(f'apply: pushing the fan-out endpoints ({sum(fan_outs)}) with everything else')
            _full_push(target, worker)
            _start_watching(worker, apply.engines['default'])
            for fan_out, template_uuid in template_uuids.items():
                progress(f'apply: template change reaching {fan_out} endpoints')
                body = load_update({'endpoint_section_options': [['language', f'fr_{fan_out}']]})
                elapsed = _timed_change(
                    db, worker, lambda: templates.update(_AnyTenant(), template_uuid, body), commits
                )
                rows.append(Row(f'template change reaching K={fan_out}', fan_out, (elapsed,), 'ms', FAN_OUT_TARGET))
    finally:
        core.stop()
        database.dispose()


@dataclass(frozen=True)
class _Tenant:
    """The creating caller's tenant."""

    uuid: str


def _new_endpoint(size, serial):
    name = f'new{size}-{serial:03d}'
    return load_create(
        {
            'name': name,
            'auth_section_options': [['username', name], ['password', 'secret']],
            'aor_section_options': [['max_contacts', '1']],
        }
    )


def _full_push(target, worker):
    """Milliseconds to push every endpoint into an empty Asterisk (re-pushed in place when it is not ours)."""
    if target.restart is None:
        started = time.perf_counter()
        worker.resync('default')
        return _ms(started)
    target.restart()
    started = time.perf_counter()
    worker.check_engines(force=True)  # sees the new startup time and pushes everything
    return _ms(started)


def _start_watching(worker, engine):
    """Start the worker and wait until its events websocket vouches for the engine, as in a service that runs."""
    worker.start()
    _wait_for(lambda: worker.startup_watched(engine), f'the events websocket of {engine.name} to open')


def _timed_change(db, worker, change, commits):
    """Milliseconds from the change's commit to its outbox rows applied (every object acknowledged)."""
    commits.clear()
    with db.collecting_outbox_ids() as ids:
        change()
    outcome = worker.wait_applied(ids, WAIT_LIMIT_SECONDS)
    if outcome != 'applied':
        raise RuntimeError(f'a change was not applied within {WAIT_LIMIT_SECONDS} s: {outcome}')
    return _ms(commits[-1])


def _recovery(target, db, engine):
    """Milliseconds from Asterisk up again (restart() returned) to its full push recorded as done."""
    target.restart()
    up = time.perf_counter()
    startup_time = engine.client().asterisk_info().startup_time
    _wait_for(
        lambda: getattr(_state(db, engine), 'startup_time', None) == startup_time, 'the full push after a restart'
    )
    return _ms(up)


def _outage(config, db_uri, target, endpoint_uuid, commits):
    """Milliseconds from ARI answering again after an outage to a change made during it acknowledged.

    A worker of its own reaches Asterisk through the recording proxy, which cuts ARI (its events
    websocket included) while Asterisk runs: a network outage. It has seen Asterisk's startup, so
    what it pushes at the end is only the change.
    """
    with AriRecorder(target.url) as proxy:
        engine_config = config['asterisk']['engines']['default']
        engines = {'default': {**engine_config, 'ari': {**engine_config['ari'], 'url': proxy.url}}}
        database = Database(db_uri)
        core = build_core(
            merge_configs({'asterisk': {'engines': engines}}, config),
            database,
            catalogue=OptionCatalogue.bundled(),
            before_commit=[lambda uow: commits.append(time.perf_counter())],
        )
        engine = core.apply.engines['default']
        try:
            _start_watching(core.apply.worker, engine)
            proxy.cut_off = True
            _wait_for(lambda: not _state(core.db, engine).reachable, 'the outage to be seen')
            body = load_update({'endpoint_section_options': [['context', 'during-the-outage']]})
            with core.db.collecting_outbox_ids() as ids:
                core.services.endpoints.update(_AnyTenant(), endpoint_uuid, body)
            proxy.cut_off = False
            back = time.perf_counter()
            if core.apply.worker.wait_applied(ids, WAIT_LIMIT_SECONDS) != 'applied':
                raise RuntimeError(f'the change made during the outage was not applied within {WAIT_LIMIT_SECONDS} s')
            return _ms(back)
        finally:
            core.stop()
            database.dispose()


def _state(db, engine):
    with db.engine.connect() as connection:
        return engine_state.read(connection, engine.name)


def _wait_for(condition, what):
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f'waited {WAIT_LIMIT_SECONDS} s for {what}')
        time.sleep(POLL_SECONDS)


def _ms(started):
    return (time.perf_counter() - started) * 1000
