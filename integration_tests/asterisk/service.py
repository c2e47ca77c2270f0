# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd-pjsip as users run it: `pip install` of the checkout into a fresh venv, a config file, a process.

The database is a PostgreSQL of the test session (``db_uri`` set, as in production); auth is the
local backend with a tokens file naming a master tenant and one sub-tenant.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
import venv
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from .engine import REPOSITORY, free_port

START_TIMEOUT = 60.0
# SIGTERM lets requests in progress finish (up to 35 s): systemd's TimeoutStopSec, 60 s, is the contract
STOP_TIMEOUT = 60.0
MASTER_TENANT = 'a0000000-0000-4000-8000-000000000001'
SUB_TENANT = 'a0000000-0000-4000-8000-000000000002'
MASTER_TOKEN = 'a0000000-0000-4000-8000-00000000aaaa'
SUB_TOKEN = 'a0000000-0000-4000-8000-00000000bbbb'


def install_service(directory: Path) -> Path:
    """A fresh venv holding `pip install <checkout>`; returns its wazo-confd-pjsip command."""
    venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    pip = [str(directory / 'bin' / 'python'), '-m', 'pip', '--disable-pip-version-check', '--quiet']
    result = subprocess.run([*pip, 'install', str(REPOSITORY)], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f'pip install {REPOSITORY} failed:\n{result.stdout}\n{result.stderr}')
    return directory / 'bin' / 'wazo-confd-pjsip'


def tokens_file() -> dict:
    tenants = [
        {'uuid': MASTER_TENANT, 'name': 'master', 'parent_uuid': None},
        {'uuid': SUB_TENANT, 'name': 'sub', 'parent_uuid': MASTER_TENANT},
    ]
    tokens = [
        {
            'token': MASTER_TOKEN,
            'user_uuid': str(uuid.uuid4()),
            'tenant_uuid': MASTER_TENANT,
            'acl': ['confd.#', 'auth.tenants.read'],
            'expires_at': None,
        },
        {
            'token': SUB_TOKEN,
            'user_uuid': str(uuid.uuid4()),
            'tenant_uuid': SUB_TENANT,
            'acl': ['confd.#'],
            'expires_at': None,
        },
    ]
    return {'master_tenant_uuid': MASTER_TENANT, 'tenants': tenants, 'tokens': tokens}


@dataclass
class ServiceProcess:
    """One service process (API and apply worker) with its config file; start/stop/kill as an operator would."""

    command: Path
    directory: Path
    db_uri: str
    engines: dict  # asterisk.engines
    port: int = field(default_factory=free_port)
    arguments: tuple = ()
    extra_config: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}/1.1'

    @property
    def log_file(self) -> Path:
        return self.directory / f'service-{self.port}.log'

    def write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        tokens = self.directory / 'tokens.yml'
        tokens.write_text(yaml.safe_dump(tokens_file()))
        config = {
            'db_uri': self.db_uri,
            'data_dir': str(self.directory / 'data'),
            'extra_config_files': str(self.directory / 'conf.d'),  # absent: nothing of the machine's leaks in
            'log_level': 'info',
            'uuid': str(uuid.uuid5(uuid.NAMESPACE_URL, self.url)),
            'rest_api': {'listen': '127.0.0.1', 'port': self.port},
            'auth': {'backend': 'local', 'tokens_file': str(tokens)},
            'asterisk': {'engines': self.engines},
            **self.extra_config,
        }
        path = self.directory / f'config-{self.port}.yml'
        path.write_text(yaml.safe_dump(config))
        return path

    def start(self, wait=True) -> None:
        config = self.write_config()
        with open(self.log_file, 'ab') as log:
            self.process = subprocess.Popen(
                [str(self.command), '-c', str(config), *self.arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'the service exited with {self.process.returncode}:\n{self.log_tail()}')
            try:
                if requests.get(f'{self.url}/status', headers={'X-Auth-Token': MASTER_TOKEN}, timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f'the service did not answer within {START_TIMEOUT} s:\n{self.log_tail()}')

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f'the service did not stop within {STOP_TIMEOUT} s of SIGTERM:\n{self.log_tail()}')

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines=40) -> str:
        if not self.log_file.exists():
            return ''
        return '\n'.join(self.log_file.read_text(errors='replace').splitlines()[-lines:])


class Api:
    """The service's REST API with a token, the way curl scripts and wazo-ui call it."""

    def __init__(self, url, token=MASTER_TOKEN, tenant=None):
        self.url = url
        self.session = requests.Session()
        self.session.headers['X-Auth-Token'] = token
        if tenant:
            self.session.headers['Wazo-Tenant'] = tenant

    def request(self, method, path, expected=None, **kwargs):
        response = self.session.request(method, f'{self.url}{path}', timeout=60, **kwargs)
        if expected is not None and response.status_code != expected:
            raise AssertionError(f'{method} {path}: {response.status_code} instead of {expected}: {response.text}')
        return response

    def get(self, path, **kwargs):
        return self.request('GET', path, 200, **kwargs).json()

    def post(self, path, body, expected=201, wait=True, **kwargs):
        return self._write('POST', path, body, expected, wait, **kwargs)

    def put(self, path, body, expected=204, wait=True, **kwargs):
        return self._write('PUT', path, body, expected, wait, **kwargs)

    def delete(self, path, expected=204, wait=True, **kwargs):
        return self._write('DELETE', path, None, expected, wait, **kwargs)

    def _write(self, method, path, body, expected, wait, **kwargs):
        params = kwargs.pop('params', {})
        if wait:
            params['wait_applied'] = '30'
        response = self.request(method, path, expected, json=body, params=params, **kwargs)
        if wait and response.headers.get('Wazo-Apply-Status') != 'applied':
            raise AssertionError(f'{method} {path} was not applied: {response.headers.get("Wazo-Apply-Status")}')
        return response.json() if response.content else None
