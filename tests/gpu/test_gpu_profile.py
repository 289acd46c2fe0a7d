"""The FGD paper's policies as plugins of a KubeSchedulerConfiguration profile, run by
kschedule.Scheduler: the same placements and devices as the GPU replay engine (and so as the Python
reference), on openb nodes and pods given as Kubernetes objects with Open-Gpu-Share annotations."""
import numpy as np
import pytest

import kschedule as ks
import kschedule.traces as T
from kschedule.framework.profile import Profile
from kschedule.framework.reference import SplitMix64
from kschedule.gpu.replay import Workload, prepare_workload, run
from kschedule.gpu.state import GpuCluster, Typical
from kschedule.plugins import gpu_share

CFG = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
       "percentageOfNodesToScore": 100}


def paper_profile(policy: str) -> Profile:
    # The artifact's profile: its filters plus Open-Gpu-Share, one policy score at weight 1000, the default
    # scores off (only the node-local filters matter for trace nodes without taints or labels).
    return Profile.from_config({**CFG, "profiles": [{"schedulerName": "paper", "plugins": {
        "multiPoint": {"enabled": [{"name": gpu_share.FILTER}, {"name": gpu_share.POLICY_PLUGIN[policy], "weight": 1000}]},
        "score": {"disabled": [{"name": "*"}], "enabled": [{"name": gpu_share.POLICY_PLUGIN[policy], "weight": 1000}]},
    }}]})


def node_objects(nodes):
    out = []
    for i, name in enumerate(nodes.name):
        labels = {"alibabacloud.com/gpu-card-model": nodes.gpu_model[i]} if nodes.gpu_count[i] else {}
        out.append({"kind": "Node", "metadata": {"name": name, "labels": labels}, "status": {"allocatable": {
            "cpu": f"{int(nodes.cpu_milli[i])}m", "memory": f"{int(nodes.memory_bytes[i]) >> 20}Mi", "pods": "1000",
            "alibabacloud.com/gpu-count": str(int(nodes.gpu_count[i]))}}})
    return out


def pod_objects(wl: Workload):
    out = []
    for i in range(len(wl)):
        ann = {}
        if wl.num_gpu[i]:
            ann = {"alibabacloud.com/gpu-count": str(int(wl.num_gpu[i])),
                   "alibabacloud.com/gpu-milli": str(int(wl.gpu_milli[i]))}
            if wl.gpu_spec[i]:
                ann["alibabacloud.com/gpu-card-model"] = "|".join(wl.gpu_spec[i])
        out.append({"kind": "Pod", "metadata": {"name": f"p{i}", "schedulerName": "paper", "annotations": ann},
                    "spec": {"schedulerName": "paper", "containers": [{"name": "c", "resources": {"requests": {
                        "cpu": f"{int(wl.cpu_milli[i])}m", "memory": f"{int(wl.memory_mib[i])}Mi"}}}]}})
    return out


@pytest.mark.parametrize("policy", ["Random", "DotProduct", "GpuClustering", "GpuPacking", "BestFit", "FGD"])
def test_profile_plugins_place_like_the_replay_engine(policy):
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    sub = nodes.take(np.arange(0, 1213, 25))
    g = GpuCluster.from_node_list(sub)
    typ = Typical.from_pods(pods, g.models)
    rng = SplitMix64(11)
    wl = prepare_workload(pods, g.total_gpus * 1000, 1.3, rng)
    k = 300
    wl = Workload(wl.name[:k], wl.cpu_milli[:k], wl.memory_mib[:k], wl.num_gpu[:k], wl.gpu_milli[:k], wl.gpu_spec[:k])

    cluster = ks.Cluster.from_objects(nodes=node_objects(sub))
    order = cluster.node_order()
    state = rng.state
    want = run(g, wl, policy, typ, order, SplitMix64(state))

    sched = ks.Scheduler(cluster, paper_profile(policy), seed=state)
    sched.gpu_typical = Typical.from_reference(typ.reference, cluster.gpu_models)
    res = sched.schedule(pod_objects(wl))
    got = [cluster.nodes.index[r.node] if r.node else -1 for r in res]
    assert got == want.node.tolist()
    devs = [int(cluster.pods.gpu_devices[cluster.pods.index[f"default/p{i}"]]) for i in range(k)]
    assert devs == want.devices.tolist()
    assert int(cluster.nodes.gpu_count.sum()) * 1000 - int(cluster.nodes.gpu_free_milli.sum()) == int(want.used_milli[-1])
    failed = [r for r in res if r.node is None]
    assert all("0/" in r.message for r in failed)


def test_explain_shows_the_gpu_filter_and_scores():
    node = {"kind": "Node", "metadata": {"name": "a", "labels": {"alibabacloud.com/gpu-card-model": "T4"}},
            "status": {"allocatable": {"cpu": "32", "memory": "64Gi", "pods": "110", "alibabacloud.com/gpu-count": "2"}}}
    cpu_node = {"kind": "Node", "metadata": {"name": "b"}, "status": {"allocatable": {"cpu": "32", "memory": "64Gi",
                                                                                     "pods": "110"}}}
    c = ks.Cluster.from_objects(nodes=[node, cpu_node])
    s = ks.Scheduler(c, paper_profile("FGD"))
    p = {"metadata": {"name": "x", "annotations": {"alibabacloud.com/gpu-count": "1", "alibabacloud.com/gpu-milli": "500"}},
         "spec": {"schedulerName": "paper", "containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}}
    ex = s.explain(p)
    assert ex.filter["b"].plugin == gpu_share.FILTER and ex.filter["b"].reasons == (gpu_share.REASON,)
    # One feasible node: taken without scoring (upstream's schedulePod, v1.20 included).
    assert ex.selected == "a" and ex.scores == {}
    two = ks.Cluster.from_objects(nodes=[node, {**node, "metadata": {**node["metadata"], "name": "c"}}, cpu_node])
    ex2 = ks.Scheduler(two, paper_profile("FGD")).explain(p)
    assert set(ex2.scores) == {"a", "c"} and all("FGDScore" in d for d in ex2.scores.values())
    (r,) = s.schedule([p, ])
    assert r.node == "a" and c.nodes.gpu_free_milli[c.nodes.index["a"], :2].tolist() == [500, 1000]
    big = {**p, "metadata": {"name": "y", "annotations": {"alibabacloud.com/gpu-count": "4",
                                                        "alibabacloud.com/gpu-milli": "1000"}}}
    (r,) = s.schedule([big])
    assert r.node is None and r.message == f"0/2 nodes are available: 2 {gpu_share.REASON}."


def test_scheduled_devices_survive_a_round_trip():
    node = {"kind": "Node", "metadata": {"name": "a", "labels": {"alibabacloud.com/gpu-card-model": "T4"}},
            "status": {"allocatable": {"cpu": "32", "memory": "64Gi", "pods": "110", "alibabacloud.com/gpu-count": "4"}}}
    c = ks.Cluster.from_objects(nodes=[node])
    s = ks.Scheduler(c, paper_profile("FGD"))
    pods = [{"metadata": {"name": f"x{i}", "annotations": {"alibabacloud.com/gpu-count": "1",
                                                           "alibabacloud.com/gpu-milli": str(m)}},
             "spec": {"schedulerName": "paper", "containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}}
            for i, m in enumerate([700, 300, 500, 1000])]
    assert all(r.node == "a" for r in s.schedule(pods))
    c2 = ks.Cluster.from_objects(**c.to_objects())
    assert np.array_equal(c2.nodes.gpu_free_milli, c.nodes.gpu_free_milli)
    assert np.array_equal(c2.pods.gpu_devices, c.pods.gpu_devices)
