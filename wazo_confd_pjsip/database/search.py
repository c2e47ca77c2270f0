# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import unicodedata


def normalize_search_text(*parts):
    """Lower-case, accent-stripped text: what `search=` compares, on both sides."""
    text = ' '.join(part for part in parts if part)
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).lower()


def like_pattern(term):
    escaped = normalize_search_text(term).replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')
    return f'%{escaped}%'
