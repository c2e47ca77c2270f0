# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parents: order, same tenant, no loops, diamonds, and templates that cannot go while inherited."""
import threading
import time
import uuid

import pytest

from ..conftest import ApiClient
from .helpers import (
    ENDPOINTS,
    TEMPLATES,
    create_endpoint,
    create_template,
    item_path,
    missing_template,
    parents,
    row_counts,
)


def test_parents_keep_their_order_and_show_their_labels(api):
    first, second, third = (create_template(api, label=label) for label in ('one', 'two', 'three'))
    body = create_endpoint(api, templates=parents(third, first, second))
    assert body['templates'] == [
        {'uuid': third['uuid'], 'label': 'three'},
        {'uuid': first['uuid'], 'label': 'one'},
        {'uuid': second['uuid'], 'label': 'two'},
    ]


def test_a_parent_label_change_shows_on_its_children(api):
    template = create_template(api, label='before')
    body = create_endpoint(api, templates=parents(template))
    api.put(item_path(TEMPLATES, template), json={'label': 'after'})
    assert api.get(item_path(ENDPOINTS, body)).json['templates'] == [{'uuid': template['uuid'], 'label': 'after'}]


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_an_unknown_or_endpoint_parent_is_refused(api, database, base):
    endpoint = create_endpoint(api)
    missing = str(uuid.uuid4())
    before = row_counts(database)
    for parent_uuid in (missing, endpoint['uuid']):
        response = api.post(base, json={'templates': [{'uuid': parent_uuid}]})
        assert (response.status_code, response.json) == (
            400,
            missing_template(parent_uuid),
        )
    assert row_counts(database) == before


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_the_same_template_twice_is_refused(api, database, base):
    template = create_template(api)
    before = row_counts(database)
    response = api.post(base, json={'templates': parents(template, template)})
    assert response.status_code == 400
    assert response.json[0].startswith('Input Error - templates: ')
    assert row_counts(database) == before


def test_a_template_cannot_include_itself(api):
    template = create_template(api)
    response = api.put(item_path(TEMPLATES, template), json={'templates': parents(template)})
    assert response.status_code == 400
    assert 'itself' in response.json[0]
    assert api.get(item_path(TEMPLATES, template)).json['templates'] == []


def test_a_loop_at_depth_three_is_refused_naming_the_other_templates(api):
    a = create_template(api, name='loop-a')
    b = create_template(api, name='loop-b', templates=parents(a))
    c = create_template(api, name='loop-c', templates=parents(b))

    response = api.put(item_path(TEMPLATES, a), json={'templates': parents(c)})

    assert response.status_code == 400
    assert len(response.json) == 1
    assert response.json[0].startswith('Input Error - templates: ')
    assert c['uuid'] in response.json[0] and b['uuid'] in response.json[0]
    assert api.get(item_path(TEMPLATES, a)).json['templates'] == []


def test_a_loop_through_a_second_parent_is_refused(api):
    a = create_template(api)
    unrelated = create_template(api)
    b = create_template(api, templates=parents(unrelated, a))
    response = api.put(item_path(TEMPLATES, a), json={'templates': parents(unrelated, b)})
    assert response.status_code == 400
    assert b['uuid'] in response.json[0]


def test_diamonds_and_deep_chains_are_fine(api):
    base = create_template(api, label='base')
    left = create_template(api, label='left', templates=parents(base))
    right = create_template(api, label='right', templates=parents(base))
    chain = right
    for depth in range(10):
        chain = create_template(api, label=f'depth-{depth}', templates=parents(chain))
    body = create_endpoint(api, templates=parents(left, chain))
    assert [parent['label'] for parent in body['templates']] == ['left', 'depth-9']
    assert api.put(item_path(TEMPLATES, base), json={'label': 'still fine'}).status_code == 204


def test_concurrent_parent_changes_cannot_close_a_loop(app, api, commit_probes):
    """x -> p1 -> y and y -> p2 -> x at the same time: each alone is fine, together they loop.

    The four templates are distinct, so the row locks of the two updates do not meet.
    """
    x, y = create_template(api, name='race-x'), create_template(api, name='race-y')
    p1 = create_template(api, name='race-p1', templates=parents(y))
    p2 = create_template(api, name='race-p2', templates=parents(x))
    # Hold each transaction just before its commit until both are there (or 1 s passed): without
    # serialisation both loop checks pass and both commit.
    both_checked = threading.Barrier(2, timeout=1)

    def hold(uow):
        try:
            both_checked.wait()
        except threading.BrokenBarrierError:
            pass

    results = []

    def update(child, parent):
        response = ApiClient(app.test_client()).put(item_path(TEMPLATES, child), json={'templates': parents(parent)})
        results.append(response.status_code)

    commit_probes.before.append(hold)
    try:
        threads = [threading.Thread(target=update, args=pair) for pair in ((x, p1), (y, p2))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        commit_probes.before.remove(hold)

    assert sorted(results) == [204, 400]


def test_a_template_deleted_while_a_child_is_created_gives_a_400_not_a_500(app, api, commit_probes):
    doomed = create_template(api, name='doomed')
    deleting = threading.Event()

    def hold_the_delete(uow):
        if any(change.action == 'deleted' for change in uow.changes):
            deleting.set()
            time.sleep(0.5)  # the create below runs meanwhile

    results = {}

    def delete():
        results['delete'] = ApiClient(app.test_client()).delete(item_path(TEMPLATES, doomed)).status_code

    commit_probes.before.append(hold_the_delete)
    try:
        deleter = threading.Thread(target=delete)
        deleter.start()
        assert deleting.wait(timeout=5)
        response = api.post(ENDPOINTS, json={'name': 'orphan', 'templates': parents(doomed)})
        deleter.join(timeout=10)
    finally:
        commit_probes.before.remove(hold_the_delete)

    assert results == {'delete': 204}
    assert (response.status_code, response.json) == (
        400,
        missing_template(doomed['uuid']),
    )


def test_deleting_an_inherited_template_is_refused_listing_its_children(api, database):
    base = create_template(api, name='base')
    child_template = create_template(api, name='child-tpl', templates=parents(base))
    endpoint = create_endpoint(api, name='child-endpoint', templates=parents(base))
    grandchild = create_endpoint(api, name='grandchild', templates=parents(child_template))
    before = row_counts(database)

    response = api.delete(item_path(TEMPLATES, base))

    assert response.status_code == 400
    assert len(response.json) == 1
    message = response.json[0]
    assert message.startswith('Resource Error - ')
    for item in (child_template, endpoint):
        assert item['uuid'] in message and item['name'] in message
    assert grandchild['uuid'] not in message  # direct children: the ones to re-point
    assert row_counts(database) == before


def test_a_template_can_be_deleted_once_nothing_inherits_from_it(api):
    base = create_template(api)
    endpoint = create_endpoint(api, templates=parents(base))
    assert api.delete(item_path(TEMPLATES, base)).status_code == 400
    assert api.put(item_path(ENDPOINTS, endpoint), json={'templates': []}).status_code == 204
    assert api.delete(item_path(TEMPLATES, base)).status_code == 204


def test_deleting_a_child_removes_its_parent_links(api):
    base = create_template(api)
    endpoint = create_endpoint(api, templates=parents(base))
    assert api.delete(item_path(ENDPOINTS, endpoint)).status_code == 204
    assert api.delete(item_path(TEMPLATES, base)).status_code == 204


def test_a_ladder_of_diamonds_is_refused_before_it_explodes(api):
    def template(name, parents=()):
        response = api.post(
            '/endpoints/sip/templates', json={'name': name, 'templates': [{'uuid': p} for p in parents]}
        )
        assert response.status_code == 201, response.json
        return response.json['uuid']

    below = template('rung0')
    for rung in range(1, 5):  # base copied 2, 4, 8, 16 times
        below = template(f'rung{rung}', [template(f'left{rung}', [below]), template(f'right{rung}', [below])])
    left, right = template('left5', [below]), template('right5', [below])

    response = api.post(
        '/endpoints/sip/templates', json={'name': 'rung5', 'templates': [{'uuid': left}, {'uuid': right}]}
    )
    assert response.status_code == 400
    assert response.json == [
        'Input Error - templates: a template would be copied 32 times through diamonds (at most 16): '
        'Asterisk copies a template once per path that reaches it'
    ]
    endpoint = api.post('/endpoints/sip', json={'name': 'deep', 'templates': [{'uuid': left}, {'uuid': right}]})
    assert endpoint.status_code == 400
    assert api.post('/endpoints/sip', json={'templates': [{'uuid': left}]}).status_code == 201
    # a change low in the ladder is refused for what it does to the templates above it: 3 × 8 = 24
    rung1 = api.get('/endpoints/sip/templates', query={'name': 'rung1'}).json['items'][0]
    widened = rung1['templates'] + [
        {'uuid': api.get('/endpoints/sip/templates', query={'name': 'rung0'}).json['items'][0]['uuid']}
    ]
    response = api.put(f'/endpoints/sip/templates/{rung1["uuid"]}', json={'templates': widened})
    assert response.status_code == 400
    assert 'copied 24 times' in response.json[0]
