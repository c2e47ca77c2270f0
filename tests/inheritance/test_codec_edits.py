# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from wazo_confd_pjsip.inheritance import apply_codec_edits, codec_line_value


@pytest.mark.parametrize(
    'lines, codecs',
    [
        ([('allow', 'ulaw')], ['ulaw']),
        ([('allow', 'ulaw'), ('allow', 'alaw,g722')], ['ulaw', 'alaw', 'g722']),
        ([('allow', 'ulaw,alaw'), ('allow', 'ulaw')], ['ulaw', 'alaw']),
        ([('allow', 'ulaw:20'), ('allow', 'ULAW:30')], ['ulaw:20']),
        ([('allow', 'ulaw,alaw'), ('disallow', 'all')], []),
        ([('allow', 'ulaw,alaw'), ('disallow', 'ulaw')], ['alaw']),
        ([('allow', 'ulaw,alaw'), ('disallow', 'ulaw:20')], ['alaw']),
        ([('allow', 'ulaw'), ('allow', '!all,opus,alaw')], ['opus', 'alaw']),
        ([('allow', 'ulaw,opus'), ('allow', '!opus')], ['ulaw']),
        ([('allow', 'ulaw'), ('disallow', '!alaw')], ['ulaw', 'alaw']),
        ([('allow', 'ulaw,g722'), ('allow', '(alaw|opus)')], ['alaw', 'opus']),
        ([('allow', 'ulaw,g722'), ('allow', '(alaw,opus)')], ['alaw', 'opus']),
        ([('allow', 'ulaw'), ('allow', '(!ulaw|alaw)')], ['alaw']),
        ([('allow', 'ulaw|alaw,g722')], ['ulaw', 'alaw', 'g722']),
        ([('allow', 'ulaw,alaw,g722'), ('disallow', 'ulaw|g722')], ['alaw']),
        ([('allow', 'ulaw'), ('allow', '!ulaw|alaw')], ['alaw']),
        ([('allow', ' ulaw , alaw ')], ['ulaw', 'alaw']),
        ([('allow', 'ulaw|')], ['ulaw']),
        ([('disallow', 'all'), ('allow', 'ulaw'), ('disallow', 'all'), ('allow', 'alaw')], ['alaw']),
        ([('allow', 'ulaw,,alaw,')], ['ulaw', 'alaw']),
        ([('disallow', '')], []),
        ([('allow', 'alaw'), ('disallow', 'all'), ('allow', 'ulaw')], ['ulaw']),
    ],
)
def test_named_codec_edits(lines, codecs):
    assert apply_codec_edits(lines) == codecs


def test_allow_all_is_kept_for_asterisk_to_replay():
    assert apply_codec_edits([('allow', 'all')]) == ['all']
    assert apply_codec_edits([('allow', 'ulaw'), ('allow', 'all'), ('disallow', 'g729'), ('allow', 'g729')]) == [
        'ulaw',
        'all',
        '!g729',
        'g729',
    ]
    assert apply_codec_edits([('disallow', '!ALL')]) == ['all']


def test_a_parenthesised_disallow_first_allows_every_codec():
    # Asterisk applies the inverse of the operation to every codec, then the listed ones.
    assert apply_codec_edits([('allow', 'ulaw'), ('disallow', '(alaw|opus)')]) == ['ulaw', 'all', '!alaw', '!opus']
    assert apply_codec_edits([('disallow', '(g729,opus)'), ('disallow', 'all'), ('allow', 'ulaw')]) == ['ulaw']


def test_clearing_after_all_returns_to_named_codecs():
    assert apply_codec_edits([('allow', 'all'), ('disallow', 'all'), ('allow', 'alaw')]) == ['alaw']
    assert apply_codec_edits([('allow', 'all'), ('allow', '(opus|g722)')]) == ['opus', 'g722']


def test_codec_line_value():
    assert codec_line_value(['alaw', 'ulaw']) == '!all,alaw,ulaw'
    assert codec_line_value([]) == '!all'
