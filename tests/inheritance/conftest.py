# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
from pathlib import Path

import pytest

import wazo_confd_pjsip

CATALOGUE_FILE = Path(wazo_confd_pjsip.__file__).parent / 'options' / 'pjsip-options.json'


def load_repeatable_options():
    catalogue = json.loads(CATALOGUE_FILE.read_text())
    return frozenset(
        (object_type, key)
        for object_type, options in catalogue.items()
        if not object_type.startswith('_')
        for key, spec in options.items()
        if spec.get('repeatable')
    )


REPEATABLE = load_repeatable_options()


def is_repeatable(object_type, key):
    return (object_type, key) in REPEATABLE


@pytest.fixture
def repeatable():
    return is_repeatable
