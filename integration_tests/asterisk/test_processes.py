# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Several service processes and a standalone apply worker on one PostgreSQL, one real Asterisk.

Writers go through every process; what reached Asterisk is read from a recording ARI proxy: each
endpoint's versions arrive once each and in order, whichever process wrote or applied them.
"""
import itertools
import subprocess
import threading
import time

import pytest
import requests

from tests.databases import create_database, drop_database

from .conftest import ENDPOINTS, remove_tenant_objects
from .engine import free_port
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess

API_PROCESSES = 3
ENDPOINTS_PER_WRITER = 4
VERSIONS = 6
SETTLE_TIMEOUT = 120.0  # a bound for the outbox to drain, not a measure: generous on a loaded host


@pytest.fixture(scope='module')
def cluster(service_command, work_dir, postgres_server_uri, asterisk, recorder):
    db_uri, name = create_database(postgres_server_uri, prefix='processes')
    engines = {'default': recorder.engine_config(asterisk)}
    extra = {'apply': {'health_interval': 1.0}}
    apis = [
        ServiceProcess(service_command, work_dir / 'processes' / f'api{i}', db_uri, engines, extra_config=extra)
        for i in range(API_PROCESSES)
    ]
    worker = ServiceProcess(
        service_command,
        work_dir / 'processes' / 'worker',
        db_uri,
        engines,
        arguments=('apply-worker',),
        extra_config=extra,
    )
    for process in apis:  # one after the other: the first upgrades the schema
        process.start()
    start_worker(worker)
    yield apis, worker
    for process in (*apis, worker):
        if process.process is None or process.process.poll() is not None:
            restart(process)
    remove_tenant_objects(Api(apis[0].url, MASTER_TOKEN, SUB_TENANT))
    for process in (*apis, worker):
        process.stop()
    drop_database(postgres_server_uri, name)


def start_worker(worker):
    worker.start(wait=False)
    deadline = time.monotonic() + 60
    while 'apply worker running' not in worker.log_tail():
        if worker.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f'the apply worker did not start:\n{worker.log_tail()}')
        time.sleep(0.1)


def restart(process):
    if process.arguments == ('apply-worker',):
        start_worker(process)
    else:
        process.start()


def clients(processes):
    return [Api(process.url, MASTER_TOKEN, SUB_TENANT) for process in processes]


def write_versions(api_clients, names, versions, prefix):
    """Each endpoint created, then its context set to `prefix`0..N-1, each write through the next process."""
    turn = itertools.cycle(api_clients)
    uuids = {name: next(turn).post(ENDPOINTS, endpoint_body(name, f'{prefix}0'), wait=False)['uuid'] for name in names}
    for version in range(1, versions):
        for name in names:
            next(turn).put(f'{ENDPOINTS}/{uuids[name]}', endpoint_body(name, f'{prefix}{version}'), wait=False)
    return uuids


def endpoint_body(name, context):
    return {'name': name, 'endpoint_section_options': [['context', context], ['allow', '!all,ulaw']]}


def concurrently(work):
    """Run each callable in its own thread; re-raise the first failure."""
    errors = []

    def run(function):
        try:
            function()
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=run, args=(function,)) for function in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def wait_settled(api):
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        engine = api.get('/asterisk/pjsip/sync')['engines']['default']
        if engine['pending_changes'] == 0 and engine['refused_changes'] == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f'the outbox did not drain within {SETTLE_TIMEOUT} s: {engine}')
        time.sleep(0.2)


def contexts_pushed(recorder, since, name):
    """The context values of the endpoint's pushes Asterisk accepted, in the order it received them."""
    return [
        record.field('context')
        for record in recorder.records()
        if record.started >= since
        and record.method == 'PUT'
        and record.object_key == ('endpoint', name)
        and record.status is not None
        and record.status < 300
        and record.field('context') is not None
    ]


def assert_versions_in_order(recorder, since, names, prefix, asterisk, once=True):
    """Each endpoint's versions reached Asterisk in order, the last one last; each once unless not `once`."""
    for name in names:
        versions = [int(value.removeprefix(prefix)) for value in contexts_pushed(recorder, since, name)]
        assert versions == (sorted(set(versions)) if once else sorted(versions)), f'{name}: {versions}'
        assert versions[-1] == VERSIONS - 1, f'{name}: {versions}'
        assert asterisk.object('endpoint', name)['context'] == [f'{prefix}{VERSIONS - 1}']


def writers(api_clients, group, prefix):
    names = [[f'{group}-w{w}-e{e}' for e in range(ENDPOINTS_PER_WRITER)] for w in range(len(api_clients))]
    # each writer starts on another process, so every process takes writes at the same moment
    work = [
        (lambda w=w: write_versions(api_clients[w:] + api_clients[:w], names[w], VERSIONS, prefix))
        for w in range(len(api_clients))
    ]
    return [name for group_names in names for name in group_names], work


def test_concurrent_writers_on_every_process_apply_each_change_once_in_order(cluster, recorder, asterisk):
    apis, _ = cluster
    since = time.monotonic()
    names, work = writers(clients(apis), 'load', 'v')

    concurrently(work)

    wait_settled(clients(apis)[0])
    assert_versions_in_order(recorder, since, names, 'v', asterisk)


@pytest.mark.parametrize('victim', ['api', 'apply-worker'])
def test_a_killed_process_loses_nothing(cluster, recorder, asterisk, victim):
    apis, worker = cluster
    killed = apis[0] if victim == 'api' else worker
    survivors = clients([process for process in apis if process is not killed])
    since = time.monotonic()
    names, work = writers(clients(apis), f'kill-{victim}', 'k')
    concurrently(work[:1])  # every version written; the workers are still applying them

    killed.kill()
    more_names, more_work = writers(survivors, f'after-{victim}', 'k')
    concurrently(more_work)

    wait_settled(survivors[0])
    # A push the killed process had made but not yet recorded is made again (acknowledged.py): never an older one.
    assert_versions_in_order(recorder, since, names[:ENDPOINTS_PER_WRITER] + more_names, 'k', asterisk, once=False)
    restart(killed)


@pytest.fixture
def nginx(cluster, tmp_path):
    """Debian's nginx in front of the API processes, the shipped location with an upstream of them."""
    apis, _ = cluster
    port = free_port()
    # max_fails=0: a process refusing connections (restarting) sends each request to the next one,
    # without nginx counting it down for fail_timeout, which would leave none up in a rolling restart.
    servers = '\n'.join(f'        server 127.0.0.1:{process.port} max_fails=0;' for process in apis)
    (tmp_path / 'nginx.conf').write_text(
        f'''
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log {tmp_path}/access.log;
    upstream wazo_confd_pjsip {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location ^~ /api/confd/1.1/endpoints/sip {{
            # A stopping process answers what it read and resets what it had not read yet:
            # nginx passes that request, a POST too, to the next process.
            proxy_next_upstream error timeout non_idempotent;
            proxy_pass http://wazo_confd_pjsip/1.1/endpoints/sip;
            proxy_set_header Host $http_host;
            proxy_set_header X-Script-Name /api/confd;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
'''
    )
    process = subprocess.Popen(
        ['nginx', '-p', str(tmp_path), '-c', str(tmp_path / 'nginx.conf'), '-g', 'daemon off;'],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f'http://127.0.0.1:{port}/api/confd/1.1'
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f'{url}/endpoints/sip', headers={'X-Auth-Token': MASTER_TOKEN}, timeout=5)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / 'error.log').read_text())
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(30)


def test_a_rolling_restart_behind_nginx_fails_no_request(cluster, nginx, recorder, asterisk):
    apis, worker = cluster
    api = Api(nginx, MASTER_TOKEN, SUB_TENANT)
    restarting = threading.Event()
    done = threading.Event()
    outcomes = []  # (method, status)

    def load(writer):
        uuid = None
        for version in itertools.count():
            if done.is_set():
                return
            name = f'rolling-{writer}-{version}'
            for method, path, body in (
                ('POST', ENDPOINTS, endpoint_body(name, 'r0')),
                ('PUT', f'{ENDPOINTS}/{{uuid}}', endpoint_body(name, 'r1')),
                ('GET', f'{ENDPOINTS}/{{uuid}}', None),
                ('DELETE', f'{ENDPOINTS}/{{uuid}}', None),
            ):
                # waiting writes are in progress when a process stops: answered (`pending`) before it exits
                params = {'wait_applied': '5'} if method == 'PUT' else {}
                response = api.request(method, path.format(uuid=uuid), json=body, params=params)
                outcomes.append((method, response.status_code, restarting.is_set()))
                if method == 'POST':
                    if response.status_code != 201:
                        break
                    uuid = response.json()['uuid']

    threads = [threading.Thread(target=load, args=(writer,)) for writer in range(3)]
    for thread in threads:
        thread.start()
    try:
        restarting.set()
        for process in (*apis, worker):
            process.stop()
            restart(process)
        restarting.clear()
    finally:
        done.set()
        for thread in threads:
            thread.join()

    during = [outcome for outcome in outcomes if outcome[2]]
    failed = [outcome for outcome in outcomes if outcome[1] >= 300]
    assert during and not failed, failed
    wait_settled(clients(apis)[0])
