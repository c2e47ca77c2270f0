# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from wazo_confd_pjsip.inheritance import ConfigNode, InheritanceLoop, MissingParent, Resolver, merged_view


def node(uuid, parents=(), transport=None, **sections):
    return ConfigNode(uuid, sections, tuple(parents), transport)


def templates(*nodes):
    return {n.uuid: n for n in nodes}


def test_get_merged_reference_case(repeatable):
    lookup = templates(
        node('t1', aor=[('max_contacts', '1'), ('remove_existing', 'yes')], endpoint=[('allow', '!all,ulaw')]),
        node('t2', aor=[('max_contacts', '10')], endpoint=[('allow', '!all,opus')]),
    )
    endpoint = node('e', parents=['t1', 't2'], endpoint=[('allow', '!all,alaw')])

    merged = merged_view(Resolver(lookup).lines(endpoint), repeatable)

    assert merged == {
        'aor': [['max_contacts', '10'], ['remove_existing', 'yes']],
        'endpoint': [['allow', '!all,alaw']],
    }


def test_lines_are_parents_in_order_then_own():
    lookup = templates(
        node('a', endpoint=[('context', 'a')]),
        node('b', endpoint=[('context', 'b')], aor=[('max_contacts', '2')]),
    )
    endpoint = node('e', parents=['b', 'a'], endpoint=[('callerid', 'e')])

    assert Resolver(lookup).lines(endpoint) == {
        'endpoint': [('context', 'b'), ('context', 'a'), ('callerid', 'e')],
        'aor': [('max_contacts', '2')],
    }


def test_ab_and_ba_get_the_last_parent_context(repeatable):
    lookup = templates(node('a', endpoint=[('context', 'ctx-a')]), node('b', endpoint=[('context', 'ctx-b')]))

    ab = merged_view(Resolver(lookup).lines(node('ab', parents=['a', 'b'])), repeatable)
    ba = merged_view(Resolver(lookup).lines(node('ba', parents=['b', 'a'])), repeatable)

    assert ab['endpoint'] == [['context', 'ctx-b']]
    assert ba['endpoint'] == [['context', 'ctx-a']]


def test_ba_codec_case_ends_with_only_ulaw(repeatable):
    lookup = templates(
        node('b', endpoint=[('allow', 'alaw')]),
        node('a', endpoint=[('disallow', 'all'), ('allow', 'ulaw')]),
    )

    merged = merged_view(Resolver(lookup).lines(node('ba', parents=['b', 'a'])), repeatable)

    assert merged['endpoint'] == [['allow', '!all,ulaw']]


def test_scalar_and_cumulative_options_across_three_levels(repeatable):
    lookup = templates(
        node('base', endpoint=[('context', 'base'), ('permit', '10.0.0.0/8'), ('set_var', 'LEVEL=base')]),
        node('mid', parents=['base'], endpoint=[('dtmf_mode', 'info'), ('permit', '192.168.0.0/16')]),
        node('top', parents=['mid'], endpoint=[('context', 'top'), ('set_var', 'LEVEL=top'), ('set_var', 'X=1')]),
    )
    endpoint = node('e', parents=['top'], endpoint=[('dtmf_mode', 'rfc4733'), ('permit', '172.16.0.0/12')])

    merged = merged_view(Resolver(lookup).lines(endpoint), repeatable)

    assert merged['endpoint'] == [
        ['context', 'top'],
        ['permit', '10.0.0.0/8'],
        ['set_var', 'LEVEL=top'],
        ['dtmf_mode', 'rfc4733'],
        ['permit', '192.168.0.0/16'],
        ['set_var', 'X=1'],
        ['permit', '172.16.0.0/12'],
    ]


def test_diamond_replays_the_shared_template_once_per_branch():
    lookup = templates(
        node('base', identify=[('match', '10.0.0.1')], endpoint=[('context', 'base')]),
        node('left', parents=['base'], endpoint=[('context', 'left')]),
        node('right', parents=['base'], endpoint=[('language', 'fr_FR')]),
    )

    lines = Resolver(lookup).lines(node('e', parents=['left', 'right']))

    # Asterisk copies base's lines into each branch: right's copy of base overrides left's context.
    assert lines['endpoint'] == [('context', 'base'), ('context', 'left'), ('context', 'base'), ('language', 'fr_FR')]
    assert lines['identify'] == [('match', '10.0.0.1'), ('match', '10.0.0.1')]


def test_diamond_merged_view_shows_what_asterisk_keeps(repeatable):
    lookup = templates(
        node('base', identify=[('match', '10.0.0.1')], endpoint=[('context', 'base')]),
        node('left', parents=['base'], endpoint=[('context', 'left')]),
        node('right', parents=['base']),
    )

    merged = merged_view(Resolver(lookup).lines(node('e', parents=['left', 'right'])), repeatable)

    # base is copied twice: Asterisk keeps both copies of its match line
    assert merged == {'endpoint': [['context', 'base']], 'identify': [['match', '10.0.0.1'], ['match', '10.0.0.1']]}


@pytest.mark.parametrize('loop', [['a'], ['a', 'b'], ['a', 'b', 'c']])
def test_loop_is_reported_with_its_templates(loop):
    lookup = templates(*(node(uuid, parents=[loop[(i + 1) % len(loop)]]) for i, uuid in enumerate(loop)))

    with pytest.raises(InheritanceLoop) as raised:
        Resolver(lookup).lines(node('e', parents=['a']))

    assert raised.value.uuids == tuple(loop)
    assert all(uuid in str(raised.value) for uuid in loop)


def test_loop_below_a_healthy_branch_is_found_by_transport_too():
    lookup = templates(
        node('ok', transport='udp'),
        node('a', parents=['b']),
        node('b', parents=['c']),
        node('c', parents=['ok', 'a']),
    )

    with pytest.raises(InheritanceLoop) as raised:
        Resolver(lookup).transport(node('e', parents=['a']))

    assert raised.value.uuids == ('a', 'b', 'c')


def test_node_reached_again_through_its_templates_is_a_loop():
    lookup = templates(node('t', parents=['e']))

    with pytest.raises(InheritanceLoop) as raised:
        Resolver(lookup).lines(node('e', parents=['t']))

    assert raised.value.uuids == ('e', 't')


def test_missing_parent_names_it_and_its_child():
    lookup = templates(node('t', parents=['gone']))

    with pytest.raises(MissingParent) as raised:
        Resolver(lookup).lines(node('e', parents=['t']))

    assert (raised.value.uuid, raised.value.child_uuid) == ('gone', 't')


def test_callable_lookup_may_return_none_or_raise_key_error():
    known = node('t', endpoint=[('context', 't')])

    def lookup(uuid):
        if uuid == 'raises':
            raise KeyError(uuid)
        return known if uuid == 't' else None

    assert Resolver(lookup).lines(node('e', parents=['t'])) == {'endpoint': [('context', 't')]}
    for unknown in ('raises', 'none'):
        with pytest.raises(MissingParent):
            Resolver(lookup).lines(node('e', parents=['t', unknown]))


def test_deep_chain_resolves_without_recursion(repeatable):
    depth = 2000
    lookup = templates(
        *(
            node(
                f't{i}',
                parents=[f't{i - 1}'] if i else [],
                endpoint=[('context', f'c{i}'), ('permit', f'10.0.{i // 256}.{i % 256}')],
            )
            for i in range(depth)
        )
    )
    endpoint = node('e', parents=[f't{depth - 1}'])

    lines = Resolver(lookup).lines(endpoint)
    merged = merged_view(lines, repeatable)

    assert len(lines['endpoint']) == 2 * depth
    assert merged['endpoint'][0] == ['context', f'c{depth - 1}']
    assert merged['endpoint'][1] == ['permit', '10.0.0.0']
    assert len(merged['endpoint']) == depth + 1


def test_deep_loop_is_reported_not_a_recursion_error():
    depth = 2000
    lookup = templates(*(node(f't{i}', parents=[f't{(i + 1) % depth}']) for i in range(depth)))

    with pytest.raises(InheritanceLoop) as raised:
        Resolver(lookup).lines(node('e', parents=['t0']))

    assert len(raised.value.uuids) == depth


def test_own_transport_wins():
    lookup = templates(node('t', transport='wss'))

    assert Resolver(lookup).transport(node('e', parents=['t'], transport='udp')) == 'udp'


def test_transport_comes_from_the_last_parent_having_one_at_any_depth():
    lookup = templates(
        node('global', transport='udp'),
        node('webrtc', parents=['global'], transport='wss'),
        node('guest', parents=['webrtc']),
        node('plain'),
    )

    assert Resolver(lookup).transport(node('e', parents=['guest', 'plain'])) == 'wss'
    assert Resolver(lookup).transport(node('e', parents=['webrtc', 'global'])) == 'udp'
    assert Resolver(lookup).transport(node('e', parents=['plain'])) is None


def test_resolver_fetches_each_template_once():
    fetched = []
    stored = templates(
        node('base', endpoint=[('context', 'v1')]),
        node('mid', parents=['base']),
        node('other', endpoint=[('language', 'en')]),
    )

    def lookup(uuid):
        fetched.append(uuid)
        return stored[uuid]

    resolver = Resolver(lookup)
    for i in range(100):
        assert resolver.lines(node(f'e{i}', parents=['mid', 'other']))['endpoint'] == [
            ('context', 'v1'),
            ('language', 'en'),
        ]
    assert sorted(fetched) == ['base', 'mid', 'other']


def test_resolved_lines_can_be_changed_without_touching_the_cache():
    resolver = Resolver(templates(node('t', endpoint=[('context', 't')])))
    resolver.lines(node('e', parents=['t']))['endpoint'].append(('context', 'changed'))

    assert resolver.lines(node('e', parents=['t'])) == {'endpoint': [('context', 't')]}


def test_json_shaped_lines_are_accepted():
    lookup = templates(ConfigNode('t', {'aor': [['max_contacts', '1']]}))

    assert Resolver(lookup).lines(ConfigNode('e', {'aor': [['max_contacts', '2']]}, ['t'])) == {
        'aor': [('max_contacts', '1'), ('max_contacts', '2')]
    }


def test_ten_thousand_endpoints_on_three_levels_resolve(repeatable):
    lookup = templates(
        node(
            'global',
            transport='udp',
            aor=[('max_contacts', '1')],
            endpoint=[('allow', '!all,ulaw'), ('context', 'default')],
        ),
        node('webrtc', parents=['global'], transport='wss', endpoint=[('allow', '!all,opus,ulaw'), ('webrtc', 'yes')]),
        node('guest', parents=['webrtc'], aor=[('max_contacts', '10')]),
    )
    resolver = Resolver(lookup)

    results = [
        (merged_view(resolver.lines(e), repeatable), resolver.transport(e))
        for e in (node(f'e{i}', parents=['guest'], endpoint=[('callerid', f'"{i}" <{i}>')]) for i in range(10_000))
    ]

    assert results[-1] == (
        {
            'aor': [['max_contacts', '10']],
            'endpoint': [
                ['allow', '!all,opus,ulaw'],
                ['context', 'default'],
                ['webrtc', 'yes'],
                ['callerid', '"9999" <9999>'],
            ],
        },
        'wss',
    )
