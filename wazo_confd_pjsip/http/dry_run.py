# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`?dry_run=true` on the writes of endpoints, templates, transports, [global] and [system].

The write is validated and made, then rolled back (`Database.previewing`). Invalid input keeps its
usual 4xx; a write that would succeed answers 200 with its preview (apply/preview.py) instead of
its usual body. A request with several units of work would answer the preview of the last one
(each of these routes makes one). `dry_run` wins over `wait_applied`: nothing is committed, so
there is nothing to wait for.
"""
from flask import g, jsonify, request

from .openapi import dry_run_path
from .params import parse_bool

WRITE_METHODS = ('POST', 'PUT', 'DELETE')


def requested():
    """Whether this request is a dry run (a bad value: 400 naming `dry_run`)."""
    if request.method not in WRITE_METHODS or not dry_run_path(request.path.removeprefix('/1.1')):
        return False
    return parse_bool('dry_run', request.args.get('dry_run'))


def install(app, authenticator, db, preview):
    """On `app`: the units of work of `db` in a dry-run request previewed by `preview` (uow → finish)."""

    def open_preview():
        # Once authenticated, before the method: who would get 401 does not get 400.
        if requested():
            g.dry_run = db.previewing(preview)
            g.dry_run_results = g.dry_run.__enter__()

    authenticator.authenticated_request_checks.append(open_preview)

    @app.after_request
    def answer_preview(response):
        context = g.pop('dry_run', None)
        if context is None:
            return response
        context.__exit__(None, None, None)
        results = g.pop('dry_run_results')
        if response.status_code >= 300 or not results:
            return response
        return jsonify(results[-1])
