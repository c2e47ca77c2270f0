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
