"""Timeline replay through Scheduler.schedule on a Cluster: a kubectl snapshot as the starting state,
batches, pending queue with backoff, departures, node failure, and a DLRM prefix."""
import math
import os

import numpy as np
import pytest

import kschedule as ks
import kschedule.traces as T
from kschedule.errors import InvalidObject
from kschedule.sim import TimedPod, kube_timeline_replay, nodes_from_node_list, timed_pods_from_pod_list

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def pod(name, cpu="1"):
    return {"kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": "1Gi"}}}]}}


def node(name, cpu="2"):
    return {"kind": "Node", "metadata": {"name": name}, "status": {"allocatable": {"cpu": cpu, "memory": "8Gi",
                                                                                  "pods": "10"}}}


def test_waiting_pod_binds_when_a_pod_leaves_after_backoff():
    c = ks.Cluster.from_objects(nodes=[node("a")])
    pods = [TimedPod(pod("p0"), 0, 0.5), TimedPod(pod("p1"), 0, 50), TimedPod(pod("p2"), 0, 60)]
    r = kube_timeline_replay(c, pods)
    # p2 fails at t=0 (backoff 1 s); p0 leaves at 0.5, inside the backoff: p2 binds at t=1.
    assert r.wait_s == {"default/p0": 0.0, "default/p1": 0.0, "default/p2": 1.0}
    assert r.placements["default/p2"] == "a" and r.attempts == 4
    assert r.columns["pending_pods"].tolist()[0] == 1 and r.columns["running_pods"].tolist()[-1] == 0
    assert r.columns["cpu_allocation_pct"].tolist()[0] == 100.0


def test_snapshot_is_the_starting_state_and_node_failure_requeues():
    c = T.load_kubectl_snapshot(os.path.join(EXAMPLES, "cluster.yaml"))
    before = int(c.nodes.pod_count.sum())
    pods = [TimedPod(pod(f"w{i}", cpu="500m"), float(i), 100.0 + i) for i in range(6)]
    victim = c.nodes.names[0]
    on_victim = len(c.nodes.pods[c.nodes.index[victim]])
    r = kube_timeline_replay(c, pods, seed=1, node_failures=[(3.5, victim)])
    assert all(n is not None for n in r.placements.values())
    assert victim not in [r.placements[f"default/w{i}"] for i in range(4, 6)]
    # the failed node is gone; its snapshot pods were requeued (placed elsewhere or still pending)
    assert victim not in c.nodes.index and on_victim > 0
    assert int(c.nodes.pod_count.sum()) + r.summary()["max_pending_pods"] >= before - on_victim
    assert r.summary()["pods"] == 6 and r.summary()["placed"] == 6


def test_pod_list_conversion_and_whole_gpus():
    from kschedule.traces.schema import NodeList, PodList
    nl = NodeList(["cn-0", "cn-1"], np.array([96000, 96000], np.int64), np.array([384 << 30] * 2, np.int64),
                  np.array([0, 1], np.int32), ["", "A10"])
    pl = PodList(["app_1-a", "app_1-b", "app_2-gpu"], np.array([64000, 48000, 8000], np.int64),
                 np.array([64 << 30, 32 << 30, 16 << 30], np.int64), np.array([0, 0, 1], np.int32),
                 np.array([0, 0, 1000], np.int32), [(), (), ()], ["", "", ""], ["", "", ""],
                 np.array([0.0, 10.0, 20.0]), np.array([100.0, math.nan, 30.0]), np.array([0.0, 10.0, 20.0]))
    c = ks.Cluster.from_objects(nodes=nodes_from_node_list(nl, gpu_sharing=False))
    assert c.nodes.allocatable[c.resource_row("nvidia.com/gpu")].tolist() == [0, 1]
    r = kube_timeline_replay(c, timed_pods_from_pod_list(pl, gpu_sharing=False))
    assert r.placements["default/app-2-gpu"] == "cn-1"
    assert r.summary()["placed"] == 3
    pl.gpu_milli[2] = 500
    with pytest.raises(InvalidObject, match="fractional GPU"):
        timed_pods_from_pod_list(pl, gpu_sharing=False)


def test_gpu_sharing_trace_through_a_gpu_profile():
    # openb pods with fractional GPUs, arrivals and departures, through Scheduler.schedule with the
    # paper's FGD profile (Open-Gpu-Share + FGDScore).
    from kschedule.framework.profile import Profile
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    sub_nodes = nodes.take(np.arange(0, 1213, 10))
    sub_pods = pods.take(np.arange(0, 1500))
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{"schedulerName": "fgd", "plugins": {"multiPoint": {"enabled": [
               {"name": "Open-Gpu-Share"}, {"name": "FGDScore", "weight": 1000}]}}}]}
    c = ks.Cluster.from_objects(nodes=nodes_from_node_list(sub_nodes))
    r = kube_timeline_replay(c, timed_pods_from_pod_list(sub_pods, scheduler_name="fgd"), Profile.from_config(cfg))
    s = r.summary()
    assert s["pods"] == 1500 and s["placed"] >= 1400
    assert (c.nodes.gpu_free_milli >= 0).all() and (c.nodes.gpu_free_milli <= 1000).all()
    assert r.columns["running_pods"][-1] == int((c.pods.node >= 0).sum())
    used = int(c.nodes.gpu_count.sum()) * 1000 - int(c.nodes.gpu_free_milli.sum())
    assert r.columns["gpu_allocation_pct"][-1] == pytest.approx(100 * used / (int(c.nodes.gpu_count.sum()) * 1000))


def test_node_joining_takes_the_waiting_pods():
    from kschedule.sim import KubeTimeline
    c = ks.Cluster.from_objects(nodes=[node("a", cpu="1")])
    sim = KubeTimeline(c, [TimedPod(pod("p0"), 0, 100), TimedPod(pod("p1"), 0, 100)])
    sim.add_node(node("b", cpu="1"), at=30)
    r = sim.run()
    assert r.placements == {"default/p0": "a", "default/p1": "b"} and r.wait_s["default/p1"] == 30.0
    with pytest.raises(InvalidObject):
        sim.add_node({"metadata": {"name": "Bad_Name"}}, at=1)
