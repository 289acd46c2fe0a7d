"""Scheduler API behaviour: profiles by schedulerName, research plugins, queue order, determinism,
bad input, unsupported features, and the CLI."""
import json
import os

import numpy as np
import pytest

import kschedule as ks
from kschedule.cli import main
from kschedule.errors import InvalidConfig, InvalidObject, UnknownPlugin
from kschedule.framework.profile import PluginRegistry, Profile, Profiles

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")
CFG = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration"}


def node(name, cpu="4", mem="8Gi", pods="110", labels=None, taints=None):
    return {"kind": "Node", "metadata": {"name": name, "labels": labels or {}},
            "spec": {"taints": taints or []},
            "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": pods}}}


def pod(name, cpu="1", mem="1Gi", ns="default", **spec):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}}], **spec}}


def columns(c):
    return (c.nodes.requested.copy(), c.nodes.nonzero_requested.copy(), c.pods.node.copy(), len(c.pods))


def test_profiles_by_scheduler_name():
    cfg = {**CFG, "profiles": [
        {"schedulerName": "default-scheduler"},
        {"schedulerName": "packer", "plugins": {"score": {"disabled": [{"name": "NodeResourcesBalancedAllocation"}]}},
         "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}]}
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")], pods=[pod("e", cpu="2", nodeName="a")])
    s = ks.Scheduler(c, Profiles.from_config(cfg), seed=3)
    spread, packed = s.schedule([pod("p1"), pod("p2", schedulerName="packer")])
    assert spread.node == "b"  # LeastAllocated prefers the empty node
    assert packed.node == "a"  # MostAllocated prefers the fuller node
    (unknown,) = s.schedule([pod("p3", schedulerName="nope")])
    assert unknown.node is None and unknown.message == 'no profile for schedulerName "nope"'


def test_priority_sort_orders_the_batch():
    c = ks.Cluster.from_objects(nodes=[node("a", cpu="1")])
    low = pod("low", cpu="1")
    high = pod("high", cpu="1", priority=100)
    res = ks.Scheduler(c).schedule([low, high])
    assert [r.node for r in res] == [None, "a"]  # results in input order; high went first
    assert res[0].message == "0/1 nodes are available: 1 Insufficient cpu."


def test_same_seed_same_placements_and_ties_are_seeded():
    nodes = [node(f"n{i}") for i in range(20)]
    pods = [pod(f"p{i}", cpu="100m", mem="64Mi") for i in range(10)]
    runs = []
    for seed in (1, 1, 2):
        c = ks.Cluster.from_objects(nodes=nodes)
        runs.append([r.node for r in ks.Scheduler(c, seed=seed).schedule(pods)])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]  # 20 identical nodes: the tie-break decides, and it follows the seed


def test_research_plugins_run_inside_a_profile():
    reg = PluginRegistry()
    # Filter: only nodes labelled gpu=yes; Score: prefer the node with the most allocatable memory.
    reg.register("GpuOnly", filter=lambda p, nodes: np.array(
        [n.labels.get("gpu") == "yes" for n in nodes.infos]), reason="node(s) have no GPU")
    reg.register("MoreMemory", score=lambda p, nodes: (100 * nodes.memory_bytes // nodes.memory_bytes.max()))
    cfg = {**CFG, "profiles": [{"schedulerName": "research", "plugins": {"multiPoint": {"enabled": [
        {"name": "GpuOnly"}, {"name": "MoreMemory", "weight": 5}]}}}]}
    prof = Profile.from_config(cfg, registry=reg)
    assert prof.unimplemented == [p for p in prof.unimplemented if p not in ("GpuOnly", "MoreMemory")]
    c = ks.Cluster.from_objects(nodes=[node("cpu", mem="64Gi"), node("g1", mem="8Gi", labels={"gpu": "yes"}),
                                       node("g2", mem="16Gi", labels={"gpu": "yes"})])
    s = ks.Scheduler(c, prof)
    ex = s.explain(pod("x", schedulerName="research"))
    assert ex.filter["cpu"].plugin == "GpuOnly" and ex.filter["cpu"].reasons == ("node(s) have no GPU",)
    assert ex.scores["g2"]["MoreMemory"] == 25 and ex.scores["g1"]["MoreMemory"] == 12
    assert ex.selected == "g2"
    assert [r.node for r in s.schedule([pod("y", schedulerName="research")])] == ["g2"]


def test_unknown_plugin_and_invalid_args_are_config_errors():
    with pytest.raises(UnknownPlugin, match="NoSuchPlugin"):
        Profiles.from_config({**CFG, "profiles": [{"plugins": {"filter": {"enabled": [{"name": "NoSuchPlugin"}]}}}]})
    with pytest.raises(InvalidConfig, match="weight"):
        Profiles.from_config({**CFG, "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 1000}]}}}]}]})


def test_bad_pod_binds_nothing():
    c = ks.Cluster.from_objects(nodes=[node("a")])
    before = columns(c)
    bad = pod("bad", cpu="1.5.0")
    with pytest.raises(InvalidObject) as e:
        ks.Scheduler(c).schedule([pod("good"), bad])
    assert str(e.value).startswith('Pod default/bad: spec.containers[0].resources.requests.cpu: invalid quantity "1.5.0"')
    after = columns(c)
    assert all(np.array_equal(x, y) for x, y in zip(before[:3], after[:3])) and before[3] == after[3]


def test_pod_needing_unimplemented_plugin_is_reported_not_placed():
    c = ks.Cluster.from_objects(nodes=[node("a")])
    p = pod("aff", affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname"}]}})
    (r,) = ks.Scheduler(c).schedule([p])
    assert r.node is None and "InterPodAffinity" in r.message
    assert c.node_of("default/aff") is None


def test_explain_does_not_change_state():
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", cpu="2")])
    s = ks.Scheduler(c, seed=5)
    before = columns(c)
    ex1 = s.explain(pod("p"))
    ex2 = s.explain(pod("p"))
    assert ex1 == ex2 and ex1.selected in ("a", "b")
    after = columns(c)
    assert all(np.array_equal(x, y) for x, y in zip(before[:3], after[:3])) and before[3] == after[3]
    assert (s.start_index, s.rng_state) == (0, 5)


def test_cli_explain_and_schedule(capsys):
    cluster = os.path.join(EXAMPLES, "cluster.yaml")
    assert main(["explain", "--cluster", cluster, "--pod", os.path.join(EXAMPLES, "pod.yaml"), "-o", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["selected"] in out["total"] and out["filter"][out["selected"]]["code"] == "Success"
    assert main(["schedule", "--cluster", cluster, "--pods", os.path.join(EXAMPLES, "pods.yaml"),
                 "--config", os.path.join(EXAMPLES, "scheduler-config.yaml")]) == 0
    text = capsys.readouterr().out
    assert "pods placed" in text and "0/8 nodes are available:" in text
    assert main(["explain", "--cluster", cluster, "--pod", "/nonexistent.yaml"]) == 2
    assert "error:" in capsys.readouterr().err


def _name_affinity(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": list(t)}]} for t in terms]}}}


def test_prefilter_result_restricts_nodes():
    # schedule_one.go findNodesThatFitPod: only PreFilterResult nodes are filtered; the others get
    # "node(s) didn't satisfy plugin(s) [NodeAffinity]".
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", cpu="1"), node("c")])
    s = ks.Scheduler(c)
    ex = s.explain(pod("p", cpu="2", affinity=_name_affinity(["b"])))
    assert ex.selected is None
    assert ex.filter["a"].reasons == ("node(s) didn't satisfy plugin(s) [NodeAffinity]",)
    assert ex.filter["b"].reasons == ("Insufficient cpu",)
    assert ex.message == ("0/3 nodes are available: 1 Insufficient cpu, "
                          "2 node(s) didn't satisfy plugin(s) [NodeAffinity].")
    (r,) = s.schedule([pod("q", affinity=_name_affinity(["b"], ["c"]))])
    assert r.node in ("b", "c")


def test_prefilter_rejection_message():
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")])
    p = pod("p", affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]},
                         {"key": "metadata.name", "operator": "In", "values": ["b"]}]}]}}})
    s = ks.Scheduler(c)
    ex = s.explain(p)
    assert ex.message == "0/2 nodes are available: pod affinity terms conflict."
    assert {st.code for st in ex.filter.values()} == {"UnschedulableAndUnresolvable"}
    (r,) = s.schedule([p])
    assert r.node is None and r.message == ex.message


def test_profile_without_score_plugins_takes_first_feasible_node():
    # findNodesThatPassFilters: no score plugins => numNodesToFind = 1, the first feasible node in
    # visiting order from the rotating start index.
    cfg = {**CFG, "profiles": [{"plugins": {"score": {"disabled": [{"name": "*"}]}}}]}
    c = ks.Cluster.from_objects(nodes=[node(f"n{i}") for i in range(4)])
    s = ks.Scheduler(c, Profiles.from_config(cfg))
    assert [r.node for r in s.schedule([pod(f"p{i}", cpu="100m") for i in range(6)])] == \
        ["n0", "n1", "n2", "n3", "n0", "n1"]


def _research_profile(reg, name="Mine", weight=2):
    cfg = {**CFG, "profiles": [{"schedulerName": "default-scheduler", "plugins": {"multiPoint": {"enabled": [
        {"name": name, "weight": weight}]}}}]}
    return Profile.from_config(cfg, registry=reg)


def test_a_research_plugin_that_raises_fails_its_pod_only():
    # Upstream gives a pod whose cycle errors the error status's text and goes on with the others
    # (framework/runtime/framework.go: `running %q filter plugin: %w`, `running Score plugins: plugin %q
    # failed with: %w`); nothing is bound for the failed pod.
    from kschedule.errors import PluginError
    calls = []

    def score(p, nodes):
        calls.append(p.name)
        if p.name == "b":
            raise RuntimeError("boom")
        return np.zeros(nodes.n, np.int64)

    def filt(p, nodes):
        if p.name == "d":
            raise KeyError("zone")
        return np.ones(nodes.n, bool)

    reg = PluginRegistry()
    reg.register("Mine", score=score)
    reg.register("Gate", filter=filt)
    prof = Profile.from_config({**CFG, "profiles": [{"schedulerName": "default-scheduler", "plugins": {
        "multiPoint": {"enabled": [{"name": "Mine", "weight": 2}, {"name": "Gate"}]}}}]}, registry=reg)
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")])
    res = ks.Scheduler(c, prof).schedule([pod(x, cpu="100m") for x in "abcd"])
    assert [r.node is not None for r in res] == [True, False, True, False]
    assert res[1].message == 'running Score plugins: plugin "Mine" failed with: boom'
    assert res[3].message == """running "Gate" filter plugin: 'zone'"""
    assert c.node_of("default/b") is None and c.node_of("default/d") is None
    assert c.node_of("default/a") and c.node_of("default/c")
    with pytest.raises(PluginError, match='plugin "Mine" failed with: boom'):
        ks.Scheduler(c, prof).explain(pod("b", cpu="100m"))


@pytest.mark.parametrize("ret,why", [
    (lambda n: np.zeros(n + 1, np.int64), "wrong length"),
    (lambda n: np.full(n, 101), "above 100"),
    (lambda n: np.full(n, 2.5), "a fraction"),
    (lambda n: np.full(n, np.nan), "not a number"),
])
def test_research_score_plugins_must_return_whole_scores_in_range(ret, why):
    reg = PluginRegistry()
    reg.register("Mine", score=lambda p, nodes: ret(nodes.n))
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")])
    (r,) = ks.Scheduler(c, _research_profile(reg)).schedule([pod("x", cpu="100m")])
    assert r.node is None and r.message == 'running Score plugins: plugin "Mine" failed with: score must return 2 ' \
                                           'integers in [0, 100]', why


def test_research_score_plugins_may_return_whole_floats():
    reg = PluginRegistry()
    reg.register("Mine", score=lambda p, nodes: np.where(np.arange(nodes.n) == 1, 100.0, 0.0))
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")])
    (r,) = ks.Scheduler(c, _research_profile(reg, weight=50)).schedule([pod("x", cpu="100m")])
    assert r.node == "b"


def test_no_nodes_gives_upstreams_error_text():
    # schedule_one.go: schedulePod returns ErrNoNodesAvailable before PreFilter when there is no node.
    c = ks.Cluster.from_objects(nodes=[])
    s = ks.Scheduler(c)
    assert s.explain(pod("p")).message == "no nodes available to schedule pods"
    assert [r.message for r in s.schedule([pod("p"), pod("q", affinity=_name_affinity(["x"]))])] == [
        "no nodes available to schedule pods"] * 2


@pytest.mark.parametrize("bad", [-1, 101, 2.5, True, "50", None])
def test_percentage_override_is_checked_like_the_config_field(bad):
    c = ks.Cluster.from_objects(nodes=[node("a")])
    if bad is None:
        ks.Scheduler(c, percentage_of_nodes_to_score=bad)
        return
    with pytest.raises(InvalidConfig, match="percentageOfNodesToScore: Invalid value"):
        ks.Scheduler(c, percentage_of_nodes_to_score=bad)
    for ok in (0, 100, np.int64(30)):
        assert ks.Scheduler(c, percentage_of_nodes_to_score=ok).percentage_override == ok


def test_cli_rejects_a_percentage_out_of_range(capsys):
    cluster = os.path.join(EXAMPLES, "cluster.yaml")
    with pytest.raises(SystemExit) as e:
        main(["schedule", "--cluster", cluster, "--pods", os.path.join(EXAMPLES, "pods.yaml"), "--percentage", "150"])
    assert e.value.code == 2 and "150 is not in the range 0-100" in capsys.readouterr().err


def test_explain_reports_no_scores_when_one_node_is_feasible():
    # schedulePod takes a lone feasible node without prioritizeNodes: upstream computes no score.
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", cpu="500m"), node("c", cpu="500m")])
    ex = ks.Scheduler(c).explain(pod("p", cpu="1"))
    assert ex.selected == "a" and ex.scores == {} and ex.total == {}
    assert ex.filter["a"].is_success and not ex.filter["b"].is_success
    ex2 = ks.Scheduler(c).explain(pod("p", cpu="100m"))
    assert set(ex2.scores) == {"a", "b", "c"} and set(ex2.total) == {"a", "b", "c"}
