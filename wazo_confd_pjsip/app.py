# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Flask application: the HTTP layer around a built Core (core.py)."""
from flask import Flask
from flask_cors import CORS

from . import plugins
from .http import actor, dry_run, request_log, waiting
from .http.api import WazoApi, register_error_handlers
from .http.auth import Authenticator
from .http.body import BoundedBodies
from .http.proxy import ProxyHeaders

MAX_BODY_BYTES = 32 * 1024 * 1024


def create_app(core):
    app = Flask('wazo_confd_pjsip')
    app.wsgi_app = BoundedBodies(ProxyHeaders(app.wsgi_app), MAX_BODY_BYTES)
    app.json.sort_keys = False
    # Larger than any valid body (the biggest: an endpoint's 7 sections of 512 long options).
    app.config['MAX_CONTENT_LENGTH'] = MAX_BODY_BYTES
    app.url_map.strict_slashes = False
    cors = core.config['rest_api'].get('cors', {})
    if cors.get('enabled', True):
        CORS(app, allow_headers=cors.get('allow_headers'), expose_headers=['Location'])
    register_error_handlers(app)
    request_log.install(app)
    actor.install(app, core.db)
    authenticator = Authenticator(core.auth_backend)
    waiting.install(app, authenticator, core.db, core.apply.worker)
    dry_run.install(app, authenticator, core.db, core.preview)
    routes = plugins.Routes(WazoApi(app, prefix='/1.1', catch_all_404s=True), authenticator)
    plugins.load_plugins(routes, core)
    return app
