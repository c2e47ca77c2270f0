# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes.fake_ari import FakeAri
from wazo_confd_pjsip.asterisk.ari import AriClient
from wazo_confd_pjsip.asterisk.objects import AsteriskObject
from wazo_confd_pjsip.asterisk.plan import Action, catalogue_reset_value, phase_full_push, plan_changes
from wazo_confd_pjsip.options.catalogue import OptionCatalogue

from .conftest import PASSWORD, USER

CATALOGUE = OptionCatalogue.bundled()
IS_REPEATABLE = CATALOGUE.is_repeatable
RESET = catalogue_reset_value(CATALOGUE)

SAFE_ENDPOINT = (("context", "a"), ("allow", "!all,ulaw"), ("callerid", "A <1>"))


def obj(object_type, object_id, *fields):
    return AsteriskObject(object_type, object_id, tuple(fields))


def plan(acknowledged, desired, reset_value=RESET):
    return plan_changes({o.key: o for o in acknowledged}, desired, IS_REPEATABLE, reset_value)


def summary(operations):
    return [(op.action.value, op.type, op.id) for op in operations]


def test_unchanged_objects_are_left_alone():
    objects = [
        obj("auth", "a", ("username", "a"), ("password", "p")),
        obj("endpoint", "a", *SAFE_ENDPOINT),
    ]

    assert plan(objects, objects) == []


def test_last_line_of_a_scalar_is_what_counts():
    before = obj("aor", "a", ("max_contacts", "2"), ("max_contacts", "1"))
    after = obj("aor", "a", ("max_contacts", "1"))

    assert plan([before], [after]) == []


def test_new_object_is_put_whole():
    endpoint = obj("endpoint", "a", *SAFE_ENDPOINT)

    [operation] = plan([], [endpoint])

    assert (operation.action, operation.fields) == (Action.PUT, endpoint.fields)


def test_scalar_change_merges_only_the_changed_lines():
    before = obj("endpoint", "a", *SAFE_ENDPOINT, ("language", "fr"))
    after = obj(
        "endpoint",
        "a",
        ("context", "b"),
        ("allow", "!all,ulaw"),
        ("callerid", "A <1>"),
        ("language", "fr"),
    )

    [operation] = plan([before], [after])

    assert operation.action is Action.MERGE
    assert operation.fields == (("context", "b"),)


def test_endpoint_left_with_some_codecs_is_merged():
    codecs = (("allow", "all"), ("disallow", "ulaw"), ("callerid", "A <1>"))
    before = obj("endpoint", "a", ("context", "a"), *codecs)
    after = obj("endpoint", "a", ("context", "b"), *codecs)

    [operation] = plan([before], [after])

    assert (operation.action, operation.fields) == (Action.MERGE, (("context", "b"),))


def test_aor_scalar_change_is_never_a_re_creation():
    before = obj(
        "aor",
        "a",
        ("max_contacts", "1"),
        ("contact", "sip:a@192.0.2.1"),
        ("qualify_frequency", "60"),
    )
    after = obj("aor", "a", ("max_contacts", "2"), ("contact", "sip:a@192.0.2.1"))

    [operation] = plan([before], [after])

    assert operation.action is Action.MERGE
    assert operation.fields == (
        ("max_contacts", "2"),
        ("qualify_frequency", "0"),
    )  # removed: back to default


def test_removed_option_without_known_default_re_creates():
    before = obj("aor", "a", ("max_contacts", "1"), ("qualify_frequency", "60"))
    after = obj("aor", "a", ("max_contacts", "1"))

    operations = plan([before], [after], reset_value=None)

    assert summary(operations) == [("delete", "aor", "a"), ("put", "aor", "a")]
    assert operations[1].fields == after.fields
    assert "qualify_frequency removed" in operations[0].reason


@pytest.mark.parametrize(
    "before, after, reason",
    [
        (
            obj("aor", "a", ("contact", "sip:a@192.0.2.1")),
            obj("aor", "a", ("contact", "sip:a@192.0.2.2")),
            "repeatable options changed (contact)",
        ),
        (
            obj(
                "endpoint",
                "a",
                ("allow", "ulaw"),
                ("disallow", "all"),
                ("callerid", "A <1>"),
            ),
            obj(
                "endpoint",
                "a",
                ("disallow", "all"),
                ("allow", "ulaw"),
                ("callerid", "A <1>"),
            ),
            "endpoint has no codecs",
        ),
        (
            obj("identify", "a", ("endpoint", "a"), ("match", "192.0.2.1")),
            obj(
                "identify",
                "a",
                ("endpoint", "a"),
                ("match", "192.0.2.1"),
                ("match", "192.0.2.2"),
            ),
            "repeatable options changed (match)",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "X=1")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("set_var", "X=1"),
            ),
            "endpoint has set_var",
        ),
        (
            obj(
                "endpoint",
                "a",
                *SAFE_ENDPOINT,
                ("deny", "0.0.0.0/0"),
                ("permit", "192.0.2.0/24"),
            ),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("deny", "0.0.0.0/0"),
                ("permit", "192.0.2.0/24"),
            ),
            "endpoint has deny, permit",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("acl", "office")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("acl", "office"),
            ),
            "endpoint has acl",
        ),
        (
            obj("endpoint", "a", ("context", "a"), ("callerid", "A <1>")),
            obj("endpoint", "a", ("context", "b"), ("callerid", "A <1>")),
            "endpoint has no codecs",
        ),
        (
            obj(
                "endpoint",
                "a",
                ("context", "a"),
                ("allow", "!all,ulaw"),
                ("disallow", "all"),
                ("callerid", "A <1>"),
            ),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("disallow", "all"),
                ("callerid", "A <1>"),
            ),
            "endpoint has no codecs",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "X=1"), ("set_var", "Y=2")),
            obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "X=1")),
            "endpoint has set_var",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("contact_user", "x")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("contact_user", "x"),
            ),
            "endpoint has contact_user",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("dtls_verify", "fingerprint")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("dtls_verify", "fingerprint"),
            ),
            "endpoint has dtls_verify",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("direct_media_method", "update")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("direct_media_method", "update"),
            ),
            "endpoint has direct_media_method",  # a merge would make it the connected line method
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("preferred_codec_only", "yes")),
            obj(
                "endpoint",
                "a",
                ("context", "b"),
                ("allow", "!all,ulaw"),
                ("callerid", "A <1>"),
                ("preferred_codec_only", "yes"),
            ),
            "endpoint has preferred_codec_only",  # a merge would be answered 500
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("@department", "sales")),
            obj("endpoint", "a", *SAFE_ENDPOINT),
            "option @department removed",
        ),
        (
            obj("endpoint", "a", *SAFE_ENDPOINT, ("dtls_setup", "passive")),
            obj("endpoint", "a", *SAFE_ENDPOINT),
            "option dtls_setup removed",  # its default is empty: no text to send back
        ),
        (
            obj(
                "auth",
                "a",
                ("username", "a"),
                ("password", "p"),
                ("md5_cred", "0" * 32),
            ),
            obj("auth", "a", ("username", "a"), ("password", "p")),
            "option md5_cred removed",  # md5_cred="" would keep the old digest (seen)
        ),
    ],
)
def test_unsafe_changes_re_create(before, after, reason):
    operations = plan([before], [after])

    assert summary(operations) == [
        ("delete", before.type, "a"),
        ("put", before.type, "a"),
    ]
    assert operations[0].reason == operations[1].reason == f"re-create: {reason}"
    assert operations[1].fields == after.fields


def test_codec_change_merges_the_whole_list_from_nothing():
    before = obj("endpoint", "a", *SAFE_ENDPOINT)
    after = obj(
        "endpoint",
        "a",
        ("context", "a"),
        ("allow", "!all,alaw"),
        ("allow", "g722"),
        ("callerid", "A <1>"),
    )

    [operation] = plan([before], [after])

    assert operation.action is Action.MERGE
    assert operation.fields == (
        ("disallow", "all"),
        ("allow", "!all,alaw"),
        ("allow", "g722"),
    )


def test_codec_lines_written_otherwise_for_the_same_list_change_nothing():
    before = obj("endpoint", "a", ("context", "a"), ("allow", "!all,ulaw"), ("callerid", "A <1>"))
    after = obj(
        "endpoint",
        "a",
        ("context", "a"),
        ("disallow", "all"),
        ("allow", "ulaw"),
        ("callerid", "A <1>"),
    )

    assert plan([before], [after]) == []


def test_endpoint_without_callerid_is_merged_with_its_callerid_put_back_to_none():
    before = obj("endpoint", "a", ("context", "a"), ("allow", "ulaw"))
    after = obj("endpoint", "a", ("context", "b"), ("allow", "ulaw"))

    [operation] = plan([before], [after])

    assert (operation.action, operation.fields) == (
        Action.MERGE,
        (("context", "b"), ("callerid", "")),
    )


def test_set_var_added_to_an_endpoint_without_any_is_merged():
    before = obj("endpoint", "a", *SAFE_ENDPOINT)
    after = obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "X=1"))

    [operation] = plan([before], [after])

    assert (operation.action, operation.fields) == (Action.MERGE, (("set_var", "X=1"),))


def patched_plan(acknowledged, desired):
    return plan_changes(
        {o.key: o for o in acknowledged},
        desired,
        IS_REPEATABLE,
        RESET,
        merges_set_var=True,
    )


def test_engine_that_merges_set_var_gets_a_merge_for_an_endpoint_that_has_one():
    before = obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "T=t1"), ("set_var", "X=1"))
    after = obj(
        "endpoint",
        "a",
        ("context", "b"),
        ("allow", "!all,ulaw"),
        ("callerid", "A <1>"),
        ("set_var", "T=t1"),
    )
    after = obj("endpoint", "a", *after.fields, ("set_var", "X=2"), ("set_var", "Y=3"))

    [operation] = patched_plan([before], [after])

    assert operation.action is Action.MERGE
    assert operation.fields == (
        ("context", "b"),
        ("set_var", "X=2"),
        ("set_var", "Y=3"),
    )


def test_engine_that_merges_set_var_still_re_creates_for_a_removed_variable():
    before = obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "T=t1"), ("set_var", "X=1"))
    after = obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "T=t1"))

    operations = patched_plan([before], [after])

    assert summary(operations) == [
        ("delete", "endpoint", "a"),
        ("put", "endpoint", "a"),
    ]
    assert operations[0].reason == "re-create: set_var X removed"


def test_engine_that_merges_set_var_still_re_creates_for_other_unsafe_options():
    before = obj("endpoint", "a", *SAFE_ENDPOINT, ("set_var", "T=t1"), ("acl", "office"))
    after = obj(
        "endpoint",
        "a",
        ("context", "b"),
        *SAFE_ENDPOINT[1:],
        ("set_var", "T=t1"),
        ("acl", "office"),
    )

    operations = patched_plan([before], [after])

    assert operations[0].reason == "re-create: endpoint has acl"


def test_creations_in_dependency_order_then_deletions_in_reverse():
    acknowledged = [
        obj("registration", "old", ("server_uri", "sip:p"), ("client_uri", "sip:u@p")),
        obj("auth", "old", ("username", "u"), ("password", "p")),
        obj("endpoint", "old", *SAFE_ENDPOINT),
        obj("aor", "old", ("max_contacts", "1")),
    ]
    desired = [
        obj("registration", "new", ("server_uri", "sip:p"), ("client_uri", "sip:u@p")),
        obj("identify", "new", ("endpoint", "new"), ("match", "192.0.2.1")),
        obj("endpoint", "new", *SAFE_ENDPOINT),
        obj("aor", "new", ("max_contacts", "1")),
        obj("auth", "new", ("username", "u"), ("password", "p")),
    ]

    assert summary(plan(acknowledged, desired)) == [
        ("put", "auth", "new"),
        ("put", "aor", "new"),
        ("put", "endpoint", "new"),
        ("put", "identify", "new"),
        ("put", "registration", "new"),
        ("delete", "registration", "old"),
        ("delete", "endpoint", "old"),
        ("delete", "aor", "old"),
        ("delete", "auth", "old"),
    ]


def test_phased_full_push():
    objects = []
    for name in ("a", "b", "c"):
        objects += [
            obj("auth", name, ("username", name), ("password", "p")),
            obj("aor", name, ("max_contacts", "1")),
            obj("endpoint", name, *SAFE_ENDPOINT),
            obj("identify", name, ("endpoint", name), ("match", "192.0.2.1")),
        ]

    operations = phase_full_push(objects)

    assert summary(operations) == [("put", t, n) for t in ("auth", "aor", "endpoint", "identify") for n in "abc"]
    assert all(op.fields == next(o for o in objects if o.key == op.key).fields for op in operations)


def test_same_object_wanted_twice_is_refused():
    with pytest.raises(ValueError, match="wanted twice"):
        plan([], [obj("aor", "a"), obj("aor", "a", ("max_contacts", "1"))])


def test_engine_wide_types_are_not_planned():
    with pytest.raises(ValueError, match="transport"):
        plan([], [obj("transport", "transport-udp", ("protocol", "udp"))])


# Whatever the change, the plan leads Asterisk to the state a fresh push of the wanted objects gives.

ENDPOINT_SCALARS = st.fixed_dictionaries(
    {},
    optional={
        "context": st.sampled_from(["from-internal", "from-extern"]),
        "dtmf_mode": st.sampled_from(["rfc4733", "info"]),
        "language": st.sampled_from(["fr_FR", "en_US"]),
        "callerid": st.sampled_from(['"A" <1001>', "B <1002>"]),
        "direct_media": st.sampled_from(["yes", "no"]),
    },
)
CODEC_LINES = st.lists(
    st.sampled_from([("allow", "!all,ulaw"), ("allow", "alaw"), ("disallow", "all")]),
    max_size=3,
)
SET_VARS = st.lists(
    st.sampled_from([("set_var", "X=1"), ("set_var", "Y=2"), ("set_var", "X=3")]),
    max_size=2,
    unique_by=lambda line: line[1].partition("=")[0],  # one line per variable, as inheritance makes them
)
AOR_SCALARS = st.fixed_dictionaries(
    {},
    optional={
        "max_contacts": st.sampled_from(["1", "3"]),
        "qualify_frequency": st.sampled_from(["0", "60"]),
    },
)
CONTACTS = st.lists(
    st.sampled_from([("contact", "sip:a@192.0.2.1"), ("contact", "sip:b@192.0.2.2")]),
    max_size=2,
)


PARTS = {
    "endpoint_scalars": ENDPOINT_SCALARS.map(lambda scalars: list(scalars.items())),
    "codecs": CODEC_LINES,
    "set_vars": st.one_of(st.just([]), SET_VARS),
    "aor_scalars": AOR_SCALARS.map(lambda scalars: list(scalars.items())),
    "contacts": CONTACTS,
    "matches": st.lists(
        st.sampled_from([("match", "192.0.2.10"), ("match", "198.51.100.0/24")]),
        max_size=2,
    ),
}


@st.composite
def changes(draw):
    """A trunk's option lines before and after a change that mostly keeps each part, else redraws it."""
    before = {part: draw(strategy) for part, strategy in PARTS.items()}
    after = {part: before[part] if draw(st.integers(0, 3)) else draw(strategy) for part, strategy in PARTS.items()}
    return before, after


def objects_of(name, parts):
    aor_lines = parts["aor_scalars"] + parts["contacts"]
    objects = [obj("aor", name, *aor_lines)] if aor_lines else []
    objects.append(
        obj(
            "endpoint",
            name,
            *parts["endpoint_scalars"],
            *parts["codecs"],
            *parts["set_vars"],
        )
    )
    if parts["matches"]:
        objects.append(obj("identify", name, ("endpoint", name), *parts["matches"]))
    return objects


@pytest.fixture(scope="module", params=[False, True], ids=["stock", "patched"])
def two_asterisks(request):
    patched = request.param
    with FakeAri(username=USER, password=PASSWORD, set_var_round_trips=patched) as changed, FakeAri(
        username=USER, password=PASSWORD, set_var_round_trips=patched
    ) as fresh:
        with AriClient(changed.url, USER, PASSWORD) as changed_ari, AriClient(fresh.url, USER, PASSWORD) as fresh_ari:
            yield (changed, changed_ari), (fresh, fresh_ari), patched
        changed.assert_healthy()
        fresh.assert_healthy()


@settings(max_examples=60, deadline=None)
@given(change=changes())
def test_plan_reaches_the_state_of_a_fresh_push(two_asterisks, change):
    (changed, changed_ari), (fresh, fresh_ari), patched = two_asterisks
    before, after = change
    name = uuid.uuid4().hex[:12]
    acknowledged = objects_of(name, before)
    wanted = objects_of(name, after)
    for operation in phase_full_push(acknowledged):
        changed_ari.put_object(operation.as_object())
    for operation in phase_full_push(wanted):
        fresh_ari.put_object(operation.as_object())

    operations = plan_changes(
        {o.key: o for o in acknowledged},
        wanted,
        IS_REPEATABLE,
        RESET,
        merges_set_var=patched,
    )
    for operation in operations:
        if operation.action is Action.DELETE:
            changed_ari.delete_object(operation.type, operation.id)
        else:
            changed_ari.put_object(operation.as_object())

    def state_of(fake):
        return {key: state for key, state in fake.objects().items() if key[1] == name}

    assert state_of(changed) == state_of(fresh)
