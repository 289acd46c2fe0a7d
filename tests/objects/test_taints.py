"""Tests for kschedule.objects.taints: ported upstream tables plus properties."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from kschedule.errors import FieldError
from kschedule.objects.taints import (
    Taint, Toleration, find_matching_untolerated_taint, match_toleration, parse_taint, parse_taints,
    parse_toleration, parse_tolerations, taint_errors, taint_to_string, toleration_errors, tolerates_taint,
    tolerations_tolerate_taint, validate_taints, validate_tolerations,
)

NS, PNS, NE = "NoSchedule", "PreferNoSchedule", "NoExecute"


def tol(key="", operator="", value="", effect="", seconds=None):
    return Toleration(key, operator, value, effect, seconds)


# staging/src/k8s.io/api/core/v1/toleration_test.go TestTolerationToleratesTaint
# (description, toleration, taint, expect_tolerated, comparison-operators gate on)
TOLERATES_TAINT_CASES = [
    ("same key and effect, Exists, taint has no value", tol("foo", "Exists", effect=NS), Taint("foo", "", NS), True, False),
    ("same key and effect, Exists, taint has some value", tol("foo", "Exists", effect=NS), Taint("foo", "bar", NS), True, False),
    ("same effect, empty key and Exists matches all taints", tol("", "Exists", effect=NS), Taint("foo", "bar", NS), True, False),
    ("same key, effect and value, Equal", tol("foo", "Equal", "bar", NS), Taint("foo", "bar", NS), True, False),
    ("same key and effect, different values, Equal", tol("foo", "Equal", "value1", NS), Taint("foo", "value2", NS), False, False),
    ("same key and value, different effects, Equal", tol("foo", "Equal", "bar", NS), Taint("foo", "bar", NE), False, False),
    ("Gt, taint value less than toleration value", tol("node.kubernetes.io/sla", "Gt", "950", NS),
     Taint("node.kubernetes.io/sla", "800", NS), False, True),
    ("Gt, taint value greater than toleration value", tol("node.kubernetes.io/sla", "Gt", "750", NS),
     Taint("node.kubernetes.io/sla", "950", NS), True, True),
    ("Lt, taint value greater than toleration value", tol("node.kubernetes.io/sla", "Lt", "800", NS),
     Taint("node.kubernetes.io/sla", "950", NS), False, True),
    ("Lt, taint value less than toleration value", tol("node.kubernetes.io/sla", "Lt", "950", NS),
     Taint("node.kubernetes.io/sla", "800", NS), True, True),
    ("Gt with equal numeric value", tol("node.kubernetes.io/sla", "Gt", "950", NS),
     Taint("node.kubernetes.io/sla", "950", NS), False, True),
    ("Gt with non-numeric taint value", tol("node.kubernetes.io/sla", "Gt", "950", NS),
     Taint("node.kubernetes.io/sla", "high", NS), False, True),
    ("Gt with negative values, taint below threshold", tol("test-key", "Gt", "-100", NS),
     Taint("test-key", "-200", NS), False, True),
    ("Gt with large int64 values, taint below threshold", tol("test-key", "Gt", "9223372036854775806", NS),
     Taint("test-key", "100", NS), False, True),
]


@pytest.mark.parametrize("desc,toleration,taint,expected,gate", TOLERATES_TAINT_CASES,
                         ids=[c[0] for c in TOLERATES_TAINT_CASES])
def test_toleration_tolerates_taint(desc, toleration, taint, expected, gate):
    assert tolerates_taint(toleration, taint, enable_comparison_operators=gate) is expected


def test_comparison_operators_off_in_v134():
    # v1.34 has no Gt/Lt toleration operators: with the gate off (default) they tolerate nothing,
    # including the cases the v1.35 alpha would tolerate.
    t = Taint("node.kubernetes.io/sla", "950", NS)
    assert tolerates_taint(tol("node.kubernetes.io/sla", "Gt", "750", NS), t, enable_comparison_operators=True)
    assert not tolerates_taint(tol("node.kubernetes.io/sla", "Gt", "750", NS), t)
    assert not tolerates_taint(tol("node.kubernetes.io/sla", "Lt", "9999", NS), t)
    assert not tolerates_taint(tol("", "Lt", "9999", ""), t)
    # an unknown operator tolerates nothing either
    assert not tolerates_taint(tol("node.kubernetes.io/sla", "Foo", "950", NS), t)


# staging/src/k8s.io/api/core/v1/toleration_test.go TestCompareNumericValues (v1.35 alpha semantics,
# reached through ToleratesTaint with the gate on). The two cases that call compareNumericValues with
# Equal/Exists do not go through ToleratesTaint's numeric branch and are left out.
# (toleration value, taint value, operator, expected)
COMPARE_NUMERIC_CASES = [
    ("100", "200", "Gt", True), ("200", "100", "Gt", False), ("100", "100", "Gt", False),
    ("-100", "-50", "Gt", True), ("-50", "-100", "Gt", False), ("0", "1", "Gt", True),
    ("9223372036854775806", "9223372036854775807", "Gt", True),
    ("200", "100", "Lt", True), ("100", "200", "Lt", False), ("100", "100", "Lt", False),
    ("-50", "-100", "Lt", True), ("-100", "-50", "Lt", False), ("0", "-1", "Lt", True),
    ("abc", "100", "Gt", False), ("", "100", "Gt", False), ("0100", "200", "Gt", False),
    ("+100", "200", "Gt", False), ("100.5", "200", "Gt", False), ("-", "100", "Gt", False),
    ("100", "xyz", "Gt", False), ("100", "", "Gt", False), ("100", "0200", "Gt", False),
    ("100", "+200", "Lt", False), ("100", " 200 ", "Lt", False),
    ("0", "0", "Gt", False), ("0", "0", "Lt", False),
    ("0", "9223372036854775807", "Gt", True), ("0", "-9223372036854775808", "Lt", True),
]


@pytest.mark.parametrize("tv,nv,op,expected", COMPARE_NUMERIC_CASES)
def test_compare_numeric_values(tv, nv, op, expected):
    assert tolerates_taint(tol("k", op, tv, NS), Taint("k", nv, NS), enable_comparison_operators=True) is expected


# staging/src/k8s.io/component-helpers/scheduling/corev1/helpers_test.go TestFindMatchingUntoleratedTaint
# (description, tolerations, taints, filter, expect_tolerated, gate). Upstream's expectError cases report
# the taint as untolerated, which is what find_matching_untolerated_taint returns.
ALL = lambda t: True  # noqa: E731
NONE = lambda t: False  # noqa: E731
FIND_UNTOLERATED_CASES = [
    ("empty tolerations tolerate empty taints", [], [], ALL, True, False),
    ("non-empty tolerations tolerate empty taints", [tol("foo", "Exists", effect=NS)], [], ALL, True, False),
    ("tolerations match all taints", [tol("foo", "Exists", effect=NS)], [Taint("foo", "", NS)], ALL, True, False),
    ("no taints apply to the filter", [tol("foo", "Exists", effect=NS)], [Taint("bar", "", NS)], NONE, True, False),
    ("no filterFunc, tolerations don't match taints", [tol("foo", "Exists", effect=NS)], [Taint("bar", "", NS)],
     None, False, False),
    ("tolerations match the filtered taints", [tol("foo", "Exists", effect=NE)],
     [Taint("foo", "", NE), Taint("bar", "", NS)], lambda t: t.effect == NE, True, False),
    ("numeric Gt with taint value below threshold", [tol("node.kubernetes.io/sla", "Gt", "950", NS)],
     [Taint("node.kubernetes.io/sla", "800", NS)], ALL, False, True),
    ("numeric Gt with taint value above threshold", [tol("node.kubernetes.io/sla", "Gt", "750", NS)],
     [Taint("node.kubernetes.io/sla", "950", NS)], ALL, True, True),
    ("numeric Lt with taint value above threshold", [tol("node.kubernetes.io/sla", "Lt", "800", NS)],
     [Taint("node.kubernetes.io/sla", "950", NS)], ALL, False, True),
    ("numeric Gt with non-numeric taint value", [tol("node.kubernetes.io/sla", "Gt", "950", NS)],
     [Taint("node.kubernetes.io/sla", "high", NS)], ALL, False, True),
    ("numeric Gt parse error ignored when a later toleration matches",
     [tol("node.kubernetes.io/sla", "Gt", "950", NS), tol("node.kubernetes.io/sla", "Exists", effect=NS)],
     [Taint("node.kubernetes.io/sla", "high", NS)], ALL, True, True),
]


@pytest.mark.parametrize("desc,tols,taints,flt,expected,gate", FIND_UNTOLERATED_CASES,
                         ids=[c[0] for c in FIND_UNTOLERATED_CASES])
def test_find_matching_untolerated_taint(desc, tols, taints, flt, expected, gate):
    got = find_matching_untolerated_taint(taints, tols, flt, enable_comparison_operators=gate)
    assert (got is None) is expected
    if not expected:
        assert got == next(t for t in taints if flt is None or flt(t))


def test_find_matching_untolerated_taint_returns_first_in_node_order():
    taints = [Taint("a", "1", PNS), Taint("b", "2", NS), Taint("c", "3", NE)]
    tols = [tol("a", "Exists")]
    no_schedule = lambda t: t.effect in (NS, NE)  # noqa: E731  (the TaintToleration filter)
    assert find_matching_untolerated_taint(taints, tols, no_schedule) == Taint("b", "2", NS)
    assert find_matching_untolerated_taint(taints, [tol("b", "Exists"), tol("c", "Equal", "3", NE)],
                                           no_schedule) is None
    assert tolerations_tolerate_taint([tol("c", "Equal", "3")], Taint("c", "3", NE))
    assert not tolerations_tolerate_taint([], Taint("c", "3", NE))


# staging/src/k8s.io/api/core/v1/taint_test.go TestTaintToString
@pytest.mark.parametrize("taint,expected", [
    (Taint("foo", "bar", NS), "foo=bar:NoSchedule"),
    (Taint("foo", "", NS), "foo:NoSchedule"),
    (Taint("foo"), "foo"),
    (Taint("foo", "bar"), "foo=bar:"),
])
def test_taint_to_string(taint, expected):
    assert taint_to_string(taint) == expected
    assert str(taint) == expected


# staging/src/k8s.io/api/core/v1/taint_test.go TestMatchTaint
@pytest.mark.parametrize("a,b,expected", [
    (Taint("foo", "bar", NS), Taint("foo", "bar", NS), True),
    (Taint("foo", "bar", NS), Taint("foo", "different-value", NS), True),
    (Taint("foo", "bar", NS), Taint("different-key", "bar", NS), False),
    (Taint("foo", "bar", NS), Taint("foo", "bar", PNS), False),
])
def test_match_taint(a, b, expected):
    assert a.match_taint(b) is expected


def test_match_toleration():
    # toleration.go MatchToleration: <key, effect, operator, value>; tolerationSeconds ignored.
    a = tol("foo", "Equal", "bar", NE, 30)
    assert match_toleration(a, tol("foo", "Equal", "bar", NE, None))
    assert not match_toleration(a, tol("foo", "", "bar", NE, 30))  # "" and Equal are different operators here
    assert not match_toleration(a, tol("foo", "Equal", "baz", NE, 30))
    assert not match_toleration(a, tol("foo", "Equal", "bar", NS, 30))


# ---- parsing ---------------------------------------------------------------------------------------

def test_parse_taint_and_toleration():
    assert parse_taint({"key": "k", "value": "v", "effect": NS, "timeAdded": "2024-01-01T00:00:00Z"}) == Taint("k", "v", NS)
    assert parse_taint({"key": "k", "effect": NE}) == Taint("k", "", NE)
    assert parse_toleration({"operator": "Exists"}) == Toleration("", "Exists", "", "", None)
    assert parse_toleration({"key": "k", "operator": "Equal", "value": "v", "effect": NE, "tolerationSeconds": 300}) \
        == Toleration("k", "Equal", "v", NE, 300)
    assert parse_taints([{"key": "a", "effect": NS}]) == (Taint("a", "", NS),)
    # hashable, usable as interning keys
    assert len({parse_toleration({"operator": "Exists"}), Toleration(operator="Exists")}) == 1


@pytest.mark.parametrize("fn,value,path", [
    (parse_taint, ["not", "a", "dict"], ""),
    (parse_taint, {"key": 5}, "key"),
    (parse_taint, {"key": "k", "effect": ["NoSchedule"]}, "effect"),
    (parse_taint, {"key": "k", "timeAdded": 12}, "timeAdded"),
    (parse_toleration, {"key": "k", "tolerationSeconds": "30"}, "tolerationSeconds"),
    (parse_toleration, {"key": "k", "tolerationSeconds": True}, "tolerationSeconds"),
    (parse_toleration, {"operator": 1}, "operator"),
    (parse_toleration, None, ""),
])
def test_parse_structural_errors(fn, value, path):
    with pytest.raises(FieldError) as ei:
        fn(value)
    assert ei.value.field == path


def test_parse_list_structural_errors():
    with pytest.raises(FieldError) as ei:
        parse_tolerations([{"key": "a"}, {"value": 3}])
    assert ei.value.field == "[1].value"
    with pytest.raises(FieldError) as ei:
        parse_taints({"key": "a"})
    assert ei.value.field == ""


# ---- apiserver validation --------------------------------------------------------------------------
# Cases follow the branches of pkg/apis/core/validation/validation.go ValidateTolerations /
# validateTaintEffect (one case per rule), with the (path, message prefix) the apiserver reports.

VALID_TOLERATIONS = [
    {"key": "foo", "operator": "Exists", "effect": NS},
    {"key": "foo", "operator": "Equal", "value": "bar", "effect": NS},
    {"key": "foo", "value": "bar"},
    {"operator": "Exists"},
    {"operator": "Exists", "effect": PNS},
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": NE, "tolerationSeconds": 300},
    {"key": "foo", "operator": "Equal", "value": ""},
]


def test_validate_tolerations_valid():
    validate_tolerations(VALID_TOLERATIONS, "spec.tolerations")
    assert toleration_errors(VALID_TOLERATIONS, "spec.tolerations") == []


INVALID_TOLERATIONS = [
    ({"key": "nospecialchars^=@", "operator": "Equal", "value": "bar"}, "spec.tolerations[0].key",
     'Invalid value: "nospecialchars^=@": name part must consist of'),
    ({"key": "", "operator": "Equal", "value": "bar"}, "spec.tolerations[0].operator",
     'Invalid value: "Equal": operator must be Exists when `key` is empty'),
    ({"key": "", "value": ""}, "spec.tolerations[0].operator",
     'Invalid value: "": operator must be Exists when `key` is empty'),
    ({"key": "foo", "operator": "Exists", "effect": NS, "tolerationSeconds": 20}, "spec.tolerations[0].effect",
     "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"),
    ({"key": "foo", "operator": "Equal", "value": "bar baz"}, "spec.tolerations[0].operator",
     'Invalid value: "bar baz": a valid label must be an empty string'),
    ({"key": "foo", "operator": "Exists", "value": "bar"}, "spec.tolerations[0].operator",
     "Invalid value: \"bar\": value must be empty when `operator` is 'Exists'"),
    ({"key": "foo", "operator": "In", "value": "bar"}, "spec.tolerations[0].operator",
     'Unsupported value: "In": supported values: "Equal", "Exists"'),
    ({"key": "foo", "operator": "Gt", "value": "5"}, "spec.tolerations[0].operator",
     'Unsupported value: "Gt": supported values: "Equal", "Exists"'),
    ({"key": "foo", "operator": "Exists", "effect": "NoScheduleNoAdmit"}, "spec.tolerations[0].effect",
     'Unsupported value: "NoScheduleNoAdmit": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
]


@pytest.mark.parametrize("toleration,path,message", INVALID_TOLERATIONS)
def test_validate_tolerations_invalid(toleration, path, message):
    with pytest.raises(FieldError) as ei:
        validate_tolerations([toleration], "spec.tolerations")
    assert ei.value.field == path
    assert ei.value.message.startswith(message)


def test_validate_tolerations_reports_every_error_and_index():
    errs = toleration_errors([VALID_TOLERATIONS[0], {"key": "", "operator": "Equal", "value": "a b"}], "tols")
    assert [(e.field, e.message.split(":")[0]) for e in errs] == [
        ("tols[1].operator", "Invalid value"), ("tols[1].operator", "Invalid value")]


def test_validate_tolerations_comparison_operators_gate():
    ok = [{"key": "sla", "operator": "Gt", "value": "950", "effect": NS}]
    validate_tolerations(ok, "t", allow_comparison_operators=True)
    with pytest.raises(FieldError) as ei:
        validate_tolerations([{"key": "sla", "operator": "Lt", "value": "0950"}], "t", allow_comparison_operators=True)
    assert ei.value.field == "t[0].value"


def test_validate_tolerations_structural():
    with pytest.raises(FieldError) as ei:
        validate_tolerations([{"key": "a", "operator": "Exists"}, "oops"], "spec.tolerations")
    assert ei.value.field == "spec.tolerations[1]"


def test_validate_taints_valid():
    validate_taints([{"key": "a", "value": "b", "effect": NS}, {"key": "a", "value": "c", "effect": NE},
                     {"key": "example.com/gpu", "effect": PNS}], "spec.taints")


INVALID_TAINTS = [
    ([{"key": "", "effect": NS}], "spec.taints[0].key", 'Invalid value: "": name part must be non-empty'),
    ([{"key": "a/b/c", "effect": NS}], "spec.taints[0].key", 'Invalid value: "a/b/c": a qualified name'),
    ([{"key": "a", "value": "-bad", "effect": NS}], "spec.taints[0].value", 'Invalid value: "-bad": a valid label'),
    ([{"key": "a", "value": "x" * 64, "effect": NS}], "spec.taints[0].value", "Invalid value: \"" + "x" * 64 + "\": must be no more than 63 characters"),
    ([{"key": "a", "value": "b"}], "spec.taints[0].effect", "Required value"),
    ([{"key": "a", "effect": "Evict"}], "spec.taints[0].effect", 'Unsupported value: "Evict"'),
    ([{"key": "a", "value": "1", "effect": NS}, {"key": "a", "value": "2", "effect": NS}], "spec.taints[1]",
     "Duplicate value: a=2:NoSchedule: taints must be unique by key and effect pair"),
]


@pytest.mark.parametrize("taints,path,message", INVALID_TAINTS)
def test_validate_taints_invalid(taints, path, message):
    with pytest.raises(FieldError) as ei:
        validate_taints(taints, "spec.taints")
    assert ei.value.field == path
    assert ei.value.message.startswith(message)
    assert len(taint_errors(taints, "spec.taints")) >= 1


def test_validate_does_not_mutate_input():
    taints = [{"key": "a", "value": "1", "effect": NS}]
    before = copy.deepcopy(taints)
    validate_taints(taints, "x")
    parse_taints(taints)
    assert taints == before


# ---- properties ------------------------------------------------------------------------------------

_label = st.text(alphabet="abcxyz019-._/", max_size=8)
_effect = st.sampled_from([NS, PNS, NE])
_taint = st.builds(Taint, _label, _label, _effect)


@given(_taint)
def test_wildcard_toleration_tolerates_every_taint(taint):
    assert tolerates_taint(Toleration("", "Exists", "", ""), taint)
    assert find_matching_untolerated_taint([taint], [Toleration("", "Exists")]) is None


@given(_taint, _label, st.sampled_from(["", "Equal", "Exists"]), _label, st.sampled_from(["", NS, PNS, NE]))
def test_tolerates_taint_matches_definition(taint, key, op, value, effect):
    t = Toleration(key, op, value, effect)
    expected = ((not effect or effect == taint.effect) and (not key or key == taint.key)
                and (op == "Exists" or value == taint.value))
    assert tolerates_taint(t, taint) is expected


@given(st.lists(_taint, max_size=5), st.lists(st.builds(Toleration, _label, st.sampled_from(["", "Equal", "Exists"]),
                                                         _label, st.sampled_from(["", NS, PNS, NE])), max_size=4))
def test_find_untolerated_is_first_untolerated(taints, tols):
    got = find_matching_untolerated_taint(taints, tols)
    untolerated = [t for t in taints if not any(tolerates_taint(x, t) for x in tols)]
    assert got == (untolerated[0] if untolerated else None)
