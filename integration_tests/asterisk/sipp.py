# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""sipp (Debian ``sip-tester``) playing one scenario of ``scenarios/`` against the Asterisk under test.

Every run is bounded (``-m``, ``-timeout``, ``-timeout_error``) so it always ends, stays on loopback
(``-i`` with ``-bind_local``: the source address is the one given), uses a local UDP port chosen free, and
writes its trace files into a temporary directory. A failed run raises with sipp's error log and the
messages it exchanged.
"""
from __future__ import annotations

import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .engine import free_port

SIPP = '/usr/bin/sipp'
SCENARIOS = Path(__file__).resolve().parent / 'scenarios'
RECEIVED = re.compile(r'^UDP message received .*\n\n(.*)$', re.MULTILINE)  # a message's first line


class SippError(AssertionError):
    pass


@dataclass
class Exchange:
    """What a successful run exchanged, from sipp's message trace."""

    messages: str

    @property
    def received(self) -> list[str]:
        """First lines of the messages received, in order."""
        return RECEIVED.findall(self.messages)

    @property
    def statuses(self) -> list[int]:
        """Status codes of the responses received, in order."""
        return [int(line.split()[1]) for line in self.received if line.startswith('SIP/2.0 ')]


def free_udp_port() -> int:
    return free_port(socket.SOCK_DGRAM)


@dataclass
class Sipp:
    """One sipp process: a UAC when `remote` (host:port) is given, else a UAS waiting on its port."""

    scenario: str  # file name under scenarios/
    remote: str | None = None
    local_ip: str = '127.0.0.1'
    local_port: int = field(default_factory=free_udp_port)
    keys: dict = field(default_factory=dict)  # [name] keywords of the scenario (-key)
    credentials: tuple[str, str] | None = None  # username, password of [authentication] (-au, -ap)
    timeout: int = 10  # seconds, for the whole run
    _directory: tempfile.TemporaryDirectory | None = None
    _process: subprocess.Popen | None = None

    def command(self, directory: Path) -> list[str]:
        command = [
            SIPP,
            *([self.remote] if self.remote else []),
            '-sf',
            str(SCENARIOS / self.scenario),
            '-t',
            'u1',
            '-i',
            self.local_ip,
            '-bind_local',
            '-p',
            str(self.local_port),
            '-mi',
            self.local_ip,
            '-m',
            '1',
            '-timeout',
            f'{self.timeout}s',
            '-timeout_error',
            '-nostdin',
            '-aa',  # answers the OPTIONS Asterisk sends to a contact just registered
            '-trace_err',
            '-error_file',
            str(directory / 'errors.log'),
            '-trace_msg',
            '-message_file',
            str(directory / 'messages.log'),
            '-trace_stat',
            '-stf',
            str(directory / 'stat.csv'),
        ]
        for name, value in self.keys.items():
            command += ['-key', name, str(value)]
        if self.credentials:
            command += ['-au', self.credentials[0], '-ap', self.credentials[1]]
        return command

    def start(self) -> Sipp:
        self._directory = tempfile.TemporaryDirectory(prefix='sipp-')
        directory = Path(self._directory.name)
        self._process = subprocess.Popen(
            self.command(directory),
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def wait_listening(self, timeout=5.0) -> Sipp:
        """Returns once sipp's SIP socket is bound (a UAS must be listening before Asterisk sends to it)."""
        deadline = time.monotonic() + timeout
        while not _udp_bound(self.local_ip, self.local_port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.wait()  # raises with sipp's logs when it failed
                raise SippError(f'sipp {self.scenario} did not listen on {self.local_ip}:{self.local_port}')
            time.sleep(0.02)
        return self

    def wait(self) -> Exchange:
        """The exchange of a successful run; raises SippError when sipp counted a failed call."""
        directory = Path(self._directory.name)
        try:
            output, _ = self._process.communicate(timeout=self.timeout + 10)
            messages = _read(directory / 'messages.log')
            if self._process.returncode != 0:
                raise SippError(
                    f'sipp {self.scenario} exited with {self._process.returncode}\n'
                    f'--- errors\n{_read(directory / "errors.log")}\n--- messages\n{messages}\n'
                    f'--- output\n{output[-3000:]}'
                )
            return Exchange(messages)
        finally:
            if self._process.poll() is None:  # only when sipp ignored its own -timeout
                self._process.kill()
                self._process.wait()
            self._directory.cleanup()

    def run(self) -> Exchange:
        return self.start().wait()


def _read(path: Path) -> str:
    return path.read_text(errors='replace') if path.exists() else ''


def _udp_bound(ip, port) -> bool:
    """Whether a UDP socket is bound to ip:port, read from /proc/net/udp (probing by binding would race)."""
    address = f'{socket.inet_aton(ip)[::-1].hex().upper()}:{port:04X}'
    lines = Path('/proc/net/udp').read_text().splitlines()[1:]
    return any(line.split()[1] == address for line in lines)
