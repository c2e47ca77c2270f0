# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Debian package, built for real with `make deb` and inspected with dpkg-deb."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = 'wazo-confd-pjsip'
MODULE = 'wazo_confd_pjsip'
SITE_PACKAGES = '/usr/lib/python3/dist-packages'
BUILD_TIMEOUT = 90  # seconds
BUILD_DEPENDENCIES_HINT = 'apt-get build-dep ./ installs them'
PYTHON_DEPENDENCIES = {
    'python3-alembic',
    'python3-cheroot',
    'python3-flask',
    'python3-flask-cors',
    'python3-flask-restful',
    'python3-kombu',
    'python3-marshmallow',
    'python3-psycopg2',
    'python3-requests',
    'python3-sqlalchemy',
    'python3-websocket',
    'python3-yaml',
}


def _unmet_build_dependencies():
    if shutil.which('dpkg-buildpackage') is None:
        return 'dpkg-buildpackage is not installed'
    check = subprocess.run(['dpkg-checkbuilddeps'], cwd=ROOT, capture_output=True, text=True)
    return check.stderr.strip() if check.returncode else None


@pytest.fixture(scope='module')
def build_dir(tmp_path_factory):
    unmet = _unmet_build_dependencies()
    if unmet:
        reason = f'cannot build the Debian package: {unmet} ({BUILD_DEPENDENCIES_HINT})'
        if os.environ.get('CI') == 'true':
            pytest.fail(f'{reason}; CI must build it')
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp('deb')
    result = subprocess.run(
        ['make', '--no-print-directory', '-C', str(ROOT), 'deb', f'DEB_BUILD_DIR={directory}'],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert result.returncode == 0, f'make deb failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}'
    return directory


@pytest.fixture(scope='module')
def deb(build_dir):
    [path] = build_dir.glob(f'{PACKAGE}_*_all.deb')
    return path


@pytest.fixture(scope='module')
def contents(deb):
    """Paths inside the package, as installed ('/etc/...'); directories end with '/'."""
    listing = subprocess.run(['dpkg-deb', '-c', str(deb)], check=True, capture_output=True, text=True).stdout
    return {line.split(maxsplit=5)[5].split(' -> ')[0].removeprefix('.') for line in listing.splitlines()}


@pytest.fixture(scope='module')
def extracted(deb, tmp_path_factory):
    directory = tmp_path_factory.mktemp('installed')
    subprocess.run(['dpkg-deb', '-x', str(deb), str(directory)], check=True)
    return directory


def _control(deb, name):
    return subprocess.run(['dpkg-deb', '-I', str(deb), name], check=True, capture_output=True, text=True).stdout


def test_ships_the_service_files(contents):
    assert f'/lib/systemd/system/{PACKAGE}.service' in contents
    assert f'/usr/bin/{PACKAGE}' in contents
    assert f'/etc/{PACKAGE}/config.yml' in contents
    assert f'/etc/{PACKAGE}/conf.d/' in contents
    assert f'/etc/logrotate.d/{PACKAGE}' in contents
    assert f'/etc/nginx/locations/https-available/{PACKAGE}' in contents


def test_ships_the_readme_the_man_page_and_the_contrib_files_it_points_to(contents):
    doc = f'/usr/share/doc/{PACKAGE}'
    assert {f'{doc}/README.md', f'{doc}/architecture.md', f'/usr/share/man/man1/{PACKAGE}.1.gz'} <= contents
    readme = (ROOT / 'README.md').read_text()
    pointed = {path for path in (ROOT / 'contrib').rglob('*') if path.is_file()}
    assert 'contrib/asterisk/' in readme  # the README does point at them
    missing = sorted(
        str(path.relative_to(ROOT)) for path in pointed if f'{doc}/{path.relative_to(ROOT)}' not in contents
    )
    assert missing == []


def test_ships_the_alembic_migrations(contents):
    alembic = f'{SITE_PACKAGES}/{MODULE}/alembic'
    assert f'{alembic}/env.py' in contents
    assert f'{alembic}/script.py.mako' in contents
    migrations = {Path(path).name for path in contents if path.startswith(f'{alembic}/versions/')}
    assert any(name.startswith('0001_') and name.endswith('.py') for name in migrations), migrations
    assert any(name.startswith('0002_') and name.endswith('.py') for name in migrations), migrations


def test_ships_the_option_facts_and_api_spec(contents):
    assert f'{SITE_PACKAGES}/{MODULE}/options/pjsip-options.json' in contents
    assert f'{SITE_PACKAGES}/{MODULE}/http/api.yml' in contents
    fragments = [
        path for path in contents if path.startswith(f'{SITE_PACKAGES}/{MODULE}/plugins/') and path.endswith('/api.yml')
    ]
    assert fragments


def test_ships_every_file_of_the_python_package(build_dir, contents):
    # Against the copy the package was built from: a file setup.py forgets is a broken install.
    source = build_dir / 'source'
    files = [path for path in (source / MODULE).rglob('*') if path.is_file() and '__pycache__' not in path.parts]
    assert files
    missing = sorted(
        str(path.relative_to(source)) for path in files if f'{SITE_PACKAGES}/{path.relative_to(source)}' not in contents
    )
    assert missing == []


def test_configuration_files_are_conffiles(deb):
    conffiles = set(_control(deb, 'conffiles').split())
    assert {
        f'/etc/{PACKAGE}/config.yml',
        f'/etc/logrotate.d/{PACKAGE}',
        f'/etc/nginx/locations/https-available/{PACKAGE}',
    } <= conffiles


def test_depends_on_debian_python_packages(deb):
    fields = subprocess.run(
        ['dpkg-deb', '-f', str(deb), 'Depends', 'Recommends'], check=True, capture_output=True, text=True
    ).stdout
    relations = dict(line.split(': ', 1) for line in fields.splitlines())
    depends = {relation.split()[0] for relation in relations['Depends'].split(', ')}
    assert PYTHON_DEPENDENCIES <= depends
    assert 'adduser' in depends
    assert not [name for name in depends if 'embedded' in name]
    assert {'postgresql', 'nginx'} <= {relation.split()[0] for relation in relations['Recommends'].split(', ')}


def test_postinst_enables_and_starts_the_unit(deb):
    postinst = _control(deb, 'postinst')
    # The part dh_installsystemd adds in place of #DEBHELPER#, after the script's own configure
    # step: the schema is upgraded before the service (re)starts.
    start = f"deb-systemd-invoke $_dh_action '{PACKAGE}.service'"
    assert f"deb-systemd-helper enable '{PACKAGE}.service'" in postinst
    assert start in postinst
    configure = postinst.index('    configure)\n')
    assert postinst.index('upgrade_schema\n', configure) < postinst.index('\nesac\n') < postinst.index(start)


def test_packaged_code_runs_and_finds_its_migrations(extracted):
    # The packaged module (not the work tree) with this virtualenv's libraries standing in for Debian's.
    site_packages = extracted / SITE_PACKAGES.lstrip('/')
    script = (
        'import sys\n'
        'from alembic.script import ScriptDirectory\n'
        f'import {MODULE}\n'
        f'from {MODULE}.database.migrate import alembic_config\n'
        f'assert {MODULE}.__file__.startswith(sys.argv[1]), {MODULE}.__file__\n'
        "print(*ScriptDirectory.from_config(alembic_config('postgresql:///unused')).get_heads())\n"
    )
    environment = dict(os.environ, PYTHONPATH=str(site_packages))
    heads = _run_python(['-c', script, str(site_packages)], environment, cwd=extracted).split()
    assert len(heads) == 1

    usage = _run_python([str(extracted / 'usr' / 'bin' / PACKAGE), '--help'], environment, cwd=extracted)
    assert 'upgrade-db' in usage


def _run_python(arguments, environment, cwd):
    # Away from the work tree, which `python -c` would otherwise put first on sys.path.
    result = subprocess.run(
        [sys.executable, *arguments], env=environment, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


CYCLE_SCRIPT = ROOT / 'tests' / 'packaging' / 'package_cycle.sh'
CYCLE_TIMEOUT = 900  # seconds: apt-get installs PostgreSQL and nginx on a fresh machine


def _cycle_unmet():
    if os.geteuid() != 0:
        return 'it runs as root'
    debian = Path('/etc/debian_version')
    if shutil.which('apt-get') is None or not debian.exists() or not debian.read_text().startswith('12'):
        return 'it needs a Debian 12 machine'
    return None


def test_install_configure_use_remove_reinstall_purge_cycle(deb):
    """The whole life of the package on this machine with Debian's PostgreSQL (package_cycle.sh says each step)."""
    unmet = _cycle_unmet()
    if os.environ.get('CI') != 'true':
        pytest.skip(unmet or 'it changes the machine (apt-get install, purge): CI runs it, or run package_cycle.sh')
    if unmet:
        pytest.fail(f'the package cycle cannot run: {unmet}; CI must run it')
    result = subprocess.run(
        ['bash', str(CYCLE_SCRIPT), str(deb)], capture_output=True, text=True, timeout=CYCLE_TIMEOUT
    )

    assert result.returncode == 0, f'{result.stdout[-3000:]}\n{result.stderr[-3000:]}'
    assert result.stdout.splitlines()[-1] == '== the package cycle passed'
