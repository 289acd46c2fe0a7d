"""Engine (``Scheduler``: C++ core + static evaluation) against the pure-Python reference
(kschedule.framework.reference) for profiles other than ``Profile.default()``.

``tests/test_engine_vs_reference.py`` only runs the default profile (LeastAllocated on cpu/memory,
BalancedAllocation on cpu/memory, no plugin args). Here profiles come from ``Profile.from_config`` of
KubeSchedulerConfigurations that use (upstream ``pkg/scheduler/apis/config/v1/types_pluginargs.go``):

* NodeResourcesFit ``scoringStrategy`` of type MostAllocated, LeastAllocated and
  RequestedToCapacityRatio (several shape points, resource weights), with extended resources among the
  scored resources;
* NodeResourcesFit ``ignoredResources`` / ``ignoredResourceGroups``;
* NodeResourcesBalancedAllocation ``resources`` with three resources (one extended);
* NodeAffinity ``addedAffinity`` (scheduler-enforced required terms and preferred terms);
* score weights set in ``plugins.score.enabled``.

For each random cluster and profile: placements and FailedScheduling messages of ``schedule`` equal
the reference's (messages built from the reference's statuses with upstream's ``FitError.Error()``
format, :func:`kschedule.framework.messages.failed_scheduling_message`), and ``explain`` reports the
reference's per-plugin normalized scores and weighted totals when >= 2 nodes are feasible (upstream
does not score a single feasible node).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis.errors import InvalidArgument

import kschedule as ks
from kschedule.framework.messages import failed_scheduling_message
from kschedule.framework.profile import Profile
from kschedule.framework.reference import MODULES
from kschedule.objects.pod import parse_pod


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
EXS = _sibling("test_explain_scores")

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

GPU, FPGA, NIC = "example.com/gpu", "vendor.io/fpga", "example.com/nic"
SCORABLE = ["cpu", "memory", GPU, FPGA, NIC]
API = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration"}


# ------------------------------------------------------------------------------------------ strategies

@st.composite
def node_dicts(draw, i):
    """test_explain_scores.scored_nodes, some with the extra extended resources FPGA and NIC."""
    node = draw(EXS.scored_nodes(i))
    alloc = node["status"]["allocatable"]
    for r in (FPGA, NIC):
        if draw(st.booleans()):
            alloc[r] = str(draw(st.integers(0, 3)))
    return node


@st.composite
def pod_dicts(draw, name, node=None):
    """test_engine_vs_reference's pods, some requesting FPGA/NIC, some with required node affinity."""
    pod = draw(EVR.pod_dicts(name, node))
    spec = pod["spec"]
    if spec["containers"] and draw(st.booleans()):
        res = spec["containers"][0]["resources"]
        req = res["requests"]
        for r in (FPGA, NIC):
            if draw(st.booleans()):
                req[r] = str(draw(st.integers(0, 2)))
                res.setdefault("limits", {})[r] = req[r]  # the apiserver wants extended limits == requests
    if draw(st.integers(0, 4)) == 0:
        aff = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
        aff["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": [draw(st.sampled_from(EVR.ZONES))]}]}]}
    return pod


def scenarios():
    return EXS.scenarios(node_dicts, pod_dicts)


@st.composite
def shapes(draw):
    """A valid RequestedToCapacityRatio shape: 1..5 points, strictly increasing utilization in [0, 100],
    scores in [0, 10] (validateFunctionShape)."""
    utils = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=5)))
    return [{"utilization": u, "score": draw(st.integers(0, 10))} for u in utils]


@st.composite
def weighted_resources(draw):
    names = draw(st.lists(st.sampled_from(SCORABLE), min_size=1, max_size=4, unique=True))
    return [{"name": r, "weight": draw(st.integers(1, 100))} for r in names]


@st.composite
def fit_args(draw):
    kind = draw(st.sampled_from(["LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"]))
    strategy = {"type": kind, "resources": draw(weighted_resources())}
    if kind == "RequestedToCapacityRatio":
        strategy["requestedToCapacityRatio"] = {"shape": draw(shapes())}
    args = {"scoringStrategy": strategy}
    ignored = draw(st.lists(st.sampled_from([NIC, GPU]), max_size=2, unique=True))
    if ignored:
        args["ignoredResources"] = ignored
    if draw(st.booleans()):
        args["ignoredResourceGroups"] = ["vendor.io"]
    return args


@st.composite
def added_affinity(draw):
    added = {}
    if draw(st.booleans()):
        added["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                   "values": draw(st.lists(st.sampled_from(EVR.ZONES), min_size=1, max_size=2, unique=True))}]}]}
    if draw(st.booleans()):
        added["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": draw(st.integers(1, 100)), "preference": {"matchExpressions": [
                {"key": "disk", "operator": draw(st.sampled_from(["In", "NotIn"])), "values": ["ssd"]}]}},
            {"weight": draw(st.integers(1, 100)), "preference": {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [draw(st.sampled_from(EVR.ZONES))]}]}}]
    return added


@st.composite
def configs(draw):
    """A KubeSchedulerConfiguration with one profile exercising the plugin args above."""
    plugin_config = [{"name": "NodeResourcesFit", "args": draw(fit_args())}]
    if draw(st.integers(0, 3)):
        res = draw(st.lists(st.sampled_from(["cpu", "memory", GPU, FPGA]), min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):  # three resources, the case the default profile never runs
            res = draw(st.permutations(["cpu", "memory", GPU]))
        plugin_config.append({"name": "NodeResourcesBalancedAllocation",
                              "args": {"resources": [{"name": r, "weight": 1} for r in res]}})
    if draw(st.booleans()):
        plugin_config.append({"name": "NodeAffinity", "args": {"addedAffinity": draw(added_affinity())}})
    profile = {"schedulerName": "default-scheduler", "pluginConfig": plugin_config}
    weights = draw(st.dictionaries(st.sampled_from(["NodeResourcesFit", "NodeResourcesBalancedAllocation",
                                                    "NodeAffinity", "TaintToleration", "ImageLocality"]),
                                   st.integers(1, 20), max_size=3))
    if weights:
        profile["plugins"] = {"score": {"enabled": [{"name": k, "weight": w} for k, w in weights.items()]}}
    return {**API, "profiles": [profile]}


# --------------------------------------------------------------------------------------------- helpers

def reference_message(num_nodes: int, names, statuses: dict, prefilter) -> str:
    """Upstream FitError.Error() from the reference's statuses (PreFilter rejection: its message only)."""
    if prefilter is not None:
        return failed_scheduling_message(num_nodes, {}, pre_filter_msg=", ".join(prefilter.reasons))
    return failed_scheduling_message(num_nodes, {names[i]: s for i, s in statuses.items()})


def prefilter_rejection(profile: Profile, pi, nodes):
    for name in profile.filters:
        mod = MODULES.get(name)
        if mod is not None and hasattr(mod, "pre_filter"):
            s = mod.pre_filter(pi, nodes, profile.args(name))
            if s is not None and s.code != "Skip" and not s.is_success:
                return s
    return None


def _event(text: str) -> None:
    try:
        event(text)
    except InvalidArgument:  # called outside a hypothesis test
        pass


def check_profile(nodes, bound, pending, seed, profile: Profile) -> None:
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=bound)
    names = cluster.nodes.names
    # 1. explain of every pending pod on the initial cluster.
    compared = EXS.explain_each_pending(cluster, profile, seed, pending)
    _event("explain scores compared" if compared else "explain: no pod with >= 2 feasible nodes")
    # 2. schedule of every pod: placements and FailedScheduling messages.
    ref = EXS.fresh_reference(cluster, profile, seed)
    want = []
    for p in pending:
        pi = parse_pod(p)
        rejected = prefilter_rejection(profile, pi, ref.nodes)
        h, sts = ref.schedule_one(pi)
        want.append((names[h], None) if h is not None else (None, reference_message(len(names), names, sts, rejected)))
    got = [(r.node, r.message) for r in ks.Scheduler(cluster, profile, seed=seed).schedule(pending)]
    assert got == want
    _event("some pod unschedulable" if any(n is None for n, _ in want) else "all pods placed")


# ------------------------------------------------------------------------------------- hypothesis tests

@settings(max_examples=300, **SETTINGS)
@given(scenarios(), st.integers(0, 2**63), configs())
def test_random_profiles_match_reference(sc, seed, cfg):
    profile = Profile.from_config(cfg)
    nodes, bound, pending = sc
    check_profile(nodes, bound, pending, seed, profile)


def _cfg(fit=None, balanced=None, added=None, weights=None) -> dict:
    pc = []
    if fit is not None:
        pc.append({"name": "NodeResourcesFit", "args": fit})
    if balanced is not None:
        pc.append({"name": "NodeResourcesBalancedAllocation",
                   "args": {"resources": [{"name": r, "weight": 1} for r in balanced]}})
    if added is not None:
        pc.append({"name": "NodeAffinity", "args": {"addedAffinity": added}})
    prof = {"schedulerName": "default-scheduler", "pluginConfig": pc}
    if weights:
        prof["plugins"] = {"score": {"enabled": [{"name": k, "weight": w} for k, w in weights.items()]}}
    return {**API, "profiles": [prof]}


NAMED = {
    "most_allocated_extended": _cfg(fit={"scoringStrategy": {"type": "MostAllocated", "resources": [
        {"name": "cpu", "weight": 2}, {"name": "memory", "weight": 1}, {"name": GPU, "weight": 3}]}}),
    "rtcr_shape_weights": _cfg(fit={"scoringStrategy": {
        "type": "RequestedToCapacityRatio",
        "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 5}, {"name": GPU, "weight": 2}],
        "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0}, {"utilization": 30, "score": 8},
                                               {"utilization": 70, "score": 10}, {"utilization": 100, "score": 3}]}}}),
    "least_allocated_extended_only": _cfg(fit={"scoringStrategy": {"type": "LeastAllocated", "resources": [
        {"name": GPU, "weight": 4}, {"name": FPGA, "weight": 1}]}}),
    "balanced_three_resources": _cfg(balanced=["cpu", "memory", GPU]),
    "ignored_resources_and_groups": _cfg(fit={"ignoredResources": [NIC], "ignoredResourceGroups": ["vendor.io"],
                                              "scoringStrategy": {"type": "MostAllocated", "resources": [
                                                  {"name": "cpu", "weight": 1}, {"name": FPGA, "weight": 1}]}}),
    "added_affinity": _cfg(added={
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 7, "preference": {"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}, weights={"NodeAffinity": 5}),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_profile_args_are_in_effect(name):
    # The configurations above really reach the resolved profile (else the comparison proves little).
    p = Profile.from_config(NAMED[name])
    fit, bal, na = (p.args(n) for n in ("NodeResourcesFit", "NodeResourcesBalancedAllocation", "NodeAffinity"))
    if name == "most_allocated_extended":
        assert fit.scoring_strategy.type == "MostAllocated"
        assert [(r.name, r.weight) for r in fit.scoring_strategy.resources] == [("cpu", 2), ("memory", 1), (GPU, 3)]
    elif name == "rtcr_shape_weights":
        shape = fit.scoring_strategy.requested_to_capacity_ratio.shape
        assert [(s.utilization, s.score) for s in shape] == [(0, 0), (30, 8), (70, 10), (100, 3)]
    elif name == "balanced_three_resources":
        assert [r.name for r in bal.resources] == ["cpu", "memory", GPU]
    elif name == "ignored_resources_and_groups":
        assert list(fit.ignored_resources) == [NIC] and list(fit.ignored_resource_groups) == ["vendor.io"]
    elif name == "added_affinity":
        assert na.added_affinity["preferredDuringSchedulingIgnoredDuringExecution"][0]["weight"] == 7
        assert dict(p.scores)["NodeAffinity"] == 5
    elif name == "least_allocated_extended_only":
        assert [r.name for r in fit.scoring_strategy.resources] == [GPU, FPGA]


@settings(max_examples=90, **SETTINGS)
@given(scenarios(), st.integers(0, 2**63), st.sampled_from(sorted(NAMED)))
def test_named_profiles_match_reference(sc, seed, name):
    nodes, bound, pending = sc
    check_profile(nodes, bound, pending, seed, Profile.from_config(NAMED[name]))


def test_ignored_resources_let_a_pod_onto_nodes_without_them():
    # NodeResourcesFit ignoredResources / ignoredResourceGroups skip those extended resources in Filter
    # (fit.go fitsRequest), so a pod requesting them fits nodes that have none; without the args it fits
    # no node, with the upstream message.
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "10"}}} for i in range(3)]
    pod = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "resources": {
        "requests": {"cpu": "500m", NIC: "1", FPGA: "2"}, "limits": {NIC: "1", FPGA: "2"}}}]}}
    plain = Profile.from_config(_cfg(fit={}))
    ignoring = Profile.from_config(NAMED["ignored_resources_and_groups"])
    only_nic = Profile.from_config(_cfg(fit={"ignoredResources": [NIC]}))
    r = ks.Scheduler(ks.Cluster.from_objects(nodes=nodes, pods=[]), plain, seed=1).schedule([pod])[0]
    assert r.node is None
    assert r.message == "0/3 nodes are available: 3 Insufficient example.com/nic, 3 Insufficient vendor.io/fpga."
    r = ks.Scheduler(ks.Cluster.from_objects(nodes=nodes, pods=[]), only_nic, seed=1).schedule([pod])[0]
    assert (r.node, r.message) == (None, "0/3 nodes are available: 3 Insufficient vendor.io/fpga.")
    r = ks.Scheduler(ks.Cluster.from_objects(nodes=nodes, pods=[]), ignoring, seed=1).schedule([pod])[0]
    assert r.node in {"n0", "n1", "n2"} and r.message is None
    for profile in (plain, only_nic, ignoring):
        check_profile(nodes, [], [pod], 1, profile)


def test_several_insufficient_scalar_reasons_are_sorted_by_name():
    # fit.go ranges over the pod's scalar requests (a Go map: any order); engine and reference both
    # list them by name after pods, cpu, memory and ephemeral-storage, whatever order objects loaded in.
    # vendor.io/fpga is interned before example.com/gpu because the first node lists it.
    nodes = [{"kind": "Node", "metadata": {"name": "n0"}, "status": {"allocatable": {
        "cpu": "1", "memory": "1Gi", "pods": "5", FPGA: "0"}}},
        {"kind": "Node", "metadata": {"name": "n1"}, "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "5"}}}]
    pod = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "resources": {
        "requests": {GPU: "1", FPGA: "1"}, "limits": {GPU: "1", FPGA: "1"}}}]}}
    cluster = ks.Cluster.from_objects(nodes=nodes, pods=[])
    ex = ks.Scheduler(cluster, Profile.default(), seed=0).explain(pod)
    ref = EXS.fresh_reference(cluster, Profile.default(), 0)
    _, statuses = ref.schedule_one(parse_pod(pod), bind=False)
    want = ("Insufficient example.com/gpu", "Insufficient vendor.io/fpga")
    assert [tuple(s.reasons) for s in statuses.values()] == [want, want]  # the reference: by name
    assert tuple(ex.filter["n1"].reasons) == want
    assert tuple(ex.filter["n0"].reasons) == want
