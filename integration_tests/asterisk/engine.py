# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real Asterisk 22 under a prefix of its own, configured by the test that runs it.

The build in ``../shared/asterisk/`` is installed with its ``install.sh`` when the prefix holds no
binary; a failed install raises (the suite fails loudly, it never skips). Each engine gets free
ports for HTTP/ARI, its own sorcery.conf, pjsip.conf, ari.conf and http.conf, written over the
installed files and put back by `restore()`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_ASTERISK = Path(os.environ.get('WAZO_SHARED_ASTERISK', REPOSITORY.parent / 'shared' / 'asterisk'))
DEFAULT_PREFIX = Path(os.environ.get('WAZO_TEST_ASTERISK_PREFIX', '/opt/asterisk'))
# The second engine of the two-engine tests: a prefix of its own, installed like the first.
SECOND_PREFIX = Path(os.environ.get('WAZO_TEST_ASTERISK_PREFIX_2', '/opt/asterisk-2'))
ARI_USER, ARI_PASSWORD = 'wazo', 'secret'
READ_ONLY_ARI_USERS = (('viewer', 'look'),)  # (user, password) of ari.conf users with read_only = yes
CONFIGURED_FILES = ('sorcery.conf', 'pjsip.conf', 'ari.conf', 'http.conf')
NATIVE_FILE = 'pjsip_native.conf'  # native pjsip.conf objects and templates, mapped before memory
SERVICE_FILE = 'pjsip.d/wazo-confd-pjsip.conf'  # where the service writes transports, [global], [system]
MEMORY_TYPES = {
    'res_pjsip': ('endpoint', 'aor', 'auth'),
    'res_pjsip_endpoint_identifier_ip': ('identify',),
    'res_pjsip_outbound_registration': ('registration',),
}


class AsteriskError(RuntimeError):
    pass


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def ensure_installed(prefix: Path) -> None:
    if (prefix / 'sbin' / 'asterisk').exists():
        return
    installer = SHARED_ASTERISK / 'install.sh'
    if not installer.exists():
        raise AsteriskError(f'no Asterisk under {prefix} and no installer at {installer}')
    result = subprocess.run(['bash', str(installer), str(prefix)], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not (prefix / 'sbin' / 'asterisk').exists():
        raise AsteriskError(f'{installer} {prefix} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}')


def sorcery_conf() -> str:
    """Pushed objects in memory; native objects of the differential tests in their own file, read first."""
    lines = ['[general]', 'update_or_create_on_update_miss = no', '']
    for section, types in MEMORY_TYPES.items():
        lines.append(f'[{section}]')
        for object_type in types:
            lines.append(f'{object_type} = config,{NATIVE_FILE},criteria=type={object_type}')
            lines.append(f'{object_type} = memory')
        if section == 'res_pjsip':
            lines.append('contact = astdb,registrar')
        lines.append('')
    return '\n'.join(lines)


def ari_conf(read_only_users) -> str:
    users = [(ARI_USER, ARI_PASSWORD, 'no')] + [(user, password, 'yes') for user, password in read_only_users]
    sections = (
        f'\n[{user}]\ntype = user\nread_only = {read_only}\npassword = {password}\n'
        for user, password, read_only in users
    )
    return '[general]\nenabled = yes\n' + ''.join(sections)


@dataclass
class AsteriskEngine:
    prefix: Path = DEFAULT_PREFIX
    http_port: int = field(default_factory=free_port)
    _backups: dict = field(default_factory=dict)

    @property
    def etc(self) -> Path:
        return self.prefix / 'etc' / 'asterisk'

    @property
    def ari_url(self) -> str:
        return f'http://127.0.0.1:{self.http_port}/ari'

    @property
    def service_file(self) -> Path:
        return self.etc / SERVICE_FILE

    @property
    def native_file(self) -> Path:
        return self.etc / NATIVE_FILE

    @property
    def messages_log(self) -> Path:
        return self.prefix / 'var' / 'log' / 'asterisk' / 'messages.log'

    def engine_config(self) -> dict:
        """The service's asterisk.engines.<name> entry for this engine."""
        return {
            'ari': {'url': self.ari_url, 'username': ARI_USER, 'password': ARI_PASSWORD, 'timeout': 10},
            'pjsip_conf_file': str(self.service_file),
        }

    def configure(self, pjsip_extra: str = '', read_only_ari_users=READ_ONLY_ARI_USERS) -> None:
        """Write this engine's four files (the installed ones are kept for `restore`); takes effect at start."""
        ensure_installed(self.prefix)
        for name in CONFIGURED_FILES:
            path = self.etc / name
            if name not in self._backups:
                self._backups[name] = path.read_bytes() if path.exists() else None
        self.service_file.parent.mkdir(parents=True, exist_ok=True)
        self.service_file.write_text('')
        self.native_file.write_text('')
        self._write('http.conf', f'[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = {self.http_port}\n')
        self._write('ari.conf', ari_conf(read_only_ari_users))
        self._write('sorcery.conf', sorcery_conf())
        self._write('pjsip.conf', f'#tryinclude {self.service_file}\n{pjsip_extra}')

    def load_dialplan(self, extensions: str) -> None:
        """The test's extensions.conf (the installed one is kept for `restore`), live at once."""
        path = self.etc / 'extensions.conf'
        if path.name not in self._backups:
            self._backups[path.name] = path.read_bytes() if path.exists() else None
        path.write_text(extensions)
        self.cli('dialplan reload')

    def unload_dialplan(self) -> None:
        """The installed extensions.conf again, live at once (other tests of the session use its contexts)."""
        path = self.etc / 'extensions.conf'
        if path.name not in self._backups:
            return
        content = self._backups.pop(path.name)
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)
        self.cli('dialplan reload')

    def restore(self) -> None:
        for name, content in self._backups.items():
            path = self.etc / name
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        self._backups.clear()
        self.native_file.unlink(missing_ok=True)

    def _write(self, name, text):
        (self.etc / name).write_text(text)

    # lifecycle

    def start(self) -> None:
        result = self._tool('asterisk-start.sh')
        if result.returncode != 0:
            raise AsteriskError(f'asterisk-start.sh failed: {result.stdout}{result.stderr}')
        self.wait_ari()

    def stop(self) -> None:
        result = self._tool('asterisk-stop.sh')
        if result.returncode != 0:
            raise AsteriskError(f'asterisk-stop.sh failed: {result.stdout}{result.stderr}')

    def restart(self) -> None:
        self.stop()
        self.start()

    def kill(self) -> None:
        """SIGKILL, as a crash: every pushed object is gone."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, 9)
            while self.pid() is not None:
                time.sleep(0.05)

    def pid(self):
        try:
            pid = int((self.prefix / 'var' / 'run' / 'asterisk' / 'asterisk.pid').read_text().strip())
            exe = os.readlink(f'/proc/{pid}/exe').removesuffix(' (deleted)')
        except (OSError, ValueError):
            return None
        return pid if exe == os.path.realpath(self.prefix / 'sbin' / 'asterisk') else None

    def _tool(self, name):
        return subprocess.run(['bash', str(self.prefix / 'tools' / name)], capture_output=True, text=True, timeout=120)

    def wait_ari(self, timeout=30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.ari('GET', '/asterisk/info').status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AsteriskError(f'ARI did not answer on {self.ari_url} within {timeout} s')

    # reading it

    def ari(self, method, path, **kwargs) -> requests.Response:
        return requests.request(method, f'{self.ari_url}{path}', auth=(ARI_USER, ARI_PASSWORD), timeout=10, **kwargs)

    def startup_time(self) -> str:
        return self.ari('GET', '/asterisk/info').json()['status']['startup_time']

    def object(self, object_type, object_id):
        """The object as ARI reads it back ({attribute: [values]}), or None when Asterisk has none."""
        response = self.ari('GET', f'/asterisk/config/dynamic/res_pjsip/{object_type}/{object_id}')
        if response.status_code == 404:
            return None
        response.raise_for_status()
        fields: dict = {}
        for item in response.json():
            fields.setdefault(item['attribute'], []).append(item['value'])
        return fields

    def cli(self, command) -> str:
        result = subprocess.run(
            [str(self.prefix / 'sbin' / 'asterisk'), '-C', str(self.etc / 'asterisk.conf'), '-rx', command],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise AsteriskError(f'asterisk -rx {command!r} failed: {result.stdout}{result.stderr}')
        return result.stdout

    def reload_pjsip(self) -> None:
        self.cli('module reload res_pjsip.so')

    def log_size(self) -> int:
        return self.messages_log.stat().st_size if self.messages_log.exists() else 0

    def log_since(self, offset) -> str:
        with open(self.messages_log, 'rb') as log:
            log.seek(offset)
            return log.read().decode(errors='replace')
