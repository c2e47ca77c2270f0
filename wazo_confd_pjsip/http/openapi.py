# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One OpenAPI document, merged from the base document and each plugin's api.yml fragment."""
from pathlib import Path

import yaml

BASE_DOCUMENT = Path(__file__).resolve().parent / 'api.yml'


def _deep_merge(target, fragment):
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value
    return target


# http/waiting.py serves `?wait_applied=` on every write: documented once, here, on each of them.
WRITE_METHODS = ('post', 'put', 'delete')
APPLY_STATUS = {
    'Wazo-Apply-Status': {
        'type': 'string',
        'enum': ['applied', 'pending', 'rejected'],
        'description': 'With `wait_applied`: `applied`, `pending` (committed, still to reach Asterisk) or '
        '`rejected` (Asterisk refused it: see GET /asterisk/pjsip/sync).',
    }
}


def build_document(fragment_paths):
    document = yaml.safe_load(BASE_DOCUMENT.read_text())
    for path in fragment_paths:
        _deep_merge(document, yaml.safe_load(Path(path).read_text()) or {})
    _document_dry_run(document)
    _document_wait_applied(document)
    return document


def _document_wait_applied(document):
    for item in document.get('paths', {}).values():
        for method in WRITE_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation.setdefault('parameters', []).append({'$ref': '#/parameters/wait_applied'})
            for code, response in operation.get('responses', {}).items():
                if str(code).startswith('2'):
                    response.setdefault('headers', {}).update(APPLY_STATUS)


# http/dry_run.py serves `?dry_run=` on the writes of these paths (one unit of work each).
DRY_RUN_PATHS = (
    '/endpoints/sip',
    '/sip/transports',
    '/asterisk/pjsip/global',
    '/asterisk/pjsip/system',
    '/history/change_sets',
)
DRY_RUN_RESPONSE = {
    'description': 'With `dry_run`: the impact preview',
    'schema': {'$ref': '#/definitions/DryRunPreview'},
}


def dry_run_path(path):
    return path.startswith(DRY_RUN_PATHS) and not path.endswith('/asterisk')


def _document_dry_run(document):
    for path, item in document.get('paths', {}).items():
        if not dry_run_path(path):
            continue
        for method in WRITE_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation.setdefault('parameters', []).append({'$ref': '#/parameters/dry_run'})
            operation.setdefault('responses', {}).setdefault('200', dict(DRY_RUN_RESPONSE))
