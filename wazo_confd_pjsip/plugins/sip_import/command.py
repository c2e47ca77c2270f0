# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`wazo-confd-pjsip import-sip-conf`: the importer on a file, with a progress bar and a summary.

Engine-wide keys ([general] transports, [global], [system]) are imported into the master tenant
only; for a sub-tenant they are reported as skipped, as by the API.
"""
import json
import sys
import uuid as uuid_lib
from pathlib import Path

from ...sipconf import Issue, SipConfError
from ...sipconf.naming import Naming
from .progress import JsonProgress, NoProgress, ProgressBar
from .report import ImportReport, where

EXIT_OK = 0
EXIT_REFUSED = 1  # conflicts or errors: nothing written
EXIT_USAGE = 2


def progress_of(mode, stream):
    """The progress display of `--progress`: auto is a bar on a terminal and nothing elsewhere."""
    if mode == 'json':
        return JsonProgress(stream)
    if mode == 'auto' and stream.isatty():
        return ProgressBar(stream)
    return NoProgress()


def run(
    core,
    path,
    tenant,
    dry_run=False,
    report_path=None,
    new_tenant=False,
    prefix=None,
    renames=(),
    update=False,
    progress_mode='auto',
):
    """Import the file, print the summary; the exit code.

    new_tenant: the tenant may be one this service has never seen (it is then created); without it,
    a mistyped uuid would silently put the endpoints in a tenant nobody administers.
    prefix, renames ('OLD=NEW'), update: see SipConfImporter.run and sipconf.naming.
    progress_mode: auto, json or none (progress_of).
    """
    out, err = sys.stdout, sys.stderr
    try:
        tenant_uuid = str(uuid_lib.UUID(tenant))
    except ValueError:
        print(f'--tenant: not a tenant uuid: {tenant}', file=err)
        return EXIT_USAGE
    if not new_tenant and not core.services.tenants.exists(tenant_uuid):
        print(
            f'--tenant: no tenant {tenant_uuid} is known here (check the uuid, or give --new-tenant to create it)',
            file=err,
        )
        return EXIT_USAGE
    try:
        naming = Naming.of(prefix, renames)
    except ValueError as e:
        print(f'--rename: {e}', file=err)
        return EXIT_USAGE
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        print(f'{path}: cannot read: {e.strerror or e}', file=err)
        return EXIT_USAGE

    # Opened before parsing: a report that cannot be written must not cost a whole import.
    try:
        report_file = open(report_path, 'w', encoding='utf-8') if report_path else None
    except OSError as e:
        print(f'--report {report_path}: cannot write: {e.strerror or e}', file=err)
        return EXIT_USAGE
    master = tenant_uuid == core.auth_backend.master_tenant_uuid()
    progress = progress_of(progress_mode, err)
    try:
        report = core.services.sip_import.run(
            tenant_uuid,
            data,
            master=master,
            dry_run=dry_run,
            naming=naming,
            update=update,
            file=path,
            read_include=_read_include,
            progress=progress,
        )
    except SipConfError as e:
        report = ImportReport(dry_run)
        report.add_plan_error(Issue(e.message, None, e.file, e.line))
    finally:
        progress.finish()
    if report_file:
        with report_file:
            report_file.write(json.dumps(report.as_json(), indent=2) + '\n')
    out.write(summary(report, path, tenant_uuid))
    return EXIT_REFUSED if report.failed else EXIT_OK


def _read_include(path):
    return Path(path).read_bytes()


def summary(report, path, tenant_uuid):
    created = report.created
    if report.dry_run:
        lines = [f'dry run of {path} into tenant {tenant_uuid}: nothing written', 'would create:']
    elif report.failed:
        lines = [f'{path} NOT imported into tenant {tenant_uuid}: nothing written', 'created:']
    else:
        lines = [f'{path} imported into tenant {tenant_uuid}', 'created:']
    carried = sum(1 for placed in created['registrations'] if placed['endpoint'] in created['endpoints'])
    lines[-1] += (
        f" {len(created['templates'])} templates, {len(created['endpoints'])} endpoints"
        f" ({carried} with a registration), {len(created['transports'])} transports,"
        f" {len(created['global'])} [global] and {len(created['system'])} [system] options"
    )
    updated = report.updated
    if updated['templates'] or updated['endpoints']:
        verb = 'would update' if report.dry_run else 'updated'
        lines.append(f"{verb}: {len(updated['templates'])} templates, {len(updated['endpoints'])} endpoints")
    lines.append(
        f'skipped: {len(report.skipped)}, conflicts: {len(report.conflicts)}, unmapped: {len(report.unmapped)},'
        f' warnings: {len(report.warnings)}, errors: {len(report.errors)}'
    )
    lines += [
        f"conflict: {c['kind']} '{c['name']}' already exists ({where(c['file'], c['line'])})" for c in report.conflicts
    ]
    lines += [f"error: {_located(e)}" for e in report.errors]
    if report.failed:
        lines.append('fix the conflicts and errors, then import again')
    elif report.change_set_uuid:
        lines.append(f'change set {report.change_set_uuid}: POST /1.1/history/change_sets/{{uuid}}/revert undoes it')
    return '\n'.join(lines) + '\n'


def _located(issue):
    location = where(issue['file'], issue['line'])
    return f"{location}: {issue['message']}" if location else issue['message']
