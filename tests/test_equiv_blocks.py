"""Replicas through block summaries (csrc/dense.cpp DenseBatch::equiv_blocks) against the position-by-
position window scan and the generic loop: same placements, FailedScheduling messages, node columns
and generator state, bit for bit.

The block path only shows on clusters wider than one block (64 positions) whose windows start inside
a block, end inside another and wrap around the node order, with several Deployments interleaved
(binds of one class make other classes' blocks dirty) and normalized plugins whose raw scores split
the nodes into groups (TaintToleration over PreferNoSchedule taints, NodeAffinity preferred terms);
more than eight groups sends a class back to the scan. Clusters here have 65-700 nodes, built from a
seed so hypothesis can afford them."""
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import kschedule as ks
from kschedule.framework.profile import Profile

ZONES = ["a", "b", "c", "d"]
SOFT = [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"},
        {"key": "slow", "value": "1", "effect": "PreferNoSchedule"}]
HARD = {"key": "dedicated", "value": "x", "effect": "NoSchedule"}


def make_nodes(rng, n):
    nodes = []
    for i in range(n):
        taints = [t for t in SOFT if rng.random() < 0.2]
        if rng.random() < 0.05:
            taints.append(HARD)
        nodes.append({"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {
            "topology.kubernetes.io/zone": ZONES[int(rng.integers(0, 4))],
            "disk": ["ssd", "hdd"][int(rng.integers(0, 2))]}},
            "spec": {"taints": taints, "unschedulable": bool(rng.random() < 0.02)},
            "status": {"allocatable": {"cpu": f"{int(rng.integers(1, 17)) * 500}m",
                                       "memory": f"{int(rng.integers(1, 33))}Gi",
                                       "pods": str(int(rng.integers(0, 12)))}}})
    return nodes


def make_template(rng, j):
    spec = {"containers": [{"name": "c", "resources": {"requests": {
        "cpu": f"{int(rng.integers(0, 12)) * 125}m", "memory": f"{int(rng.integers(0, 9)) * 256}Mi"}}}]}
    if rng.random() < 0.4:
        spec["tolerations"] = [{"key": "spot", "operator": "Exists"}]
    if rng.random() < 0.15:
        spec["nodeSelector"] = {"disk": "ssd"}
    terms = int(rng.integers(0, 4))  # 3 terms over 4 zones with 3 soft taint sets: up to 12 groups
    if terms:
        spec["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": int(rng.integers(1, 101)), "preference": {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [ZONES[k]]}]}}
            for k in range(terms)]}}
    return spec


def workload(seed, n_nodes, n_templates, n_pods, interleave):
    rng = np.random.default_rng(seed)
    nodes = make_nodes(rng, n_nodes)
    templates = [make_template(rng, j) for j in range(n_templates)]
    which = np.repeat(np.arange(n_templates), -(-n_pods // n_templates))[:n_pods]
    if interleave:
        rng.shuffle(which)
    pending = [{"kind": "Pod", "metadata": {"name": f"p{k:04d}", "namespace": "default"},
                "spec": templates[t]} for k, t in enumerate(which.tolist())]
    return nodes, pending


def run(nodes, pending, profile, seed, percentage, dense, cache):
    cluster = ks.Cluster.from_objects(nodes=nodes)
    s = ks.Scheduler(cluster, profile, seed=seed, percentage_of_nodes_to_score=percentage,
                     equivalence_cache=cache, dense_path=dense)
    out = [(r.node, r.message) for r in s.schedule(pending)]
    return (out, cluster.nodes._requested.copy(), cluster.nodes._nonzero_requested.copy(),
            (s.start_index, s.rng_state), s.last_batch_dense)


def profile_for(strategy, taint_weight, affinity_weight):
    return Profile.from_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"schedulerName": "default-scheduler",
                      "plugins": {"score": {"enabled": [
                          {"name": "TaintToleration", "weight": taint_weight},
                          {"name": "NodeAffinity", "weight": affinity_weight}]}},
                      "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
                          "type": strategy, "resources": [{"name": "cpu", "weight": 1},
                                                          {"name": "memory", "weight": 1}]}}}]}]})


def assert_same(a, b):
    assert a[0] == b[0]
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
    assert a[3] == b[3]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(65, 700), st.integers(1, 12), st.integers(50, 600), st.booleans(),
       st.sampled_from([None, 5, 20, 100]), st.sampled_from(["LeastAllocated", "MostAllocated"]),
       st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**63))
def test_block_summaries_equal_the_scan_and_the_generic_loop(wseed, n_nodes, n_templates, n_pods, interleave,
                                                             percentage, strategy, tw, aw, seed):
    nodes, pending = workload(wseed, n_nodes, n_templates, n_pods, interleave)
    profile = profile_for(strategy, tw, aw)
    blocks = run(nodes, pending, profile, seed, percentage, True, True)
    scan = run(nodes, pending, profile, seed, percentage, True, False)
    generic = run(nodes, pending, profile, seed, percentage, False, False)
    assert blocks[4] and scan[4] and not generic[4]
    assert_same(blocks, scan)
    assert_same(blocks, generic)


@pytest.mark.parametrize("n_nodes", [128, 256, 640])
@pytest.mark.parametrize("interleave", [False, True])
def test_runs_of_whole_blocks_that_wrap_around_the_node_order(n_nodes, interleave):
    # Node counts that are multiples of 64: every block is whole, so a run of whole blocks reaches the
    # end of the node order and the window goes on from block 0 (and the draw may fall in either run).
    nodes, pending = workload(11, n_nodes, 6, 900, interleave)
    for percentage, strategy in ((None, "LeastAllocated"), (30, "MostAllocated"), (70, "LeastAllocated")):
        profile = profile_for(strategy, 2, 3)
        blocks = run(nodes, pending, profile, 23, percentage, True, True)
        generic = run(nodes, pending, profile, 23, percentage, False, False)
        assert blocks[4] and not generic[4]
        assert sum(node is not None for node, _ in blocks[0]) > 300
        assert_same(blocks, generic)


def test_block_summaries_on_a_filling_cluster_with_many_groups():
    # 700 nodes, default profile and a custom one: the cluster fills (FailedScheduling messages are
    # compared), windows wrap many times, and classes with more than eight groups take the scan.
    nodes, pending = workload(5, 700, 10, 4000, True)
    for profile in (Profile.default(), profile_for("MostAllocated", 3, 2)):
        blocks = run(nodes, pending, profile, 17, None, True, True)
        generic = run(nodes, pending, profile, 17, None, False, False)
        placed = sum(node is not None for node, _ in blocks[0])
        assert 1000 < placed < len(pending)
        assert_same(blocks, generic)


def test_more_classes_than_caches_and_classes_too_small_for_one():
    # 1,100 Deployments of 4 replicas (more classes than the 1,024 caches a batch keeps: the rest scan
    # their windows) and 50 of 2 replicas (below the 4 pods a cache needs), interleaved.
    rng = np.random.default_rng(3)
    nodes = make_nodes(rng, 130)
    for n in nodes:
        n["status"]["allocatable"]["pods"] = "110"
        n["status"]["allocatable"]["cpu"] = "64"
    pending = []
    for d, replicas in [(d, 4) for d in range(1100)] + [(1100 + d, 2) for d in range(50)]:
        spec = {"containers": [{"name": "c", "resources": {"requests": {"cpu": f"{d + 1}m", "memory": "64Mi"}}}]}
        pending += [{"kind": "Pod", "metadata": {"name": f"d{d}-{k}"}, "spec": spec} for k in range(replicas)]
    order = rng.permutation(len(pending))
    pending = [pending[k] for k in order]
    blocks = run(nodes, pending, Profile.default(), 5, None, True, True)
    generic = run(nodes, pending, Profile.default(), 5, None, False, False)
    assert sum(node is not None for node, _ in blocks[0]) > 4000
    assert_same(blocks, generic)


def shaped_workload(seed, n_nodes, n_templates, n_pods, interleave, zero_every):
    """workload() with ephemeral-storage on nodes and in some templates (a third scoring resource),
    and every zero_every-th node with no allocatable memory (such nodes score through the scalar
    kernels: upstream leaves a zero-allocatable resource out)."""
    nodes, pending = workload(seed, n_nodes, n_templates, n_pods, interleave)
    rng = np.random.default_rng(seed + 1)
    for i, n in enumerate(nodes):
        n["status"]["allocatable"]["ephemeral-storage"] = f"{int(rng.integers(1, 100))}Gi"
        if zero_every and i % zero_every == 0:
            n["status"]["allocatable"]["memory"] = "0"
    storage = {}
    for p in pending:
        spec = p["spec"]
        if id(spec) not in storage:
            storage[id(spec)] = int(rng.integers(0, 3))
            req = spec["containers"][0]["resources"]["requests"]
            if storage[id(spec)]:
                req["ephemeral-storage"] = f"{storage[id(spec)]}Gi"
    return nodes, pending


def three_resource_profile(strategy):
    resources = [{"name": "cpu", "weight": 2}, {"name": "memory", "weight": 1},
                 {"name": "ephemeral-storage", "weight": 3}]
    return Profile.from_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"schedulerName": "default-scheduler",
                      "plugins": {"score": {"enabled": [{"name": "TaintToleration", "weight": 2},
                                                        {"name": "NodeAffinity", "weight": 1}]}},
                      "pluginConfig": [
                          {"name": "NodeResourcesFit", "args": {"scoringStrategy": {
                              "type": strategy, "resources": resources}}},
                          {"name": "NodeResourcesBalancedAllocation", "args": {"resources": [
                              {"name": r["name"], "weight": 1} for r in resources]}}]}]})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(65, 500), st.integers(1, 8), st.integers(50, 400), st.booleans(),
       st.sampled_from([0, 7, 40]), st.booleans(), st.sampled_from([None, 20, 100]), st.integers(0, 2**63))
def test_block_summaries_for_other_shapes_and_zero_allocatable_nodes(wseed, n_nodes, n_templates, n_pods,
                                                                      interleave, zero_every, three, percentage,
                                                                      seed):
    # A class's caches are first computed for every position at once: from the contiguous columns in
    # the default shape (cpu and memory), through gathers otherwise (a third resource), with the
    # scalar kernels on nodes without allocatable memory either way.
    nodes, pending = shaped_workload(wseed, n_nodes, n_templates, n_pods, interleave, zero_every)
    profile = three_resource_profile("LeastAllocated") if three else profile_for("MostAllocated", 2, 3)
    blocks = run(nodes, pending, profile, seed, percentage, True, True)
    generic = run(nodes, pending, profile, seed, percentage, False, False)
    assert blocks[4] and not generic[4]
    assert_same(blocks, generic)


def exact_fit_workload(seed, n_nodes, n_templates, n_pods):
    """Interleaved Deployments whose requests divide the nodes' allocatable exactly (cpu in units of
    one millicore, memory in Mi), on a cluster they fill: nodes reach free == request and
    free == request - 1, where an off-by-one in the Fit filter shows."""
    rng = np.random.default_rng(seed)
    unit_cpu = [int(u) for u in rng.integers(50, 400, n_templates)]
    unit_mem = [int(u) for u in rng.integers(16, 512, n_templates)]
    nodes = []
    for i in range(n_nodes):
        k = int(rng.integers(0, n_templates))
        nodes.append({"kind": "Node", "metadata": {"name": f"n{i:03d}"}, "status": {"allocatable": {
            "cpu": f"{unit_cpu[k] * int(rng.integers(2, 9)) + int(rng.integers(0, 2))}m",
            "memory": f"{unit_mem[k] * int(rng.integers(2, 9)) + int(rng.integers(0, 2))}Mi",
            "pods": str(int(rng.integers(4, 20)))}}})
    which = rng.integers(0, n_templates, n_pods)
    pending = [{"kind": "Pod", "metadata": {"name": f"p{k:04d}"}, "spec": {"containers": [{"name": "c", "resources": {
        "requests": {"cpu": f"{unit_cpu[t]}m", "memory": f"{unit_mem[t]}Mi"}}}]}}
        for k, t in enumerate(which.tolist())]
    return nodes, pending


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(65, 400), st.integers(2, 12), st.sampled_from([None, 30, 100]),
       st.sampled_from(["LeastAllocated", "MostAllocated"]), st.integers(0, 2**63))
def test_block_summaries_where_requests_fill_nodes_exactly(wseed, n_nodes, n_templates, percentage, strategy,
                                                            seed):
    # Classes taking turns are scored at every bind for all classes at once (DenseBatch::bind_eager);
    # the cluster fills, so verdicts flip at the exact free amounts.
    nodes, pending = exact_fit_workload(wseed, n_nodes, n_templates, n_nodes * 8)
    profile = profile_for(strategy, 1, 1)
    blocks = run(nodes, pending, profile, seed, percentage, True, True)
    generic = run(nodes, pending, profile, seed, percentage, False, False)
    assert blocks[4] and not generic[4]
    assert any(node is None for node, _ in blocks[0])
    assert_same(blocks, generic)


def profile_with_filters_after_fit():
    """Fit ordered before TaintToleration and NodeAffinity: a node that passes Fit and fails one of them
    is reported under that filter's reason, and once binds leave it short, under Fit's."""
    return Profile.from_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"schedulerName": "default-scheduler", "plugins": {"filter": {
            "disabled": [{"name": "*"}],
            "enabled": [{"name": "NodeUnschedulable"}, {"name": "NodeResourcesFit"},
                        {"name": "TaintToleration"}, {"name": "NodeAffinity"}]}}}]})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(65, 400), st.integers(2, 12), st.integers(0, 2**63))
def test_failing_classes_diagnosed_again_after_binds(wseed, n_nodes, n_templates, seed):
    # Classes that fail keep failing while others still bind: each later diagnosis re-derives only the
    # positions bound since (DenseBatch::diagnose_class), for Fit's reasons and for the reasons of
    # filters ordered after Fit, whose counts move to Fit's as nodes fill.
    nodes, pending = workload(wseed, n_nodes, n_templates, n_nodes * 12, True)
    profile = profile_with_filters_after_fit()
    blocks = run(nodes, pending, profile, seed, None, True, True)
    generic = run(nodes, pending, profile, seed, None, False, False)
    assert blocks[4] and not generic[4]
    messages = [m for node, m in blocks[0] if node is None]
    assert messages and any("Insufficient" in m or "Too many pods" in m for m in messages)
    assert_same(blocks, generic)


def test_failing_classes_report_filters_after_fit_that_binds_turn_into_fit_reasons():
    nodes, pending = workload(3, 300, 8, 3600, True)
    blocks = run(nodes, pending, profile_with_filters_after_fit(), 5, None, True, True)
    generic = run(nodes, pending, profile_with_filters_after_fit(), 5, None, False, False)
    failed = [m for node, m in blocks[0] if node is None]
    # Early failures still count tainted nodes that fit; later ones find fewer of them.
    tainted = [m for m in failed if "untolerated taint" in m]
    assert tainted and len(set(tainted)) > 1
    assert_same(blocks, generic)


@pytest.fixture
def baseline_dense_copy():
    """The dense loop's copy for any x86-64 (bit counts and selects written out) instead of the POPCNT/
    BMI2 copy the CPU would get (csrc/dense_bmi2.cpp)."""
    from kschedule import _core
    _core.set_dense_variant("baseline")
    yield
    _core.set_dense_variant("auto")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1), st.integers(65, 700), st.integers(1, 12), st.integers(50, 600), st.booleans(),
       st.sampled_from([None, 5, 20, 100]), st.sampled_from(["LeastAllocated", "MostAllocated"]),
       st.integers(0, 2**63))
def test_the_baseline_copy_of_the_dense_loop_equals_the_bmi2_copy(baseline_dense_copy, wseed, n_nodes, n_templates,
                                                                  n_pods, interleave, percentage, strategy, seed):
    from kschedule import _core
    nodes, pending = workload(wseed, n_nodes, n_templates, n_pods, interleave)
    profile = profile_for(strategy, 2, 3)
    base = run(nodes, pending, profile, seed, percentage, True, True)
    _core.set_dense_variant("auto")
    try:
        fast = run(nodes, pending, profile, seed, percentage, True, True)
    finally:
        _core.set_dense_variant("baseline")
    generic = run(nodes, pending, profile, seed, percentage, False, False)
    assert base[4] and fast[4]
    assert_same(base, fast)
    assert_same(base, generic)


def test_dense_variant_names():
    from kschedule import _core
    assert _core.dense_variant() == "auto"
    assert isinstance(_core.has_dense_bmi2(), bool)
    with pytest.raises(ValueError, match="'auto' or 'baseline'"):
        _core.set_dense_variant("avx9")
    assert _core.dense_variant() == "auto"
