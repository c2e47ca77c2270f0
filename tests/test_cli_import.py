# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`wazo-confd-pjsip import-sip-conf`, run through the CLI's main() on the test database."""
import io
import json

import pytest
import sqlalchemy as sa
import yaml

from tests.api.conftest import reset_database
from wazo_confd_pjsip import cli
from wazo_confd_pjsip.database.session import Database
from wazo_confd_pjsip.plugins.sip_import.command import progress_of
from wazo_confd_pjsip.plugins.sip_import.progress import JsonProgress, LoggedProgress, ProgressBar

TENANT = 'bbbbbbbb-0000-4000-8000-000000000001'
GENERAL = f'sip-general-{TENANT}'

MAIN_FILE = '''\
[general]
udpbindaddr=0.0.0.0:5060
context=public
useragent=Migrated
#include sip.d/peers.conf
'''
PEERS_FILE = '''\
[phones](!)
type=friend
host=dynamic
qualify=yes
[alice](phones)
secret=a
'''


@pytest.fixture
def database(db_uri):
    database = Database(db_uri)
    reset_database(database)
    record_tenant(database, TENANT)
    yield database
    reset_database(database)  # the database is shared with the other tests
    database.dispose()


@pytest.fixture
def config_file(tmp_path, db_uri):
    tokens = tmp_path / 'tokens.yml'
    tokens.write_text(
        yaml.safe_dump(
            {
                'master_tenant_uuid': TENANT,
                'tenants': [{'uuid': TENANT, 'name': 'main', 'parent_uuid': None}],
                'tokens': [{'token': 'admin', 'tenant_uuid': TENANT, 'acl': ['confd.#']}],
            }
        )
    )
    path = tmp_path / 'config.yml'
    path.write_text(
        yaml.safe_dump(
            {
                'db_uri': db_uri,
                'data_dir': str(tmp_path / 'data'),
                'extra_config_files': str(tmp_path / 'conf.d'),
                'log_level': 'warning',
                'auth': {'backend': 'local', 'tokens_file': str(tokens)},
                'apply': {'worker': False},
            }
        )
    )
    return path


@pytest.fixture
def sip_conf(tmp_path):
    (tmp_path / 'sip.d').mkdir()
    (tmp_path / 'sip.d' / 'peers.conf').write_text(PEERS_FILE)
    path = tmp_path / 'sip.conf'
    path.write_text(MAIN_FILE)
    return path


def record_tenant(database, tenant_uuid):
    with database.engine.begin() as connection:
        connection.execute(sa.text('INSERT INTO tenant (uuid) VALUES (:uuid)'), {'uuid': tenant_uuid})


def import_sip_conf(config_file, *arguments):
    return cli.main(['-c', str(config_file), 'import-sip-conf', *map(str, arguments)])


def endpoint_rows(database):
    with database.engine.connect() as connection:
        return dict(
            connection.execute(
                sa.text('SELECT name, CAST(tenant_uuid AS text) FROM endpoint_sip WHERE name IN (:a, :b, :c)'),
                {'a': 'alice', 'b': 'phones', 'c': GENERAL},
            ).all()
        )


def test_import_follows_includes_and_writes_the_report(database, config_file, sip_conf, tmp_path, capsys):
    report_path = tmp_path / 'report.json'

    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--report', report_path)

    assert code == 0
    report = json.loads(report_path.read_text())
    assert capsys.readouterr().out == (
        f'{sip_conf} imported into tenant {TENANT}\n'
        'created: 2 templates, 1 endpoints (0 with a registration), 1 transports, 1 [global] and 0 [system] options\n'
        'skipped: 0, conflicts: 0, unmapped: 0, warnings: 0, errors: 0\n'
        f'change set {report["change_set_uuid"]}: POST /1.1/history/change_sets/{{uuid}}/revert undoes it\n'
    )
    assert endpoint_rows(database) == {'alice': TENANT, 'phones': TENANT, GENERAL: TENANT}
    assert report['unmapped'] == []
    assert report['created']['global'] == {'user_agent': 'Migrated'}
    with database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM apply_outbox WHERE kind = 'endpoint'")).scalar() == 1


def test_dry_run_writes_nothing(database, config_file, sip_conf, capsys):
    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--dry-run')

    assert code == 0
    assert capsys.readouterr().out.startswith(
        f'dry run of {sip_conf} into tenant {TENANT}: nothing written\n' 'would create: 2 templates, 1 endpoints'
    )
    assert endpoint_rows(database) == {}


def test_a_prefix_imports_a_second_customer_beside_the_first(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', TENANT) == 0
    other = 'bbbbbbbb-0000-4000-8000-000000000002'
    record_tenant(database, other)

    code = import_sip_conf(config_file, sip_conf, '--tenant', other, '--prefix', 'c2-', '--rename', 'phones=c2-desk')

    assert code == 0, capsys.readouterr().out
    with database.engine.connect() as connection:
        names = dict(
            connection.execute(
                sa.text('SELECT name, CAST(tenant_uuid AS text) FROM endpoint_sip WHERE tenant_uuid = :t'), {'t': other}
            ).all()
        )
    assert names == {'c2-alice': other, 'c2-desk': other, f'c2-sip-general-{other}': other}


def test_a_re_import_with_update_updates_what_the_first_made(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', TENANT) == 0
    assert import_sip_conf(config_file, sip_conf, '--tenant', TENANT) == 1
    capsys.readouterr()

    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--update')

    out = capsys.readouterr().out
    assert code == 0, out
    assert 'created: 0 templates, 0 endpoints' in out
    assert 'updated: 2 templates, 1 endpoints' in out.splitlines()
    assert endpoint_rows(database) == {'alice': TENANT, 'phones': TENANT, GENERAL: TENANT}


def test_a_malformed_rename_is_a_usage_error(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--rename', 'alice') == 2
    assert capsys.readouterr().err == "--rename: 'alice': expected OLD=NEW\n"
    assert endpoint_rows(database) == {}


def test_conflicts_refuse_the_import(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', TENANT) == 0
    capsys.readouterr()

    other = 'bbbbbbbb-0000-4000-8000-000000000002'
    record_tenant(database, other)
    code = import_sip_conf(config_file, sip_conf, '--tenant', other.upper())

    assert code == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f'{sip_conf} NOT imported into tenant {other}: nothing written'
    # Each tenant has its own [general] template: the names of the peers' sections are what clash.
    assert "conflict: template 'sip-general-" not in out
    assert f"conflict: template 'phones' already exists ({sip_conf.parent / 'sip.d' / 'peers.conf'}:1)" in out
    assert f"conflict: endpoint 'alice' already exists ({sip_conf.parent / 'sip.d' / 'peers.conf'}:5)" in out
    assert endpoint_rows(database) == {'alice': TENANT, 'phones': TENANT, GENERAL: TENANT}


def test_a_file_that_does_not_parse_is_reported_with_its_line(database, config_file, sip_conf, tmp_path, capsys):
    (tmp_path / 'sip.d' / 'peers.conf').write_text('[loop]\n#include ../sip.conf\n')
    report_path = tmp_path / 'report.json'

    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--report', report_path)

    assert code == 1
    peers = tmp_path / 'sip.d' / 'peers.conf'
    message = f'include loop: {sip_conf} -> {peers} -> {sip_conf}'
    assert f'error: {peers}:2: {message}\n' in capsys.readouterr().out
    assert json.loads(report_path.read_text())['errors'] == [
        {'message': message, 'section': None, 'file': str(peers), 'line': 2}
    ]
    assert endpoint_rows(database) == {}


def test_a_report_that_cannot_be_written_fails_before_parsing(database, config_file, sip_conf, tmp_path, capsys):
    # Root may write anywhere: a path under a regular file is unwritable for every user.
    report_path = tmp_path / 'sip.conf' / 'report.json'
    (tmp_path / 'sip.d' / 'peers.conf').write_text('[loop]\n#include ../sip.conf\n')  # would fail to parse

    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--report', report_path)

    assert code == 2
    out, err = capsys.readouterr()
    assert (out, err) == ('', f'--report {report_path}: cannot write: Not a directory\n')
    assert endpoint_rows(database) == {}


SUB_TENANT = 'bbbbbbbb-0000-4000-8000-000000000003'


def test_a_sub_tenant_import_skips_the_engine_wide_keys(database, config_file, sip_conf, tmp_path, capsys):
    record_tenant(database, SUB_TENANT)
    report_path = tmp_path / 'report.json'

    code = import_sip_conf(config_file, sip_conf, '--tenant', SUB_TENANT, '--report', report_path)

    assert code == 0
    report = json.loads(report_path.read_text())
    assert report['created']['global'] == {}
    assert report['created']['transports'] == []
    reason = "engine-wide: only the master tenant's administrators may import it"
    assert {'kind': 'global', 'name': 'user_agent', 'reason': reason} in report['skipped']
    with database.engine.connect() as connection:
        options = connection.execute(sa.text("SELECT options FROM pjsip_engine_section WHERE name = 'global'")).scalar()
    assert ['user_agent', 'Migrated'] not in (options or [])


def test_a_tenant_must_be_a_uuid(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', 'main') == 2
    assert capsys.readouterr().err == '--tenant: not a tenant uuid: main\n'


UNKNOWN_TENANT = '12345678-1234-4234-8234-123456789abc'


def test_a_tenant_nobody_knows_is_refused(database, config_file, sip_conf, capsys):
    assert import_sip_conf(config_file, sip_conf, '--tenant', UNKNOWN_TENANT) == 2
    assert capsys.readouterr().err == (
        f'--tenant: no tenant {UNKNOWN_TENANT} is known here (check the uuid, or give --new-tenant to create it)\n'
    )
    assert endpoint_rows(database) == {}
    with database.engine.connect() as connection:
        assert connection.execute(sa.text('SELECT count(*) FROM tenant')).scalar() == 1


def test_new_tenant_creates_the_tenant(database, config_file, sip_conf, capsys):
    # Through command.run: cli.py does not offer --new-tenant yet.
    from wazo_confd_pjsip.plugins.sip_import import command

    with cli.running_core(cli.configuration(['-c', str(config_file)])[1]) as core:
        code = command.run(core, sip_conf, UNKNOWN_TENANT, new_tenant=True)

    assert code == 0
    assert capsys.readouterr().out.startswith(f'{sip_conf} imported into tenant {UNKNOWN_TENANT}\n')
    assert endpoint_rows(database)['alice'] == UNKNOWN_TENANT


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_bar_is_redrawn_at_most_every_interval():
    terminal, clock = FakeTerminal(), Clock()
    bar = ProgressBar(terminal, interval=0.2, clock=clock)

    bar(1, 4)  # within the first interval: a quick import shows no bar
    clock.now = 0.25
    bar(2, 4)
    clock.now = 0.3
    bar(3, 4)  # too soon after the last drawing
    bar(4, 4)
    bar.finish()

    assert terminal.getvalue() == (f"\rimporting [{'#' * 15}{'-' * 15}] 2/4" f"\rimporting [{'#' * 30}] 4/4\n")


def test_no_progress_bar_outside_a_terminal():
    stream, terminal = io.StringIO(), FakeTerminal()

    assert isinstance(progress_of('auto', terminal), ProgressBar)
    progress = progress_of('auto', stream)
    progress(1, 2)
    progress.finish()
    assert stream.getvalue() == ''


def test_json_progress_is_a_line_per_interval_and_always_a_last_one():
    stream, clock = io.StringIO(), Clock()
    progress = JsonProgress(stream, interval=1.0, clock=clock)

    progress(1, 3)
    clock.now = 1.5
    progress(2, 3)
    progress(3, 3)  # too soon
    progress.finish()
    quick = io.StringIO()
    done_at_once = JsonProgress(quick, clock=Clock())
    done_at_once(1, 1)
    done_at_once.finish()

    assert [json.loads(line) for line in stream.getvalue().splitlines()] == [
        {'progress': 'sip-import', 'done': 2, 'total': 3},
        {'progress': 'sip-import', 'done': 3, 'total': 3},
    ]
    assert json.loads(quick.getvalue()) == {'progress': 'sip-import', 'done': 1, 'total': 1}


def test_the_cli_prints_json_progress_for_scripts(database, config_file, sip_conf, capsys):
    code = import_sip_conf(config_file, sip_conf, '--tenant', TENANT, '--progress', 'json')

    assert code == 0
    [last] = capsys.readouterr().err.splitlines()[-1:]
    assert json.loads(last) == {'progress': 'sip-import', 'done': 4, 'total': 4}  # a transport, 2 templates, 1 endpoint


def test_an_api_import_logs_its_progress(caplog):
    clock = Clock()
    progress = LoggedProgress('t-1', interval=5.0, clock=clock)
    with caplog.at_level('INFO', logger='wazo_confd_pjsip.plugins.sip_import.progress'):
        clock.now = 6
        progress(10, 20)
        progress(20, 20)
        progress.finish()

    assert [record.getMessage() for record in caplog.records] == [
        'sip.conf import into tenant t-1: 10/20 objects created',
        'sip.conf import into tenant t-1: 20/20 objects created',
    ]
