# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A transport's options, checked against the catalogue's `transport` type."""
from ..option_checks import check_option_lines


def check_options(catalogue, lines):
    check_option_lines(catalogue, 'options', 'transport', lines)
