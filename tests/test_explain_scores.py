"""``Scheduler.explain`` scores against the pure-Python reference (kschedule.framework.reference).

``tests/test_engine_vs_reference.py::test_explain_matches_reference`` compares the selected node and
the Filter statuses only. These tests compare what the Score phase reports, node by node and plugin by
plugin: the normalized score of every score plugin that ran (plugins skipped at PreScore absent, as
upstream's ``NodePluginScores`` leaves them out), and the weighted total the node competes with in
selectHost (upstream ``prioritizeNodes``, ``pkg/scheduler/schedule_one.go``).

Upstream does not score when exactly one node is feasible (``schedulePod``: ``len(feasibleNodes) == 1``
returns that node with no PreScore/Score), so only cases with >= 2 feasible nodes are compared, and
nothing is asserted about the one-feasible-node case.

The reference's own totals are captured from its ``select_host`` call (the list it breaks ties on), so
the per-plugin helper below is checked against the reference's actual run, not only against the engine.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from unittest import mock

import hypothesis.strategies as st
from hypothesis import HealthCheck, assume, given, settings

import kschedule as ks
from kschedule.framework import reference
from kschedule.framework.profile import Profile
from kschedule.framework.reference import MODULES, ReferenceScheduler
from kschedule.objects.pod import parse_pod
from kschedule.plugins.base import NodeState
from kschedule.plugins.resource_allocation import is_scalar_resource_name


def _sibling(name: str):
    """Import tests/<name>.py by path (pytest runs with --import-mode=importlib: tests/ is not on sys.path)."""
    key = f"_kschedule_tests_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, Path(__file__).with_name(f"{name}.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return sys.modules[key]


EVR = _sibling("test_engine_vs_reference")


@st.composite
def scored_nodes(draw, i):
    """test_engine_vs_reference's nodes; half of them keep only their PreferNoSchedule taints (which
    TaintToleration scores) so that more pods find >= 2 feasible nodes."""
    node = draw(EVR.node_dicts(i))
    if draw(st.booleans()):
        node["spec"]["taints"] = [t for t in node["spec"]["taints"] if t["effect"] == "PreferNoSchedule"]
    return node


@st.composite
def scenarios(draw, node_dicts=scored_nodes, pod_dicts=EVR.pod_dicts, max_nodes=8):
    """test_engine_vs_reference.scenarios with >= 2 nodes (one node is never scored)."""
    n = draw(st.integers(2, max_nodes))
    nodes = [draw(node_dicts(i)) for i in range(n)]
    bound = [draw(pod_dicts(f"e{j}", f"n{draw(st.integers(0, n - 1))}")) for j in range(draw(st.integers(0, 6)))]
    pending = [draw(pod_dicts(f"p{j}")) for j in range(draw(st.integers(1, 10)))]
    return nodes, bound, pending


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                        HealthCheck.filter_too_much]}


# --------------------------------------------------------------------------------------------- helpers

def reference_plugin_scores(ref: ReferenceScheduler, profile: Profile, pod, feasible: list) -> tuple:
    """({node index: {plugin: normalized score}}, {node index: weighted total}) of the reference's Score
    phase over ``feasible`` (PreScore Skip leaves a plugin out; plugins without a reference module --
    not implemented -- contribute nothing, as in ``ReferenceScheduler.schedule_one``)."""
    fnodes = [ref.nodes[i] for i in feasible]
    per_node = {i: {} for i in feasible}
    totals = {i: 0 for i in feasible}
    for name, weight in profile.scores:
        mod = MODULES.get(name)
        if mod is None:
            continue
        args = profile.args(name)
        if hasattr(mod, "pre_score"):
            st_ = mod.pre_score(pod, fnodes, args)
            if st_ is not None and st_.code == "Skip":
                continue
            assert st_ is None or st_.is_success, (name, st_)  # an Error would abort the cycle upstream
        raw = [mod.score(pod, nd, ref.nodes, args) for nd in fnodes]
        if hasattr(mod, "normalize_score"):
            raw = mod.normalize_score(raw, args)
        for i, v in zip(feasible, raw):
            assert 0 <= v <= 100, (name, v)  # MaxNodeScore bound upstream enforces after NormalizeScore
            per_node[i][name] = v
            totals[i] += v * weight
    return per_node, totals


def reference_cycle(ref: ReferenceScheduler, pod, bind: bool):
    """One ``schedule_one`` with the totals list the reference handed to ``select_host`` captured
    (None when it did not score). Returns (host, statuses, feasible indices, totals list or None)."""
    seen = []
    real = reference.select_host

    def spy(totals, rng):
        seen.append(list(totals))
        return real(totals, rng)

    with mock.patch.object(reference, "select_host", spy):
        host, statuses = ref.schedule_one(pod, bind=bind)
    feasible = [i for i, s in statuses.items() if s.is_success]  # window (traversal) order
    assert len(seen) <= 1
    return host, statuses, feasible, (seen[0] if seen else None)


def assert_explain_scores(ex, cluster, ref, profile, pi, host, feasible, ref_totals) -> None:
    """The explanation's scores and totals equal the reference's, for >= 2 feasible nodes."""
    names = cluster.nodes.names
    per_node, totals = reference_plugin_scores(ref, profile, pi, feasible)
    # The helper reproduces the reference's own Score phase (the list select_host saw).
    assert ref_totals == [totals[i] for i in feasible]
    assert ex.selected == names[host]
    assert set(ex.scores) == {names[i] for i in feasible}
    assert set(ex.total) == {names[i] for i in feasible}
    for i in feasible:
        assert ex.scores[names[i]] == per_node[i], names[i]
        assert ex.total[names[i]] == totals[i], names[i]
    # selectHost picks a node with the highest total.
    assert ex.total[ex.selected] == max(totals.values())


def canonical_reasons(reasons) -> tuple:
    """Filter reasons with the "Insufficient <scalar resource>" ones of NodeResourcesFit sorted by name.

    Upstream ranges over the pod's scalar requests, a Go map, so with several insufficient scalar
    resources their order is random; the reference sorts them by name, the engine reports them in the
    cluster's resource interning order (test_engine_reference_strategies.py::
    test_several_insufficient_scalar_reasons_are_sorted_by_name, an xfail, pins that difference).
    Everything else keeps its order (Too many pods, cpu, memory, ephemeral-storage come first, in
    fitsRequest order)."""
    scalar = [r for r in reasons if r.startswith("Insufficient ") and is_scalar_resource_name(r[len("Insufficient "):])]
    return tuple(r for r in reasons if r not in scalar) + tuple(sorted(scalar))


def explain_each_pending(cluster, profile, seed, pending) -> int:
    """``explain`` every pod of ``pending`` on ``cluster`` as it is (explain changes no state; each pod
    is compared with a fresh reference): selected node, filter statuses, and scores/totals when >= 2
    nodes are feasible. Returns how many pods had their scores compared."""
    names = cluster.nodes.names
    sched = ks.Scheduler(cluster, profile, seed=seed)
    npods = len(cluster.pods)
    compared = 0
    for p in pending:
        ref = fresh_reference(cluster, profile, seed)
        pi = parse_pod(p)
        host, statuses, feasible, ref_totals = reference_cycle(ref, pi, bind=False)
        ex = sched.explain(p)
        assert len(cluster.pods) == npods  # explain leaves no pod behind
        assert ex.selected == (names[host] if host is not None else None)
        assert {k: (s.code, s.plugin, canonical_reasons(s.reasons)) for k, s in ex.filter.items()} == \
            {names[i]: (s.code, s.plugin, canonical_reasons(s.reasons)) for i, s in statuses.items()}
        if len(feasible) >= 2:
            assert_explain_scores(ex, cluster, ref, profile, pi, host, feasible, ref_totals)
            compared += 1
    return compared


def fresh_reference(cluster, profile, seed, percentage=None) -> ReferenceScheduler:
    ref_nodes = [NodeState.from_cluster(cluster, i) for i in range(len(cluster.nodes))]
    return ReferenceScheduler(ref_nodes, profile, seed=seed, percentage=percentage,
                              order=cluster.node_order().tolist())


def check_explain_against_reference(nodes, bound, pending, seed, profile, percentage=None, warmup=0) -> int:
    """Schedule ``pending[:warmup]`` with both schedulers (same placements), then explain the next pod
    and compare scores. Returns the number of feasible nodes the reference found for it."""
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    ref = fresh_reference(cluster, profile, seed, percentage)
    sched = ks.Scheduler(cluster, profile, seed=seed, percentage_of_nodes_to_score=percentage)
    if warmup:
        want = []
        for p in pending[:warmup]:
            h, _ = ref.schedule_one(parse_pod(p))
            want.append(cluster.nodes.names[h] if h is not None else None)
        assert [r.node for r in sched.schedule(pending[:warmup])] == want
    pod = pending[warmup]
    pi = parse_pod(pod)
    host, statuses, feasible, ref_totals = reference_cycle(ref, pi, bind=False)
    if len(feasible) < 2:
        return len(feasible)
    npods = len(cluster.pods)
    ex = sched.explain(pod)
    assert len(cluster.pods) == npods  # explain leaves no pod behind
    names = cluster.nodes.names
    assert {k: (s.code, s.plugin, canonical_reasons(s.reasons)) for k, s in ex.filter.items()} == \
        {names[i]: (s.code, s.plugin, canonical_reasons(s.reasons)) for i, s in statuses.items()}
    assert_explain_scores(ex, cluster, ref, profile, pi, host, feasible, ref_totals)
    return len(feasible)


# ------------------------------------------------------------------------------------- hypothesis tests

@settings(max_examples=150, **SETTINGS)
@given(scenarios(), st.integers(0, 2**63))
def test_explain_scores_match_reference(sc, seed):
    nodes, bound, pending = sc
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    assume(explain_each_pending(cluster, Profile.default(), seed, pending) > 0)


@settings(max_examples=100, **SETTINGS)
@given(scenarios(), st.integers(0, 2**63), st.data())
def test_explain_scores_after_binds_match_reference(sc, seed, data):
    # The nodes' requested resources and pod counts have moved (and the rng and start index with them).
    nodes, bound, pending = sc
    assume(len(pending) >= 2)
    warmup = data.draw(st.integers(1, len(pending) - 1))
    assume(check_explain_against_reference(nodes, bound, pending, seed, Profile.default(), warmup=warmup) >= 2)


@settings(max_examples=6, **SETTINGS)
@given(st.integers(0, 2**63), st.sampled_from([0, 30, 70]), st.integers(0, 30))
def test_explain_scores_in_rotating_window_match_reference(seed, percentage, warmup):
    # > 100 nodes: only numFeasibleNodesToFind nodes, from the rotating start index on, are scored.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": {
        "topology.kubernetes.io/zone": EVR.ZONES[(i * 5 + seed) % 3], "disk": ["ssd", "hdd"][i % 2]}},
        "status": {"allocatable": {"cpu": f"{1 + (i * 11 + seed) % 8}", "memory": f"{4 + i % 5}Gi", "pods": "20"}}}
        for i in range(250)]
    pending = [{"kind": "Pod", "metadata": {"name": f"p{j}"}, "spec": {"containers": [
        {"name": "c", "resources": {"requests": {"cpu": f"{100 + (j * 37 + seed) % 900}m",
                                                 "memory": f"{64 + (j * 53) % 512}Mi"}}}],
        "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1 + j % 9, "preference": {"matchExpressions": [
                {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}}} for j in range(warmup + 1)]
    found = check_explain_against_reference(nodes, [], pending, seed, Profile.default(), percentage=percentage,
                                            warmup=warmup)
    # Far more nodes fit than the window needs: it holds exactly numFeasibleNodesToFind feasible nodes.
    assert found == reference.num_feasible_nodes_to_find(250, percentage)


# --------------------------------------------------------------------------------- upstream anchor case

MB = 1024 * 1024
# pkg/scheduler/schedule_one_test.go, Test_prioritizeNodes: imageStatus1..3 and makeNode(name, 1000
# milliCPU, schedutil.DefaultMemoryRequest*10 = 2000Mi, images...) with 100 allocatable pods.
IMAGES = {
    "node1": [{"names": ["gcr.io/40:latest", "gcr.io/40:v1"], "sizeBytes": 80 * MB},
              {"names": ["gcr.io/300:latest", "gcr.io/300:v1"], "sizeBytes": 300 * MB}],
    "node2": [{"names": ["gcr.io/300:latest"], "sizeBytes": 300 * MB},
              {"names": ["gcr.io/40:latest", "gcr.io/40:v1"], "sizeBytes": 80 * MB}],
    "node3": [{"names": ["gcr.io/600:latest"], "sizeBytes": 600 * MB},
              {"names": ["gcr.io/40:latest"], "sizeBytes": 80 * MB},
              {"names": ["gcr.io/900:latest"], "sizeBytes": 900 * MB}],
}


def _image_locality_only() -> Profile:
    return Profile.from_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"schedulerName": "default-scheduler", "plugins": {
            "score": {"disabled": [{"name": "*"}], "enabled": [{"name": "ImageLocality", "weight": 1}]}}}]})


def test_explain_scores_upstream_prioritize_nodes_image_locality():
    """Test_prioritizeNodes cases "the score from Image Locality plugin with image in all nodes" (5, 5, 5)
    and "... with image in partial nodes" (18, 18, 0), with ImageLocality as the only score plugin."""
    nodes = [{"kind": "Node", "metadata": {"name": n}, "status": {
        "allocatable": {"cpu": "1000m", "memory": f"{2000 * MB}", "pods": "100"},
        "capacity": {"cpu": "1000m", "memory": f"{2000 * MB}", "pods": "100"}, "images": imgs}}
        for n, imgs in IMAGES.items()]
    profile = _image_locality_only()
    assert profile.scores == [("ImageLocality", 1)]
    for image, want in (("gcr.io/40", {"node1": 5, "node2": 5, "node3": 5}),
                        ("gcr.io/300", {"node1": 18, "node2": 18, "node3": 0})):
        pod = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": image}]}}
        cluster = ks.Cluster.from_objects(nodes=nodes, pods=[])
        ex = ks.Scheduler(cluster, profile, seed=0).explain(pod)
        assert ex.scores == {n: {"ImageLocality": v} for n, v in want.items()}, image
        assert ex.total == want, image
        # The reference agrees.
        ref = fresh_reference(cluster, profile, 0)
        pi = parse_pod(pod)
        host, _, feasible, ref_totals = reference_cycle(ref, pi, bind=False)
        assert ref_totals == [want[cluster.nodes.names[i]] for i in feasible]
        assert_explain_scores(ex, cluster, ref, profile, pi, host, feasible, ref_totals)
