"""NodeResourcesFit reference (kschedule.plugins.noderesources_fit) against the ported upstream tables."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kschedule.config.load import decode_plugin_args
from kschedule.config.types import NodeResourcesFitArgs, ResourceSpec, ScoringStrategy
from kschedule.config.validation import validate_node_resources_fit_args
from kschedule.objects.pod import parse_pod
from kschedule.plugins import noderesources_fit as fit
from kschedule.plugins import resource_allocation as ra
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import noderesources_cases as cases


def _args(d):
    # Upstream tables hand internal args to the plugin without v1 defaulting.
    return decode_plugin_args(fit.NAME, d)


def _ids(cs):
    return [f"{c['source'].split(':')[1]}/{c['name']}" for c in cs]


# fit_test.go: TestEnoughRequests, TestNotEnoughRequests, TestStorageRequests, TestRestartableInitContainers
# (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources, v1.34 expectations).
@pytest.mark.parametrize("case", cases.FIT_FILTER_CASES, ids=_ids(cases.FIT_FILTER_CASES))
def test_filter_upstream_tables(case):
    node = NodeState.from_objects(case["node"], case["existing_pods"])
    pod = parse_pod(case["pod"])
    args = _args(case["args"])
    assert fit.pre_filter(pod, [node], args) is None
    status = fit.filter(pod, node, args)
    assert status.code == case["want_code"]
    assert list(status.reasons) == case["want_reasons"]
    if case["want_code"] != "Success":
        assert status.plugin == "NodeResourcesFit"
    assert fit.fit_reasons(pod.requests, node, args) == (case["want_code"], tuple(case["want_reasons"]))


_FIT_SCORE = [c for c in cases.SCORE_CASES if c["plugin"] == fit.NAME]


# least_allocated_test.go: TestLeastAllocatedScoringStrategy; most_allocated_test.go:
# TestMostAllocatedScoringStrategy; requested_to_capacity_ratio_test.go:
# TestRequestedToCapacityRatioScoringStrategy, TestResourceBinPackingSingleExtended,
# TestResourceBinPackingMultipleExtended; fit_test.go: TestFitScore.
@pytest.mark.parametrize("case", _FIT_SCORE, ids=_ids(_FIT_SCORE))
def test_score_upstream_tables(case):
    pod = parse_pod(case["pod"])
    args = _args(case["args"])
    nodes = [NodeState.from_objects(n, [p for p in case["existing_pods"]
                                        if p["spec"].get("nodeName") == n["metadata"]["name"]])
             for n in case["nodes"]]
    if case["run_pre_score"]:
        assert fit.pre_score(pod, nodes, args) is None
    got = []
    for n in nodes:
        s, status = fit.score_status(pod, n, args)
        assert status.code == case["want_score_code"]
        assert fit.score(pod, n, nodes, args) == s
        got.append((n.name, s))
    assert got == case["want_scores"]


# least_allocated_test.go / most_allocated_test.go: the wantErrs cases (args validation).
@pytest.mark.parametrize("case", cases.FIT_ARGS_ERROR_CASES, ids=_ids(cases.FIT_ARGS_ERROR_CASES))
def test_args_rejected_upstream_tables(case):
    errs = validate_node_resources_fit_args("", _args(case["args"]))
    assert [e.field for e in errs] == case["want_error_fields"]


# requested_to_capacity_ratio_test.go: TestBrokenLinearFunction.
@pytest.mark.parametrize("case", cases.BROKEN_LINEAR_CASES, ids=lambda c: str(c["points"]))
def test_broken_linear_upstream_table(case):
    for p, want in case["assertions"]:
        assert ra.broken_linear(case["points"], p) == want, (case["points"], p)


def test_broken_linear_truncates_toward_zero_on_falling_segments():
    # (0 - 10) * 15 / 100 = -1.5 -> Go truncates to -1, so f(15) = 9 (floor division would give 8).
    assert ra.broken_linear([(0, 10), (100, 0)], 15) == 9
    assert ra.broken_linear([{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}], 99) == 1


def _node(alloc, pods=()):
    return NodeState.from_objects({"metadata": {"name": "n"}, "status": {"allocatable": alloc}}, pods)


def _pod(name, reqs, node=""):
    spec = {"containers": [{"name": "c", "resources": {"requests": reqs}}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": {"name": name}, "spec": spec}


def test_too_many_pods_never_escalates_but_oversized_request_does():
    node = _node({"cpu": "1", "memory": "1Gi", "pods": "1"}, [_pod("a", {"cpu": "500m"}, "n")])
    args = NodeResourcesFitArgs()
    assert fit.fit_reasons({"cpu": 600}, node, args) == ("Unschedulable", ("Too many pods", "Insufficient cpu"))
    assert fit.fit_reasons({"cpu": 1001}, node, args) == (
        "UnschedulableAndUnresolvable", ("Too many pods", "Insufficient cpu"))


def test_multiple_scalar_reasons_sorted_and_kubernetes_io_never_ignored():
    node = _node({"cpu": "1", "pods": "10", "example.com/z": "1", "example.com/a": "4"})
    args = NodeResourcesFitArgs(ignored_resources=["kubernetes.io/x"], ignored_resource_groups=["kubernetes.io"])
    code, reasons = fit.fit_reasons({"example.com/z": 2, "kubernetes.io/x": 1, "example.com/a": 2}, node, args)
    assert (code, reasons) == ("UnschedulableAndUnresolvable",
                               ("Insufficient example.com/z", "Insufficient kubernetes.io/x"))
    # "pods" and unknown native names are not part of the Fit request.
    assert fit.fit_reasons({"pods": 5, "storage": 1}, node, args) == ("Success", ())


def test_default_args_and_non_zero_defaults_only_in_scoring():
    # A pod without requests fits a full node for Filter purposes but counts 100m/200Mi when scoring.
    node = _node({"cpu": "200m", "memory": "400Mi", "pods": "10"}, [_pod("a", {"cpu": "200m"}, "n")])
    pod = parse_pod({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}})
    assert fit.filter(pod, node).is_success
    # LeastAllocated (default args): cpu 200m + 100m > 200m -> 0; memory: the existing pod counts a
    # 200Mi default and the incoming pod another 200Mi -> 400Mi of 400Mi -> 0.
    assert fit.score(pod, node) == 0
    assert fit.score_requests(pod) == [100, 200 * 1024 * 1024]


def test_score_status_without_resources_is_error():
    node = _node({"cpu": "1", "memory": "1Gi"})
    pod = parse_pod(_pod("p", {"cpu": "100m"}))
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy("LeastAllocated", []))
    s, status = fit.score_status(pod, node, args)
    assert (s, status.code, status.reasons) == (0, "Error", ("resources not found",))


_LEAST = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
    "LeastAllocated", [ResourceSpec("cpu", 1), ResourceSpec("memory", 1)]))


@settings(max_examples=150, deadline=None)
@given(alloc_cpu=st.integers(1, 64_000), alloc_mem=st.integers(1, 2**40), pod_cpu=st.integers(0, 70_000),
       pod_mem=st.integers(0, 2**40), used=st.lists(st.integers(0, 70_000), min_size=2, max_size=2))
def test_least_allocated_in_range_and_weakly_decreasing_in_node_cpu(alloc_cpu, alloc_mem, pod_cpu, pod_mem, used):
    lo, hi = sorted(used)
    pod = parse_pod(_pod("p", {"cpu": f"{pod_cpu}m", "memory": str(pod_mem)}))
    alloc = {"cpu": f"{alloc_cpu}m", "memory": str(alloc_mem), "pods": "110"}
    s_lo = fit.score(pod, _node(alloc, [_pod("e", {"cpu": f"{lo}m"}, "n")]), args=_LEAST)
    s_hi = fit.score(pod, _node(alloc, [_pod("e", {"cpu": f"{hi}m"}, "n")]), args=_LEAST)
    assert 0 <= s_hi <= s_lo <= 100


@settings(max_examples=100, deadline=None)
@given(req=st.lists(st.integers(0, 10**6), min_size=1, max_size=4),
       cap=st.lists(st.integers(0, 10**6), min_size=4, max_size=4),
       weights=st.lists(st.integers(1, 100), min_size=4, max_size=4))
def test_least_and_most_scorers_stay_in_range(req, cap, weights):
    n = len(req)
    least = ra.least_resource_scorer(weights[:n])(req, cap[:n])
    most = ra.most_resource_scorer(weights[:n])(req, cap[:n])
    assert 0 <= least <= 100 and 0 <= most <= 100
