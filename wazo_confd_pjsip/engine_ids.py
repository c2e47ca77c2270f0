# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which Asterisk engine an endpoint lives on: its `asterisk_id`, the default engine when null."""

DEFAULT_ENGINE = 'default'


def engine_of(asterisk_id):
    return asterisk_id or DEFAULT_ENGINE
