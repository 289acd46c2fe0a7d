"""numFeasibleNodesToFind and the rotating start index (upstream ``pkg/scheduler/schedule_one.go``).

Upstream::

    numFeasibleNodesToFind(percentageOfNodesToScore *int32, numAllNodes int32):
        numAllNodes < minFeasibleNodesToFind (100)      -> numAllNodes
        percentage = *profile percentage if set, else the scheduler's (global) percentageOfNodesToScore
        percentage == 0 -> 50 - numAllNodes/125, at least minFeasibleNodesPercentageToFind (5)
        max(numAllNodes * percentage / 100, minFeasibleNodesToFind)

    findNodesThatPassFilters: numNodesToFind = 1 when the profile has no score plugin; filtering stops
    once numNodesToFind nodes are feasible; nextStartNodeIndex = (nextStartNodeIndex + processed) %
    len(allNodes), processed = feasible nodes + nodes with a failing status.

kschedule: ``Scheduler._num_to_find(profile, n)`` (profile percentage via ``Profile.percentage_of_nodes_to_score``,
which falls back on the KubeSchedulerConfiguration's global value) calls the C++
``_core.num_feasible_nodes_to_find``; the reference scheduler has its own copy
(``kschedule.framework.reference.num_feasible_nodes_to_find``); ``Scheduler.start_index`` is
nextStartNodeIndex.
"""
from __future__ import annotations

import pytest

import kschedule as ks
from kschedule import _core
from kschedule.framework import reference
from kschedule.framework.profile import Profile, Profiles

API = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration"}


def config(global_pct=None, profile_pct=None, *, name="default-scheduler", plugins=None) -> dict:
    prof = {"schedulerName": name}
    if profile_pct is not None:
        prof["percentageOfNodesToScore"] = profile_pct
    if plugins is not None:
        prof["plugins"] = plugins
    cfg = {**API, "profiles": [prof]}
    if global_pct is not None:
        cfg["percentageOfNodesToScore"] = global_pct
    return cfg


# pkg/scheduler/schedule_one_test.go, TestNumFeasibleNodesToFind:
# (name, globalPercentage, profilePercentage (None = nil), numAllNodes, wantNumNodes).
UPSTREAM_CASES = [
    ("not set percentageOfNodesToScore and nodes number not more than 50", 0, None, 10, 10),
    ("set profile percentageOfNodesToScore and nodes number not more than 50", 0, 40, 10, 10),
    ("not set percentageOfNodesToScore and nodes number more than 50", 0, None, 1000, 420),
    ("set profile percentageOfNodesToScore and nodes number more than 50", 0, 40, 1000, 400),
    ("set global and profile percentageOfNodesToScore and nodes number more than 50", 100, 40, 1000, 400),
    ("set global percentageOfNodesToScore and nodes number more than 50", 40, None, 1000, 400),
    ("not set profile percentageOfNodesToScore and nodes number more than 50*125", 0, None, 6000, 300),
    ("set profile percentageOfNodesToScore and nodes number more than 50*125", 0, 40, 6000, 2400),
]

# Boundaries of the same formula (minFeasibleNodesToFind = 100, minFeasibleNodesPercentageToFind = 5),
# values worked out by hand from schedule_one.go.
BOUNDARY_CASES = [
    ("99 nodes: below minFeasibleNodesToFind, all nodes", 0, 5, 99, 99),
    ("100 nodes adaptive: 100*50/100 = 50, raised to 100", 0, None, 100, 100),
    ("249 nodes adaptive: 50 - 1 = 49%, 122", 0, None, 249, 122),
    ("250 nodes adaptive: 50 - 2 = 48%, 120", 0, None, 250, 120),
    ("5624 nodes adaptive: 50 - 44 = 6%, 337", 0, None, 5624, 337),
    ("5625 nodes adaptive: 50 - 45 = 5%, 281", 0, None, 5625, 281),
    ("10000 nodes adaptive: 50 - 80 < 5, 5% = 500", 0, None, 10000, 500),
    ("global 1% of 5000 = 50, raised to 100", 1, None, 5000, 100),
    ("profile 0 overrides global 40: adaptive 42% of 1000", 40, 0, 1000, 420),
    ("global 100: every node", 100, None, 1000, 1000),
    ("profile 100 overrides global 10", 10, 100, 777, 777),
    ("global 30 of 500 (TestFairEvaluationForNodes)", 30, None, 500, 150),
]


@pytest.mark.parametrize("name,global_pct,profile_pct,num_all,want", UPSTREAM_CASES + BOUNDARY_CASES,
                         ids=[c[0] for c in UPSTREAM_CASES + BOUNDARY_CASES])
def test_num_feasible_nodes_to_find(name, global_pct, profile_pct, num_all, want):
    profile = Profile.from_config(config(global_pct, profile_pct))
    # The profile resolves the percentage as upstream does: profile value if set (0 included), else global.
    assert profile.percentage_of_nodes_to_score == (profile_pct if profile_pct is not None else global_pct)
    sched = ks.Scheduler(ks.Cluster.from_objects(nodes=[], pods=[]), profile)
    assert sched._num_to_find(profile, num_all) == want
    assert _core.num_feasible_nodes_to_find(num_all, profile.percentage_of_nodes_to_score) == want
    assert reference.num_feasible_nodes_to_find(num_all, profile.percentage_of_nodes_to_score) == want


def test_num_to_find_is_one_without_score_plugins():
    # findNodesThatPassFilters: "if !fwk.HasScorePlugins() { numNodesToFind = 1 }".
    profile = Profile.from_config(config(40, plugins={"score": {"disabled": [{"name": "*"}]}}))
    assert profile.scores == []
    sched = ks.Scheduler(ks.Cluster.from_objects(nodes=[], pods=[]), profile)
    assert sched._num_to_find(profile, 1000) == 1
    assert sched._num_to_find(profile, 10) == 1


# ------------------------------------------------------------------------------------------ end to end

def nodes(n: int) -> list:
    return [{"kind": "Node", "metadata": {"name": f"n{i:04d}"},
             "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "110"}}} for i in range(n)]


def pod(name: str, scheduler_name: str = "default-scheduler") -> dict:
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {
        "schedulerName": scheduler_name,
        "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}


NODES_1000 = nodes(1000)


@pytest.mark.parametrize("global_pct,profile_pct,want", [
    (None, None, 420),  # adaptive: 50 - 1000/125 = 42%
    (40, None, 400),    # global
    (40, 20, 200),      # the profile's value wins over the global one
    (10, 30, 300),
    (40, 0, 420),       # an explicit profile 0 means adaptive, not "use the global value"
    (100, 40, 400),     # TestNumFeasibleNodesToFind "set global and profile ..."
    (100, None, 1000),
    (5, None, 100),     # 50 nodes raised to minFeasibleNodesToFind
])
def test_percentage_changes_nodes_evaluated(global_pct, profile_pct, want):
    # No node filters the pod out: the scheduler filters exactly numFeasibleNodesToFind nodes, scores all
    # of them, and moves its start index by that many (schedule_one.go findNodesThatPassFilters).
    cluster = ks.Cluster.from_objects(nodes=NODES_1000, pods=[])
    sched = ks.Scheduler(cluster, config(global_pct, profile_pct), seed=11)
    ex = sched.explain(pod("probe"))
    assert len(ex.filter) == want
    assert all(s.is_success for s in ex.filter.values())
    assert len(ex.scores) == want and set(ex.scores) == set(ex.filter)
    assert sched.start_index == 0  # explain changes no state
    # The window is the first `want` nodes in node order from start index 0.
    order = cluster.node_order().tolist()
    assert set(ex.filter) == {cluster.nodes.names[i] for i in order[:want]}
    placed = sched.schedule([pod("p0")])
    assert placed[0].node in ex.scores
    assert sched.start_index == want % 1000


def test_profiles_share_the_start_index_with_their_own_percentages():
    # Two profiles in one configuration: "narrow" sets percentageOfNodesToScore 10 (100 of 1,000 nodes),
    # "wide" inherits the global 30 (300). upstream keeps one nextStartNodeIndex per Scheduler, shared by
    # all profiles, and each cycle uses its own profile's percentage.
    cfg = {**API, "percentageOfNodesToScore": 30, "profiles": [
        {"schedulerName": "narrow", "percentageOfNodesToScore": 10}, {"schedulerName": "wide"}]}
    profiles = Profiles.from_config(cfg)
    assert [p.percentage_of_nodes_to_score for p in profiles.list] == [10, 30]
    sched = ks.Scheduler(ks.Cluster.from_objects(nodes=NODES_1000, pods=[]), cfg, seed=5)
    assert len(sched.explain(pod("x", "narrow")).filter) == 100
    assert len(sched.explain(pod("y", "wide")).filter) == 300
    want = 0
    for j, (prof, step) in enumerate([("narrow", 100), ("wide", 300), ("wide", 300), ("narrow", 100),
                                      ("wide", 300)]):
        r = sched.schedule([pod(f"p{j}", prof)])
        assert r[0].node is not None
        want = (want + step) % 1000
        assert sched.start_index == want, j
    assert want == 100  # 100 + 300 + 300 + 100 + 300 = 1100


def test_no_score_plugins_evaluates_one_node():
    # Without score plugins the first feasible node is taken: one node processed per pod.
    cfg = config(None, None, plugins={"score": {"disabled": [{"name": "*"}]}})
    cluster = ks.Cluster.from_objects(nodes=NODES_1000, pods=[])
    sched = ks.Scheduler(cluster, cfg, seed=3)
    ex = sched.explain(pod("probe"))
    assert list(ex.filter) == [cluster.nodes.names[cluster.node_order()[0]]]  # (one feasible node: scores not asserted)
    order = cluster.node_order().tolist()
    r = sched.schedule([pod("p0"), pod("p1"), pod("p2")])
    assert [p.node for p in r] == [cluster.nodes.names[i] for i in order[:3]]
    assert sched.start_index == 3


def test_fair_evaluation_for_nodes():
    """pkg/scheduler/schedule_one_test.go TestFairEvaluationForNodes: 500 nodes, percentageOfNodesToScore
    30 -> nodesToFind 150 (500 % 150 != 0); over 2*(500/150 + 1) = 8 cycles every cycle finds 150
    feasible nodes and nextStartNodeIndex is (i+1)*150 % 500. Upstream's nodes pass a TrueFilter and
    nothing is bound; here every node fits every pod and pods are bound (plenty of room)."""
    num_all = 500
    cluster = ks.Cluster.from_objects(nodes=nodes(num_all), pods=[])
    sched = ks.Scheduler(cluster, config(30), seed=9)
    to_find = sched._num_to_find(sched.profiles.list[0], num_all)
    assert to_find == 150
    order = cluster.node_order().tolist()
    names = cluster.nodes.names
    for i in range(2 * (num_all // to_find + 1)):
        start = sched.start_index
        ex = sched.explain(pod(f"q{i}"))
        feasible = [k for k, s in ex.filter.items() if s.is_success]
        assert len(feasible) == to_find
        # The window starts at the start index and wraps around the node order.
        assert set(feasible) == {names[order[(start + k) % num_all]] for k in range(to_find)}
        sched.schedule([pod(f"p{i}")])
        assert sched.start_index == (i + 1) * to_find % num_all
    # The same 8 pods in one batch end at the same index.
    batch = ks.Scheduler(ks.Cluster.from_objects(nodes=nodes(num_all), pods=[]), config(30), seed=9)
    batch.schedule([pod(f"p{i}") for i in range(8)])
    assert batch.start_index == 8 * 150 % num_all


def test_processed_nodes_include_filtered_ones():
    # nextStartNodeIndex moves by feasible + failed nodes: with every other node unschedulable, finding
    # 150 feasible nodes of 500 (30%) processes 299 nodes when the walk starts on a feasible node.
    ns = nodes(500)
    for i, nd in enumerate(ns):
        if i % 2:
            nd["spec"] = {"unschedulable": True}
    cluster = ks.Cluster.from_objects(nodes=ns, pods=[])
    sched = ks.Scheduler(cluster, config(30), seed=2)
    order = cluster.node_order().tolist()
    names = cluster.nodes.names
    ex = sched.explain(pod("probe"))
    feasible = [k for k, s in ex.filter.items() if s.is_success]
    failed = [k for k, s in ex.filter.items() if not s.is_success]
    # The walk, from index 0 in node order, stops at the 150th feasible node.
    walk = [names[i] for i in order]
    last = max(walk.index(k) for k in feasible)
    assert len(feasible) == 150
    assert set(ex.filter) == set(walk[:last + 1])
    assert {ex.filter[k].reasons for k in failed} == {("node(s) were unschedulable",)}
    sched.schedule([pod("p0")])
    assert sched.start_index == (last + 1) % 500 == len(feasible) + len(failed)
