"""The position-ordered batch loop (csrc/dense.cpp) against the generic one-node-at-a-time loop
(csrc/schedule.cpp run_batch): same placements, same FailedScheduling messages, same node columns
afterwards and the same generator state, bit for bit, under random clusters, workloads and
NodeResourcesFit / BalancedAllocation configurations (both strategies the dense loop takes, weights,
extended resources, three-resource balance, nodes with zero allocatable, percentageOfNodesToScore),
with and without the equivalence cache. Also: batches it must not take fall back to the generic loop."""
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import kschedule as ks
from kschedule.framework.profile import Profile

ZONES = ["a", "b", "c"]
TAINTS = [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"},
          {"key": "dedicated", "value": "x", "effect": "NoSchedule"},
          {"key": "slow", "value": "1", "effect": "PreferNoSchedule"}]
IMAGES = ["nginx:1.25", "redis:7"]


@st.composite
def node(draw, i):
    alloc = {"cpu": f"{draw(st.integers(0, 16)) * 250}m", "memory": f"{draw(st.integers(0, 16))}Gi",
             "pods": str(draw(st.integers(0, 15)))}
    if draw(st.booleans()):
        alloc["example.com/gpu"] = str(draw(st.integers(0, 4)))
    if draw(st.integers(0, 3)) == 0:
        alloc["ephemeral-storage"] = f"{draw(st.integers(0, 50))}Gi"
    labels = {"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": draw(st.sampled_from(ZONES))}
    if draw(st.booleans()):
        labels["disk"] = draw(st.sampled_from(["ssd", "hdd"]))
    taints = draw(st.lists(st.sampled_from(TAINTS), max_size=2, unique_by=lambda t: t["key"]))
    images = [{"names": [im], "sizeBytes": draw(st.integers(1, 900)) * 2**20}
              for im in draw(st.lists(st.sampled_from(IMAGES), max_size=2, unique=True))]
    return {"kind": "Node", "metadata": {"name": f"n{i}", "labels": labels},
            "spec": {"taints": taints, "unschedulable": draw(st.integers(0, 12)) == 0},
            "status": {"allocatable": alloc, "images": images}}


@st.composite
def pod(draw, name, node_name=None):
    containers = []
    for j in range(draw(st.integers(0, 2))):
        req = {}
        if draw(st.booleans()):
            req["cpu"] = f"{draw(st.integers(0, 3000))}m"
        if draw(st.booleans()):
            req["memory"] = f"{draw(st.integers(0, 6000))}Mi"
        if draw(st.integers(0, 3)) == 0:
            req["example.com/gpu"] = str(draw(st.integers(0, 2)))
        if draw(st.integers(0, 4)) == 0:
            req["ephemeral-storage"] = f"{draw(st.integers(0, 20))}Gi"
        res = {"requests": req}
        if "example.com/gpu" in req:  # an extended resource needs a limit equal to its request
            res["limits"] = {"example.com/gpu": req["example.com/gpu"]}
        containers.append({"name": f"c{j}", "image": draw(st.sampled_from(IMAGES + ["busybox"])),
                           "resources": res})
    spec = {"containers": containers}
    if node_name:
        spec["nodeName"] = node_name
    if draw(st.booleans()):
        spec["tolerations"] = [{"key": "spot", "operator": "Exists"}]
    if draw(st.integers(0, 3)) == 0:
        spec["nodeSelector"] = {"disk": draw(st.sampled_from(["ssd", "hdd"]))}
    if draw(st.integers(0, 2)) == 0:
        spec["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": draw(st.integers(1, 100)), "preference": {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [draw(st.sampled_from(ZONES))]}]}}]}}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


@st.composite
def profile_config(draw):
    fit_resources = draw(st.lists(st.sampled_from(["cpu", "memory", "example.com/gpu", "ephemeral-storage"]),
                                  min_size=1, max_size=4, unique=True))
    bal_resources = draw(st.lists(st.sampled_from(["cpu", "memory", "example.com/gpu", "ephemeral-storage"]),
                                  min_size=1, max_size=4, unique=True))
    fit_args = {"scoringStrategy": {
        "type": draw(st.sampled_from(["LeastAllocated", "MostAllocated"])),
        "resources": [{"name": r, "weight": draw(st.integers(1, 5))} for r in fit_resources]}}
    if draw(st.booleans()):
        fit_args["ignoredResources"] = ["example.com/gpu"]
    return {
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{
            "schedulerName": "default-scheduler",
            "plugins": {"score": {"enabled": [
                {"name": "NodeResourcesFit", "weight": draw(st.integers(1, 5))},
                {"name": "NodeResourcesBalancedAllocation", "weight": draw(st.integers(1, 5))},
                {"name": "TaintToleration", "weight": draw(st.integers(1, 5))}]}},
            "pluginConfig": [
                {"name": "NodeResourcesFit", "args": fit_args},
                {"name": "NodeResourcesBalancedAllocation",
                 "args": {"resources": [{"name": r, "weight": 1} for r in bal_resources]}}],
        }],
    }


@st.composite
def workloads(draw):
    n = draw(st.integers(1, 12))
    nodes = [draw(node(i)) for i in range(n)]
    bound = [draw(pod(f"b{j}", f"n{draw(st.integers(0, n - 1))}")) for j in range(draw(st.integers(0, 8)))]
    templates = [draw(pod("t")) for _ in range(draw(st.integers(1, 4)))]
    pending = []
    for j in range(draw(st.integers(1, 40))):
        if draw(st.booleans()):
            t = templates[draw(st.integers(0, len(templates) - 1))]  # replicas: equivalence classes
            pending.append({**t, "metadata": {"name": f"r{j}", "namespace": "default"}})
        else:
            pending.append(draw(pod(f"p{j}")))
    return nodes, bound, pending


def run(nodes, bound, pending, profile, seed, percentage, dense, cache):
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    s = ks.Scheduler(cluster, profile, seed=seed, percentage_of_nodes_to_score=percentage,
                     equivalence_cache=cache, dense_path=dense)
    out = [(r.node, r.message) for r in s.schedule(pending)]
    cols = (cluster.nodes._requested.copy(), cluster.nodes._nonzero_requested.copy())
    return out, cols, (s.start_index, s.rng_state), s.last_batch_dense


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workloads(), profile_config(), st.integers(0, 2**63), st.sampled_from([None, 100, 30]), st.booleans())
def test_dense_loop_equals_generic_loop(wl, cfg, seed, percentage, cache):
    nodes, bound, pending = wl
    profile = Profile.from_config(cfg)
    d_out, d_cols, d_state, d_ran = run(nodes, bound, pending, profile, seed, percentage, True, cache)
    g_out, g_cols, g_state, g_ran = run(nodes, bound, pending, profile, seed, percentage, False, cache)
    assert d_ran and not g_ran
    assert d_out == g_out
    assert np.array_equal(d_cols[0], g_cols[0]) and np.array_equal(d_cols[1], g_cols[1])
    assert d_state == g_state


def test_dense_loop_with_window_rotation_and_replicas():
    # 300 nodes: numFeasibleNodesToFind < n, so the window and start index rotation matter; block
    # boundaries (256 positions) fall inside windows.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {"topology.kubernetes.io/zone": ZONES[i % 3]}},
              "spec": {"taints": [TAINTS[0]] if i % 7 == 0 else []},
              "status": {"allocatable": {"cpu": f"{1 + i % 5}", "memory": f"{2 + i % 4}Gi", "pods": "4"}}}
             for i in range(300)]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [{"name": "c", "resources": {
        "requests": {"cpu": ["250m", "700m", f"{100 + j % 400}m"][j % 3], "memory": "256Mi"}}}]}}
        for j in range(1500)]
    results = {}
    for dense in (True, False):
        for cache in (True, False):
            results[dense, cache] = run(nodes, [], pending, Profile.default(), 11, None, dense, cache)
    base = results[False, False]
    assert sum(n is not None for n, _ in base[0]) > 1000
    assert any(n is None for n, _ in base[0])  # the cluster fills up: diagnosis messages compared too
    for key, r in results.items():
        assert r[0] == base[0], key
        assert r[2] == base[2], key
        assert r[3] == key[0]


def test_large_quantities_fall_back_to_the_generic_loop():
    # 2^50 bytes of memory and more: doubles would no longer be exact, so the generic loop runs.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": "4", "memory": f"{2 ** 51 + i}", "pods": "10"}}} for i in range(3)]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": "1", "memory": f"{2 ** 49 + j}"}}}]}} for j in range(6)]
    d = run(nodes, [], pending, Profile.default(), 3, None, True, False)
    g = run(nodes, [], pending, Profile.default(), 3, None, False, False)
    assert not d[3]
    assert d[0] == g[0] and all(n is not None for n, _ in d[0])


@pytest.mark.parametrize("weight, dense", [(50_000, True), (90_000, False)])
def test_totals_beyond_float_precision_fall_back_to_the_generic_loop(weight, dense):
    # The dense loop keeps replica totals as float: whole numbers below 2^24. Two score plugins of
    # weight 90,000 can reach 100 * 180,000 > 2^24, so that batch takes the generic loop; at 50,000
    # the bound holds. Either way the placements are the generic loop's.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {"topology.kubernetes.io/zone": ZONES[i % 3]}},
              "spec": {"taints": [TAINTS[0]] if i % 4 == 0 else []},
              "status": {"allocatable": {"cpu": f"{2 + i % 5}", "memory": f"{4 + i % 3}Gi", "pods": "20"}}}
             for i in range(150)]
    template = {"containers": [{"name": "c", "resources": {"requests": {"cpu": "300m", "memory": "512Mi"}}}],
                "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 7, "preference": {"matchExpressions": [
                        {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["b"]}]}}]}}}
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": template} for j in range(300)]
    profile = Profile.from_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"schedulerName": "default-scheduler", "plugins": {"score": {"enabled": [
            {"name": "TaintToleration", "weight": weight}, {"name": "NodeAffinity", "weight": weight}]}}}]})
    d = run(nodes, [], pending, profile, 5, None, True, True)
    g = run(nodes, [], pending, profile, 5, None, False, False)
    assert d[3] is dense and not g[3]
    assert d[0] == g[0] and d[2] == g[2]
    assert np.array_equal(d[1][0], g[1][0])


def test_a_large_request_alone_falls_back_to_the_generic_loop():
    # Nodes within range, one pod's memory request at 2^46: the batch leaves the dense loop (its
    # checks run per column over all pods), and the results are the generic loop's.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": "4", "memory": f"{2 ** 45 + i}", "pods": "10"}}} for i in range(3)]
    sizes = [2 ** 20, 2 ** 46, 2 ** 21]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": "1", "memory": str(m)}}}]}} for j, m in enumerate(sizes)]
    d = run(nodes, [], pending, Profile.default(), 3, None, True, False)
    g = run(nodes, [], pending, Profile.default(), 3, None, False, False)
    assert not d[3]
    assert d[0] == g[0]
    assert [n is None for n, _ in d[0]] == [False, True, False]
    within = run(nodes, [], pending[:1] + pending[2:], Profile.default(), 3, None, True, False)
    assert within[3]


@pytest.mark.parametrize("at", [0, 4, 7, 12, 15, 16, 18])
def test_per_column_checks_see_every_pod_of_a_long_batch(at):
    # 19 pods: the column checks read 8 pods at a time plus a tail, so the one large request and the
    # one ephemeral-storage request (the only pod asking for it: the Fit filter must check that row)
    # sit in every lane and in the tail across the cases.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": "8", "memory": f"{2 ** 45 + i}", "ephemeral-storage": f"{i}Gi",
                                         "pods": "20"}}} for i in range(4)]

    def pods(memory, storage):
        out = []
        for j in range(19):
            req = {"cpu": "100m", "memory": str(memory if j == at else 2 ** 20)}
            if j == (at + 3) % 19:
                req["ephemeral-storage"] = storage
            out.append({"kind": "Pod", "metadata": {"name": f"p{j}"},
                        "spec": {"containers": [{"name": "c", "resources": {"requests": req}}]}})
        return out

    large = pods(2 ** 46, "1Gi")
    d = run(nodes, [], large, Profile.default(), 5, None, True, False)
    g = run(nodes, [], large, Profile.default(), 5, None, False, False)
    assert not d[3] and d[0] == g[0]
    small = pods(2 ** 21, "3Gi")  # fits only n3: the Fit filter checks ephemeral-storage for that pod
    d = run(nodes, [], small, Profile.default(), 5, None, True, False)
    g = run(nodes, [], small, Profile.default(), 5, None, False, False)
    assert d[3] and d[0] == g[0] and d[2] == g[2]
    assert d[0][(at + 3) % 19][0] == "n3"


def test_requested_to_capacity_ratio_takes_the_generic_loop():
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "profiles": [{
        "schedulerName": "default-scheduler", "pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "RequestedToCapacityRatio", "resources": [{"name": "cpu", "weight": 1}],
                                "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0},
                                                                       {"utilization": 100, "score": 10}]}}}}]}]}
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": f"{i + 1}", "memory": "1Gi", "pods": "10"}}} for i in range(3)]
    pending = [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": "500m"}}}]}}]
    out = run(nodes, [], pending, Profile.from_config(cfg), 0, None, True, False)
    assert not out[3]
    # Shape rising with utilization: n0 (Fit 50 + Balanced 75) beats n1 (25 + 87) and n2 (12 + 91).
    assert out[0] == [("n0", None)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.integers(1, 300), st.integers(1, 2**45)), st.integers(1, 2**45),
                         st.integers(0, 2**44)), min_size=2, max_size=8),
       st.lists(st.tuples(st.one_of(st.integers(0, 100), st.integers(0, 2**40)), st.integers(0, 2**40)),
                min_size=1, max_size=12),
       st.sampled_from(["LeastAllocated", "MostAllocated"]), st.integers(0, 2**63))
def test_dense_integer_divisions_are_exact_over_wide_magnitudes(allocs, reqs, strategy, seed):
    # Raw byte counts (no suffix) up to 2^45 on both sides: quotients land on and next to integers, where
    # a reciprocal estimate would be off by one without the correction.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": f"{c}m", "memory": str(m), "pods": "50"}}}
             for i, (c, m, _) in enumerate(allocs)]
    bound = [{"kind": "Pod", "metadata": {"name": f"b{i}"}, "spec": {"nodeName": f"n{i}", "containers": [
        {"name": "c", "resources": {"requests": {"memory": str(u)}}}]}} for i, (_, _, u) in enumerate(allocs)]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": f"{c}m", "memory": str(m)}}}]}} for j, (c, m) in enumerate(reqs)]
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "profiles": [{
        "schedulerName": "default-scheduler", "pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": strategy, "resources": [{"name": "cpu", "weight": 1},
                                                                {"name": "memory", "weight": 3}]}}}]}]}
    profile = Profile.from_config(cfg)
    d = run(nodes, bound, pending, profile, seed, None, True, False)
    g = run(nodes, bound, pending, profile, seed, None, False, False)
    assert d[3] and not g[3]
    assert d[0] == g[0] and d[2] == g[2]


def test_dense_divisions_at_divisors_whose_reciprocal_rounds_low():
    # MostAllocated, a pod filling a node of a millicores exactly: 100 * a / a = 100, but fl(1/a) * 100a
    # truncates to 99 for a = 49, 98, 103, 107, 196, 197. A second node at 100% ties with it, so a score
    # off by one would change both the choice and the number of draws.
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "profiles": [{
        "schedulerName": "default-scheduler", "pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "cpu", "weight": 1}]}}}]}]}
    profile = Profile.from_config(cfg)
    for a in (49, 98, 103, 107, 196, 197):
        nodes = [{"kind": "Node", "metadata": {"name": name},
                  "status": {"allocatable": {"cpu": f"{cpu}m", "memory": "1Gi", "pods": "10"}}}
                 for name, cpu in (("exact", a), ("full", 1000))]
        bound = [{"kind": "Pod", "metadata": {"name": "b"}, "spec": {"nodeName": "full", "containers": [
            {"name": "c", "resources": {"requests": {"cpu": f"{1000 - a}m", "memory": "1"}}}]}}]
        pending = [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
            {"name": "c", "resources": {"requests": {"cpu": f"{a}m", "memory": "1"}}}]}}]
        seen = set()
        for seed in range(12):
            d = run(nodes, bound, pending, profile, seed, None, True, False)
            g = run(nodes, bound, pending, profile, seed, None, False, False)
            assert d[3] and d[0] == g[0] and d[2] == g[2]
            seen.add(d[0][0][0])
        assert seen == {"exact", "full"}  # a tie: both get chosen across seeds


@pytest.mark.parametrize("cache", [False, True])
def test_diagnoses_of_pods_requesting_more_than_seven_resources(cache):
    # Fit failures are kept as one bit per requested resource, the eighth and later sharing the last
    # bit (csrc/dense.cpp fit_failures): per-reason counts and the filters after Fit must still be the
    # generic loop's. Replica classes (cache=True) with so many resources are diagnosed in full each time.
    # Tainted nodes have room for everything but the last resource: pods asking for it fail Fit there on
    # that bit alone, the others reach TaintToleration, ordered after Fit.
    names = [f"example.com/r{k}" for k in range(10)]
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"}, "spec": {"taints": [
        {"key": "t", "value": "x", "effect": "NoSchedule"}] if i % 3 == 0 else []},
        "status": {"allocatable": {"cpu": "8", "memory": "16Gi", "pods": "20",
                                   **{r: ("0" if k == 9 else "9") if i % 3 == 0 else str((i + k) % 4)
                                      for k, r in enumerate(names)}}}} for i in range(9)]
    profile = Profile.from_config({"apiVersion": "kubescheduler.config.k8s.io/v1",
                                   "kind": "KubeSchedulerConfiguration", "profiles": [{
                                       "schedulerName": "default-scheduler", "plugins": {"filter": {
                                           "disabled": [{"name": "*"}],
                                           "enabled": [{"name": "NodeResourcesFit"}, {"name": "TaintToleration"}]}}}]})
    pending = []
    for j in range(30):
        req = {r: "1" for r in names[: 3 + j % 8]}
        pending.append({"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [{
            "name": "c", "resources": {"requests": {"cpu": "100m", **req}, "limits": req}}]}})
    d = run(nodes, [], pending, profile, 7, None, True, cache)
    g = run(nodes, [], pending, profile, 7, None, False, False)
    assert d[3] and not g[3]
    assert d[0] == g[0] and d[2] == g[2]
    msgs = [m for n, m in d[0] if n is None]
    assert msgs and any("Insufficient example.com/r9" in m for m in msgs) and any("untolerated" in m for m in msgs)
