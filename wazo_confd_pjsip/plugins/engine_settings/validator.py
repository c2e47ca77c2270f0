# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `{option: value}` body of [global] or [system], checked against the catalogue's type of that name."""
from ..option_checks import check_option_mapping


def check_options(catalogue, section, options):
    check_option_mapping(catalogue, 'options', section, options)
