# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the apply benchmark pushes: a real Asterisk 22 when one is installed, else the fake ARI.

- `--ari-url`: an Asterisk someone else runs (it cannot be restarted: full pushes re-push in place);
- otherwise the build of ../shared/asterisk installed under `--asterisk-prefix`, started with the
  suite's own configuration (files restored afterwards);
- `--fake-ari`, or no Asterisk installed: the fake ARI in a process of its own.
"""
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from integration_tests.asterisk.engine import ARI_PASSWORD, ARI_USER, DEFAULT_PREFIX, AsteriskEngine

from .fake_ari_process import FakeAriProcess


@dataclass(frozen=True)
class AriTarget:
    description: str
    url: str
    username: str
    password: str
    restart: Callable[[], None] | None  # an empty Asterisk again (None: not ours to restart)


def add_arguments(group):
    group.add_argument('--ari-url', help='an Asterisk ARI someone else runs (http://host:8088/ari)')
    group.add_argument('--ari-username', default='wazo')
    group.add_argument('--ari-password', default='secret')
    group.add_argument(
        '--asterisk-prefix',
        type=Path,
        default=DEFAULT_PREFIX,
        help=f'the installed Asterisk to start and measure (default {DEFAULT_PREFIX})',
    )
    group.add_argument('--fake-ari', action='store_true', help='measure against the fake ARI, not a real Asterisk')


@contextlib.contextmanager
def ari_target(options):
    if options.ari_url:
        yield AriTarget(
            f'the Asterisk at {options.ari_url}', options.ari_url, options.ari_username, options.ari_password, None
        )
    elif not options.fake_ari and (options.asterisk_prefix / 'sbin' / 'asterisk').exists():
        with _real_asterisk(options.asterisk_prefix) as target:
            yield target
    else:
        fake = FakeAriProcess()
        try:
            yield AriTarget('the fake ARI', f'{fake.url}/ari', 'wazo', 'secret', fake.restart)
        finally:
            fake.close()


@contextlib.contextmanager
def _real_asterisk(prefix):
    with started_asterisk(prefix) as engine:
        yield AriTarget(
            f'real Asterisk {version(engine)} ({prefix})', engine.ari_url, ARI_USER, ARI_PASSWORD, engine.restart
        )


@contextlib.contextmanager
def started_asterisk(prefix):
    """The installed Asterisk under `prefix`, started with the suite's configuration; stopped and restored after."""
    engine = AsteriskEngine(prefix)
    engine.configure()
    engine.stop()  # an instance left running holds the old files
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()
        engine.restore()


def version(engine):
    return engine.ari('GET', '/asterisk/info').json()['system']['version']
