# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 5's benchmark: importing a sip.conf of N peers on templates, dry run and real.

Each size gets a fresh database on a private embedded PostgreSQL; the import goes through the
service as the CLI runs it (all the plugins loaded, so the apply outbox is written too).
"""
import tempfile
import time

import yaml

from tests.databases import create_database
from tests.sipconf.test_scale import generated_sip_conf
from wazo_confd_pjsip.config import DEFAULT_CONFIG, merge_configs
from wazo_confd_pjsip.core import build_core, open_database
from wazo_confd_pjsip.database.embedded import EmbeddedPostgres

from .report import Row, progress

TITLE = 'importing a sip.conf (issue 5)'
TEMPLATES = 20
TENANT = '00000000-0000-4000-8000-00000000000a'
DEFAULT_SIZES = (1000, 10000)
QUICK_SIZES = (50,)


def add_arguments(group):
    """No options of its own: --sizes and --quick are shared."""


def run(options, rows):
    sizes = options.sizes or (QUICK_SIZES if options.quick else DEFAULT_SIZES)
    rows.extend(
        Row(f'{label} ({TEMPLATES} templates)', size, (seconds * 1000,), 'ms')
        for label, size, seconds in timings(sizes)
    )


def timings(sizes=DEFAULT_SIZES):
    """[(label, size, seconds)]: a dry run then the real import of each size."""
    rows = []
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-import-bench-') as data_dir:
        server = EmbeddedPostgres(data_dir, cleanup_mode='delete')
        server_uri = server.start()
        try:
            config = _config(data_dir)
            for size in sizes:
                text = generated_sip_conf(peers=size, templates=TEMPLATES)
                database = open_database(config, create_database(server_uri, prefix='import_bench')[0])
                core = build_core(config, database)
                try:
                    importer = core.services.sip_import
                    for dry_run in (True, False):
                        label = 'dry run' if dry_run else 'import'
                        progress(f'import: {label} of {size} peers')
                        rows.append((label, size, _timed_import(importer, text, dry_run)))
                finally:
                    core.stop()
                    database.dispose()
        finally:
            server.stop()
    return rows


def _timed_import(importer, text, dry_run):
    started = time.perf_counter()
    report = importer.run(TENANT, text, master=True, dry_run=dry_run)
    seconds = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f'the generated sip.conf was refused: {report.errors[:3]}')
    return seconds


def _config(data_dir):
    tokens_file = f'{data_dir}/tokens.yml'
    with open(tokens_file, 'w', encoding='utf-8') as file:
        tenants = [{'uuid': TENANT, 'name': 'bench'}]
        yaml.safe_dump({'master_tenant_uuid': TENANT, 'tenants': tenants, 'tokens': []}, file)
    overrides = {
        'data_dir': data_dir,
        'pjsip_doc_file': None,
        'auth': {'backend': 'local', 'tokens_file': tokens_file},
        'apply': {'worker': False},
    }
    return merge_configs(overrides, DEFAULT_CONFIG)
