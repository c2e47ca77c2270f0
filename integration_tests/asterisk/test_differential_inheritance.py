# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Differential inheritance: one random template graph, written twice, must give Asterisk identical objects.

Once as native pjsip.conf templates (the engine's native file, which sorcery.conf reads before memory) and once
through the API (templates with parents, endpoints with templates). Real Asterisk replays the native templates
itself (`[name](a,b)`: a's lines, b's, then its own), so whatever the service's resolver pushes must end as the
very same objects: every attribute ARI reads back is compared; only the object names and the references to them
(`aors`, `auth`, identify `endpoint`) differ. The tenant variable the service appends last to every endpoint is
written last in the native endpoint too.
"""
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.options.catalogue import OptionCatalogue

from .conftest import ENDPOINTS, TEMPLATES
from .service import SUB_TENANT

# The API's sections that are kept here, each the Asterisk type of the same name.
SECTIONS = ('endpoint', 'aor', 'auth', 'identify')
MAX_TEMPLATES = 7
MAX_DEPTH = 4  # template levels below an endpoint
MAX_COPIES = 16  # the service refuses parents that copy one template more often (diamonds)
REFERENCES = {'endpoint': ('aors', 'auth'), 'identify': ('endpoint',)}
TENANT_LINE = ('set_var', f'__WAZO_TENANT_UUID={SUB_TENANT}')
LOAD_TIMEOUT = 10.0
CATALOGUE = OptionCatalogue.bundled()


def catalogue_choices(object_type, key):
    choices = CATALOGUE.spec(object_type, key).choices
    assert choices, f'{object_type} {key} has no choices in the catalogue'
    return st.sampled_from(choices)


def values(*choices):
    return st.sampled_from(choices)


CODEC_TOKENS = ('ulaw', 'alaw', 'g722', 'opus', 'gsm', 'ulaw:30', 'all', '!all', '!ulaw', '!g722')
codec_list = st.lists(values(*CODEC_TOKENS), min_size=1, max_size=3)
# "a,b" edits the list token by token; "(a|b)", the form Asterisk prints, replaces it
codec_value = st.one_of(codec_list.map(','.join), codec_list.map(lambda tokens: f'({"|".join(tokens)})'))
BOOL = values('yes', 'no')
ENUM_KEYS = (
    'dtmf_mode',
    'callerid_privacy',
    'connected_line_method',
    'direct_media_method',
    'redirect_method',
    't38_udptl_ec',
    'timers',
    '100rel',
)

OPTION_VALUES = {
    'endpoint': {
        'allow': codec_value,
        'disallow': codec_value,
        'set_var': values('A=1', 'A=2', 'B=x', 'B=', 'C=3'),
        'context': values('default', 'from-internal', 'from-test'),
        'language': values('en', 'fr', 'de'),
        'callerid': values('"Alice" <1001>', '"Bob" <1002>', '1003'),
        'mailboxes': values('1001@default', '1002@default,1003@default'),
        'direct_media': BOOL,
        'rtp_symmetric': BOOL,
        'rewrite_contact': BOOL,
        'force_rport': BOOL,
        'rtp_timeout': values('0', '30'),
        'max_audio_streams': values('1', '2'),
        **{key: catalogue_choices('endpoint', key) for key in ENUM_KEYS},
    },
    'aor': {
        'contact': values('sip:a@127.0.0.1:5070', 'sip:b@127.0.0.1:5071', 'sip:c@127.0.0.1:5072,sip:a@127.0.0.1:5070'),
        'max_contacts': values('0', '1', '3'),
        'remove_existing': BOOL,
        'qualify_timeout': values('3.0', '5.5'),
        'default_expiration': values('600', '3600'),
        'minimum_expiration': values('30', '60'),
        'maximum_expiration': values('3600', '7200'),
        'mailboxes': values('1001@default'),
    },
    'auth': {
        'password': values('s3cret', 'other'),
        'username': values('alice', 'bob'),
        'realm': values('wazo', 'example.org'),
        'auth_type': values('userpass'),
        'nonce_lifetime': values('32', '60'),
    },
    'identify': {
        'match': values('10.1.0.1', '10.2.0.0/16', '10.3.0.1,10.3.0.2', '10.4.0.1'),
        'srv_lookups': BOOL,
        'match_header': values('X-Trunk: one', 'X-Trunk: two'),
    },
}
# Without these keys an object is invalid (an auth needs credentials, an identify something to match).
REQUIRED_LINES = {'auth': (('username', 'carol'), ('password', 's3cret')), 'identify': (('match', '10.9.0.1'),)}


# Drawn twice as often: the options whose lines accumulate, where inheritance is hardest to get right.
CUMULATIVE_KEYS = {'endpoint': ('allow', 'disallow', 'set_var'), 'aor': ('contact',), 'identify': ('match',)}


def option_line(section):
    keys = [*OPTION_VALUES[section], *CUMULATIVE_KEYS.get(section, ())]
    return values(*keys).flatmap(lambda key: st.tuples(st.just(key), OPTION_VALUES[section][key]))


def with_required_lines(section, lines):
    if not lines:
        return lines
    keys = {key for key, _ in lines}
    return [*(line for line in REQUIRED_LINES.get(section, ()) if line[0] not in keys), *lines]


def section_lines(section):
    return st.lists(option_line(section), max_size=4).map(lambda lines: with_required_lines(section, lines))


node_sections = st.fixed_dictionaries({section: section_lines(section) for section in SECTIONS})


@dataclass
class Node:
    sections: dict  # section -> [(key, value)]
    parents: tuple  # indexes of templates, in the order of [name](T0,T1,...)
    depth: int = 1
    copies: Counter = field(default_factory=Counter)  # ancestor index -> paths reaching it (itself included)


def bounded_parents(templates, candidates, limit_depth):
    """The candidates kept in order while the service's limits hold (template depth, copies through diamonds)."""
    parents, copies = [], Counter()
    for index in candidates:
        parent = templates[index]
        if limit_depth and parent.depth >= MAX_DEPTH:
            continue
        if max((copies + parent.copies).values()) > MAX_COPIES:
            continue
        parents.append(index)
        copies += parent.copies
    return tuple(parents), copies


def parent_candidates(count, min_size=0):
    """Distinct indexes among `count` earlier templates, in the order they would be parents."""
    if not count:
        return st.just([])
    return st.lists(st.integers(0, count - 1), unique=True, min_size=min_size, max_size=min(3, count))


@st.composite
def template_graphs(draw):
    """Templates (each inheriting from earlier ones, so diamonds are common) and 1 or 2 endpoints using them."""
    templates = []
    for index in range(draw(st.integers(1, MAX_TEMPLATES))):
        parents, copies = bounded_parents(templates, draw(parent_candidates(index)), limit_depth=True)
        depth = 1 + max((templates[parent].depth for parent in parents), default=0)
        templates.append(Node(draw(node_sections), parents, depth, copies + Counter({index: 1})))
    endpoints = []
    for _ in range(draw(st.integers(1, 2))):
        candidates = draw(parent_candidates(len(templates), min_size=1))
        endpoints.append(Node(draw(node_sections), bounded_parents(templates, candidates, limit_depth=False)[0]))
    return templates, endpoints


def has_lines(node, section, templates):
    """Whether this section is left with any line after inheritance."""
    return bool(node.sections[section]) or any(has_lines(templates[p], section, templates) for p in node.parents)


def object_sections(node, templates):
    """The sections an endpoint turns into objects: the endpoint, and every other one left with lines."""
    return [section for section in SECTIONS if section == 'endpoint' or has_lines(node, section, templates)]


# the native side


def template_name(prefix, index, section):
    return f'{prefix}t{index}{section}'


def parent_names(prefix, node, section):
    return [template_name(prefix, parent, section) for parent in node.parents]


def native_section(name, options, section, lines):
    header = f'[{name}]({",".join(options)})' if options else f'[{name}]'
    return '\n'.join([header, f'type = {section}', *(f'{key} = {value}' for key, value in lines), ''])


def added_lines(node, name, section, templates):
    """What the service adds to its own objects, written in the native ones: references, the tenant last."""
    if section == 'identify':
        return [('endpoint', name)]
    if section != 'endpoint':
        return []
    references = [
        (key, name) for key, target in (('aors', 'aor'), ('auth', 'auth')) if has_lines(node, target, templates)
    ]
    return [*references, TENANT_LINE]


def native_config(prefix, templates, endpoints, names):
    """Every template of every section (an empty one can still be a parent), then each endpoint's objects."""
    blocks = [
        native_section(
            template_name(prefix, index, section),
            ['!', *parent_names(prefix, node, section)],
            section,
            node.sections[section],
        )
        for index, node in enumerate(templates)
        for section in SECTIONS
    ]
    blocks += [
        native_section(
            name,
            parent_names(prefix, node, section),
            section,
            node.sections[section] + added_lines(node, name, section, templates),
        )
        for node, name in zip(endpoints, names)
        for section in object_sections(node, templates)
    ]
    return '\n'.join(blocks)


def load_native(asterisk, text, expected):
    """Write the native file, reload res_pjsip and wait until every expected (type, id) is readable."""
    log_offset = asterisk.log_size()
    asterisk.native_file.write_text(text)
    asterisk.reload_pjsip()
    deadline = time.monotonic() + LOAD_TIMEOUT
    missing = list(expected)
    while missing and time.monotonic() < deadline:
        missing = [key for key in missing if asterisk.object(*key) is None]
        if missing:
            time.sleep(0.02)
    assert not missing, (
        f'native objects {missing} not loaded by a reload:\n{text}\n' f'Asterisk log:\n{asterisk.log_since(log_offset)}'
    )


# the API side


def section_bodies(node):
    return {f'{section}_section_options': [list(line) for line in node.sections[section]] for section in SECTIONS}


def create_templates(api, prefix, templates, created):
    uuids = []
    for index, node in enumerate(templates):
        body = {
            'label': f'{prefix}t{index}',
            **section_bodies(node),
            'templates': [{'uuid': uuids[parent]} for parent in node.parents],
        }
        uuids.append(api.post(TEMPLATES, body)['uuid'])
        created.append(f'{TEMPLATES}/{uuids[-1]}')
    return uuids


def create_endpoint(api, node, name, template_uuids, created):
    body = {
        'name': name,
        'label': name,
        **section_bodies(node),
        'templates': [{'uuid': template_uuids[parent]} for parent in node.parents],
    }
    created.append(f'{ENDPOINTS}/{api.post(ENDPOINTS, body)["uuid"]}')


def delete_all(api, created):
    for path in reversed(created):  # endpoints, then templates children first
        api.delete(path)


# the comparison


def without_references(fields, section, name):
    """The object's attributes, its references to `name` (its own objects) replaced by a marker."""
    renamed = dict(fields)
    for key in REFERENCES.get(section, ()):
        if key in renamed:
            renamed[key] = ['<own>' if value == name else value for value in renamed[key]]
    return renamed


def differences(native, api):
    keys = sorted(set(native) | set(api))
    return {key: (native.get(key), api.get(key)) for key in keys if native.get(key) != api.get(key)}


def assert_same_objects(asterisk, native_name, api_name, config):
    for section in SECTIONS:
        native, api = asterisk.object(section, native_name), asterisk.object(section, api_name)
        assert (native is None) == (api is None), (
            f'{section}: native {native_name} {"absent" if native is None else "present"}, '
            f'API {api_name} {"absent" if api is None else "present"}\n{config}'
        )
        if native is not None:
            found = differences(
                without_references(native, section, native_name), without_references(api, section, api_name)
            )
            assert not found, f'{section} {native_name} vs {api_name}: (native, API) {found}\n{config}'


@pytest.fixture
def native_file_emptied_after(asterisk):
    """Each example rewrites the whole native file; after the test its objects are unloaded."""
    yield
    asterisk.native_file.write_text('')
    asterisk.reload_pjsip()


EXAMPLE_NUMBERS = itertools.count()


@pytest.mark.usefixtures('native_file_emptied_after')
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    # function-scoped fixtures are shared by the examples: each one deletes its API objects and
    # rewrites the whole native file
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=template_graphs())
def test_native_and_api_templates_give_identical_objects(asterisk, api, graph):
    templates, endpoints = graph
    prefix = f'dif{next(EXAMPLE_NUMBERS)}'  # Asterisk has one id namespace: no example reuses a name
    native_names = [f'{prefix}n{index}' for index in range(len(endpoints))]
    api_names = [f'{prefix}a{index}' for index in range(len(endpoints))]
    config = native_config(prefix, templates, endpoints, native_names)
    expected = [
        (section, name) for node, name in zip(endpoints, native_names) for section in object_sections(node, templates)
    ]
    load_native(asterisk, config, expected)
    created = []
    try:
        template_uuids = create_templates(api, prefix, templates, created)
        for node, name in zip(endpoints, api_names):
            create_endpoint(api, node, name, template_uuids, created)
        for native_name, api_name in zip(native_names, api_names):
            assert_same_objects(asterisk, native_name, api_name, config)
    finally:
        delete_all(api, created)
