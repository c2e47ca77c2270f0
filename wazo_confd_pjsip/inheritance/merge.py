# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What Asterisk ends up with once a section's resolved lines are applied, one line per setting.

- Not repeatable: one line with the last value, placed where the key first appeared, so the
  output keeps the order options were introduced in (an override does not move its option).
- ``allow``/``disallow``: applied as codec edits (codec_edits.py) and shown as one ``allow`` line
  ``!all,<codecs>`` at the place of the first of them; ``!all`` alone when no codec is left.
- ``set_var``: one line per variable name, last value, in first-appearance order (Asterisk
  replaces a variable in place).
- ``contact``: every distinct line, in order; identical lines are shown once, as Asterisk keeps
  one permanent contact per URI (comma lists inside a line are left as written).
- Every other repeatable option (``match``, ``local_net``, ACLs, ``password_digest``...): every
  line, in order; Asterisk keeps an identical ``match`` or ``local_net`` line twice (seen).
"""

from wazo_confd_pjsip.sections import SECTION_OBJECT_TYPES

from .codec_edits import CODEC_KEYS, apply_codec_edits, codec_line_value

DISTINCT_LINE_KEYS = frozenset({'contact'})


def _slot(object_type, index, key, value, is_repeatable):
    """Lines sharing a slot become one output line, at the slot's first position."""
    if not is_repeatable(object_type, key):
        return ('option', key)
    if key in CODEC_KEYS:
        return ('codecs',)
    if key == 'set_var':
        return ('set_var', value.partition('=')[0])
    if key in DISTINCT_LINE_KEYS:
        return ('line', key, value)
    return ('each', index)


def merge_section_lines(object_type, lines, is_repeatable):
    """The effective [key, value] lines of one Asterisk object of ``object_type``."""
    merged = {}  # slot -> [key, value]; a dict keeps each slot at its first position
    codec_lines = []
    for index, (key, value) in enumerate(lines):
        slot = _slot(object_type, index, key, value, is_repeatable)
        if slot == ('codecs',):
            codec_lines.append((key, value))
            merged.setdefault(slot, ['allow', None])
        else:
            merged[slot] = [key, value]
    if codec_lines:
        merged[('codecs',)][1] = codec_line_value(apply_codec_edits(codec_lines))
    return list(merged.values())


def merged_view(lines_by_section, is_repeatable):
    """Section -> effective [key, value] lines; ``is_repeatable(object_type, key)`` from the catalogue."""
    return {
        section: merge_section_lines(SECTION_OBJECT_TYPES[section], lines, is_repeatable)
        for section, lines in lines_by_section.items()
    }
