"""NodeAffinity reference vs the ported upstream tables (kschedule/plugins/cases/node_cases.py)."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, strategies as st

from kschedule.errors import InvalidConfig, InvalidObject
from kschedule.objects.pod import parse_pod
from kschedule.objects.selectors import RequiredNodeAffinity, preferred_terms_from_pod
from kschedule.plugins import node_affinity as na
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import node_cases as C

try:
    from kschedule.config.types import NodeAffinityArgs
except ImportError:  # pragma: no cover - config helper not merged yet: the plugin only reads .added_affinity
    @dataclasses.dataclass
    class NodeAffinityArgs:  # type: ignore[no-redef]
        added_affinity: dict | None = None


def pod_info(obj, apiserver_rejects=False):
    if not apiserver_rejects:
        return parse_pod(obj)
    # kschedule validates like the v1.34 apiserver; upstream builds these pods directly in Go.
    with pytest.raises(InvalidObject):
        parse_pod(obj)
    spec = dict(obj["spec"])
    spec.pop("affinity", None)
    base = parse_pod({**obj, "spec": spec})
    aff = (obj["spec"].get("affinity") or {}).get("nodeAffinity") or {}
    required = None
    if obj["spec"].get("nodeSelector") is not None or aff.get("requiredDuringSchedulingIgnoredDuringExecution") is not None:
        required = RequiredNodeAffinity.from_pod(obj)
    return dataclasses.replace(base, required_affinity=required, preferred_terms=preferred_terms_from_pod(obj), obj=obj)


def plugin_args(raw):
    return None if raw is None else NodeAffinityArgs(added_affinity=raw.get("addedAffinity"))


def status_dict(s):
    return None if s is None or s.is_success else {"code": s.code, "reasons": list(s.reasons)}


# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinity
@pytest.mark.parametrize("case", C.NODE_AFFINITY_FILTER_CASES, ids=[c["name"][:80] for c in C.NODE_AFFINITY_FILTER_CASES])
def test_filter_upstream_table(case):
    pod = pod_info(case["pod"], case.get("apiserver_rejects", False))
    node = NodeState.from_objects(case["node"])
    args = plugin_args(case["args"])
    if case["run_pre_filter"]:
        status, names = na.pre_filter_result(pod, args)
        assert status_dict(status) == case["want_pre_filter"]
        want_names = case["want_pre_filter_result"]
        assert names == (None if want_names is None else frozenset(want_names))
        assert na.pre_filter(pod, [node], args) == status
    got = na.filter(pod, node, args)
    assert status_dict(got) == case["want"]
    if not got.is_success:
        assert got.plugin == "NodeAffinity"


# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go: TestNodeAffinityPriority
@pytest.mark.parametrize("case", C.NODE_AFFINITY_SCORE_CASES, ids=[c["name"][:80] for c in C.NODE_AFFINITY_SCORE_CASES])
def test_score_upstream_table(case):
    pod = pod_info(case["pod"], case.get("apiserver_rejects", False))
    nodes = [NodeState.from_objects(n) for n in case["nodes"]]
    args = plugin_args(case["args"])
    if case["run_pre_score"]:
        status = na.pre_score(pod, nodes, args)
        assert status_dict(status) == case["want_pre_score"]
        if status is not None:
            return
    raw = [na.score(pod, n, nodes, args) for n in nodes]
    got = list(zip([n.name for n in nodes], na.normalize_score(raw, args)))
    assert got == case["want"]


def test_pre_filter_uses_every_value_of_a_name_requirement_and_unions_terms():
    # Upstream takes sets.New(r.Values...), so an In with several names (refused by the apiserver for
    # matchFields, but possible through the Go API) intersects whole sets.
    obj = C._pod(affinity=C._required({"matchFields": [C._name_in("a", "b"), C._name_in("b", "c")]},
                                      {"matchFields": [C._name_in("d")]}))
    pod = pod_info(obj, apiserver_rejects=True)
    assert na.pre_filter_result(pod) == (None, frozenset({"b", "d"}))


def test_pre_filter_empty_term_allows_all_nodes():
    pod = parse_pod(C._pod(affinity=C._required({"matchFields": [C._name_in("node1")]},
                                                {"matchExpressions": [C._req("a", "Exists")]})))
    assert na.pre_filter_result(pod) == (None, None)


def test_added_affinity_without_pod_affinity_is_not_skipped_and_preferred_only_args_skip_pre_filter():
    pod = parse_pod(C._pod())
    required_args = NodeAffinityArgs(added_affinity={"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [C._req("zone", "In", "a")]}]}})
    assert na.pre_filter_result(pod, required_args) == (None, None)
    preferred_args = NodeAffinityArgs(added_affinity={"preferredDuringSchedulingIgnoredDuringExecution": [
        C._pref(1, C._req("zone", "In", "a"))]})
    assert na.pre_filter_result(pod, preferred_args)[0].code == "Skip"
    assert na.pre_score(pod, [], preferred_args) is None
    assert na.pre_score(pod, [], None).code == "Skip"


def test_invalid_added_affinity_is_a_config_error():
    bad = NodeAffinityArgs(added_affinity={"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [C._req("zone", "Gt", "a", "b")]}]}})
    with pytest.raises(InvalidConfig):
        na.filter(parse_pod(C._pod()), NodeState("n"), bad)


def test_pre_score_error_aggregates_several_parse_errors():
    obj = C._pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        C._pref(1, C._req("foo", "In", "bad value")), C._pref(2, C._req("foo", "In", "good")),
        C._pref(3, C._req("bar", "In", "also bad!"))]}})
    pod = parse_pod(obj)  # the apiserver accepts invalid label values in preferred terms
    st_ = na.pre_score(pod, [], None)
    assert st_.code == "Error" and len(st_.reasons) == 1
    msg = st_.reasons[0]
    assert msg.startswith('[[0].matchExpressions[0].values[0]: Invalid value: "bad value": ')
    assert ', [2].matchExpressions[0].values[0]: Invalid value: "also bad!": ' in msg and msg.endswith("]")


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "2"]), max_size=3),
                min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(1, 100), st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "2"])),
                max_size=4))
def test_score_is_sum_of_matching_weights_and_normalizes_into_range(node_labels, prefs):
    obj = C._pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        C._pref(w, C._req(k, "In", v)) for w, k, v in prefs]}}) if prefs else C._pod()
    pod = parse_pod(obj)
    nodes = [NodeState(f"n{i}", labels=lab) for i, lab in enumerate(node_labels)]
    raw = [na.score(pod, n, nodes) for n in nodes]
    assert raw == [sum(w for w, k, v in prefs if lab.get(k) == v) for lab in node_labels]
    normalized = na.normalize_score(raw)
    assert all(0 <= s <= 100 for s in normalized)
    if max(raw) > 0:
        assert normalized[raw.index(max(raw))] == 100
