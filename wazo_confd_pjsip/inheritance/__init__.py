# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where template inheritance is resolved: pure functions, no database, no web.

Resolver: option lines after inheritance, as Asterisk copies them, and the transport (own, else inherited).
merged_view: those lines reduced to what Asterisk ends up with (``?view=merged``).
descendants / would_create_cycle / most_copies: "what inherits from T", loop and diamond-ladder refusal.
"""

from .codec_edits import apply_codec_edits, codec_line_value
from .errors import InheritanceError, InheritanceLoop, MissingParent
from .graph import descendants, most_copies, would_create_cycle
from .merge import merge_section_lines, merged_view
from .model import ConfigNode, Lookup
from .resolve import Resolver

__all__ = [
    'ConfigNode',
    'InheritanceError',
    'InheritanceLoop',
    'Lookup',
    'MissingParent',
    'Resolver',
    'apply_codec_edits',
    'codec_line_value',
    'descendants',
    'merge_section_lines',
    'merged_view',
    'most_copies',
    'would_create_cycle',
]
