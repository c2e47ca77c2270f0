# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 17: what more processes on one PostgreSQL buy, at N endpoints split across two engines.

Every process is the service as installed (`running_service`), all on the embedded PostgreSQL of
the first one.

- API write throughput: P API processes (their apply worker off: the write path alone), driven by
  concurrent client threads, each thread on its own process in turn; PUTs of an endpoint's whole
  body with another caller id. Rows: requests/s over the run, and the latency of each PUT.
- apply throughput: W service processes with their apply worker on (their API unused). They are
  paused (SIGSTOP) while a burst of K PUTs is written through an API process, so that the burst
  waits in the outbox as behind a busy worker; timed from their SIGCONT to the outbox empty
  (every change acknowledged by its engine). The burst's endpoints are on one engine, or split
  across both. At each `apply.batch_size` given: a worker claims that many rows at once, so with
  the default (500) one worker takes a whole burst and the others have nothing left to claim.
- beside each: the share of the machine's two cores busy meanwhile (every process, ours or not).
"""
import contextlib
import dataclasses
import itertools
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from integration_tests.asterisk.engine import DEFAULT_PREFIX, SECOND_PREFIX

from . import ari_target, dataset
from .client import ApiClient
from .fake_ari_process import FakeAriProcess
from .options import positive_int, sizes
from .population import ENDPOINTS, Population
from .report import Row, progress
from .service_process import running_service, service_home

TITLE = 'several API processes and apply workers on one PostgreSQL (issue 17)'
ENGINES = ('default', 'second')
SYNC = '/asterisk/pjsip/sync'
DRAIN_LIMIT_SECONDS = 300
POLL_SECONDS = 0.05


@dataclasses.dataclass(frozen=True)
class Settings:
    size: int
    processes: tuple[int, ...]  # API processes, and apply workers
    clients: int  # client threads writing at once
    requests: int  # PUTs of each client thread
    burst: int  # K changes drained by the workers
    drains: int  # bursts timed for each number of workers and engines
    batch_sizes: tuple[int, ...]  # apply.batch_size: the outbox rows a worker claims at once
    tenants: int


QUICK = Settings(size=8, processes=(1, 2), clients=2, requests=3, burst=4, drains=1, batch_sizes=(500,), tenants=1)
FULL = Settings(
    size=1000, processes=(1, 2, 4), clients=8, requests=50, burst=500, drains=3, batch_sizes=(500, 50), tenants=10
)


def add_arguments(group):
    group.add_argument(
        '--scale-processes', type=sizes, help=f'numbers of API processes and of workers (default {FULL.processes})'
    )
    group.add_argument('--scale-burst', type=positive_int, help=f'changes of each apply burst (default {FULL.burst})')
    group.add_argument(
        '--scale-batch-sizes', type=sizes, help=f'apply.batch_size of the workers (default {FULL.batch_sizes})'
    )
    group.add_argument(
        '--second-asterisk-prefix',
        type=Path,
        default=SECOND_PREFIX,
        help=f'the second installed Asterisk (default {SECOND_PREFIX}); the first is --asterisk-prefix',
    )


def settings_from(options):
    base = QUICK if options.quick else FULL
    given = {
        'size': options.sizes[0] if options.sizes else None,
        'requests': options.samples,
        'processes': (tuple(options.scale_processes) if options.scale_processes else None),
        'burst': options.scale_burst,
        'batch_sizes': tuple(options.scale_batch_sizes) if options.scale_batch_sizes else None,
    }
    return dataclasses.replace(base, **{key: value for key, value in given.items() if value is not None})


def run(options, rows):
    settings = settings_from(options)
    with _engines(options) as (description, engines):
        progress(f'scale: against {description}')
        with service_home(settings.tenants) as home:
            api_only = {'apply': {'worker': False}, 'asterisk': {'engines': engines}}
            with running_service(settings.tenants, api_only, home, 'api0') as first:
                config = {**api_only, 'db_uri': first.db_uri()}
                client = ApiClient(first.base_url)
                population = Population(client, first.tenants, settings.clients)
                population.create_templates()
                started = time.monotonic()
                endpoints = _populate(population, settings.size, settings.clients)
                progress(f'scale: populated {settings.size} endpoints in {time.monotonic() - started:.1f} s')
                with contextlib.ExitStack() as stack:
                    apis = [first]
                    for count in settings.processes:
                        apis += [
                            stack.enter_context(running_service(0, config, home, f'api{index}'))
                            for index in range(len(apis), count)
                        ]
                        rows += _api_throughput(apis[:count], endpoints, settings)
                for batch_size in settings.batch_sizes:
                    rows += _apply_throughput(client, first, home, config, endpoints, batch_size, settings)
    return f'measured against {description}; {os.cpu_count()} CPUs for every process, PostgreSQL and the engines'


@contextlib.contextmanager
def _engines(options):
    """(description, asterisk.engines) of two engines: two installed Asterisk, else two fake ARIs."""
    prefixes = (options.asterisk_prefix or DEFAULT_PREFIX, options.second_asterisk_prefix)
    if not options.fake_ari and all((prefix / 'sbin' / 'asterisk').exists() for prefix in prefixes):
        with contextlib.ExitStack() as stack:
            real = [stack.enter_context(ari_target.started_asterisk(prefix)) for prefix in prefixes]
            yield (
                f'two real Asterisk {ari_target.version(real[0])} ({", ".join(map(str, prefixes))})',
                {name: engine.engine_config() for name, engine in zip(ENGINES, real)},
            )
        return
    fakes = [FakeAriProcess() for _ in ENGINES]
    try:
        yield 'two fake ARIs', {
            name: {
                'ari': {'url': f'{fake.url}/ari', 'username': 'wazo', 'password': 'secret', 'timeout': 10},
                'pjsip_conf_file': None,
            }
            for name, fake in zip(ENGINES, fakes)
        }
    finally:
        for fake in fakes:
            fake.close()


def _populate(population, size, threads):
    """The endpoints, every other one on the second engine: {engine name: [Endpoint]}."""
    population.grow_to(size)
    split = {name: [] for name in ENGINES}
    for index, endpoint in enumerate(population.endpoints):
        split[ENGINES[index % 2]].append(endpoint)
    moved = [dataclasses.replace(e, body={**e.body, 'asterisk_id': ENGINES[1]}) for e in split[ENGINES[1]]]
    _put_all(population.client, moved, threads)
    split[ENGINES[1]] = moved
    return split


def _put_all(client, endpoints, threads):
    def put(endpoint):
        client.call('PUT', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 204, json=endpoint.body)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, endpoints))


def _api_throughput(apis, endpoints, settings):
    everyone = [endpoint for group in endpoints.values() for endpoint in group]
    revisions = itertools.count()
    latencies = []
    lock = threading.Lock()

    def writer(index):
        client = ApiClient(apis[index % len(apis)].base_url)
        mine = everyone[index :: settings.clients]
        for endpoint in itertools.islice(itertools.cycle(mine), settings.requests):
            body = dataset.updated_body(endpoint.body, next(revisions))
            _, elapsed_ms = client.call('PUT', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 204, json=body)
            with lock:
                latencies.append(elapsed_ms)

    busy = CpuBusy()
    started = time.perf_counter()
    with ThreadPoolExecutor(settings.clients) as pool:
        list(pool.map(writer, range(settings.clients)))
    elapsed = time.perf_counter() - started
    cpu = busy.percent()
    count = len(apis)
    progress(f'scale: {len(latencies)} PUTs on {count} API processes in {elapsed:.1f} s')
    label = f'PUT on {count} API process(es), {settings.clients} clients'
    return [
        Row(f'{label}: throughput', settings.size, (len(latencies) / elapsed,), 'req/s'),
        Row(f'{label}: latency', settings.size, tuple(latencies), 'ms'),
        Row(f'{label}: CPU busy, both cores', settings.size, (cpu,), '%'),
    ]


def _apply_throughput(client, first, home, config, endpoints, batch_size, settings):
    """W service processes with their worker on, started as W grows, on one engine then on both."""
    worker_config = {**config, 'apply': {'worker': True, 'health_interval': 1.0, 'batch_size': batch_size}}
    rows = []
    with contextlib.ExitStack() as stack:
        workers = []
        for count in settings.processes:
            workers += [
                stack.enter_context(running_service(0, worker_config, home, f'worker{index}-batch{batch_size}'))
                for index in range(len(workers), count)
            ]
            for engine_count in (1, 2):
                rows += _drain(client, first, workers, endpoints, engine_count, batch_size, settings)
    return rows


def _drain(client, first, workers, endpoints, engine_count, batch_size, settings):
    """Changes/s of bursts of K PUTs written while the workers are paused, from their resumption to the outbox empty."""
    chosen = _burst(endpoints, engine_count, settings.burst)
    rates, cpu = [], []
    for _ in range(settings.drains):
        _wait_drained(client, first.master.token)
        for worker in workers:
            os.kill(worker.pid, signal.SIGSTOP)
        try:
            _write_burst(client, chosen, settings.clients)
        finally:
            busy = CpuBusy()
            started = time.perf_counter()
            for worker in workers:
                os.kill(worker.pid, signal.SIGCONT)
        _wait_drained(client, first.master.token)
        rates.append(len(chosen) / (time.perf_counter() - started))
        cpu.append(busy.percent())
    label = f'apply, {len(workers)} worker(s), batch {batch_size}, {engine_count} engine(s)'
    progress(f'scale: {label}: {", ".join(f"{rate:.0f}" for rate in rates)} changes/s')
    return [
        Row(f'{label}: K={len(chosen)} changes', settings.size, tuple(rates), 'changes/s'),
        Row(f'{label}: CPU busy, both cores', settings.size, tuple(cpu), '%'),
    ]


def _write_burst(client, endpoints, threads):
    revision = time.time_ns()  # another caller id for each endpoint at each burst

    def put(index_endpoint):
        index, endpoint = index_endpoint
        body = dataset.updated_body(endpoint.body, revision + index)
        client.call('PUT', f'{ENDPOINTS}/{endpoint.uuid}', endpoint.tenant.token, 204, json=body)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, enumerate(endpoints)))


class CpuBusy:
    """The share of the machine's CPU time spent busy since creation (/proc/stat: everything, not only ours)."""

    def __init__(self):
        self._busy, self._total = self._read()

    def percent(self):
        busy, total = self._read()
        return 100 * (busy - self._busy) / max(1, total - self._total)

    @staticmethod
    def _read():
        with open('/proc/stat', encoding='ascii') as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        return sum(fields[:8]) - idle, sum(fields[:8])


def _burst(endpoints, engine_count, burst):
    """K distinct endpoints, taken in turn from the first `engine_count` engines."""
    groups = [endpoints[name] for name in ENGINES[:engine_count]]
    chosen = [endpoint for row in zip(*groups) for endpoint in row][:burst]
    if len(chosen) < burst:
        raise ValueError(f'a burst of {burst} needs {burst} endpoints on {engine_count} engine(s): N is too small')
    return chosen


def _wait_drained(client, token):
    deadline = time.monotonic() + DRAIN_LIMIT_SECONDS
    while True:
        response, _ = client.call('GET', SYNC, token, 200)
        engines = response.json()['engines']
        if all(engine['pending_changes'] == 0 for engine in engines.values()):
            refused = {name: engine['refused_changes'] for name, engine in engines.items() if engine['refused_changes']}
            if refused:
                raise RuntimeError(f'changes refused by the engines: {refused}')
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f'the outbox did not drain within {DRAIN_LIMIT_SECONDS} s: {engines}')
        time.sleep(POLL_SECONDS)
