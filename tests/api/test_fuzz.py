# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Schemathesis against the served document, through the real app: no 5xx, every answer as documented.

The app is the service's own (`core.build_core`, `app.create_app`) with the local auth backend, on the tenants and
tokens of the fake wazo-auth. Each operation is fuzzed on a database seeded anew with items of several
tenants; path uuids and Wazo-Tenant are drawn partly from those, so that requests get past the 404s and
401s into the routes' real work, and each generated request is sent with three tokens (the master
tenant's and two sibling sub-tenants'): no answer may show a token what its tenants may not see.
The operations are split between this process and a second one, each on a database of its own: the
generation of requests costs more than the app, and the machine has 2 cores.
"""
import collections
import datetime
import multiprocessing
import traceback

import hypothesis
import schemathesis
import yaml
from hypothesis import strategies as st
from schemathesis._hypothesis import create_test
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.exceptions import CheckFailed
from schemathesis.generation import DataGenerationMethod, GenerationConfig

from wazo_confd_pjsip.auth.tenant_tree import subtree
from wazo_confd_pjsip.config import DEFAULT_CONFIG, merge_configs
from wazo_confd_pjsip.errors import InvalidInput
from wazo_confd_pjsip.http.waiting import parse_wait

from ..databases import create_database, drop_database
from .conftest import (
    MAIN,
    MASTER_TOKEN,
    OTHER,
    OTHER_TOKEN,
    SUB,
    SUB_OF_SUB,
    SUB_TOKEN,
    ApiClient,
    reset_database,
    service_app,
)

DOCUMENT_PATH = '/1.1/api/api.yml'
EXAMPLES_PER_OPERATION = 160
# Its answer is large to check and its one input is Wazo-Tenant: fewer requests say as much.
FEWER_EXAMPLES = {
    'GET /1.1/asterisk/pjsip/doc': 20,
    # the history's routes share one dao and one answer shape: fewer requests each say as much
    **{
        f'{method} /1.1{path}': 40
        for method, path in (
            ('GET', '/history'),
            ('POST', '/history/change_sets/{uuid}/revert'),
            ('GET', '/endpoints/sip/{uuid}/history'),
            ('POST', '/endpoints/sip/{uuid}/history/{change_uuid}/revert'),
            ('GET', '/endpoints/sip/templates/{uuid}/history'),
            ('POST', '/endpoints/sip/templates/{uuid}/history/{change_uuid}/revert'),
            ('GET', '/sip/transports/{uuid}/history'),
            ('GET', '/asterisk/pjsip/global/history'),
            ('GET', '/asterisk/pjsip/system/history'),
        )
    },
}
TOKENS = (MASTER_TOKEN, SUB_TOKEN, OTHER_TOKEN)
MIN_REQUESTS = 10_000
# About 90 s on an idle 2-core machine, for about 11,600 requests. Not a timing check (benchmarks do
# timings): only how long a hung shard, or one request, is waited for.
TIME_LIMIT_SECONDS = 600
SHARDS = 2
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)
TENANTS = (MAIN, SUB, SUB_OF_SUB, OTHER)
NO_TENANT = 'no Wazo-Tenant header'
# No Asterisk here: a wait_applied always waits its whole bound, which would spend the time limit.
SHORT_WAIT = '0.01'


def write_tokens_file(fake_auth, path):
    content = {
        'master_tenant_uuid': MAIN,
        'tenants': [
            {'uuid': uuid, 'parent_uuid': parent, 'name': name} for uuid, (parent, name) in fake_auth.tenants.items()
        ],
        'tokens': [
            {'token': token.token, 'tenant_uuid': token.tenant_uuid, 'acl': list(token.acl)}
            for token in fake_auth.tokens.values()
        ],
    }
    path.write_text(yaml.safe_dump(content))
    return str(path)


def seed(api):
    """A transport, and an endpoint and templates in each tenant: tenant → the uuids of its items."""
    api.post('/sip/transports', json={'name': 'fuzz-udp', 'options': [['protocol', 'udp']]})
    items = {}
    for tenant in TENANTS:
        client = api.as_(tenant=tenant)
        endpoint = client.post('/endpoints/sip', json={}).json
        client.post('/endpoints/sip/templates', json={})
        templates = client.get('/endpoints/sip/templates').json['items']  # the tenant's defaults and this one
        items[tenant] = [endpoint['uuid']] + [template['uuid'] for template in templates]
    return items


def reseed(core, api):
    reset_database(core.db)
    for tenant in TENANTS:
        core.services.tenants.forget(tenant)  # its row is gone: recorded again, with its default templates
    return seed(api)


def with_seeded_items(test, schema, items):
    """Path uuids of seeded items, known tenants in Wazo-Tenant: drawn alongside what the document allows."""
    uuids = sorted(uuid for tenant_items in items.values() for uuid in tenant_items)

    def path_parameters(context, strategy):
        # the other path parameters (a revert's change_uuid) as generated
        seeded = st.tuples(st.sampled_from(uuids), strategy).map(lambda drawn: {**(drawn[1] or {}), 'uuid': drawn[0]})
        return st.one_of(seeded, strategy)

    def headers(context, strategy):
        return st.one_of(
            st.tuples(strategy, st.sampled_from((NO_TENANT,) + TENANTS)).map(lambda pair: _with_tenant(*pair)),
            strategy,
        )

    def query(context, strategy):
        return strategy.map(_with_short_wait)

    test = schema.hooks.apply(path_parameters, name='before_generate_path_parameters')(test)
    test = schema.hooks.apply(query, name='before_generate_query')(test)
    return schema.hooks.apply(headers, name='before_generate_headers')(test)


def _with_short_wait(query):
    """A valid wait of more than SHORT_WAIT shortened to it; other values (invalid ones too) kept."""
    if not query or 'wait_applied' not in query:
        return query
    try:
        wait = parse_wait(str(query['wait_applied']))
    except InvalidInput:
        return query
    if wait is None or wait <= float(SHORT_WAIT):
        return query
    return {**query, 'wait_applied': SHORT_WAIT}


def _with_tenant(headers, tenant):
    headers = dict(headers or {})
    headers.pop('Wazo-Tenant', None)
    if tenant != NO_TENANT:
        headers['Wazo-Tenant'] = tenant
    return headers


class Run:
    """Every request of a shard; failures kept (one per operation and check) instead of stopping.

    Besides the document's checks: what a token may not see (the items of the tenants outside its
    subtree) is never in a 2xx answer nor in the path of a 2xx request.
    """

    def __init__(self, visible_tenants):
        self.visible_tenants = visible_tenants  # token → tenants
        self.requests = 0
        self.statuses = collections.Counter()
        self.failures = {}
        self.hidden = {}

    def seeded(self, items):
        self.hidden = {
            token: {uuid for tenant, uuids in items.items() if tenant not in visible for uuid in uuids}
            for token, visible in self.visible_tenants.items()
        }

    def send(self, case):
        for token in TOKENS:
            self.requests += 1
            try:
                response = case.call_and_validate(headers={'X-Auth-Token': token}, checks=CHECKS)
            except CheckFailed as failure:
                for cause in failure.causes or (failure,):
                    title = cause.context.title if cause.context else str(cause)[:80]
                    self.failures.setdefault(f'{case.operation.verbose_name}: {title}', str(failure))
                continue
            self.statuses[response.status_code] += 1
            if response.status_code < 300:
                self._check_no_leak(case, token, case.formatted_path + response.get_data(as_text=True))

    def _check_no_leak(self, case, token, text):
        leaked = sorted(uuid for uuid in self.hidden[token] if uuid in text)
        if leaked:
            message = f'{token} got past another tenant: {leaked} in {case.formatted_path} or its answer'
            self.failures.setdefault(f'{case.operation.verbose_name}: cross-tenant leak', message)

    def summary(self):
        return {'requests': self.requests, 'statuses': dict(self.statuses), 'failures': self.failures}


SETTINGS = hypothesis.settings(
    derandomize=True,
    database=None,
    # Not None: under CI, Hypothesis's own `ci` profile has deadline=None, and Schemathesis then puts its 15 s.
    deadline=datetime.timedelta(seconds=TIME_LIMIT_SECONDS),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # failures are collected, never shrunk
    suppress_health_check=list(hypothesis.HealthCheck),
)


def fuzz(operation, run, items):
    """The document's examples of the operation, then EXAMPLES_PER_OPERATION generated requests."""

    def send(case):
        run.send(case)

    run.seeded(items)
    test = create_test(
        operation=operation,
        test=with_seeded_items(send, operation.schema, items),
        settings=hypothesis.settings(
            SETTINGS, max_examples=FEWER_EXAMPLES.get(operation.verbose_name, EXAMPLES_PER_OPERATION)
        ),
        data_generation_methods=[DataGenerationMethod.positive],
        generation_config=operation.schema.generation_config,
    )
    test()


def service_config(db_uri, tokens_file, data_dir):
    overrides = {
        'db_uri': db_uri,
        'data_dir': data_dir,
        'pjsip_doc_file': None,  # the bundled facts, whatever the machine has installed
        'auth': {'backend': 'local', 'tokens_file': tokens_file},
    }
    return merge_configs(overrides, DEFAULT_CONFIG)


def fuzz_shard(server_uri, tokens_file, visible_tenants, data_dir, shard):
    """Every SHARDS-th operation of the document, from the shard-th, on a database of its own."""
    db_uri, name = create_database(server_uri, prefix='fuzz')
    try:
        with service_app(service_config(db_uri, tokens_file, data_dir), db_uri) as (app, core):
            schema = schemathesis.from_wsgi(
                DOCUMENT_PATH, app, generation_config=GenerationConfig(with_security_parameters=False)
            )
            api = ApiClient(app.test_client())
            run = Run(visible_tenants)
            operations = [result.ok() for result in schema.get_all_operations()]
            for operation in operations[shard::SHARDS]:
                fuzz(operation, run, reseed(core, api))
            return run.summary()
    finally:
        drop_database(server_uri, name)


def _fuzz_shard_in_child(queue, *args):
    try:
        queue.put(fuzz_shard(*args))
    except BaseException:
        queue.put({'error': traceback.format_exc()})


def visible_tenants(fake_auth):
    parents = {tenant: parent for tenant, (parent, _) in fake_auth.tenants.items()}
    return {token: subtree(parents, fake_auth.tokens[token].tenant_uuid) for token in TOKENS}


def test_schemathesis_finds_nothing(postgres_server_uri, fake_auth, tmp_path):
    tokens_file = write_tokens_file(fake_auth, tmp_path / 'tokens.yml')
    shard_args = (postgres_server_uri, tokens_file, visible_tenants(fake_auth))
    context = multiprocessing.get_context('spawn')  # a fresh interpreter: nothing of this one's connections
    queue = context.Queue()
    children = [
        context.Process(target=_fuzz_shard_in_child, args=(queue, *shard_args, str(tmp_path / str(shard)), shard))
        for shard in range(1, SHARDS)
    ]
    for child in children:
        child.start()
    try:
        summaries = [fuzz_shard(*shard_args, str(tmp_path / '0'), 0)]
        summaries.extend(queue.get(timeout=TIME_LIMIT_SECONDS) for _ in children)
    finally:
        for child in children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()

    assert [summary['error'] for summary in summaries if 'error' in summary] == []
    failures = {key: message for summary in summaries for key, message in summary['failures'].items()}
    statuses = sum((collections.Counter(summary['statuses']) for summary in summaries), collections.Counter())
    assert not failures, '\n\n'.join(f'{key}\n{message}' for key, message in failures.items())
    assert sum(summary['requests'] for summary in summaries) >= MIN_REQUESTS, statuses
