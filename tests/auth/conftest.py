# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
import yaml

MAIN = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1'
SUB1 = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee2'
SUB2 = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee3'
SUB1_CHILD = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee4'

# The tenants of wazo-confd's tests, plus a grandchild: main -> sub1 -> sub1-child, main -> sub2.
TENANTS = [
    {'uuid': MAIN, 'name': 'main', 'parent_uuid': None},
    {'uuid': SUB1, 'name': 'sub1', 'parent_uuid': MAIN},
    {'uuid': SUB2, 'name': 'sub2', 'parent_uuid': MAIN},
    {'uuid': SUB1_CHILD, 'name': 'sub1-child', 'parent_uuid': SUB1},
]


def write_yaml(path, content):
    path.write_text(yaml.safe_dump(content))
    return path


@pytest.fixture
def tokens_path(tmp_path):
    return tmp_path / 'tokens.yml'
