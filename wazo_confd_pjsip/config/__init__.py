# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .loader import DEFAULT_CONFIG, load_config, merge_configs

__all__ = ['DEFAULT_CONFIG', 'load_config', 'merge_configs']
