# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One folder per resource; each has plugin.py (routes) and an api.yml fragment of the OpenAPI document."""
import importlib
from pathlib import Path

PLUGINS = (
    'status',
    'api_spec',
    'transports',
    'pjsip_sections',
    'pjsip_doc',
    'endpoint_sip',
    'asterisk_sync',
    'sip_import',
)

PLUGINS_DIR = Path(__file__).resolve().parent


def available_plugins():
    return [name for name in PLUGINS if (PLUGINS_DIR / name / 'plugin.py').exists()]


def api_fragments():
    return [PLUGINS_DIR / name / 'api.yml' for name in available_plugins() if (PLUGINS_DIR / name / 'api.yml').exists()]


def load_plugins(dependencies):
    for name in available_plugins():
        module = importlib.import_module(f'{__name__}.{name}.plugin')
        module.Plugin().load(dependencies)
