"""The C++ batch kernel (via Scheduler) against the pure-Python reference scheduler
(kschedule.framework.reference) on random clusters: same placements, same filter statuses, same
scores, bit for bit, for the same seed."""
import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

import kschedule as ks
from kschedule.framework.profile import Profile
from kschedule.framework.reference import ReferenceScheduler
from kschedule.objects.pod import parse_pod
from kschedule.plugins.base import NodeState

TAINTS = [
    {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    {"key": "spot", "value": "true", "effect": "PreferNoSchedule"},
    {"key": "maint", "value": "", "effect": "NoExecute"},
    {"key": "slow", "value": "yes", "effect": "PreferNoSchedule"},
]
TOLERATIONS = [
    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
    {"key": "spot", "operator": "Exists"},
    {"operator": "Exists", "effect": "PreferNoSchedule"},
]
ZONES = ["a", "b", "c"]
IMAGES = ["nginx:1.25", "redis:7", "registry.k8s.io/pause:3.9"]


@st.composite
def node_dicts(draw, i):
    labels = {"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": draw(st.sampled_from(ZONES))}
    if draw(st.booleans()):
        labels["disk"] = draw(st.sampled_from(["ssd", "hdd"]))
    alloc = {"cpu": f"{draw(st.integers(1, 16)) * 500}m", "memory": f"{draw(st.integers(1, 32))}Gi",
             "pods": str(draw(st.integers(1, 12)))}
    if draw(st.integers(0, 3)) == 0:
        alloc["example.com/gpu"] = str(draw(st.integers(0, 4)))
    taints = draw(st.lists(st.sampled_from(TAINTS), max_size=2, unique_by=lambda t: t["key"]))
    images = [{"names": [im], "sizeBytes": draw(st.integers(1, 900)) * 1024 * 1024}
              for im in draw(st.lists(st.sampled_from(IMAGES), max_size=2, unique=True))]
    return {"kind": "Node", "metadata": {"name": f"n{i}", "labels": labels},
            "spec": {"taints": taints, "unschedulable": draw(st.integers(0, 9)) == 0},
            "status": {"allocatable": alloc, "images": images}}


@st.composite
def pod_dicts(draw, name, node=None):
    containers = []
    for j in range(draw(st.integers(0, 2))):
        req = {}
        if draw(st.booleans()):
            req["cpu"] = f"{draw(st.integers(0, 4000))}m"
        if draw(st.booleans()):
            req["memory"] = f"{draw(st.integers(0, 8192))}Mi"
        if draw(st.integers(0, 4)) == 0:
            req["example.com/gpu"] = str(draw(st.integers(0, 2)))
        res = {"requests": req}
        if "example.com/gpu" in req:  # an extended resource needs a limit equal to its request
            res["limits"] = {"example.com/gpu": req["example.com/gpu"]}
        c = {"name": f"c{j}", "image": draw(st.sampled_from(IMAGES + ["busybox"])), "resources": res}
        if draw(st.integers(0, 9)) == 0:
            c["ports"] = [{"containerPort": 80, "hostPort": 8080}]
        containers.append(c)
    spec = {"containers": containers}
    if node:
        spec["nodeName"] = node
    tols = draw(st.lists(st.sampled_from(TOLERATIONS), max_size=2))
    if tols:
        spec["tolerations"] = tols
    if draw(st.integers(0, 3)) == 0:
        spec["nodeSelector"] = {"disk": draw(st.sampled_from(["ssd", "hdd"]))}
    if draw(st.integers(0, 2)) == 0:
        spec["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": draw(st.integers(1, 100)), "preference": {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [draw(st.sampled_from(ZONES))]}]}}]}}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


@st.composite
def scenarios(draw, max_nodes=8):
    n = draw(st.integers(1, max_nodes))
    nodes = [draw(node_dicts(i)) for i in range(n)]
    bound = [draw(pod_dicts(f"e{j}", f"n{draw(st.integers(0, n - 1))}")) for j in range(draw(st.integers(0, 6)))]
    pending = [draw(pod_dicts(f"p{j}")) for j in range(draw(st.integers(1, 10)))]
    return nodes, bound, pending


def run_both(nodes, bound, pending, seed, percentage=None, profile=None):
    profile = profile or Profile.default()
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    order = cluster.node_order().tolist()
    ref_nodes = [NodeState.from_cluster(cluster, i) for i in range(len(cluster.nodes))]
    ref = ReferenceScheduler(ref_nodes, profile, seed=seed, percentage=percentage, order=order)
    ref_choice = []
    for p in pending:
        host, _ = ref.schedule_one(parse_pod(p))
        ref_choice.append(cluster.nodes.names[host] if host is not None else None)
    sched = ks.Scheduler(cluster, profile, seed=seed, percentage_of_nodes_to_score=percentage)
    got = [r.node for r in sched.schedule(pending)]
    return got, ref_choice, cluster, ref_nodes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(), st.integers(0, 2**63))
def test_schedule_matches_reference(sc, seed):
    nodes, bound, pending = sc
    got, want, cluster, ref_nodes = run_both(nodes, bound, pending, seed)
    assert got == want
    # The node columns after binding equal the reference's node states.
    for i, rn in enumerate(ref_nodes):
        assert int(cluster.nodes.pod_count[i]) == rn.pod_count
        assert int(cluster.nodes.requested_cpu_milli[i]) == rn.requested.get("cpu", 0)
        assert (int(cluster.nodes.nonzero_requested_cpu_milli[i]),
                int(cluster.nodes.nonzero_requested_memory_bytes[i])) == tuple(rn.nonzero_requested)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(), st.integers(0, 2**63))
def test_explain_matches_reference(sc, seed):
    nodes, bound, pending = sc
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    profile = Profile.default()
    ref_nodes = [NodeState.from_cluster(cluster, i) for i in range(len(cluster.nodes))]
    ref = ReferenceScheduler(ref_nodes, profile, seed=seed, order=cluster.node_order().tolist())
    pod = pending[0]
    host, statuses = ref.schedule_one(parse_pod(pod), bind=False)
    ex = ks.Scheduler(cluster, profile, seed=seed).explain(pod)
    assert ex.selected == (cluster.nodes.names[host] if host is not None else None)
    assert {cluster.nodes.names[i]: (s.code, s.plugin, tuple(s.reasons)) for i, s in statuses.items()} == \
        {k: (s.code, s.plugin, tuple(s.reasons)) for k, s in ex.filter.items()}
    assert len(cluster.pods) == len(bound)  # explain left no pod behind


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, 2**63), st.sampled_from([0, 10, 50]))
def test_window_and_rotation_match_reference(seed, percentage):
    # > 100 nodes so that numFeasibleNodesToFind and the rotating start index matter.
    nodes = []
    for i in range(140):
        nodes.append({"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {
            "topology.kubernetes.io/zone": ZONES[(i * 7 + seed) % 3]}},
            "status": {"allocatable": {"cpu": f"{1 + (i * 13 + seed) % 8}", "memory": "8Gi", "pods": "20"}}})
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": f"{100 + (j * 37 + seed) % 900}m"}}}]}} for j in range(60)]
    got, want, _, _ = run_both(nodes, [], pending, seed, percentage=percentage)
    assert got == want


@st.composite
def replica_scenarios(draw):
    nodes, bound, _ = draw(scenarios(max_nodes=10))
    templates = [draw(pod_dicts("t")) for _ in range(draw(st.integers(1, 3)))]
    pending = []
    for j in range(draw(st.integers(2, 30))):
        t = templates[draw(st.integers(0, len(templates) - 1))]
        pending.append({**t, "metadata": {"name": f"r{j}", "namespace": "default"}})
    return nodes, bound, pending


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(replica_scenarios(), st.integers(0, 2**63), st.sampled_from([None, 100]))
def test_equivalence_cache_is_exact(sc, seed, percentage):
    # Replicas of a few templates: the cached fast path must place every pod as the slow path does,
    # including when normalization maxima shift as nodes fill up.
    nodes, bound, pending = sc
    placements = []
    for cache in (True, False):
        cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
        sched = ks.Scheduler(cluster, Profile.default(), seed=seed, percentage_of_nodes_to_score=percentage,
                             equivalence_cache=cache)
        placements.append([(r.node, r.message) for r in sched.schedule(pending)])
    assert placements[0] == placements[1]
    got, want, _, _ = run_both(nodes, bound, pending, seed, percentage=percentage)
    assert got == want


def test_window_with_replicas_uses_cache_exactly():
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {"topology.kubernetes.io/zone": ZONES[i % 3]}},
              "status": {"allocatable": {"cpu": f"{1 + i % 5}", "memory": "4Gi", "pods": "30"}}} for i in range(150)]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": ["250m", "700m"][j % 2], "memory": "256Mi"}}}]}}
        for j in range(400)]
    got, want, _, _ = run_both(nodes, [], pending, seed=7, percentage=None)
    assert got == want
    assert sum(g is not None for g in got) > 300
