# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""?view=merged: what Asterisk ends up with after [name](T0,T1,...) inheritance."""
import pytest

from .helpers import (
    ENDPOINTS,
    SECTION_FIELDS,
    TEMPLATES,
    create_endpoint,
    create_template,
    create_transport,
    item_path,
    parents,
)


def merged(api, base, item):
    response = api.get(item_path(base, item), query={'view': 'merged'})
    assert response.status_code == 200, response.json
    return response.json


def test_the_reference_get_merged_case(api):
    t1 = create_template(
        api,
        aor_section_options=[['max_contacts', '1'], ['remove_existing', 'yes']],
        endpoint_section_options=[['allow', '!all,ulaw']],
    )
    t2 = create_template(
        api, aor_section_options=[['max_contacts', '10']], endpoint_section_options=[['allow', '!all,opus']]
    )
    endpoint = create_endpoint(api, templates=parents(t1, t2), endpoint_section_options=[['allow', '!all,alaw']])

    body = merged(api, ENDPOINTS, endpoint)

    assert body['aor_section_options'] == [['max_contacts', '10'], ['remove_existing', 'yes']]
    assert body['endpoint_section_options'] == [['allow', '!all,alaw']]


def test_the_merged_body_is_the_item_with_merged_sections(api):
    template = create_template(api, label='parent', aor_section_options=[['max_contacts', '3']])
    endpoint = create_endpoint(api, name='m', label='L', templates=parents(template), asterisk_id='default')

    body = merged(api, ENDPOINTS, endpoint)

    assert body == {**endpoint, 'aor_section_options': [['max_contacts', '3']]}
    assert api.get(item_path(ENDPOINTS, endpoint)).json == endpoint  # the plain view is unchanged


def test_without_parents_merged_only_collapses_own_lines(api):
    endpoint = create_endpoint(
        api,
        endpoint_section_options=[['context', 'a'], ['set_var', 'X=1'], ['context', 'b'], ['set_var', 'X=2']],
        auth_section_options=[['username', 'u'], ['password', 'p']],
    )
    body = merged(api, ENDPOINTS, endpoint)
    assert body['endpoint_section_options'] == [['context', 'b'], ['set_var', 'X=2']]
    assert body['auth_section_options'] == [['username', 'u'], ['password', 'p']]


def test_scalar_and_cumulative_options_over_three_levels(api):
    base = create_template(
        api,
        aor_section_options=[['contact', 'sip:a@10.0.0.1'], ['max_contacts', '1']],
        endpoint_section_options=[
            ['context', 'from-base'],
            ['set_var', 'A=1'],
            ['allow', 'ulaw'],
            ['deny', '0.0.0.0/0'],
        ],
        identify_section_options=[['match', '10.0.0.1']],
    )
    middle = create_template(
        api,
        templates=parents(base),
        aor_section_options=[['contact', 'sip:b@10.0.0.2']],
        endpoint_section_options=[['context', 'from-middle'], ['set_var', 'B=2'], ['allow', 'alaw']],
        identify_section_options=[['match', '10.0.0.2'], ['match', '10.0.0.1']],
    )
    leaf = create_template(
        api,
        templates=parents(middle),
        endpoint_section_options=[['set_var', 'A=3'], ['permit', '10.0.0.0/8']],
        auth_section_options=[['username', 'leaf']],
    )
    endpoint = create_endpoint(
        api,
        templates=parents(leaf),
        aor_section_options=[['max_contacts', '5']],
        endpoint_section_options=[['context', 'own'], ['disallow', 'ulaw']],
        auth_section_options=[['password', 'secret']],
    )

    body = merged(api, ENDPOINTS, endpoint)

    # scalars: the last line wins, at the place the option first appeared
    assert body['aor_section_options'] == [
        ['contact', 'sip:a@10.0.0.1'],
        ['max_contacts', '5'],
        ['contact', 'sip:b@10.0.0.2'],
    ]
    assert body['endpoint_section_options'] == [
        ['context', 'own'],
        ['set_var', 'A=3'],  # replaced in place
        ['allow', '!all,alaw'],  # ulaw, alaw, then ulaw disallowed
        ['deny', '0.0.0.0/0'],
        ['set_var', 'B=2'],
        ['permit', '10.0.0.0/8'],  # ACL lines accumulate in order
    ]
    # identical match lines stay twice, as Asterisk keeps them
    assert body['identify_section_options'] == [['match', '10.0.0.1'], ['match', '10.0.0.2'], ['match', '10.0.0.1']]
    assert body['auth_section_options'] == [['username', 'leaf'], ['password', 'secret']]
    # each template's merged view stops at itself
    assert merged(api, TEMPLATES, middle)['endpoint_section_options'] == [
        ['context', 'from-middle'],
        ['set_var', 'A=1'],
        ['allow', '!all,ulaw,alaw'],
        ['deny', '0.0.0.0/0'],
        ['set_var', 'B=2'],
    ]


CODEC_CASES = [
    ([['allow', '!all,ulaw,alaw']], [['disallow', 'all'], ['allow', 'g722']], '!all,g722'),
    ([['allow', 'ulaw']], [['disallow', 'all']], '!all'),
    ([['allow', 'ulaw,alaw']], [['allow', 'opus']], '!all,ulaw,alaw,opus'),
    ([['allow', 'ulaw,alaw']], [['allow', '!ulaw']], '!all,alaw'),
    ([['allow', 'ulaw']], [['allow', '(g722|opus)']], '!all,g722,opus'),
    ([['disallow', 'all'], ['allow', 'ulaw']], [], '!all,ulaw'),
]


def test_codec_arithmetic_across_inheritance(api):
    for parent_lines, own_lines, expected in CODEC_CASES:
        template = create_template(api, endpoint_section_options=parent_lines)
        endpoint = create_endpoint(api, templates=parents(template), endpoint_section_options=own_lines)
        assert merged(api, ENDPOINTS, endpoint)['endpoint_section_options'] == [['allow', expected]]


def test_parent_order_decides_like_asterisk(api):
    """[ba](b,a) with b: allow=alaw and a: disallow=all, allow=ulaw ends with ulaw only; (a,b) with both."""
    a = create_template(api, endpoint_section_options=[['disallow', 'all'], ['allow', 'ulaw'], ['context', 'ctx-a']])
    b = create_template(api, endpoint_section_options=[['allow', 'alaw'], ['context', 'ctx-b']])
    ba = create_endpoint(api, templates=parents(b, a))
    ab = create_endpoint(api, templates=parents(a, b))

    assert merged(api, ENDPOINTS, ba)['endpoint_section_options'] == [['allow', '!all,ulaw'], ['context', 'ctx-a']]
    assert merged(api, ENDPOINTS, ab)['endpoint_section_options'] == [['allow', '!all,ulaw,alaw'], ['context', 'ctx-b']]


def test_a_diamond_replays_the_shared_template_once_per_branch(api):
    shared = create_template(api, endpoint_section_options=[['deny', '0.0.0.0/0'], ['context', 'shared']])
    left = create_template(api, templates=parents(shared), endpoint_section_options=[['context', 'left']])
    right = create_template(api, templates=parents(shared), endpoint_section_options=[['permit', '10.0.0.0/8']])
    endpoint = create_endpoint(api, templates=parents(left, right))

    # lines: shared, left, shared, right: the shared context comes back after left's
    assert merged(api, ENDPOINTS, endpoint)['endpoint_section_options'] == [
        ['deny', '0.0.0.0/0'],
        ['context', 'shared'],
        ['deny', '0.0.0.0/0'],
        ['permit', '10.0.0.0/8'],
    ]


def test_set_var_keeps_one_line_per_variable_with_the_last_value(api):
    template = create_template(api, endpoint_section_options=[['set_var', 'A=1'], ['set_var', 'B=1']])
    endpoint = create_endpoint(
        api, templates=parents(template), endpoint_section_options=[['set_var', 'A=2'], ['set_var', 'C=x=y']]
    )
    assert merged(api, ENDPOINTS, endpoint)['endpoint_section_options'] == [
        ['set_var', 'A=2'],
        ['set_var', 'B=1'],
        ['set_var', 'C=x=y'],
    ]


def test_match_keeps_every_line_and_contact_every_distinct_value(api):
    template = create_template(
        api,
        identify_section_options=[['match', '54.172.60.0'], ['match', '54.172.60.1']],
        aor_section_options=[['contact', 'sip:a@h']],
    )
    endpoint = create_endpoint(
        api,
        templates=parents(template),
        identify_section_options=[['match', '54.172.60.1'], ['match', '54.172.60.2']],
        aor_section_options=[['contact', 'sip:a@h'], ['contact', 'sip:b@h']],
    )
    body = merged(api, ENDPOINTS, endpoint)
    assert body['identify_section_options'] == [
        ['match', '54.172.60.0'],
        ['match', '54.172.60.1'],
        ['match', '54.172.60.1'],
        ['match', '54.172.60.2'],
    ]
    assert body['aor_section_options'] == [['contact', 'sip:a@h'], ['contact', 'sip:b@h']]


def test_the_transport_is_inherited_from_the_last_parent_that_has_one(api):
    udp, wss, tcp = (create_transport(api, name) for name in ('transport-udp', 'transport-wss', 'transport-tcp'))
    with_udp = create_template(api, transport={'uuid': udp['uuid']})
    with_wss = create_template(api, transport={'uuid': wss['uuid']})
    without = create_template(api)
    below_udp = create_template(api, templates=parents(with_udp))

    cases = [
        (parents(with_udp, with_wss), None, wss),
        (parents(with_wss, with_udp), None, udp),
        (parents(with_wss, without), None, wss),
        (parents(below_udp), None, udp),  # through two levels
        (parents(with_udp, with_wss), {'uuid': tcp['uuid']}, tcp),  # own wins
        ([], None, None),
    ]
    for templates, own, expected in cases:
        endpoint = create_endpoint(api, templates=templates, transport=own)
        assert merged(api, ENDPOINTS, endpoint)['transport'] == (expected and {'uuid': expected['uuid']})
        assert api.get(item_path(ENDPOINTS, endpoint)).json['transport'] == own
    assert merged(api, TEMPLATES, below_udp)['transport'] == {'uuid': udp['uuid']}


def test_merged_follows_a_parent_change(api):
    template = create_template(api, endpoint_section_options=[['context', 'before']])
    endpoint = create_endpoint(api, templates=parents(template))
    api.put(item_path(TEMPLATES, template), json={'endpoint_section_options': [['context', 'after']]})
    assert merged(api, ENDPOINTS, endpoint)['endpoint_section_options'] == [['context', 'after']]


def test_every_section_is_present_in_the_merged_body(api):
    body = merged(api, ENDPOINTS, create_endpoint(api))
    assert all(body[field] == [] for field in SECTION_FIELDS)


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_an_unknown_view_is_refused(api, base):
    item = api.post(base, json={}).json
    for view in ('other', 'MERGED', ''):
        response = api.get(item_path(base, item), query={'view': view})
        assert (response.status_code, response.json) == (400, ['Input Error - view: Must be one of: merged.'])
