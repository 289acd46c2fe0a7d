"""NodeResourcesBalancedAllocation reference against the ported upstream table."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kschedule.config.load import decode_plugin_args
from kschedule.objects.pod import parse_pod
from kschedule.plugins import balanced_allocation as ba
from kschedule.plugins import resource_allocation as ra
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import noderesources_cases as cases

_CASES = [c for c in cases.SCORE_CASES if c["plugin"] == ba.NAME]


# balanced_allocation_test.go: TestNodeResourcesBalancedAllocation
# (kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources, v1.34 std-dev formula).
@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_balanced_allocation_upstream_table(case):
    pod = parse_pod(case["pod"])
    args = decode_plugin_args(ba.NAME, case["args"])
    nodes = [NodeState.from_objects(n, [p for p in case["existing_pods"]
                                        if p["spec"].get("nodeName") == n["metadata"]["name"]])
             for n in case["nodes"]]
    if case["run_pre_score"]:
        status = ba.pre_score(pod, nodes, args)
        code = "Success" if status is None else status.code
        assert code == case["want_pre_score_code"]
        if code == "Skip":
            assert status.plugin == ba.NAME
            assert case["want_scores"] == []
            return
    got = [(n.name, ba.score(pod, n, nodes, args)) for n in nodes]
    assert got == case["want_scores"]


def _node(alloc, pods=()):
    return NodeState.from_objects({"metadata": {"name": "n"}, "status": {"allocatable": alloc}}, pods)


def _pod(reqs, name="p", node=""):
    spec = {"containers": [{"name": "c", "resources": {"requests": reqs}}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": {"name": name}, "spec": spec}


def test_default_args_skip_best_effort_and_use_plain_requests():
    node = _node({"cpu": "4", "memory": "10000"})
    best_effort = parse_pod({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}})
    assert ba.pre_score(best_effort, [node]).code == "Skip"
    assert ba.score(best_effort, node) == 0
    # Plain requests: the pod asks memory only, cpu stays 0 (no 100m default): fractions 0 and 0.5.
    pod = parse_pod(_pod({"memory": "5000"}))
    assert ba.pre_score(pod, [node]) is None
    assert ba.score_requests(pod) == [0, 5000]
    assert ba.score(pod, node) == 75


def test_three_resources_use_population_std():
    # cpu 3000/3500, memory 5000/40000, gpu 4/8 (upstream comment: std 0.3002 -> 70).
    f = [3000 / 3500, 5000 / 40000, 4 / 8]
    mean = sum(f) / 3
    std = math.sqrt(sum((x - mean) ** 2 for x in f) / 3)
    assert ra.balanced_resource_scorer([3000, 5000, 4], [3500, 40000, 8]) == int((1 - std) * 100) == 70


@settings(max_examples=150, deadline=None)
@given(req=st.lists(st.integers(0, 10**7), min_size=2, max_size=2),
       cap=st.lists(st.integers(1, 10**7), min_size=2, max_size=2))
def test_two_resources_score_between_50_and_100_and_symmetric(req, cap):
    s = ra.balanced_resource_scorer(req, cap)
    assert 50 <= s <= 100
    assert s == ra.balanced_resource_scorer(req[::-1], cap[::-1])
    if req[0] * cap[1] == req[1] * cap[0] or (req[0] >= cap[0] and req[1] >= cap[1]):
        assert s == 100
