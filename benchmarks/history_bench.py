# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 15's benchmark: what recording the change history adds to a write, at N endpoints.

Two services share one database (filled with the history on): one records the history, the other
has it disabled. Each sample times the same kind of write on both, one after the other, in turns
(on then off, then off then on), so that the load of the machine weighs on both alike. The overhead
row is the difference of the two p50s, as a share of the p50 without history (target: under 10 %).
The apply worker is off, as in the API benchmark: what is timed is the write path up to the answer.
"""
import dataclasses
import itertools
import random
import time

import sqlalchemy as sa

from . import dataset
from .client import ApiClient
from .options import positive_int
from .population import ENDPOINTS, Population
from .report import Row, Target, percentile, progress
from .service_process import running_service, service_home

TITLE = 'history overhead on writes (issue 15)'
OVERHEAD_TARGET = Target(10, statistic='value')  # percent of the write's p50 without history
WRITES = {'update': 'update (PUT)', 'create': 'create (POST)'}


@dataclasses.dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    tenants: int
    samples: int  # of each write, on each service
    warmup: int
    workers: int


QUICK = Settings(sizes=(20,), tenants=2, samples=5, warmup=1, workers=2)
FULL = Settings(sizes=(10000,), tenants=100, samples=1000, warmup=20, workers=3)


def add_arguments(group):
    group.add_argument(
        '--history-tenants', type=positive_int, help=f'sub-tenants of the endpoints (default {FULL.tenants})'
    )


def settings_from(options):
    base = QUICK if options.quick else FULL
    given = {
        'sizes': tuple(options.sizes) if options.sizes else None,
        'samples': options.samples,
        'tenants': options.history_tenants,
    }
    return dataclasses.replace(base, **{key: value for key, value in given.items() if value is not None})


def run(options, rows):
    settings = settings_from(options)
    with service_home(settings.tenants) as home:
        recording = {'apply': {'worker': False}, 'history': {'enabled': True}}
        with running_service(settings.tenants, recording, home, 'history-on') as on:
            not_recording = {**recording, 'history': {'enabled': False}, 'db_uri': on.db_uri()}
            with running_service(settings.tenants, not_recording, home, 'history-off') as off:
                clients = {True: ApiClient(on.base_url), False: ApiClient(off.base_url)}
                population = Population(clients[True], on.tenants, settings.workers)
                population.create_templates()
                for size in sorted(set(settings.sizes)):
                    started = time.monotonic()
                    population.grow_to(size)
                    progress(f'history: populated {size} endpoints in {time.monotonic() - started:.1f} s')
                    rows += _measure(population, clients, size, settings, on.db_uri())


def history_records(db_uri):
    """The records of the shared database: checked to grow by the writes of the recording service only."""
    engine = sa.create_engine(db_uri)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text('SELECT count(*) FROM change_history')).scalar()
    finally:
        engine.dispose()


def _measure(population, clients, size, settings, db_uri):
    rng = random.Random(size)
    revisions = itertools.count(rng.randrange(1_000_000))
    endpoints = list(population.endpoints)

    def update(client):
        endpoint = rng.choice(endpoints)
        body = dataset.updated_body(endpoint.body, next(revisions))
        _, elapsed_ms = client.call('PUT', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 204, json=body)
        return elapsed_ms

    def create(client):
        population.client = client
        return population.create_one()[1]

    operations = {'update': update, 'create': create}
    rows = []
    for name, operation in operations.items():
        timed = {True: [], False: []}
        records_before = history_records(db_uri)
        started = time.monotonic()
        for sample in range(settings.warmup + settings.samples):
            for enabled in (True, False) if sample % 2 else (False, True):
                elapsed_ms = operation(clients[enabled])
                if sample >= settings.warmup:
                    timed[enabled].append(elapsed_ms)
        progress(f'history: N={size} {name}: {settings.samples} samples each in {time.monotonic() - started:.1f} s')
        recorded = history_records(db_uri) - records_before
        if recorded != settings.warmup + settings.samples:
            raise RuntimeError(f'{name}: {recorded} history records, expected one per write of the recording service')
        on, off = tuple(timed[True]), tuple(timed[False])
        overhead = (percentile(on, 0.5) - percentile(off, 0.5)) / percentile(off, 0.5) * 100
        rows += [
            Row(f'{WRITES[name]}, history off', size, off, 'ms'),
            Row(f'{WRITES[name]}, history on', size, on, 'ms'),
            Row(f'{WRITES[name]}: history overhead of the p50', size, (overhead,), '%', OVERHEAD_TARGET),
        ]
    return rows
