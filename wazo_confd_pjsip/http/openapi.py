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


def build_document(fragment_paths):
    document = yaml.safe_load(BASE_DOCUMENT.read_text())
    for path in fragment_paths:
        _deep_merge(document, yaml.safe_load(Path(path).read_text()) or {})
    return document
