# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`?wait_applied=` on any write: answer only once the change reached Asterisk (bounded wait).

Provisioning scripts use it to know a line works before they move on. The status code stays the
usual one (clients accept only 200/201/204); the `Wazo-Apply-Status` header says `applied` or
`pending` (the change is committed and will still be applied) or `rejected` (Asterisk refused
it: see GET /1.1/asterisk/pjsip/sync).
"""
from flask import g, request

from ..errors import InvalidInput
from . import dry_run

MAX_WAIT_SECONDS = 30.0
DEFAULT_WAIT_SECONDS = 10.0
APPLY_STATUS_HEADER = 'Wazo-Apply-Status'


def requested_wait():
    return parse_wait(request.args.get('wait_applied'))


def parse_wait(raw):
    """The bound in seconds that the `wait_applied` value asks for, or None (do not wait)."""
    if raw is None or raw.lower() in ('false', '0', 'no'):
        return None
    if raw.lower() in ('true', 'yes'):
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise InvalidInput('wait_applied', 'Must be a boolean or a number of seconds.')
    if not 0 < seconds <= MAX_WAIT_SECONDS:
        raise InvalidInput('wait_applied', f'Must be between 0 and {MAX_WAIT_SECONDS:g} seconds.')
    return seconds


def install(app, authenticator, db, worker):
    """On `app`: the parameter checked with the request's authentication, the outbox ids its
    units of work of `db` wrote collected, and the response held until `worker` applied them."""

    def check_wait_parameter():
        # A dry run commits nothing: nothing to wait for (http/dry_run.py).
        writing = request.method in ('POST', 'PUT', 'DELETE') and not dry_run.requested()
        g.apply_wait = requested_wait() if writing else None

    authenticator.authenticated_request_checks.append(check_wait_parameter)

    @app.before_request
    def collect_outbox_ids():
        if request.method in ('POST', 'PUT', 'DELETE') and 'wait_applied' in request.args:
            g.apply_collector = db.collecting_outbox_ids()
            g.apply_ids = g.apply_collector.__enter__()

    @app.after_request
    def wait_until_applied(response):
        collector = g.pop('apply_collector', None)
        if collector is None:
            return response
        collector.__exit__(None, None, None)
        ids = g.pop('apply_ids')
        wait = g.get('apply_wait')
        if response.status_code >= 300 or not wait:
            return response
        response.headers[APPLY_STATUS_HEADER] = worker.wait_applied(ids, wait) if ids else 'applied'
        return response
