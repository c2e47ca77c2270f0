# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest


@pytest.fixture
def delivered(change_recorder):
    """What the after-commit side (the bus) is given, batch by batch."""
    return change_recorder
