# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wazo_confd_pjsip.asterisk import syntax
from wazo_confd_pjsip.asterisk.builder import OUTBOUND_AUTH_SUFFIX, REGISTRATION_AUTH_SUFFIX, derived_id

NAMES = st.from_regex(syntax.NAME_PATTERN, fullmatch=True)


@pytest.mark.parametrize('name', ['a', 'A-b_c.9', '9', 'x' * 79, 'global'])
def test_names(name):
    assert syntax.is_name(name)


@pytest.mark.parametrize(
    'name',
    ['', 'x' * 80, 'alice\n', '\nalice', 'a b', 'a;b', 'a]', 'a/b', 'alice~outbound', '@alice', 'accentué', 5, None],
)
def test_not_names(name):
    assert not syntax.is_name(name)


@pytest.mark.parametrize('object_id', ['alice', 'alice~outbound', 'x' * 79])
def test_object_ids(object_id):
    assert syntax.is_object_id(object_id)


@pytest.mark.parametrize('object_id', ['', 'x' * 80, 'alice~outbound\n', 'a b', 'a]b', 'a/b', None])
def test_not_object_ids(object_id):
    assert not syntax.is_object_id(object_id)


@pytest.mark.parametrize('key', ['context', '100rel', '@custom', '@a.b-c_d'])
def test_option_keys(key):
    assert syntax.is_option_key(key)


@pytest.mark.parametrize('key', ['', '@', 'context\n', '@a/b', 'a/b', 'a~b', 'a@b', 'a=b', 'a b', '[x]', None])
def test_not_option_keys(key):
    assert not syntax.is_option_key(key)


@given(NAMES)
def test_every_name_is_an_object_id_and_its_derived_ids_too(name):
    assert syntax.is_object_id(name)
    for suffix in (OUTBOUND_AUTH_SUFFIX, REGISTRATION_AUTH_SUFFIX):
        derived = derived_id(name, suffix)
        assert syntax.is_object_id(derived)
        assert not syntax.is_name(derived)  # never another endpoint's name
