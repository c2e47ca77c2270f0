# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 3's benchmark: latency of the endpoint API, resolution of every endpoint, and memory, at N endpoints.

The service runs as it is installed (embedded PostgreSQL, local auth) with its apply worker off:
applying to Asterisk is the apply benchmark's subject. Population is concurrent; measured
operations run one at a time, on endpoints and tenants drawn at random.
"""
import dataclasses
import itertools
import random
import time
from dataclasses import dataclass

from . import dataset
from .client import ApiClient
from .options import positive_int
from .population import ENDPOINTS, Population
from .report import Row, Target, progress
from .resolution import ResolutionTimer
from .service_process import running_service

TITLE = 'endpoint API (issue 3)'
DEFAULT_SIZES = (1000, 10000)
LIST_LIMIT = 100
MB = 1_000_000

# Targets at N = 10,000 (issue 3); shown at every size.
CREATE_TARGET = Target(25)
GET_TARGET = Target(15)
LIST_TARGET = Target(30)
RESOLVE_TARGET = Target(2000, statistic='max')  # the slowest of a few runs
RSS_TARGET = Target(200, statistic='value')


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    tenants: int
    samples: int
    warmup: int
    workers: int
    resolve_runs: int


QUICK = Settings(sizes=(20,), tenants=2, samples=5, warmup=1, workers=2, resolve_runs=1)
FULL = Settings(sizes=DEFAULT_SIZES, tenants=100, samples=200, warmup=10, workers=3, resolve_runs=3)


def add_arguments(group):
    group.add_argument(
        '--tenants', type=positive_int, help=f'sub-tenants the endpoints are spread over (default {FULL.tenants})'
    )
    group.add_argument(
        '--workers', type=positive_int, help=f'concurrent clients while populating (default {FULL.workers})'
    )


def settings_from(options):
    base = QUICK if options.quick else FULL
    given = {
        'sizes': tuple(options.sizes) if options.sizes else None,
        'samples': options.samples,
        'tenants': options.tenants,
        'workers': options.workers,
    }
    return dataclasses.replace(base, **{key: value for key, value in given.items() if value is not None})


def run(options, rows):
    """Appends each row as it is measured (the caller prints them even if a later step fails)."""
    settings = settings_from(options)
    with running_service(settings.tenants, {'apply': {'worker': False}}) as service:
        client = ApiClient(service.base_url)
        population = Population(client, service.tenants, settings.workers)
        population.create_templates()
        timer = ResolutionTimer(service.db_uri())
        try:
            for size in sorted(set(settings.sizes)):
                started = time.monotonic()
                population.grow_to(size)
                # the creates measured at a smaller size count too: more than `size` when sizes are close
                count = len(population.endpoints)
                progress(f'api: populated up to {count} endpoints in {time.monotonic() - started:.1f} s')
                rss_row = Row('service RSS after population', count, (service.rss_bytes() / MB,), 'MB', RSS_TARGET)
                resolution_rows = measure_resolution(timer, count, settings)  # before creates add endpoints
                rows += measure_requests(client, population, service.master, count, settings)
                rows += resolution_rows + [rss_row]
        finally:
            timer.close()


def _sampled(name, size, operation, settings, target=None):
    for _ in range(settings.warmup):
        operation()
    started = time.monotonic()
    values = tuple(operation() for _ in range(settings.samples))
    progress(f'api: N={size} {name}: {settings.samples} samples in {time.monotonic() - started:.1f} s')
    return Row(name, size, values, 'ms', target)


def measure_requests(client, population, master, size, settings):
    """One row per operation; creates come last so the reads see exactly `size` endpoints."""
    rng = random.Random(size)
    revisions = itertools.count()
    endpoints = list(population.endpoints)

    def call(method, path, token, expected_status, **kwargs):
        _, elapsed_ms = client.call(method, path, token, expected_status, **kwargs)
        return elapsed_ms

    def get(params=None):
        endpoint = rng.choice(endpoints)
        return call('GET', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 200, params=params)

    def update():
        endpoint = rng.choice(endpoints)
        body = dataset.updated_body(endpoint.body, next(revisions))
        return call('PUT', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 204, json=body)

    def tenant_list(search=False):
        token = rng.choice(endpoints).tenant.token
        return call('GET', ENDPOINTS, token, 200, params=_list_params(rng, search))

    def master_list(search=False):
        return call('GET', ENDPOINTS, master.token, 200, params={**_list_params(rng, search), 'recurse': 'true'})

    measured = [
        ('get', get, GET_TARGET),
        ('get ?view=merged', lambda: get({'view': 'merged'}), GET_TARGET),
        ('update (PUT)', update, None),
        (f'list limit={LIST_LIMIT} (a tenant)', tenant_list, LIST_TARGET),
        (f'list limit={LIST_LIMIT} search (a tenant)', lambda: tenant_list(search=True), LIST_TARGET),
        (f'list limit={LIST_LIMIT} recurse (master)', master_list, LIST_TARGET),
        (f'list limit={LIST_LIMIT} recurse search (master)', lambda: master_list(search=True), LIST_TARGET),
        ('create', lambda: population.create_one()[1], CREATE_TARGET),
    ]
    return [_sampled(name, size, operation, settings, target) for name, operation, target in measured]


def _list_params(rng, search):
    params = {'limit': LIST_LIMIT}
    if search:
        params['search'] = dataset.search_term(rng)
    return params


def measure_resolution(timer, size, settings):
    rows = []
    for name, measure in (
        ('resolve all (Resolver + merged_view)', timer.resolve_all_ms),
        ('resolve all + build objects (DesiredState)', timer.desired_state_ms),
    ):
        counts, values = zip(*(measure() for _ in range(settings.resolve_runs)))
        if set(counts) != {size}:
            raise RuntimeError(f'{name}: resolved {counts} endpoints, expected {size}')
        rows.append(Row(name, size, values, 'ms', RESOLVE_TARGET))
    return rows
