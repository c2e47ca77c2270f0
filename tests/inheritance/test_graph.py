# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from wazo_confd_pjsip.inheritance import descendants, would_create_cycle

PARENTS = {'webrtc': ['global'], 'guest': ['webrtc'], 'trunk': ['global'], 'e1': ['guest', 'trunk'], 'e2': ['webrtc']}


def children_of(parents):
    children = {}
    for child, its_parents in parents.items():
        for parent in its_parents:
            children.setdefault(parent, []).append(child)
    return children


def test_descendants_lists_direct_and_indirect_children_once_nearest_first():
    assert descendants('global', children_of(PARENTS)) == ['webrtc', 'trunk', 'guest', 'e2', 'e1']
    assert descendants('guest', children_of(PARENTS)) == ['e1']
    assert descendants('e1', children_of(PARENTS)) == []


def test_descendants_never_lists_the_template_itself_even_on_a_loop():
    loop = {'a': ['b'], 'b': ['c'], 'c': ['a']}

    assert descendants('a', loop) == ['b', 'c']


def test_descendants_accepts_a_callable():
    assert descendants('x', lambda uuid: {'x': ['y']}.get(uuid)) == ['y']


def test_including_itself_is_a_loop_of_one():
    assert would_create_cycle('guest', ['global', 'guest'], PARENTS) == ('guest',)


def test_loop_through_other_templates_is_returned_from_the_node():
    assert would_create_cycle('global', ['trunk', 'guest'], PARENTS) == ('global', 'trunk')
    assert would_create_cycle('global', ['guest'], PARENTS) == ('global', 'guest', 'webrtc')


def test_no_loop():
    assert would_create_cycle('trunk', ['webrtc', 'guest'], PARENTS) is None
    assert would_create_cycle('new', ['global'], PARENTS) is None
    assert would_create_cycle('new', [], lambda uuid: None) is None


def test_existing_loop_elsewhere_does_not_hang():
    parents = {'a': ['b'], 'b': ['a']}

    assert would_create_cycle('n', ['a'], parents) is None
    assert would_create_cycle('a', ['b'], parents) == ('a', 'b')


def test_deep_chain_loop():
    parents = {f't{i}': [f't{i - 1}'] for i in range(1, 3000)}

    loop = would_create_cycle('t0', ['t2999'], parents)

    assert loop == ('t0', *(f't{i}' for i in range(2999, 0, -1)))


def test_most_copies_counts_each_path_to_a_template():
    from wazo_confd_pjsip.inheritance.graph import most_copies

    # base <- a, base <- b, (a, b) <- top: base is copied twice into top, four times into a node (top, a, b)
    parents_of = {'a': ['base'], 'b': ['base'], 'top': ['a', 'b']}
    assert most_copies([], parents_of) == 0
    assert most_copies(['base'], parents_of) == 1
    assert most_copies(['top'], parents_of) == 2
    assert most_copies(['top', 'a', 'b'], parents_of) == 4


def test_most_copies_doubles_along_a_ladder_of_diamonds_and_survives_depth():
    from wazo_confd_pjsip.inheritance.graph import most_copies

    parents_of = {}
    below = 'rung0'
    for rung in range(1, 31):
        parents_of[f'left{rung}'] = [below]
        parents_of[f'right{rung}'] = [below]
        parents_of[f'rung{rung}'] = [f'left{rung}', f'right{rung}']
        below = f'rung{rung}'
    assert most_copies([below], parents_of) == 2**30
    chain = {f'n{i}': [f'n{i + 1}'] for i in range(3000)}
    assert most_copies(['n0'], chain) == 1
