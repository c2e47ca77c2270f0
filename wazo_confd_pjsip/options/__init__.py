# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What Asterisk's chan_pjsip accepts as options: the catalogue of known options and the checks of their values."""

from .catalogue import OptionCatalogue, OptionSpec
from .validation import OptionError, validate_option_mapping, validate_options

__all__ = [
    'OptionCatalogue',
    'OptionError',
    'OptionSpec',
    'validate_option_mapping',
    'validate_options',
]
