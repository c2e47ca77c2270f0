# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET /endpoints/sip and /endpoints/sip/templates: search, filters, ordering, paging, template_uuid."""
import uuid

import pytest

from .helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_template, listed_uuids, parents


def names(response):
    assert response.status_code == 200, response.json
    return [item['name'] for item in response.json['items']]


@pytest.fixture
def three(api):
    return [
        create_endpoint(api, name='bob', label='Élodie Martin', asterisk_id='default'),
        create_endpoint(api, name='alice', label='Zoé'),
        create_endpoint(api, name='carol', label=None),
    ]


def test_list_is_ordered_by_name_by_default(api, three):
    response = api.get(ENDPOINTS)
    assert response.json['total'] == 3
    assert names(response) == ['alice', 'bob', 'carol']
    assert response.json['items'][0] == three[1]


def test_order_and_direction(api, three):
    assert names(api.get(ENDPOINTS, query={'order': 'name', 'direction': 'desc'})) == ['carol', 'bob', 'alice']


def test_order_by_label(api):
    create_endpoint(api, name='n1', label='b')
    create_endpoint(api, name='n2', label='c')
    create_endpoint(api, name='n3', label='a')
    assert names(api.get(ENDPOINTS, query={'order': 'label'})) == ['n3', 'n1', 'n2']
    assert names(api.get(ENDPOINTS, query={'order': 'label', 'direction': 'desc'})) == ['n2', 'n1', 'n3']


def test_unknown_order_column_is_refused_in_the_wazo_confd_form(api, three):
    response = api.get(ENDPOINTS, query={'order': 'x'})
    assert (response.status_code, response.json) == (400, ["Input Error - order: column 'x' was not found"])


def test_bad_direction_is_refused(api):
    assert api.get(ENDPOINTS, query={'direction': 'up'}).status_code == 400


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_empty_order_or_direction_is_refused_not_taken_as_absent(api, base):
    for query, message in (
        ({'direction': ''}, 'Input Error - direction: Must be one of: asc, desc.'),
        ({'order': ''}, "Input Error - order: column '' was not found"),
    ):
        response = api.get(base, query=query)

        assert (response.status_code, response.json) == (400, [message]), query


def test_limit_and_offset_page_after_counting(api, three):
    response = api.get(ENDPOINTS, query={'limit': 1, 'offset': 1})
    assert response.json['total'] == 3
    assert names(response) == ['bob']
    assert names(api.get(ENDPOINTS, query={'offset': 2})) == ['carol']
    assert names(api.get(ENDPOINTS, query={'limit': 0})) == []


def test_bad_limit_or_offset_is_refused(api):
    for query in ({'limit': '-1'}, {'limit': 'many'}, {'offset': '-1'}):
        assert api.get(ENDPOINTS, query=query).status_code == 400


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
@pytest.mark.parametrize('name', ['limit', 'offset'])
def test_limit_and_offset_beyond_a_database_integer_are_refused_naming_the_parameter(api, base, name):
    for value in ('99999999999999999999', str(2**31)):
        response = api.get(base, query={name: value})
        assert (response.status_code, response.json) == (
            400,
            [f'Input Error - {name}: Must be less than or equal to 2147483647.'],
        )
    assert api.get(base, query={name: str(2**31 - 1)}).status_code == 200


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
@pytest.mark.parametrize('name', ['search', 'name', 'label', 'asterisk_id'])
def test_a_control_character_in_a_text_parameter_is_refused_naming_the_parameter(api, base, name):
    for value in ('a\x00b', 'a\nb'):
        response = api.get(base, query={name: value})
        assert (response.status_code, response.json) == (
            400,
            [f'Input Error - {name}: Must not contain line breaks or control characters.'],
        )


def test_a_nul_character_in_a_uuid_parameter_is_no_uuid(api, three):
    assert api.get(ENDPOINTS, query={'uuid': f"{three[0]['uuid']}\x00"}).json == {'total': 0, 'items': []}
    response = api.get(ENDPOINTS, query={'template_uuid': f"{three[0]['uuid']}\x00"})
    assert (response.status_code, response.json) == (400, ['Input Error - template_uuid: Not a valid UUID.'])


SEARCHES = [
    ('ALI', ['alice']),  # case-insensitive on the name
    ('elodie', ['bob']),  # accent-insensitive on the label
    ('ÉLO', ['bob']),  # accents in the term too
    ('zoe', ['alice']),
    ('o', ['alice', 'bob', 'carol']),  # alice only through her label
    ('nobody', []),
]


def test_search_is_case_and_accent_insensitive_on_name_and_label(api, three):
    for term, expected in SEARCHES:
        response = api.get(ENDPOINTS, query={'search': term})
        assert names(response) == expected, term
        assert response.json['total'] == len(expected)


def test_search_also_matches_the_asterisk_id_as_wazo_confd(api, three):
    assert names(api.get(ENDPOINTS, query={'search': 'DEFAU'})) == ['bob']


def test_search_treats_like_wildcards_literally(api):
    create_endpoint(api, name='a_b', label='100%')
    create_endpoint(api, name='axb', label='1000')
    assert names(api.get(ENDPOINTS, query={'search': 'a_'})) == ['a_b']
    assert names(api.get(ENDPOINTS, query={'search': '0%'})) == ['a_b']


def test_search_total_counts_matches_before_paging(api, three):
    response = api.get(ENDPOINTS, query={'search': 'o', 'limit': 1})
    assert response.json['total'] == 3
    assert len(response.json['items']) == 1


EXACT_FILTERS = [
    ({'name': 'bob'}, ['bob']),
    ({'name': 'Bob'}, []),  # exact, unlike search
    ({'label': 'Zoé'}, ['alice']),
    ({'label': 'Zoe'}, []),
    ({'asterisk_id': 'default'}, ['bob']),
    ({'name': 'bob', 'label': 'Zoé'}, []),
]


def test_exact_filters(api, three):
    for query, expected in EXACT_FILTERS:
        assert names(api.get(ENDPOINTS, query=query)) == expected, query


def test_uuid_filter_takes_a_comma_list_and_drops_invalid_uuids(api, three):
    bob, alice, _ = three
    response = api.get(ENDPOINTS, query={'uuid': f"{bob['uuid']},not-a-uuid,{alice['uuid']},{uuid.uuid4()}"})
    assert names(response) == ['alice', 'bob']
    assert response.json['total'] == 2


def test_uuid_filter_with_no_valid_uuid_is_an_empty_list(api, three):
    for value in ('not-a-uuid', 'x,y', ''):
        assert api.get(ENDPOINTS, query={'uuid': value}).json == {'total': 0, 'items': []}


def test_wazo_confd_client_recurse_spelling_is_accepted(api, three):
    assert api.get(ENDPOINTS, query={'recurse': 'False'}).json['total'] == 3
    assert api.get(ENDPOINTS, query={'recurse': 'True'}).json['total'] == 3
    assert api.get(ENDPOINTS, query={'recurse': 'maybe'}).status_code == 400


def test_templates_list_has_the_same_parameters(api):
    create_template(api, name='tpl-b', label='Bureau')
    create_template(api, name='tpl-a', label='Accueil')
    response = api.get(TEMPLATES, query={'search': 'tpl', 'order': 'name', 'direction': 'desc'})
    assert names(response) == ['tpl-b', 'tpl-a']
    assert names(api.get(TEMPLATES, query={'label': 'Accueil'})) == ['tpl-a']
    assert api.get(TEMPLATES, query={'order': 'x'}).json == ["Input Error - order: column 'x' was not found"]


@pytest.fixture
def family(api):
    """base <- middle <- (leaf template, e1); other <- e2; e3 inherits nothing."""
    base = create_template(api, name='t-base')
    middle = create_template(api, name='t-middle', templates=parents(base))
    leaf = create_template(api, name='t-leaf', templates=parents(middle))
    other = create_template(api, name='t-other')
    endpoints = {
        'e1': create_endpoint(api, name='e1', templates=parents(middle)),
        'e2': create_endpoint(api, name='e2', templates=parents(other)),
        'e3': create_endpoint(api, name='e3'),
        'e4': create_endpoint(api, name='e4', templates=parents(other, leaf)),
    }
    return {'base': base, 'middle': middle, 'leaf': leaf, 'other': other, **endpoints}


def test_template_uuid_lists_endpoints_inheriting_directly_or_not(api, family):
    assert names(api.get(ENDPOINTS, query={'template_uuid': family['base']['uuid']})) == ['e1', 'e4']
    assert names(api.get(ENDPOINTS, query={'template_uuid': family['other']['uuid']})) == ['e2', 'e4']
    assert names(api.get(ENDPOINTS, query={'template_uuid': family['leaf']['uuid']})) == ['e4']


def test_template_uuid_on_templates_lists_descendant_templates_not_itself(api, family):
    response = api.get(TEMPLATES, query={'template_uuid': family['base']['uuid']})
    assert names(response) == ['t-leaf', 't-middle']
    assert response.json['total'] == 2
    assert names(api.get(TEMPLATES, query={'template_uuid': family['leaf']['uuid']})) == []


def test_template_uuid_combines_with_other_parameters(api, family):
    query = {'template_uuid': family['base']['uuid'], 'search': 'e4'}
    assert names(api.get(ENDPOINTS, query=query)) == ['e4']
    query = {'template_uuid': family['base']['uuid'], 'limit': 1, 'direction': 'desc'}
    response = api.get(ENDPOINTS, query=query)
    assert (names(response), response.json['total']) == (['e4'], 2)


def test_template_uuid_of_an_endpoint_or_unknown_uuid_lists_nothing(api, family):
    assert listed_uuids(api.get(ENDPOINTS, query={'template_uuid': family['e1']['uuid']})) == []
    assert listed_uuids(api.get(ENDPOINTS, query={'template_uuid': str(uuid.uuid4())})) == []


def test_invalid_template_uuid_is_refused(api):
    response = api.get(ENDPOINTS, query={'template_uuid': 'nope'})
    assert (response.status_code, response.json) == (400, ['Input Error - template_uuid: Not a valid UUID.'])


def test_item_only_parameters_are_ignored_by_lists(api, three):
    assert api.get(ENDPOINTS, query={'view': 'whatever'}).json['total'] == 3
