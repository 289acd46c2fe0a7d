"""TaintToleration reference vs the ported upstream tables (kschedule/plugins/cases/node_cases.py)."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from hypothesis import given, strategies as st

from kschedule.errors import InvalidObject
from kschedule.objects.pod import parse_pod
from kschedule.objects.taints import Taint, Toleration, parse_tolerations
from kschedule.plugins import taint_toleration as tt
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import node_cases as C


def pod_info(obj, apiserver_rejects=False):
    if not apiserver_rejects:
        return parse_pod(obj)
    # kschedule validates like the v1.34 apiserver; upstream builds these pods directly in Go.
    with pytest.raises(InvalidObject):
        parse_pod(obj)
    spec = dict(obj["spec"])
    raw = spec.pop("tolerations", None)
    base = parse_pod({**obj, "spec": spec})
    return dataclasses.replace(base, tolerations=parse_tolerations(raw), obj=obj)


def plugin_args(case):
    on = bool((case.get("features") or {}).get("TaintTolerationComparisonOperators"))
    return SimpleNamespace(enable_comparison_operators=on) if on else None


def status_dict(s):
    return None if s.is_success else {"code": s.code, "reasons": list(s.reasons)}


# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationFilter,
# TestTaintTolerationFilterWithFeatureGate
FILTER_CASES = C.TAINT_TOLERATION_FILTER_CASES + C.TAINT_TOLERATION_FILTER_GATE_CASES


@pytest.mark.parametrize("case", FILTER_CASES, ids=[c["name"][:80] for c in FILTER_CASES])
def test_filter_upstream_table(case):
    if case.get("skip"):
        pytest.skip(case["skip"])
    pod = pod_info(case["pod"], case.get("apiserver_rejects", False))
    node = NodeState.from_objects(case["node"])
    got = tt.filter(pod, node, plugin_args(case))
    assert status_dict(got) == case["want"]
    if not got.is_success:
        assert got.plugin == "TaintToleration"


# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go: TestTaintTolerationScore
@pytest.mark.parametrize("case", C.TAINT_TOLERATION_SCORE_CASES, ids=[c["name"][:80] for c in C.TAINT_TOLERATION_SCORE_CASES])
def test_score_upstream_table(case):
    pod = pod_info(case["pod"], case.get("apiserver_rejects", False))
    nodes = [NodeState.from_objects(n, [p for p in case["existing_pods"] if p["spec"].get("nodeName") == n["metadata"]["name"]])
             for n in case["nodes"]]
    args = plugin_args(case)
    assert tt.pre_score(pod, nodes, args) is None
    raw = [tt.score(pod, n, nodes, args) for n in nodes]
    got = list(zip([n.name for n in nodes], tt.normalize_score(raw, args)))
    assert got == case["want"]


def test_filter_reports_first_untolerated_taint_only_for_do_not_schedule_effects():
    pod = parse_pod(C._pod(tolerations=[{"key": "a", "operator": "Exists"}]))
    node = NodeState.from_objects(C._node("n", taints=[
        {"key": "p", "value": "x", "effect": "PreferNoSchedule"},
        {"key": "a", "value": "1", "effect": "NoExecute"},
        {"key": "b", "value": "2", "effect": "NoExecute"},
    ]))
    got = tt.filter(pod, node)
    assert (got.code, got.reasons) == ("UnschedulableAndUnresolvable", ("node(s) had untolerated taint(s)",))
    assert tt.legacy_reason(Taint("b", "2", "NoExecute")) == "node(s) had untolerated taint {b: 2}"


def test_comparison_operators_are_off_by_default():
    pod = dataclasses.replace(parse_pod(C._pod()), tolerations=(Toleration("k", "Gt", "1", "NoSchedule"),))
    node = NodeState.from_objects(C._node("n", taints=[{"key": "k", "value": "5", "effect": "NoSchedule"}]))
    assert tt.filter(pod, node).code == "UnschedulableAndUnresolvable"
    assert tt.filter(pod, node, SimpleNamespace(enable_comparison_operators=True)).is_success


_effects = st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"])
_taints = st.lists(st.builds(Taint, st.sampled_from(["a", "b", "c"]), st.sampled_from(["", "x", "y"]), _effects),
                   max_size=5, unique_by=lambda t: (t.key, t.effect))
_tols = st.lists(st.builds(Toleration, st.sampled_from(["", "a", "b"]), st.sampled_from(["Exists", "Equal", ""]),
                           st.sampled_from(["", "x"]), st.sampled_from(["", "NoSchedule", "PreferNoSchedule", "NoExecute"])),
                 max_size=4)


@given(_taints, _tols)
def test_score_counts_only_prefer_no_schedule_taints(taints, tols):
    pod = dataclasses.replace(parse_pod(C._pod()), tolerations=tuple(tols))
    node = NodeState("n", taints=tuple(taints))
    n = tt.score(pod, node, [node])
    assert 0 <= n <= sum(1 for t in taints if t.effect == "PreferNoSchedule")
    # a NoSchedule-only toleration set never lowers the PreferNoSchedule count
    bare = dataclasses.replace(pod, tolerations=tuple(t for t in tols if t.effect == "NoSchedule"))
    assert tt.score(bare, node, [node]) == sum(1 for t in taints if t.effect == "PreferNoSchedule")


# --------------------------------------------------------------------------------------------------
# helper.DefaultNormalizeScore (kschedule/plugins/normalize.py), used reversed by TaintToleration
# --------------------------------------------------------------------------------------------------

from kschedule.plugins.normalize import default_normalize_score, go_div  # noqa: E402


# pkg/scheduler/framework/plugins/helper/normalize_score_test.go: TestDefaultNormalizeScore
@pytest.mark.parametrize("case", C.DEFAULT_NORMALIZE_SCORE_CASES)
def test_default_normalize_score_upstream_table(case):
    assert default_normalize_score(case["scores"], case["reverse"]) == case["want"]


def test_default_normalize_score_all_zero_and_empty():
    assert default_normalize_score([0, 0], reverse=True) == [100, 100]
    assert default_normalize_score([0, 0], reverse=False) == [0, 0]
    assert default_normalize_score([], reverse=True) == []
    assert go_div(-7, 2) == -3 and go_div(7, -2) == -3 and go_div(7, 2) == 3


@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=20))
def test_default_normalize_score_range_and_reverse(scores):
    fwd = default_normalize_score(scores, reverse=False)
    rev = default_normalize_score(scores, reverse=True)
    assert all(0 <= s <= 100 for s in fwd + rev)
    if max(scores) > 0:
        assert rev == [100 - s for s in fwd]
        assert fwd[scores.index(max(scores))] == 100
    else:
        assert fwd == [0] * len(scores) and rev == [100] * len(scores)
