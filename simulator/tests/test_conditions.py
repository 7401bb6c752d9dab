"""The conditions grammar, as a pure function (no server)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwsim import conditions as cond

RECORD = {
    "id": 7, "identifier": "svc-Ansible", "name": 'Quote " and \\ slash', "inactiveFlag": False, "price": 12.5,
    "securityRole": {"id": 3, "name": "Technician"}, "_info": {"lastUpdated": "2025-03-01T10:00:00Z"},
}


def matches(text, record=None):
    return cond.evaluate(cond.parse(text), RECORD if record is None else record)


@pytest.mark.parametrize("text, expected", [
    ('identifier = "svc-ansible"', True),  # case-insensitive string equality
    ('identifier != "svc-ansible"', False),
    ("id = 7", True), ("id < 8", True), ("id <= 7", True), ("id > 7", False), ("id >= 7", True),
    ("price > 12", True), ("price = 12.5", True),
    ("inactiveFlag = false", True), ("inactiveFlag = TRUE", False),
    ('identifier like "svc-%"', True), ('identifier LIKE "%ANS%"', True), ('identifier like "svc"', False),
    ('identifier contains "sib"', True), ('identifier not contains "sib"', False),
    ("id in (1, 7, 9)", True), ('identifier in ("a","SVC-ANSIBLE")', True), ("id not in (1,2)", True),
    ("not id = 7", False), ("NOT (id = 7 or id = 8)", False),
    ('securityRole/name = "technician"', True), ("securityRole/id = 3", True),
    ("_info/lastUpdated > [2025-01-01T00:00:00Z]", True), ("_info/lastUpdated < [2025-01-01]", False),
    ('(identifier like "svc-%" and inactiveFlag = false) or id = 1', True),
    ('id = 1 or id = 2 and id = 7', False),  # and binds tighter than or
    ('(id = 1 or id = 7) And inactiveFlag = False', True),
    ('name = "Quote \\" and \\\\ slash"', True),
    ("missing = null", True), ("missing != null", False), ("securityRole/missing = 3", False),
    ('id = "7"', True),
])
def test_operators(text, expected):
    assert matches(text) is expected


@pytest.mark.parametrize("text, position", [
    ("", 0), ("id =", 4), ("id == 3", 4), ('identifier = "open', 13), ("(id = 1", 7), ("id = 1 garbage", 7),
    ("id in 1", 6), ("= 3", 0), ("id like 3", 3), ("id = [not a date]", 5), ("id ~ 3", 3), ("and = 1", 0),
])
def test_malformed_expressions_point_at_the_problem(text, position):
    with pytest.raises(cond.ConditionsError) as info:
        cond.parse(text)
    assert info.value.position == position


def test_simple_equality_is_recognised_for_index_lookups():
    assert cond.simple_equality(cond.parse('identifier = "x"')) == (("identifier",), "x")
    assert cond.simple_equality(cond.parse('identifier = "x" and id = 1')) is None
    assert cond.simple_equality(cond.parse("inactiveFlag = true")) is None


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
_SCALAR = st.one_of(_TEXT, st.integers(-10**6, 10**6), st.booleans(),
                    st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1),
                                 timezones=st.just(datetime.timezone.utc)).map(lambda d: d.replace(microsecond=0)))


@settings(max_examples=300, deadline=None)
@given(_SCALAR)
def test_quoted_literal_round_trips_and_equals_itself(value):
    stored = cond.quote(value)[1:-1] if isinstance(value, datetime.datetime) else value
    record = {"field": stored, "nested": {"field": stored}}
    assert cond.evaluate(cond.parse("field = %s" % cond.quote(value)), record)
    assert cond.evaluate(cond.parse("nested/field = %s" % cond.quote(value)), record)
    assert not cond.evaluate(cond.parse("field != %s" % cond.quote(value)), record)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=6), st.integers(0, 50))
def test_in_list_agrees_with_python(values, probe):
    text = "id in (%s)" % ", ".join(str(v) for v in values)
    assert cond.evaluate(cond.parse(text), {"id": probe}) is (probe in values)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_boolean_structure_agrees_with_python(a, b, probe):
    text = "(id = %d or id = %d) and not id = %d" % (a, b, b)
    assert cond.evaluate(cond.parse(text), {"id": probe}) is ((probe in (a, b)) and probe != b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parser_never_crashes_on_noise(text):
    try:
        cond.parse(text)
    except cond.ConditionsError as exc:
        assert 0 <= exc.position <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcXYZ%-_ ", max_size=8), st.text(alphabet="abcXYZ-_ ", max_size=8))
def test_like_prefix_matches_startswith(prefix, rest):
    prefix = prefix.replace("%", "")
    value = prefix + rest
    assert cond.evaluate(cond.parse("f like %s" % cond.quote(prefix + "%")), {"f": value})
    assert cond.evaluate(cond.parse("f like %s" % cond.quote(prefix + "%")), {"f": value.upper()})
