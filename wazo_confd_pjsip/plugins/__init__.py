# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One folder per resource; each plugin.py only adds routes to the services of the Core (core.py),
and each api.yml is a fragment of the OpenAPI document. The order below is the document's."""
import dataclasses
import importlib
from pathlib import Path

PLUGINS = (
    'status',
    'api_spec',
    'transports',
    'engine_settings',
    'pjsip_doc',
    'endpoint_sip',
    'line_endpoint',
    'asterisk_sync',
    'sip_import',
    'history',
)

PLUGINS_DIR = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Routes:
    """Where plugins add their resources: authenticated ones get the request's authenticator."""

    api: object  # http.api.WazoApi
    authenticator: object  # http.auth.Authenticator

    def add(self, resource, path, *, endpoint=None, **resource_kwargs):
        self.api.add_resource(
            resource,
            path,
            endpoint=endpoint,
            resource_class_args=(self.authenticator,),
            resource_class_kwargs=resource_kwargs,
        )


def api_fragments():
    return [PLUGINS_DIR / name / 'api.yml' for name in PLUGINS if (PLUGINS_DIR / name / 'api.yml').exists()]


def load_plugins(routes, core):
    for name in PLUGINS:
        importlib.import_module(f'{__name__}.{name}.plugin').Plugin().load(routes, core)
