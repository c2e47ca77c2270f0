# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults: Asterisk stopped during a burst, Asterisk restarted, the service killed — nothing lost, nothing twice.

The service of these tests reaches ARI through an `AriRecorder`, so every push is on record. Each
change writes an increasing revision into an endpoint's `context`; an endpoint change is pushed as
a full endpoint PUT (the tenant's set_var makes every endpoint re-created), so each successful
endpoint PUT in the record shows the revision Asterisk got. Per endpoint and per Asterisk lifetime
(split at the moments Asterisk was down) the pushed revisions must only go up: a revision pushed
twice in one lifetime was applied twice. After a restart, the full re-push pushes each object once.
"""
import bisect
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa

from tests.databases import create_database, drop_database
from wazo_confd_pjsip.asterisk.probe import PROBE_ENDPOINT_ID

from .conftest import ENDPOINTS, TRANSPORT
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess

BURST_ENDPOINTS = 50
BURST_REVISIONS = 20  # 50 x 20 = 1,000 changes
WRITERS = 4
RESTART_ENDPOINTS = 200
RESTART_CHANGED = 10  # of them, changed again and again while Asterisk stops and boots
RECOVERY_TIMEOUT = 90.0
OUTAGE_ENDPOINTS = 50
LONG_OUTAGE_BACKOFF = 60  # seconds: what a 150 s outage leaves a change to wait (the backoff's maximum)
ANSWERED = (200, 204)
# Each ARI request held this long (seconds): the full push of RESTART_ENDPOINTS lasts a few seconds.
STRETCHED_PUSH_DELAY = 0.02


# --- the service under test, wired through the recorder


@pytest.fixture(scope='module')
def recorded_service(service_command, work_dir, postgres_server_uri, asterisk, recorder, sip_port):  # noqa: F811
    db_uri, name = create_database(postgres_server_uri, prefix='asterisk_faults')
    engines = {'default': recorder.engine_config(asterisk)}
    process = ServiceProcess(
        service_command, work_dir / 'faults', db_uri, engines, extra_config={'apply': {'health_interval': 1.0}}
    )
    process.start()
    # The same transport as the suite's service: both write the engine-wide file Asterisk includes.
    Api(process.url).post(
        '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
    )
    yield process
    process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture
def fault_api(recorded_service, asterisk):
    """The recorded service's API (sub-tenant); afterwards Asterisk and the service run and hold nothing of ours."""
    client = Api(recorded_service.url, MASTER_TOKEN, SUB_TENANT)
    yield client
    if asterisk.pid() is None:
        asterisk.start()
    if recorded_service.process.poll() is not None:
        recorded_service.start()
    delete_endpoints(client)


def delete_endpoints(api):
    """All at once, then wait: one by one, each waiting for Asterisk, takes 0.1 s an endpoint."""
    for endpoint in api.get(ENDPOINTS, params={'limit': 10000})['items']:
        api.delete(f'{ENDPOINTS}/{endpoint["uuid"]}', wait=False)
    wait_until(lambda: synced(api), 'the endpoints are deleted')


# --- revisions


def context_of(revision):
    return f'rev-{revision}'


def revision_of(context):
    return int(context.removeprefix('rev-'))


def endpoint_body(name):
    return {
        'name': name,
        'label': name,
        'auth_section_options': [['username', name], ['password', f'{name}-secret']],
        'aor_section_options': [['max_contacts', '1']],
        'endpoint_section_options': [['context', context_of(0)]],
    }


def create_endpoints(api, prefix, count):
    """{name: uuid} of `count` new endpoints at revision 0, once all are in Asterisk."""
    endpoints = {}
    for index in range(count):
        name = f'{prefix}{index:04d}'
        endpoints[name] = api.post(ENDPOINTS, endpoint_body(name), wait=False)['uuid']
    wait_until(lambda: synced(api), 'the new endpoints are applied')
    return endpoints


def api_revisions(api):
    items = api.get(ENDPOINTS, params={'limit': 10000})['items']
    return {item['name']: revision_of(dict(item['endpoint_section_options'])['context']) for item in items}


def asterisk_revisions(asterisk, names):
    """{name: revision of the endpoint in Asterisk, or None when Asterisk does not hold it}."""
    revisions = {}
    for name in names:
        endpoint = asterisk.object('endpoint', name)
        revisions[name] = revision_of(endpoint['context'][0]) if endpoint else None
    return revisions


def recorded_revisions(db_uri):
    """{name: revision} of the endpoints as the service recorded that Asterisk acknowledged them."""
    engine = sa.create_engine(db_uri)
    try:
        with engine.connect() as connection:
            query = "SELECT object_id, fields FROM engine_object WHERE object_type = 'endpoint'"
            rows = connection.execute(sa.text(query))
            return {row.object_id: revision_of(dict(row.fields)['context']) for row in rows}
    finally:
        engine.dispose()


def untried_in_database(db_uri):
    return _count(db_uri, 'SELECT count(*) FROM apply_outbox WHERE failed_at IS NULL AND attempts = 0')


def back_off_as_after_a_long_outage(db_uri):
    engine = sa.create_engine(db_uri)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    f"UPDATE apply_outbox SET attempts = 8, "
                    f"next_attempt_at = now() + interval '{LONG_OUTAGE_BACKOFF} seconds'"
                )
            )
    finally:
        engine.dispose()


def _count(db_uri, query):
    engine = sa.create_engine(db_uri)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()


def pending_in_database(db_uri):
    return _count(db_uri, 'SELECT count(*) FROM apply_outbox WHERE failed_at IS NULL')


# --- waiting


def sync_status(api):
    return api.get('/asterisk/pjsip/sync')['engines']['default']


def synced(api):
    status = sync_status(api)
    return status['reachable'] and status['pending_changes'] == 0 and status['refused_changes'] == 0


def wait_until(condition, what, timeout=RECOVERY_TIMEOUT, explain=None):
    """Seconds it took for condition() to hold; explain() says what was still wrong when it did not."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f'not within {timeout} s: {what}' + (f'\n{explain()}' if explain else ''))
        time.sleep(0.05)
    return time.monotonic() - started


def recovered(api, asterisk, expected):
    """Nothing pending and Asterisk holding `expected` ({name: revision}) for every endpoint."""
    return synced(api) and asterisk_revisions(asterisk, expected) == expected


def recovery_state(api, asterisk, expected, service):
    held = asterisk_revisions(asterisk, expected)
    wrong = {name: (revision, held[name]) for name, revision in expected.items() if held[name] != revision}
    return (
        f'sync: {sync_status(api)}\n(expected, held) where they differ: {dict(list(wrong.items())[:10])}\n'
        f'service log:\n{service.log_tail()}'
    )


def report(record_property, name, seconds, details):
    print(f'\n{name}: {seconds:.2f} s ({details})')
    record_property(name, round(seconds, 3))


# --- writing changes


@dataclass
class Burst:
    """Revisions 1, 2, … of every endpoint's context, the endpoints split among writer threads, no waiting.

    It ends after `revisions`, at stop(), or for a writer at its first failed request (the service
    is gone): `acknowledged` holds the last revision the API answered per endpoint, `unanswered`
    the one sent without an answer (it may have been committed).
    """

    url: str
    endpoints: dict  # name -> uuid
    revisions: int = BURST_REVISIONS
    writers: int = WRITERS
    pause: float = 0.0  # seconds between two changes of a writer
    acknowledged: dict = field(default_factory=dict)
    unanswered: dict = field(default_factory=dict)
    written: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)

    def start(self):
        names = sorted(self.endpoints)
        for index in range(self.writers):
            thread = threading.Thread(target=self._write, args=(names[index :: self.writers],), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def wait_written(self, count):
        wait_until(lambda: self.written >= count or not self.running(), f'{count} changes written', 60)

    def running(self):
        return any(thread.is_alive() for thread in self._threads)

    def stop(self):
        self._stopping.set()
        self.join()

    def join(self):
        for thread in self._threads:
            thread.join(120)
        assert not self.running(), 'the writers did not finish within 120 s'

    def _write(self, names):
        api = Api(self.url, MASTER_TOKEN, SUB_TENANT)
        for revision in range(1, self.revisions + 1):
            for name in names:
                if self._stopping.is_set():
                    return
                body = {'endpoint_section_options': [['context', context_of(revision)]]}
                try:
                    api.put(f'{ENDPOINTS}/{self.endpoints[name]}', body, wait=False)
                except requests.ConnectionError:
                    self.unanswered[name] = revision
                    return
                with self._lock:
                    self.acknowledged[name] = revision
                    self.written += 1
                time.sleep(self.pause)


# --- what the recorder saw


def records_since(recorder, moment):
    return [r for r in recorder.records() if r.started >= moment]


def lifetime_of(record, boundaries):
    """Index of the lifetime (of Asterisk, or of the service) a record belongs to: boundaries before it."""
    return bisect.bisect(boundaries, record.started)


def answered_puts(records, names):
    """Successful PUTs of objects of these endpoints (all their objects are named after them), by start time."""
    puts = [
        r for r in records if r.method == 'PUT' and r.status in ANSWERED and r.object_key and r.object_key[1] in names
    ]
    return sorted(puts, key=lambda r: r.started)


def pushed_revisions(records, names, boundaries=()):
    """{(lifetime, endpoint name): [revision of each endpoint PUT, in order]}."""
    pushed = {}
    for record in answered_puts(records, names):
        object_type, name = record.object_key
        if object_type == 'endpoint':
            pushed.setdefault((lifetime_of(record, boundaries), name), []).append(revision_of(record.field('context')))
    return pushed


def applied_twice_or_backwards(pushed):
    """The keys whose pushed revisions did not strictly increase."""
    return {
        key: revisions
        for key, revisions in pushed.items()
        if any(later <= earlier for earlier, later in zip(revisions, revisions[1:]))
    }


def push_counts(records, names):
    counts = {}
    for record in answered_puts(records, names):
        counts[record.object_key] = counts.get(record.object_key, 0) + 1
    return counts


def endpoints_pushed_before_their_parts(records, names):
    """Endpoints PUT while Asterisk did not hold their auth and aor yet (records of one Asterisk lifetime)."""
    held, early = set(), set()
    for record in answered_puts(records, names):
        object_type, name = record.object_key
        if object_type == 'endpoint' and not {('auth', name), ('aor', name)} <= held:
            early.add(name)
        held.add(record.object_key)
    return early


def refusals(records):
    """Requests a booted Asterisk refused; a 404 DELETE is the clean-create of an object it lacks, a 404 GET
    the read of one (a convergence asks what Asterisk holds)."""
    return [
        r
        for r in records
        if r.status is not None
        and r.status not in ANSWERED
        and not r.not_ready
        and not (r.method in ('DELETE', 'GET') and r.status == 404)
        and not (r.events_websocket and r.status == 101)
        # the merge probe of a stock engine is refused by design (asterisk/probe.py)
        and not (r.path.endswith(f'/endpoint/{PROBE_ENDPOINT_ID}') and r.status == 500)
    ]


# --- the scenarios


def test_asterisk_stopped_during_a_burst_of_1000_changes(
    fault_api, recorded_service, asterisk, recorder, record_property
):
    endpoints = create_endpoints(fault_api, 'stopburst', BURST_ENDPOINTS)
    since = time.monotonic()
    burst = Burst(recorded_service.url, endpoints).start()
    burst.wait_written(BURST_ENDPOINTS * BURST_REVISIONS // 3)
    asterisk.stop()
    down_at = time.monotonic()
    noticed = wait_until(lambda: not sync_status(fault_api)['reachable'], 'the outage is reported', 10)
    burst.join()
    during = sync_status(fault_api)
    assert during['reachable'] is False and during['pending_changes'] > 0, during

    started = time.monotonic()
    asterisk.start()
    booted = time.monotonic() - started
    last = {name: BURST_REVISIONS for name in endpoints}
    recovery = booted + wait_until(lambda: recovered(fault_api, asterisk, last), 'every last revision applied')
    report(
        record_property,
        'asterisk_stop_recovery_seconds',
        recovery,
        f'Asterisk start to all applied: boot {booted:.2f} s; outage reported after {noticed:.2f} s, '
        f'{during["pending_changes"]} changes pending',
    )

    assert api_revisions(fault_api) == last
    records = records_since(recorder, since)
    assert refusals(records) == []
    pushed = pushed_revisions(records, endpoints, [down_at])
    assert applied_twice_or_backwards(pushed) == {}
    # After the restart: the current state, each object once, endpoints after what they point at.
    assert {name: pushed[(1, name)] for name in endpoints} == last_only(last)
    after_restart = [r for r in records if r.started > down_at]
    assert push_counts(after_restart, endpoints) == once_each(endpoints)
    assert endpoints_pushed_before_their_parts(after_restart, endpoints) == set()


def test_changes_that_waited_out_a_long_outage_go_as_soon_as_asterisk_answers(
    fault_api, recorded_service, asterisk, recorder, record_property
):
    endpoints = create_endpoints(fault_api, 'outage', OUTAGE_ENDPOINTS)
    recorder.cut_off = True  # Asterisk keeps running: no restart, no full push to hide the wait
    try:
        for uuid in endpoints.values():
            fault_api.put(f'{ENDPOINTS}/{uuid}', {'endpoint_section_options': [['context', context_of(1)]]}, wait=False)
        wait_until(lambda: untried_in_database(recorded_service.db_uri) == 0, 'every change tried in the outage', 30)
        back_off_as_after_a_long_outage(recorded_service.db_uri)
    finally:
        recorder.cut_off = False
    last = {name: 1 for name in endpoints}
    seconds = wait_until(lambda: recovered(fault_api, asterisk, last), 'every change applied')
    report(
        record_property,
        'long_outage_recovery_seconds',
        seconds,
        f'ARI answering again to all applied, {OUTAGE_ENDPOINTS} changes left {LONG_OUTAGE_BACKOFF} s of backoff',
    )
    assert seconds < LONG_OUTAGE_BACKOFF / 2  # the engine's return made them due: nobody waited out the backoff


def last_only(revisions):
    return {name: [revision] for name, revision in revisions.items()}


def once_each(names):
    return {(object_type, name): 1 for name in names for object_type in ('auth', 'aor', 'endpoint')}


def test_asterisk_restarted_while_endpoints_change(fault_api, recorded_service, asterisk, recorder, record_property):
    endpoints = create_endpoints(fault_api, 'restart', RESTART_ENDPOINTS)
    changed = dict(sorted(endpoints.items())[:RESTART_CHANGED])
    changes = Burst(recorded_service.url, changed, revisions=10**6, writers=1, pause=0.02).start()
    asterisk.stop()
    down_at = time.monotonic()
    started = time.monotonic()
    asterisk.start()
    booted = time.monotonic() - started
    time.sleep(1.0)  # changes keep coming while the service discovers the restart
    changes.stop()
    expected = {name: changes.acknowledged.get(name, 0) for name in endpoints}
    recovery = booted + wait_until(lambda: recovered(fault_api, asterisk, expected), 'every endpoint pushed again')
    report(
        record_property,
        'asterisk_restart_recovery_seconds',
        recovery,
        f'Asterisk start to all applied, {RESTART_ENDPOINTS} endpoints, {RESTART_CHANGED} of them changed '
        f'during the restart (until 1 s after it): boot {booted:.2f} s',
    )

    assert api_revisions(fault_api) == expected
    after_restart = records_since(recorder, down_at)
    assert refusals(after_restart) == []
    assert endpoints_pushed_before_their_parts(after_restart, endpoints) == set()

    # Each object once, but the endpoints that kept changing: their revisions only go up.
    def pushed_once(key):
        return key[0] != 'endpoint' or key[1] not in changed

    counts = push_counts(after_restart, endpoints)
    assert {key: count for key, count in counts.items() if pushed_once(key)} == {
        key: 1 for key in once_each(endpoints) if pushed_once(key)
    }
    assert applied_twice_or_backwards(pushed_revisions(after_restart, changed)) == {}
    for name in list(endpoints)[:: RESTART_ENDPOINTS // 10]:  # a sample of the other objects, read back
        assert asterisk.object('auth', name)['username'] == [name]
        assert asterisk.object('aor', name)['max_contacts'] == ['1']


def test_service_killed_during_a_burst(fault_api, recorded_service, asterisk, recorder, record_property):
    endpoints = create_endpoints(fault_api, 'killburst', BURST_ENDPOINTS)
    since = time.monotonic()
    burst = Burst(recorded_service.url, endpoints).start()
    burst.wait_written(BURST_ENDPOINTS * BURST_REVISIONS * 2 // 5)
    recorded_service.kill()
    killed_at = time.monotonic()
    burst.join()
    pending = pending_in_database(recorded_service.db_uri)
    assert pending > 0, 'the kill interrupted no work'
    # Pushes Asterisk answered that the killed process had not recorded yet: its successor repeats them.
    held, recorded = asterisk_revisions(asterisk, endpoints), recorded_revisions(recorded_service.db_uri)
    unrecorded = {name: held[name] for name in endpoints if held[name] is not None and held[name] != recorded[name]}

    started = time.monotonic()
    recorded_service.start()
    final = api_revisions(fault_api)
    wait_until(
        lambda: recovered(fault_api, asterisk, final),
        'every last write applied',
        explain=lambda: recovery_state(fault_api, asterisk, final, recorded_service),
    )
    report(
        record_property,
        'service_kill_recovery_seconds',
        time.monotonic() - started,
        f'service start to all applied: {pending} changes pending at the kill, '
        f'{len(unrecorded)} pushes answered but not recorded',
    )

    # Nothing lost: each endpoint holds its last answered write, or the one the kill cut off if it was committed.
    for name in endpoints:
        assert final[name] in (burst.acknowledged.get(name, 0), burst.unanswered.get(name)), name
    assert asterisk_revisions(asterisk, endpoints) == final
    records = records_since(recorder, since)
    assert refusals(records) == []
    assert applied_twice_or_backwards(pushes_across_the_kill(records, endpoints, killed_at, unrecorded)) == {}


def test_service_stopped_during_the_full_push_after_a_restart(fault_api, recorded_service, asterisk, recorder):
    endpoints = create_endpoints(fault_api, 'stoppush', RESTART_ENDPOINTS)
    recorder.delay = STRETCHED_PUSH_DELAY
    try:
        asterisk.stop()
        asterisk.start()
        since = time.monotonic()
        wait_until(lambda: len(object_puts(records_since(recorder, since))) >= 20, 'the full push is under way')
        recorded_service.stop()  # SIGTERM, as systemd stops it
    finally:
        recorder.delay = 0.0
    pushed_before_the_stop = object_puts(records_since(recorder, since))
    assert len(pushed_before_the_stop) < 3 * RESTART_ENDPOINTS, 'the stop waited for the whole push'

    recorded_service.start()
    expected = dict.fromkeys(endpoints, 0)
    wait_until(
        lambda: recovered(fault_api, asterisk, expected),
        'the next start completes the push',
        explain=lambda: recovery_state(fault_api, asterisk, expected, recorded_service),
    )
    assert refusals(records_since(recorder, since)) == []
    for name in list(endpoints)[:: RESTART_ENDPOINTS // 10]:
        assert asterisk.object('auth', name)['username'] == [name]
        assert asterisk.object('aor', name)['max_contacts'] == ['1']


def object_puts(records):
    return [r for r in records if r.method == 'PUT' and r.object_key and r.object_key[1] != PROBE_ENDPOINT_ID]


def pushes_across_the_kill(records, names, killed_at, unrecorded):
    """{name: revisions pushed by the killed process then its successor}, less the one repeat of an unrecorded push."""
    pushed = pushed_revisions(records, names, [killed_at])
    sequences = {}
    for name in names:
        before, after = pushed.get((0, name), []), pushed.get((1, name), [])
        if name in unrecorded:
            assert before[-1:] == [unrecorded[name]], name  # what Asterisk holds came from the killed process
            if after[:1] == before[-1:]:
                after = after[1:]
        sequences[name] = before + after
    return sequences
