# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from wazo_confd_pjsip.inheritance import merge_section_lines, merged_view


def test_non_repeatable_keeps_first_position_and_last_value(repeatable):
    lines = [('context', 'a'), ('language', 'fr'), ('context', 'b'), ('callerid', 'x'), ('context', 'c')]

    assert merge_section_lines('endpoint', lines, repeatable) == [
        ['context', 'c'],
        ['language', 'fr'],
        ['callerid', 'x'],
    ]


def test_codec_lines_become_one_allow_line_at_the_first_one(repeatable):
    lines = [('context', 'a'), ('allow', '!all,ulaw'), ('language', 'fr'), ('disallow', 'all'), ('allow', 'opus,alaw')]

    assert merge_section_lines('endpoint', lines, repeatable) == [
        ['context', 'a'],
        ['allow', '!all,opus,alaw'],
        ['language', 'fr'],
    ]


def test_disallow_all_after_inherited_allow_keeps_only_what_follows(repeatable):
    assert merge_section_lines('endpoint', [('allow', 'ulaw'), ('disallow', 'all')], repeatable) == [['allow', '!all']]
    assert merge_section_lines('endpoint', [('allow', 'ulaw'), ('disallow', 'all'), ('allow', 'g722')], repeatable) == [
        ['allow', '!all,g722']
    ]


def test_set_var_replaces_per_variable_in_place(repeatable):
    lines = [('set_var', 'A=1'), ('set_var', 'B=2'), ('set_var', 'A=3'), ('set_var', 'C=x=y'), ('set_var', 'a=lower')]

    assert merge_section_lines('endpoint', lines, repeatable) == [
        ['set_var', 'A=3'],
        ['set_var', 'B=2'],
        ['set_var', 'C=x=y'],
        ['set_var', 'a=lower'],
    ]


def test_contact_keeps_distinct_lines_in_order(repeatable):
    contact = [('contact', 'sip:a@h'), ('contact', 'sip:b@h'), ('contact', 'sip:a@h')]

    assert merge_section_lines('aor', contact, repeatable) == [['contact', 'sip:a@h'], ['contact', 'sip:b@h']]


def test_match_and_local_net_keep_every_line_even_identical_ones(repeatable):
    # Regression: a real Asterisk 22 keeps an identical match (identify) or local_net (transport) line twice,
    # e.g. when a diamond copies a template's match line into both branches.
    match = [('match', '10.0.0.1'), ('match', '10.0.0.2,10.0.0.3'), ('match', '10.0.0.1'), ('endpoint', 'e')]
    local_net = [('local_net', '10.0.0.0/8'), ('local_net', '192.168.0.0/16'), ('local_net', '10.0.0.0/8')]

    assert merge_section_lines('identify', match, repeatable) == [list(line) for line in match]
    assert merge_section_lines('transport', local_net, repeatable) == [list(line) for line in local_net]


def test_acl_options_keep_every_line(repeatable):
    lines = [('deny', '0.0.0.0/0'), ('permit', '10.0.0.0/8'), ('deny', '0.0.0.0/0'), ('contact_permit', '10.0.0.0/8')]

    assert merge_section_lines('endpoint', lines, repeatable) == [list(line) for line in lines]


def test_option_repeatable_in_one_type_is_scalar_in_another(repeatable):
    # 'contact' accumulates on an aor but nothing repeats on a registration.
    assert merge_section_lines('registration', [('contact_user', 'a'), ('contact_user', 'b')], repeatable) == [
        ['contact_user', 'b']
    ]


def test_merged_view_maps_sections_to_their_object_type(repeatable):
    lines_by_section = {
        'outbound_auth': [('password_digest', 'x'), ('password_digest', 'y'), ('username', 'a'), ('username', 'b')],
        'registration_outbound_auth': [],
    }

    assert merged_view(lines_by_section, repeatable) == {
        'outbound_auth': [['password_digest', 'x'], ['password_digest', 'y'], ['username', 'b']],
        'registration_outbound_auth': [],
    }


def test_is_repeatable_is_asked_about_the_object_type():
    asked = []

    def is_repeatable(object_type, key):
        asked.append((object_type, key))
        return False

    merged_view({'registration_outbound_auth': [('username', 'u')]}, is_repeatable)

    assert asked == [('auth', 'username')]
