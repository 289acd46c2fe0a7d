"""ImageLocality reference vs the ported upstream tables (kschedule/plugins/cases/node_cases.py)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from kschedule.objects.pod import parse_pod
from kschedule.plugins import image_locality as il
from kschedule.plugins.base import NodeState
from kschedule.plugins.cases import node_cases as C


# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go: TestImageLocalityPriority
@pytest.mark.parametrize("case", C.IMAGE_LOCALITY_CASES, ids=[c["name"] for c in C.IMAGE_LOCALITY_CASES])
def test_score_upstream_table(case):
    pod = parse_pod(case["pod"])
    nodes = [NodeState.from_objects(n) for n in case["nodes"]]
    got = [(n.name, il.score(pod, n, nodes, case["args"])) for n in nodes]
    assert got == case["want"]


# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go: TestNormalizedImageName
@pytest.mark.parametrize("case", C.NORMALIZED_IMAGE_NAME_CASES, ids=[c["name"] for c in C.NORMALIZED_IMAGE_NAME_CASES])
def test_normalized_image_name_upstream_table(case):
    assert il.normalized_image_name(case["input"]) == case["output"]


def test_node_image_names_are_not_normalized():
    # The cache keys image states by the names nodes report; only the pod's image gets ":latest".
    pod = parse_pod(C._image_pod("gcr.io/big:latest"))
    node = NodeState.from_objects(C._node("n1", images=[C._img(500, "gcr.io/big")]))
    assert il.score(pod, node, [node]) == 0
    node2 = NodeState.from_objects(C._node("n2", images=[C._img(500, "gcr.io/big:latest")]))
    assert il.score(pod, node2, [node2]) == 100 * (500 - 23) * C.MB // ((1000 - 23) * C.MB)


def test_image_size_comes_from_first_node_reporting_it():
    pod = parse_pod(C._image_pod("img:v1"))
    a = NodeState.from_objects(C._node("a", images=[C._img(600, "img:v1")]))
    b = NodeState.from_objects(C._node("b", images=[C._img(200, "img:v1")]))
    # both nodes: spread 2/2, size 600 MiB (the first node's) -> 100 * (600 - 23) / (1000 - 23)
    assert il.score(pod, b, [a, b]) == il.score(pod, a, [a, b]) == 59


@given(st.integers(0, 5000 * C.MB), st.integers(1, 4))
def test_calculate_priority_in_range_and_monotone(sum_scores, containers):
    s = il.calculate_priority(sum_scores, containers)
    assert 0 <= s <= 100
    assert il.calculate_priority(sum_scores + C.MB, containers) >= s
