# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resolver + merged_view against a deliberately naive model of what Asterisk does."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.inheritance import (
    ConfigNode,
    InheritanceLoop,
    Resolver,
    apply_codec_edits,
    codec_line_value,
    descendants,
    merged_view,
    would_create_cycle,
)
from wazo_confd_pjsip.sections import SECTION_OBJECT_TYPES

from .conftest import is_repeatable

# The codecs this fake Asterisk knows, in the order its format cache lists them.
KNOWN_CODECS = ['g729', 'opus', 'g722', 'alaw', 'ulaw']

codec_token = st.sampled_from(
    ['ulaw', 'alaw', 'opus', 'ULAW:20', 'all', '!all', '!ulaw', '!opus', ' alaw ', 'nosuch', '']
)
codec_list = st.tuples(st.lists(codec_token, min_size=1, max_size=3), st.sampled_from([',', '|'])).map(
    lambda tokens_separator: tokens_separator[1].join(tokens_separator[0])
)
codec_value = st.one_of(codec_list, codec_list.map(lambda text: f'({text})'))
LINE_VALUES = {
    'endpoint': {
        'context': st.sampled_from(['a', 'b', 'c']),
        'language': st.sampled_from(['en_US', 'fr_FR']),
        'allow': codec_value,
        'disallow': codec_value,
        'set_var': st.sampled_from(['A=1', 'A=2', 'B=1', 'B=', 'C=x=y']),
        'permit': st.sampled_from(['10.0.0.0/8', '192.168.0.0/16']),
    },
    'aor': {
        'max_contacts': st.sampled_from(['1', '10']),
        'contact': st.sampled_from(['sip:a@h', 'sip:b@h']),
    },
    'identify': {
        'match': st.sampled_from(['10.0.0.1', '10.0.0.2,10.0.0.3']),
        'endpoint': st.sampled_from(['e1', 'e2']),
    },
}


def section_lines(section):
    keys = list(LINE_VALUES[section])
    line = st.sampled_from(keys).flatmap(lambda key: st.tuples(st.just(key), LINE_VALUES[section][key]))
    return st.lists(line, max_size=4).map(tuple)


option_sections = st.fixed_dictionaries({}, optional={section: section_lines(section) for section in LINE_VALUES})
transport = st.one_of(st.none(), st.sampled_from(['udp', 'tcp', 'wss']))


@st.composite
def template_graphs(draw, acyclic=True):
    """Templates t0..tn (a DAG when acyclic: parents have lower numbers) and an endpoint using them."""
    count = draw(st.integers(0, 7))
    uuids = [f't{i}' for i in range(count)]

    def parents(candidates):
        return tuple(draw(st.lists(st.sampled_from(candidates), unique=True, max_size=3))) if candidates else ()

    nodes = {
        uuid: ConfigNode(uuid, draw(option_sections), parents(uuids[:i] if acyclic else uuids), draw(transport))
        for i, uuid in enumerate(uuids)
    }
    endpoint = ConfigNode('endpoint', draw(option_sections), parents(uuids), draw(transport))
    return nodes, endpoint


def naive_lines(node, nodes):
    """(section, key, value) as Asterisk copies them: each parent's lines in full, then its own."""
    lines = []
    for parent in node.parents:
        lines += naive_lines(nodes[parent], nodes)
    lines += [(section, key, value) for section, own in node.sections.items() for key, value in own]
    if node.transport_uuid is not None:
        lines.append(('-', 'transport', node.transport_uuid))
    return lines


def asterisk_codecs(codec_lines):
    """Applies allow/disallow lines the way Asterisk's ast_format_cap_update_by_allow_disallow() does."""
    codecs = []

    def edit(allowing, name):
        nonlocal codecs
        if name == 'all':
            codecs = codecs + [c for c in KNOWN_CODECS if c not in codecs] if allowing else []
        elif allowing and name not in codecs:
            codecs.append(name)
        elif not allowing and name in codecs:
            codecs.remove(name)

    for key, value in codec_lines:
        allowing = key == 'allow'
        if len(value) > 1 and value[0] == '(' and value[-1] == ')':
            # The form Asterisk prints: first the inverse of the operation on every codec.
            edit(not allowing, 'all')
            value = value[1:-1]
        for token in re.split('[,|]', value):
            token = token.strip()
            negated = token.startswith('!')
            name = (token[1:] if negated else token).rsplit(':', 1)[0].lower()  # without its framing
            if name == 'all' or name in KNOWN_CODECS:  # unknown codecs are skipped
                edit(allowing != negated, name)
    return codecs


def same_setting(object_type, line, other):
    (key, value), (other_key, other_value) = line, other
    if key != other_key:
        return False
    if not is_repeatable(object_type, key):
        return True
    if key == 'set_var':
        return value.split('=')[0] == other_value.split('=')[0]
    if key == 'contact':
        return value == other_value
    return False


def naive_merge(object_type, lines):
    """Non-codec lines as Asterisk keeps them; each at its setting's first place with its last value."""
    merged = []
    for index, line in enumerate(lines):
        if line[0] in ('allow', 'disallow'):
            continue
        setting = [i for i, other in enumerate(lines) if i == index or same_setting(object_type, line, other)]
        if setting[0] == index:
            merged.append([line[0], lines[setting[-1]][1]])
    return merged


def group_by_section(flat_lines):
    grouped = {}
    for section, key, value in flat_lines:
        if section != '-':
            grouped.setdefault(section, []).append((key, value))
    return grouped


def has_loop(uuid, nodes, path=()):
    if uuid in path:
        return True
    return any(has_loop(parent, nodes, (*path, uuid)) for parent in nodes[uuid].parents)


@settings(max_examples=100, deadline=None)
@given(template_graphs())
def test_resolution_matches_asterisk_copying_lines(graph):
    nodes, endpoint = graph
    expected = naive_lines(endpoint, nodes)

    lines = Resolver(nodes).lines(endpoint)

    assert lines == group_by_section(expected)
    transports = [value for section, _, value in expected if section == '-']
    assert Resolver(nodes).transport(endpoint) == (transports[-1] if transports else None)


@settings(max_examples=100, deadline=None)
@given(template_graphs())
def test_merged_view_matches_what_asterisk_keeps(graph):
    nodes, endpoint = graph
    lines_by_section = Resolver(nodes).lines(endpoint)

    merged = merged_view(lines_by_section, is_repeatable)

    assert list(merged) == list(lines_by_section)
    for section, lines in lines_by_section.items():
        object_type = SECTION_OBJECT_TYPES[section]
        codec_lines = [line for line in lines if line[0] in ('allow', 'disallow')]
        allow_lines = [line for line in merged[section] if line[0] == 'allow']
        assert [line for line in merged[section] if line[0] != 'allow'] == naive_merge(object_type, lines)
        if codec_lines:
            # One allow line, where the first codec line was, giving Asterisk the same codecs.
            (allow,) = allow_lines
            place = len(naive_merge(object_type, lines[: lines.index(codec_lines[0])]))
            assert merged[section].index(allow) == place
            assert asterisk_codecs([('allow', allow[1])]) == asterisk_codecs(codec_lines)
        else:
            assert allow_lines == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(['allow', 'disallow']), codec_value), max_size=6))
def test_codec_edits_give_asterisk_the_same_codecs(codec_lines):
    tokens = apply_codec_edits(codec_lines)

    assert asterisk_codecs([('allow', codec_line_value(tokens))]) == asterisk_codecs(codec_lines)
    if 'all' not in tokens:  # without "all" the tokens are the plain list, each codec once
        assert [token.split(':')[0].lower() for token in tokens if token != 'nosuch'] == asterisk_codecs(codec_lines)


@settings(max_examples=60, deadline=None)
@given(template_graphs(acyclic=False))
def test_loops_are_reported_with_a_real_loop(graph):
    nodes, endpoint = graph
    everything = {**nodes, endpoint.uuid: endpoint}
    try:
        lines = Resolver(nodes).lines(endpoint)
    except InheritanceLoop as loop:
        assert has_loop(endpoint.uuid, everything)
        following = (*loop.uuids[1:], loop.uuids[0])
        assert all(parent in everything[uuid].parents for uuid, parent in zip(loop.uuids, following))
    else:
        assert not has_loop(endpoint.uuid, everything)
        assert lines == group_by_section(naive_lines(endpoint, nodes))


@settings(max_examples=60, deadline=None)
@given(template_graphs(), st.data())
def test_would_create_cycle_iff_new_parents_make_a_loop(graph, data):
    nodes, _ = graph
    if not nodes:
        return
    uuid = data.draw(st.sampled_from(sorted(nodes)))
    new_parents = tuple(data.draw(st.lists(st.sampled_from(sorted(nodes)), unique=True, max_size=3)))
    changed = {**nodes, uuid: ConfigNode(uuid, parents=new_parents)}
    parents_of = {name: node.parents for name, node in nodes.items()}

    loop = would_create_cycle(uuid, new_parents, parents_of)

    assert (loop is not None) == has_loop(uuid, changed)
    if loop is not None:
        assert loop[0] == uuid
        following = (*loop[1:], loop[0])
        assert all(parent in changed[name].parents for name, parent in zip(loop, following))


@settings(max_examples=60, deadline=None)
@given(template_graphs(acyclic=False), st.data())
def test_descendants_are_everything_with_the_template_among_its_ancestors(graph, data):
    nodes, endpoint = graph
    everything = {**nodes, endpoint.uuid: endpoint}
    template = data.draw(st.sampled_from(sorted(everything)))
    children_of = {}
    for name, node in everything.items():
        for parent in node.parents:
            children_of.setdefault(parent, []).append(name)

    def ancestors(name):
        found, frontier = set(), set(everything[name].parents)
        while frontier:
            found |= frontier
            frontier = {p for f in frontier for p in everything[f].parents} - found
        return found

    found = descendants(template, children_of)

    assert len(found) == len(set(found))
    assert set(found) == {name for name in everything if name != template and template in ancestors(name)}
