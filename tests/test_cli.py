# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`render-pjsip-conf` and `apply-worker` on a first-run setup: local auth, no tokens file yet."""
import selectors
import signal
import subprocess
import sys
import time

import pytest
import yaml

from wazo_confd_pjsip import cli
from wazo_confd_pjsip.apply.full_render import FULL_RENDER_HEADER

WORKER_START_TIMEOUT = 30


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / 'data'


@pytest.fixture
def first_run_config(tmp_path, db_uri):
    """The test database; the auth of a first run: the local backend and no tokens file (it defaults into data_dir)."""
    path = tmp_path / 'config.yml'
    path.write_text(
        yaml.safe_dump(
            {
                'db_uri': db_uri,
                'extra_config_files': str(tmp_path / 'conf.d'),
                'log_level': 'warning',
                'auth': {'backend': 'local', 'tokens_file': None},
                'asterisk': {'engines': {'default': {'ari': {'url': 'http://127.0.0.1:9/ari', 'timeout': 0.2}}}},
            }
        )
    )
    return path


def test_render_pjsip_conf_on_a_first_run(first_run_config, data_dir, capsys):
    code = cli.main(['-c', str(first_run_config), '--data-dir', str(data_dir), 'render-pjsip-conf'])

    assert code == 0
    output = capsys.readouterr().out
    assert output.startswith(FULL_RENDER_HEADER)
    assert '[global]\ntype = global\n' in output
    assert (data_dir / 'tokens.yml').exists()  # the same first-run file serve would have written


def test_apply_worker_on_a_first_run(first_run_config, data_dir):
    command = [sys.executable, '-m', 'wazo_confd_pjsip', '-c', str(first_run_config), '--data-dir', str(data_dir)]
    worker = subprocess.Popen([*command, 'apply-worker'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = _first_line(worker, WORKER_START_TIMEOUT)
        assert first_line == 'apply worker running\n', worker.stderr.read() if worker.poll() is not None else ''
        time.sleep(0.5)
        assert worker.poll() is None  # still working (and past installing its SIGTERM handler)
        worker.send_signal(signal.SIGTERM)  # how systemd stops it
        assert worker.wait(timeout=WORKER_START_TIMEOUT) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()


def _first_line(process, timeout):
    """The first line the process prints ('' when it exits first), or None when it prints nothing in time."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return None
    return process.stdout.readline()
