"""Tests for kschedule.objects.selectors: ported upstream tables plus properties."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from kschedule.errors import FieldError
from kschedule.objects.selectors import (
    LabelSelector, NodeSelector, NodeSelectorTerm, PreferredSchedulingTerm, Requirement, RequiredNodeAffinity,
    compile_preferred_terms, is_qualified_name, is_valid_label_value, label_selector_errors,
    match_node_selector_terms, node_selector_errors, parse_go_int64, preferred_score, preferred_terms_errors,
    preferred_terms_from_pod, validate_label_selector, validate_labels, validate_node_selector,
    validate_node_selector_requirement, validate_preferred_terms,
)

KEY_ERR = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
           "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


def req(key, op, *values):
    return {"key": key, "operator": op, "values": list(values)} if values else {"key": key, "operator": op}


def term(exprs=None, fields=None):
    t = {}
    if exprs is not None:
        t["matchExpressions"] = exprs
    if fields is not None:
        t["matchFields"] = fields
    return t


def name_in(*names):
    return req("metadata.name", "In", *names)


# ---- staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity_test.go ---------

# TestNodeSelectorMatch (the "nil node" case has no counterpart: kschedule matches label maps)
def test_node_selector_match_invalid_terms_strict_and_lazy():
    ns = {"nodeSelectorTerms": [
        term(fields=[name_in("host_1", "host_2")]),
        term([req("label_1", "In", "label_1_val")], [name_in("host_1")]),
        term([req("invalid key", "In", "label_value")]),
    ]}
    with pytest.raises(FieldError) as ei:
        NodeSelector.compile(ns, strict=True)
    assert ei.value.field == "nodeSelectorTerms[0].matchFields[0].values"
    assert ei.value.message.endswith("must have one element")
    lazy = NodeSelector.compile(ns)
    assert [p for p, _ in lazy.parse_errors] == ["nodeSelectorTerms[0].matchFields[0].values",
                                                 "nodeSelectorTerms[2].matchExpressions[0].key"]
    assert lazy.parse_errors[1][1] == f'Invalid value: "invalid key": {KEY_ERR}'
    # lazily, the valid middle term still matches
    assert lazy.matches({"label_1": "label_1_val"}, "host_1")
    assert not lazy.matches({}, "host_1")


@pytest.mark.parametrize("terms,labels,name,want", [
    # node matches field selector, but not labels
    ([term([req("label_1", "In", "label_1_val")], [name_in("host_1")])], {}, "host_1", False),
    # node matches field selector and label selector
    ([term([req("label_1", "In", "label_1_val")], [name_in("host_1")])], {"label_1": "label_1_val"}, "host_1", True),
    # second term matches
    ([term([req("label_1", "In", "label_1_val")]), term(fields=[name_in("host_1")])], {}, "host_1", True),
])
def test_node_selector_match(terms, labels, name, want):
    assert NodeSelector.compile({"nodeSelectorTerms": terms}, strict=True).matches(labels, name) is want


# TestPreferredSchedulingTermsScore
def test_preferred_scheduling_terms_score_invalid():
    terms = [
        {"weight": 1, "preference": term(fields=[name_in("host_1", "host_2")])},
        {"weight": 1, "preference": term([req("label_1", "In", "label_1_val")], [name_in("host_1")])},
        {"weight": 1, "preference": term([req("invalid key", "In", "label_value")])},
    ]
    got = compile_preferred_terms(terms)
    errors = [e for t in got for e in t.term.parse_errors]
    # upstream reports "[0].matchFields[0].values" and "[2].matchExpressions[0].key"
    assert [p for p, _ in errors] == ["[0].preference.matchFields[0].values", "[2].preference.matchExpressions[0].key"]
    assert errors[1][1] == f'Invalid value: "invalid key": {KEY_ERR}'


def test_preferred_scheduling_terms_score_zero_weight_not_reported():
    got = compile_preferred_terms([{"weight": 0, "preference": term(fields=[name_in("host_1", "host_2")])}])
    assert got == ()
    assert preferred_score(got, {}, "host_1") == 0


def test_preferred_scheduling_terms_score_first_and_third_match():
    terms = compile_preferred_terms([
        {"weight": 5, "preference": term(fields=[name_in("host_1")])},
        {"weight": 7, "preference": term([req("unknown_label", "In", "unknown_label_val")])},
        {"weight": 11, "preference": term([req("label_1", "In", "label_1_val")])},
    ])
    assert [t.weight for t in terms] == [5, 7, 11]
    assert preferred_score(terms, {"label_1": "label_1_val"}, "host_1") == 16


# TestNodeSelectorRequirementsAsSelector (the "root" path becomes the term's matchExpressions path)
def test_node_selector_requirements_as_selector():
    assert NodeSelectorTerm.compile(term(None)).is_empty
    assert NodeSelectorTerm.compile(term([])).is_empty
    assert not NodeSelectorTerm.compile(term([])).matches({"foo": "bar"}, "n")
    t = NodeSelectorTerm.compile(term([req("foo", "In", "bar", "baz")]))
    assert t.match_expressions == (Requirement("foo", "In", ("bar", "baz")),)
    assert str(t.match_expressions[0]) == "foo in (bar,baz)"
    t = NodeSelectorTerm.compile(term([req("foo", "Exists", "bar", "baz")]))
    assert t.parse_errors == (("matchExpressions[0].values",
                               'Invalid value: ["bar" "baz"]: values set must be empty for exists and does not exist'),)
    t = NodeSelectorTerm.compile(term([req("foo", "Gt", "1")]))
    assert not t.parse_errors and str(t.match_expressions[0]) == "foo>1"
    t = NodeSelectorTerm.compile(term([req("bar", "Lt", "7")]))
    assert not t.parse_errors and str(t.match_expressions[0]) == "bar<7"


def _affinity_pod(terms=None, node_selector=None, required=True):
    spec = {}
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    if terms is not None or not required:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                                             {"nodeSelectorTerms": terms} if required else None}}
    return {"spec": spec}


# TestPodMatchesNodeSelectorAndAffinityTerms: (name, pod, labels, node name, want)
POD_AFFINITY_CASES = [
    ("no selector", {}, {}, "", True),
    ("missing labels", _affinity_pod(node_selector={"foo": "bar"}), {}, "", False),
    ("same labels", _affinity_pod(node_selector={"foo": "bar"}), {"foo": "bar"}, "", True),
    ("node labels are superset", _affinity_pod(node_selector={"foo": "bar"}), {"foo": "bar", "baz": "blah"}, "", True),
    ("node labels are subset", _affinity_pod(node_selector={"foo": "bar", "baz": "blah"}), {"foo": "bar"}, "", False),
    ("In operator matches", _affinity_pod([term([req("foo", "In", "bar", "value2")])]), {"foo": "bar"}, "", True),
    ("Gt operator matches", _affinity_pod([term([req("kernel-version", "Gt", "0204")])]),
     {"kernel-version": "0206"}, "", True),
    ("NotIn operator matches", _affinity_pod([term([req("mem-type", "NotIn", "DDR", "DDR2")])]),
     {"mem-type": "DDR3"}, "", True),
    ("Exists operator matches", _affinity_pod([term([req("GPU", "Exists")])]), {"GPU": "NVIDIA-GRID-K1"}, "", True),
    ("affinity doesn't match node's labels", _affinity_pod([term([req("foo", "In", "value1", "value2")])]),
     {"foo": "bar"}, "", False),
    ("nil []NodeSelectorTerm", _affinity_pod(None, required=True) | {"spec": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": None}}}}}, {"foo": "bar"}, "", False),
    ("empty []NodeSelectorTerm", _affinity_pod([]), {"foo": "bar"}, "", False),
    ("empty MatchExpressions", _affinity_pod([term([])]), {"foo": "bar"}, "", False),
    ("no Affinity", {"spec": {}}, {"foo": "bar"}, "", True),
    ("Affinity but nil NodeSelector", _affinity_pod(required=False), {"foo": "bar"}, "", True),
    ("multiple matchExpressions ANDed, match",
     _affinity_pod([term([req("GPU", "Exists"), req("GPU", "NotIn", "AMD", "INTER")])]),
     {"GPU": "NVIDIA-GRID-K1"}, "", True),
    ("multiple matchExpressions ANDed, no match",
     _affinity_pod([term([req("GPU", "Exists"), req("GPU", "In", "AMD", "INTER")])]),
     {"GPU": "NVIDIA-GRID-K1"}, "", False),
    ("multiple NodeSelectorTerms ORed",
     _affinity_pod([term([req("foo", "In", "bar", "value2")]), term([req("diffkey", "In", "wrong", "value2")])]),
     {"foo": "bar"}, "", True),
    ("Affinity and nodeSelector both satisfied",
     _affinity_pod([term([req("foo", "Exists")])], node_selector={"foo": "bar"}), {"foo": "bar"}, "", True),
    ("Affinity matches but nodeSelector not",
     _affinity_pod([term([req("foo", "Exists")])], node_selector={"foo": "bar"}), {"foo": "barrrrrr"}, "", False),
    ("invalid value in Affinity term", _affinity_pod([term([req("foo", "NotIn", "invalid value: ___@#$%^")])]),
     {"foo": "bar"}, "", False),
    ("matchFields In matches", _affinity_pod([term(fields=[name_in("node_1")])]), {}, "node_1", True),
    ("matchFields In does not match", _affinity_pod([term(fields=[name_in("node_1")])]), {}, "node_2", False),
    ("two terms: matchFields no, matchExpressions yes",
     _affinity_pod([term(fields=[name_in("node_1")]), term([req("foo", "In", "bar")])]), {"foo": "bar"}, "node_2", True),
    ("one term: matchFields no, matchExpressions yes",
     _affinity_pod([term([req("foo", "In", "bar")], [name_in("node_1")])]), {"foo": "bar"}, "node_2", False),
    ("one term: both match",
     _affinity_pod([term([req("foo", "In", "bar")], [name_in("node_1")])]), {"foo": "bar"}, "node_1", True),
    ("two terms: neither matches",
     _affinity_pod([term(fields=[name_in("node_1")]), term([req("foo", "In", "not-match-to-bar")])]),
     {"foo": "bar"}, "node_2", False),
]


@pytest.mark.parametrize("name,pod,labels,node_name,want", POD_AFFINITY_CASES, ids=[c[0] for c in POD_AFFINITY_CASES])
def test_pod_matches_node_selector_and_affinity_terms(name, pod, labels, node_name, want):
    assert RequiredNodeAffinity.from_pod(pod).matches(labels, node_name) is want


def test_required_node_affinity_structure():
    a = RequiredNodeAffinity.from_pod(_affinity_pod([term([req("a", "In", "y", "x")])], node_selector={"z": "1", "b": "2"}))
    assert a.node_selector_labels == (("b", "2"), ("z", "1"))
    assert a.node_selector.terms[0].match_expressions == (Requirement("a", "In", ("x", "y")),)
    assert not a.is_empty and RequiredNodeAffinity.from_pod({"spec": {}}).is_empty
    # equal specs give equal, hashable values (interning)
    b = RequiredNodeAffinity.from_pod(_affinity_pod([term([req("a", "In", "x", "y", "x")])], node_selector={"b": "2", "z": "1"}))
    assert a == b and hash(a) == hash(b)


@pytest.mark.parametrize("pod,path", [
    ({"spec": {"nodeSelector": ["a"]}}, "spec.nodeSelector"),
    ({"spec": {"nodeSelector": {"a": 1}}}, "spec.nodeSelector[a]"),
    ({"spec": {"affinity": []}}, "spec.affinity"),
    ({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": {"a": 1}}}}}},
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"),
    (_affinity_pod([term("notalist")]),
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions"),
    (_affinity_pod([term([{"key": "a", "operator": "In", "values": "x"}])]),
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
     ".matchExpressions[0].values"),
    (_affinity_pod([term([{"key": "a", "operator": "In", "values": ["x", 3]}])]),
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
     ".matchExpressions[0].values[1]"),
    (_affinity_pod([term([{"key": 7, "operator": "In", "values": ["x"]}])]),
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
     ".matchExpressions[0].key"),
])
def test_required_node_affinity_structural_errors(pod, path):
    with pytest.raises(FieldError) as ei:
        RequiredNodeAffinity.from_pod(pod)
    assert ei.value.field == path


def test_preferred_terms_from_pod():
    pod = {"spec": {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 3, "preference": term([req("zone", "In", "a")])},
        {"weight": 0, "preference": term([req("zone", "In", "b")])},
        {"weight": 9, "preference": term([req("disk", "Gt", "abc")])},
    ]}}}}
    terms = preferred_terms_from_pod(pod)
    assert [t.weight for t in terms] == [3, 9]
    assert terms[1].term.parse_errors[0][0] == "[2].preference.matchExpressions[0].values[0]"
    assert preferred_score(terms, {"zone": "a", "disk": "5"}, "n") == 3
    assert isinstance(terms[0], PreferredSchedulingTerm)
    with pytest.raises(FieldError) as ei:
        preferred_terms_from_pod({"spec": {"affinity": {"nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": "3"}]}}}})
    assert ei.value.field == "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"


# ---- staging/src/k8s.io/component-helpers/scheduling/corev1/helpers_test.go TestMatchNodeSelectorTerms ----
MATCH_TERMS_CASES = [
    ("nil terms", None, {}, "", False),
    ("node label matches matchExpressions terms", {"nodeSelectorTerms": [term([req("label_1", "In", "label_1_val")])]},
     {"label_1": "label_1_val"}, "", True),
    ("node field matches matchFields terms", {"nodeSelectorTerms": [term(fields=[name_in("host_1")])]},
     {}, "host_1", True),
    ("invalid node field requirement", {"nodeSelectorTerms": [term(fields=[name_in("host_1", "host_2")])]},
     {}, "host_1", False),
    ("fieldSelectorTerm with node labels", {"nodeSelectorTerms": [term(fields=[name_in("host_1")])]},
     {"metadata.name": "host_1"}, "not_host_1", False),
    ("labelSelectorTerm with node fields", {"nodeSelectorTerms": [term([req("metadata.name", "In", "host_1")])]},
     {}, "host_1", False),
    ("labelSelectorTerm and fieldSelectorTerm, only node fields",
     {"nodeSelectorTerms": [term([req("label_1", "In", "label_1_val")], [name_in("host_1")])]}, {}, "host_1", False),
    ("both node fields and labels (both matched)",
     {"nodeSelectorTerms": [term([req("label_1", "In", "label_1_val")], [name_in("host_1")])]},
     {"label_1": "label_1_val"}, "host_1", True),
    ("both node fields and labels (one mismatched)",
     {"nodeSelectorTerms": [term([req("label_1", "In", "label_1_val")], [name_in("host_1")])]},
     {"label_1": "label_1_val-failed"}, "host_1", False),
    ("multi-selector, both node fields and labels (one mismatched)",
     {"nodeSelectorTerms": [term([req("label_1", "In", "label_1_val")]), term(fields=[name_in("host_1")])]},
     {"label_1": "label_1_val-failed"}, "host_1", True),
]


@pytest.mark.parametrize("name,ns,labels,node_name,want", MATCH_TERMS_CASES, ids=[c[0] for c in MATCH_TERMS_CASES])
def test_match_node_selector_terms(name, ns, labels, node_name, want):
    assert match_node_selector_terms(ns, labels, node_name) is want


# TestMatchNodeSelectorTermsStateless: compiling must not modify the given selector (value order included)
@pytest.mark.parametrize("ns", [
    {"nodeSelectorTerms": [term([req("label_1", "In", "label_2_val", "label_1_val")])]},
    {"nodeSelectorTerms": [term(fields=[name_in("host_2", "host_1")])]},
    {"nodeSelectorTerms": [term([req("label_1", "In", "label_2_val", "label_1_val")], [name_in("host_2", "host_1")])]},
])
def test_match_node_selector_terms_stateless(ns):
    before = copy.deepcopy(ns)
    match_node_selector_terms(ns, {"label_1": "label_1_val"}, "host_1")
    assert ns == before


def test_match_fields_edge_cases():
    # upstream skips matchFields when the node has no name (empty field set)
    assert match_node_selector_terms({"nodeSelectorTerms": [term(fields=[name_in("host_1")])]}, {}, "")
    # NotIn on metadata.name
    notin = {"nodeSelectorTerms": [term(fields=[req("metadata.name", "NotIn", "host_1")])]}
    assert not match_node_selector_terms(notin, {}, "host_1")
    assert match_node_selector_terms(notin, {}, "host_2")
    # Exists is not a field selector operator: the term never matches
    t = NodeSelectorTerm.compile(term(fields=[req("metadata.name", "Exists")]))
    assert t.parse_errors[0][0] == "matchFields[0].operator" and not t.matches({}, "x")
    # node_names for PreFilter
    assert NodeSelectorTerm.compile(term(fields=[name_in("a")])).node_names() == frozenset({"a"})
    assert NodeSelectorTerm.compile(term([req("x", "Exists")])).node_names() is None


# ---- staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go -------------------------------------

# TestRequirementConstructor (checked through node selector requirements, which accept Gt/Lt too)
@pytest.mark.parametrize("key,op,values,success", [
    ("x", "In", [], False),
    ("x", "NotIn", [], False),
    ("x", "In", ["foo"], True),
    ("x", "NotIn", ["foo"], True),
    ("x", "Exists", [], True),
    ("x", "DoesNotExist", [], True),
    ("1foo", "In", ["bar"], True),
    ("1234", "In", ["bar"], True),
    ("y", "Gt", ["1"], True),
    ("z", "Lt", ["6"], True),
    ("foo", "Gt", ["bar"], False),
    ("barz", "Lt", ["blah"], False),
    ("a" * 254, "Exists", [], False),
])
def test_requirement_constructor(key, op, values, success):
    t = NodeSelectorTerm.compile(term([{"key": key, "operator": op, "values": values}]))
    assert (not t.parse_errors) is success
    if op in ("In", "NotIn", "Exists", "DoesNotExist"):
        sel = {"matchExpressions": [{"key": key, "operator": op, "values": values}]}
        if success:
            LabelSelector.compile(sel)
        else:
            with pytest.raises(FieldError):
                LabelSelector.compile(sel)


# TestRequirementSelectorMatching (the zero-value Requirement case has no counterpart)
@pytest.mark.parametrize("labels,reqs,want", [
    ({"x": "foo", "y": "baz"}, [Requirement("x", "In", ("foo",)), Requirement("y", "NotIn", ("alpha",))], True),
    ({"x": "foo", "y": "baz"}, [Requirement("x", "In", ("foo",)), Requirement("y", "In", ("alpha",))], False),
    ({"y": ""}, [Requirement("x", "NotIn", ("",)), Requirement("y", "Exists")], True),
    ({"y": ""}, [Requirement("x", "DoesNotExist"), Requirement("y", "Exists")], True),
    ({"y": ""}, [Requirement("x", "NotIn", ("",)), Requirement("y", "DoesNotExist")], False),
    ({"y": "baz"}, [Requirement("x", "In", ("",))], False),
    ({"z": "2"}, [Requirement("z", "Gt", ("1",))], True),
    ({"z": "v2"}, [Requirement("z", "Gt", ("1",))], False),
])
def test_requirement_selector_matching(labels, reqs, want):
    assert all(r.matches(labels) for r in reqs) is want
    assert LabelSelector(tuple(reqs)).matches(labels) is want


# TestSelectorMatches, the cases expressible as requirements (x!=y written as NotIn)
@pytest.mark.parametrize("reqs,labels,want", [
    ([], {"x": "y"}, True),
    ([("x", "In", "y")], {"x": "y"}, True),
    ([("x", "In", "y"), ("z", "In", "w")], {"x": "y", "z": "w"}, True),
    ([("x", "NotIn", "y"), ("z", "NotIn", "w")], {"x": "z", "z": "a"}, True),
    ([("notin", "In", "in")], {"notin": "in"}, True),
    ([("x", "Exists")], {"x": "z"}, True),
    ([("x", "DoesNotExist")], {"y": "z"}, True),
    ([("x", "Gt", "1")], {"x": "2"}, True),
    ([("x", "Lt", "1")], {"x": "0"}, True),
    ([("x", "In", "z")], {}, False),
    ([("x", "In", "y")], {"x": "z"}, False),
    ([("x", "In", "y"), ("z", "In", "w")], {"x": "w", "z": "w"}, False),
    ([("x", "NotIn", "y"), ("z", "NotIn", "w")], {"x": "z", "z": "w"}, False),
    ([("x", "Exists")], {"y": "z"}, False),
    ([("x", "DoesNotExist")], {"x": "z"}, False),
    ([("x", "Gt", "1")], {"x": "0"}, False),
    ([("x", "Lt", "1")], {"x": "2"}, False),
])
def test_selector_matches(reqs, labels, want):
    sel = LabelSelector(tuple(Requirement(k, op, tuple(v)) for k, op, *v in reqs))
    assert sel.matches(labels) is want


# TestSetMatches / TestEverything / TestNilMapIsValid
def test_set_matches():
    labelset = {"foo": "bar", "baz": "blah"}
    for s in ({}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}):
        assert LabelSelector.from_set(s).matches(labelset)
    assert not LabelSelector.from_set({"foo": "blah"}).matches(labelset)
    assert LabelSelector.from_set({}).empty and LabelSelector.everything().matches({"x": "y"})


# ---- staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector -------------

def test_label_selector_compile_nil_and_empty():
    assert not LabelSelector.compile(None).matches({})
    assert not LabelSelector.compile(None).matches({"a": "b"})
    assert LabelSelector.compile({}).matches({"a": "b"})
    assert LabelSelector.compile({"matchLabels": {}, "matchExpressions": []}).empty


def test_label_selector_compile_match_labels_and_expressions():
    sel = LabelSelector.compile({"matchLabels": {"app": "web"},
                                 "matchExpressions": [req("tier", "NotIn", "db", "cache"), req("env", "Exists")]})
    assert [(r.key, r.operator, r.values) for r in sel.requirements] == [
        ("app", "In", ("web",)), ("env", "Exists", ()), ("tier", "NotIn", ("cache", "db"))]
    assert sel.matches({"app": "web", "env": "prod"})
    assert not sel.matches({"app": "web", "env": "prod", "tier": "db"})
    assert not sel.matches({"app": "web"})
    assert str(sel) == "app in (web),env,tier notin (cache,db)"
    assert hash(sel) == hash(LabelSelector.compile({"matchExpressions": [
        req("env", "Exists"), req("tier", "NotIn", "cache", "db")], "matchLabels": {"app": "web"}}))


@pytest.mark.parametrize("sel,path,msg", [
    ({"matchExpressions": [req("a", "Gt", "1")]}, "matchExpressions[0].operator",
     '"Gt" is not a valid label selector operator'),
    ({"matchExpressions": [req("a", "In")]}, "matchExpressions[0].values",
     "Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
    ({"matchExpressions": [req("a", "Exists", "x")]}, "matchExpressions[0].values",
     'Invalid value: ["x"]: values set must be empty for exists and does not exist'),
    ({"matchExpressions": [req("a b", "Exists")]}, "matchExpressions[0].key", 'Invalid value: "a b": name part'),
    ({"matchExpressions": [req("a", "In", "x y")]}, "matchExpressions[0].values[0]", 'Invalid value: "x y": a valid label'),
    ({"matchLabels": {"a": "-x"}}, "matchLabels[a]", 'Invalid value: "-x": a valid label'),
    ({"matchLabels": {"a": 1}}, "matchLabels[a]", "expected a string"),
    ({"matchExpressions": {"key": "a"}}, "matchExpressions", "expected a list"),
    ({"matchExpressions": ["a"]}, "matchExpressions[0]", "expected an object"),
    ([], "", "expected an object"),
])
def test_label_selector_compile_errors(sel, path, msg):
    with pytest.raises(FieldError) as ei:
        LabelSelector.compile(sel)
    assert ei.value.field == path
    assert ei.value.message.startswith(msg)


# ---- apiserver validation ---------------------------------------------------------------------------
# Cases follow the branches of pkg/apis/core/validation/validation.go ValidateNodeSelector /
# ValidateNodeSelectorRequirement / ValidateNodeFieldSelectorRequirement / ValidatePreferredSchedulingTerms
# and meta/v1/validation ValidateLabelSelector (one case per rule).

P = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"


def test_validate_node_selector_valid():
    validate_node_selector({"nodeSelectorTerms": [
        term([req("key2", "Exists"), req("key1", "In", "v1", "v2"), req("k", "Gt", "5"), req("k", "Lt", "x")],
             [name_in("host1")]),
        term(),  # an empty term is valid (it matches nothing)
    ]}, P)
    assert node_selector_errors({"nodeSelectorTerms": [term([req("k", "NotIn", "v")])]}, P) == []


INVALID_NODE_SELECTORS = [
    ({"nodeSelectorTerms": []}, f"{P}.nodeSelectorTerms", "Required value: must have at least one node selector term"),
    ({}, f"{P}.nodeSelectorTerms", "Required value"),
    ({"nodeSelectorTerms": [term([req("key1", "In")])]}, f"{P}.nodeSelectorTerms[0].matchExpressions[0].values",
     "Required value: must be specified when `operator` is 'In' or 'NotIn'"),
    ({"nodeSelectorTerms": [term([req("key1", "Exists", "v")])]}, f"{P}.nodeSelectorTerms[0].matchExpressions[0].values",
     "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
    ({"nodeSelectorTerms": [term([req("key1", "Gt", "1", "2")])]}, f"{P}.nodeSelectorTerms[0].matchExpressions[0].values",
     "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"),
    ({"nodeSelectorTerms": [term([req("key1", "Equals", "v")])]}, f"{P}.nodeSelectorTerms[0].matchExpressions[0].operator",
     'Invalid value: "Equals": not a valid selector operator'),
    ({"nodeSelectorTerms": [term([req("invalid key ___@#", "Exists")])]},
     f"{P}.nodeSelectorTerms[0].matchExpressions[0].key", 'Invalid value: "invalid key ___@#": name part'),
    ({"nodeSelectorTerms": [term([req("k", "In", "invalid value ___@#")])]},
     f"{P}.nodeSelectorTerms[0].matchExpressions[0].values[0]", 'Invalid value: "invalid value ___@#": a valid label'),
    ({"nodeSelectorTerms": [term(fields=[name_in("a", "b")])]}, f"{P}.nodeSelectorTerms[0].matchFields[0].values",
     "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
    ({"nodeSelectorTerms": [term(fields=[req("metadata.name", "Exists")])]},
     f"{P}.nodeSelectorTerms[0].matchFields[0].operator", 'Invalid value: "Exists": not a valid selector operator'),
    ({"nodeSelectorTerms": [term(fields=[req("metadata.namespace", "In", "a")])]},
     f"{P}.nodeSelectorTerms[0].matchFields[0].key", 'Invalid value: "metadata.namespace": not a valid field selector key'),
    ({"nodeSelectorTerms": [term(fields=[name_in("Host_1")])]}, f"{P}.nodeSelectorTerms[0].matchFields[0].values[0]",
     'Invalid value: "Host_1": a lowercase RFC 1123 subdomain'),
    ({"nodeSelectorTerms": "x"}, f"{P}.nodeSelectorTerms", "expected a list"),
]


@pytest.mark.parametrize("ns,path,msg", INVALID_NODE_SELECTORS)
def test_validate_node_selector_invalid(ns, path, msg):
    with pytest.raises(FieldError) as ei:
        validate_node_selector(ns, P)
    assert ei.value.field == path
    assert ei.value.message.startswith(msg)


def test_validate_node_selector_allow_invalid_label_value():
    ns = {"nodeSelectorTerms": [term([req("k", "In", "bad value")])]}
    validate_node_selector(ns, P, allow_invalid_label_value=True)
    with pytest.raises(FieldError):
        validate_node_selector_requirement(req("k", "In", "bad value"), "r")


def test_validate_preferred_terms():
    path = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
    # invalid label values are always allowed in preferred terms
    validate_preferred_terms([{"weight": 100, "preference": term([req("k", "In", "bad value")])}], path)
    for weight in (0, -1, 101):
        with pytest.raises(FieldError) as ei:
            validate_preferred_terms([{"weight": weight, "preference": term([req("k", "Exists")])}], path)
        assert ei.value.field == f"{path}[0].weight"
        assert ei.value.message == f"Invalid value: {weight}: must be in the range 1-100"
    errs = preferred_terms_errors([{"weight": 1, "preference": term([req("k", "Foo")])}], path)
    assert [e.field for e in errs] == [f"{path}[0].preference.matchExpressions[0].operator"]


def test_validate_label_selector():
    validate_label_selector({"matchLabels": {"a": "b"}, "matchExpressions": [req("c", "DoesNotExist")]}, "s")
    validate_label_selector(None, "s")
    cases = [
        ({"matchLabels": {"a b": "c"}}, "s.matchLabels", 'Invalid value: "a b": name part'),
        ({"matchLabels": {"a": "c d"}}, "s.matchLabels", 'Invalid value: "c d": a valid label'),
        ({"matchExpressions": [req("a", "NotIn")]}, "s.matchExpressions[0].values", "Required value"),
        ({"matchExpressions": [req("a", "DoesNotExist", "x")]}, "s.matchExpressions[0].values", "Forbidden"),
        ({"matchExpressions": [req("a", "Gt", "1")]}, "s.matchExpressions[0].operator",
         'Invalid value: "Gt": not a valid selector operator'),
        ({"matchExpressions": [req("a", "In", "x y")]}, "s.matchExpressions[0].values[0]", 'Invalid value: "x y"'),
    ]
    for sel, path, msg in cases:
        errs = label_selector_errors(sel, "s")
        assert errs and errs[0].field == path and errs[0].message.startswith(msg), (sel, errs)
    assert label_selector_errors({"matchExpressions": [req("a", "In", "x y")]}, "s", allow_invalid_label_value=True) == []
    with pytest.raises(FieldError):
        validate_labels({"a": "b", "bad/key/x": "c"}, "metadata.labels")


# ---- syntax helpers (util/validation) ----------------------------------------------------------------

@pytest.mark.parametrize("key,ok", [
    ("simple", True), ("now-with-dashes", True), ("1-starts-with-num", True), ("1234", True),
    ("simple/simple", True), ("now-with-dashes/simple", True), ("example.com/Uppercase_Name", True),
    ("a" * 63, True), ("a" * 253 + "/" + "b" * 63, True),
    ("", False), ("nospecialchars%^=@", False), ("cantendwithadash-", False), ("-cantstartwithadash", False),
    ("only/one/slash", False), ("Example.com/abc", False), ("/simple", False), ("simple/", False),
    ("a" * 64, False), ("a" * 254 + "/abc", False), ("abc\n", False),
])
def test_is_qualified_name(key, ok):
    assert (not is_qualified_name(key)) is ok


@pytest.mark.parametrize("value,ok", [
    ("", True), ("simple", True), ("now-with-dashes", True), ("1-starts-with-num", True), ("end-with-num-1", True),
    ("1234", True), ("a" * 63, True), ("Upper_Case.dots", True),
    ("nospecialchars%^=@", False), ("Tama-nui-te-rā.is.Māori.sun", False), ("\\backslashes", False),
    ("-starts-with-dash", False), ("ends-with-dash-", False), (".starts.with.dot", False), ("a" * 64, False),
    ("trailing\n", False),
])
def test_is_valid_label_value(value, ok):
    assert (not is_valid_label_value(value)) is ok


@pytest.mark.parametrize("s,v", [
    ("0", 0), ("0204", 204), ("+5", 5), ("-5", -5), ("-0", 0), ("9223372036854775807", 2**63 - 1),
    ("-9223372036854775808", -2**63), ("9223372036854775808", None), ("", None), ("1.5", None), (" 1", None),
    ("1_000", None), ("0x10", None), ("٣", None), ("abc", None),
])
def test_parse_go_int64(s, v):
    assert parse_go_int64(s) == v


def test_gt_lt_overflowing_node_label_does_not_match():
    r = Requirement("k", "Gt", ("1",))
    assert not r.matches({"k": "99999999999999999999"})
    assert Requirement("k", "Lt", ("0",)).matches({"k": "-9223372036854775808"})
    assert not Requirement("k", "Gt", ("1", "2")).matches({"k": "5"})


# ---- properties -------------------------------------------------------------------------------------

_keys = st.sampled_from(["a", "b", "zone", "example.com/x"])
_vals = st.text(alphabet="abc01", max_size=3)
_labels = st.dictionaries(_keys, _vals, max_size=4)


@given(_labels, _keys, st.lists(_vals, min_size=1, max_size=4))
def test_notin_is_not_in_when_key_present(labels, key, values):
    r_in, r_notin = Requirement(key, "In", tuple(sorted(set(values)))), Requirement(key, "NotIn", tuple(sorted(set(values))))
    if key in labels:
        assert r_notin.matches(labels) is (not r_in.matches(labels))
    else:
        assert r_notin.matches(labels) and not r_in.matches(labels)


@given(_labels, _keys)
def test_exists_and_does_not_exist_are_complements(labels, key):
    assert Requirement(key, "Exists").matches(labels) is (key in labels)
    assert Requirement(key, "DoesNotExist").matches(labels) is (key not in labels)


@given(st.integers(-2**63, 2**63 - 1), st.integers(-2**63, 2**63 - 1))
def test_gt_lt_compare_as_integers(label, bound):
    labels = {"k": str(label)}
    assert Requirement("k", "Gt", (str(bound),)).matches(labels) is (label > bound)
    assert Requirement("k", "Lt", (str(bound),)).matches(labels) is (label < bound)


@given(_labels, st.dictionaries(_keys, _vals, max_size=3))
def test_from_set_is_subset_match(labels, selector):
    want = all(k in labels and labels[k] == v for k, v in selector.items())
    assert LabelSelector.from_set(selector).matches(labels) is want
    pod = {"spec": {"nodeSelector": selector}}
    assert RequiredNodeAffinity.from_pod(pod).matches(labels, "n") is want


@given(st.lists(_vals, min_size=1, max_size=4), st.randoms())
def test_value_order_does_not_change_compiled_selector(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    a = NodeSelector.compile({"nodeSelectorTerms": [term([req("k", "In", *values)])]})
    b = NodeSelector.compile({"nodeSelectorTerms": [term([req("k", "In", *shuffled)])]})
    assert a == b and hash(a) == hash(b)
