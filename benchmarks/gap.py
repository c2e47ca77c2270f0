# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How often a registered phone's endpoint is absent or offline in Asterisk while it changes (issue 11).

On a stock Asterisk 22 and on one built with contrib/asterisk/patches (`--patched-prefix`), each
with its own service process: a sipp phone registers, then its endpoint changes 20 times, then its
template 20 times, through the API (each change applied before the next); a poller reads
``GET /ari/endpoints/PJSIP/{name}`` every ~2 ms meanwhile. Each row: the polls that found it
absent (404) or offline, out of all polls (the N column). The patched rows must be 0 (the
integration test test_no_gap.py asserts it); the stock ones are the gap the patch removes.
"""
import os
import sys
import tempfile
from pathlib import Path

from integration_tests.asterisk.conftest import TRANSPORT, remove_tenant_objects
from integration_tests.asterisk.engine import ARI_PASSWORD, ARI_USER, DEFAULT_PREFIX, AsteriskEngine, free_port
from integration_tests.asterisk.live_changes import (
    CHANGES,
    EXTENSIONS,
    Poller,
    Target,
    change_endpoint,
    change_template,
    registered_line,
)
from integration_tests.asterisk.service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess
from tests.databases import create_database
from wazo_confd_pjsip.asterisk import probe
from wazo_confd_pjsip.asterisk.ari import AriClient
from wazo_confd_pjsip.database.embedded import EmbeddedPostgres

from .report import Row, progress

TITLE = 'endpoint gap while a registered phone changes (issue 11)'
PATCHED_PREFIX = Path(os.environ.get('WAZO_TEST_ASTERISK_PATCHED_PREFIX', '/opt/asterisk-patched'))
SERVICE_COMMAND = Path(sys.executable).parent / 'wazo-confd-pjsip'
CHANGE_KINDS = (('endpoint', change_endpoint), ('template', change_template))


def add_arguments(group):
    group.add_argument('--stock-prefix', type=Path, default=DEFAULT_PREFIX, help='a stock Asterisk 22 install')
    group.add_argument(
        '--patched-prefix', type=Path, default=PATCHED_PREFIX, help='an Asterisk built with contrib/asterisk/patches'
    )


def run(options, rows):
    with tempfile.TemporaryDirectory(prefix='wazo-confd-pjsip-bench-gap-') as directory:
        database_server = EmbeddedPostgres(directory, cleanup_mode='delete')
        try:
            server_uri = database_server.start()
            for label, prefix in (('stock', options.stock_prefix), ('patched', options.patched_prefix)):
                progress(f'gap: {label} Asterisk under {prefix}')
                _measure(label, prefix, server_uri, Path(directory) / label, rows)
        finally:
            database_server.stop()
    return f'{CHANGES} changes of each kind; stock under {options.stock_prefix}, patched under {options.patched_prefix}'


def _measure(label, prefix, server_uri, directory, rows):
    engine = AsteriskEngine(prefix)
    engine.configure()
    engine.stop()
    engine.start()
    with AriClient(engine.ari_url, ARI_USER, ARI_PASSWORD) as client:
        if probe.merges_set_var(client) != (label == 'patched'):
            engine.stop()
            raise RuntimeError(f'the Asterisk under {prefix} is not a {label} build')
    db_uri, _ = create_database(server_uri, prefix=f'bench_gap_{label}')
    service = ServiceProcess(SERVICE_COMMAND, directory, db_uri, {'default': engine.engine_config()})
    try:
        engine.load_dialplan(EXTENSIONS)
        service.start()
        sip_port = free_port()
        Api(service.url).post(
            '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
        )
        target = Target(engine, Api(service.url, MASTER_TOKEN, SUB_TENANT), sip_port)
        for kind, change in CHANGE_KINDS:
            line = registered_line(target)
            poller = Poller(engine, line.name)
            poller.start()
            try:
                for index in range(CHANGES):
                    change(target, line, index)
                    poller.wait_for_next_poll()
            finally:
                poller.stop()
            total = poller.total()
            for outcome in ('absent', 'offline'):
                rows.append(Row(f'{label}, {kind} changes: polls {outcome}', total, (poller.seen[outcome],), 'polls'))
            remove_tenant_objects(target.api)
    finally:
        service.stop()
        engine.stop()
        engine.restore()
