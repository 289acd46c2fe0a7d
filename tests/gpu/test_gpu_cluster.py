"""GPU-sharing columns on kschedule.Cluster (Open-Gpu-Share annotations), and a Cluster as the
starting state of a GPU replay."""
import numpy as np
import pytest

import kschedule as ks
from kschedule.errors import InvalidObject
from kschedule.framework.reference import SplitMix64
from kschedule.gpu import reference as ref
from kschedule.gpu.replay import Workload, run
from kschedule.gpu.state import GpuCluster, Typical


def node(name, gpus=4, model="T4"):
    return {"kind": "Node", "metadata": {"name": name, "labels": {"alibabacloud.com/gpu-card-model": model}},
            "status": {"allocatable": {"cpu": "32", "memory": "128Gi", "pods": "110",
                                       "alibabacloud.com/gpu-count": str(gpus)}}}


def gpu_pod(name, count, milli, node=None, index=None, model=None):
    ann = {"alibabacloud.com/gpu-count": str(count), "alibabacloud.com/gpu-milli": str(milli)}
    if index is not None:
        ann["alibabacloud.com/gpu-index"] = index
    if model:
        ann["alibabacloud.com/gpu-card-model"] = model
    p = {"kind": "Pod", "metadata": {"name": name, "annotations": ann},
         "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "2", "memory": "4Gi"}}}]}}
    if node:
        p["spec"]["nodeName"] = node
    return p


def test_bound_pods_hold_devices_and_release_them():
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", gpus=0, model="")],
                                pods=[gpu_pod("whole", 2, 1000, "a", "1-2"), gpu_pod("share", 1, 300, "a"),
                                      gpu_pod("share2", 1, 600, "a")])
    a = c.nodes.index["a"]
    # whole GPUs on devices 1 and 2 as annotated; the shares go "best": tightest device, lowest index
    assert c.nodes.gpu_free_milli[a, :4].tolist() == [100, 0, 0, 1000]
    assert c.nodes.gpu_count.tolist()[a] == 4 and c.gpu_models[c.nodes.gpu_model[a]] == "T4"
    assert c.nodes.gpu_model[c.nodes.index["b"]] == -1
    assert c.pods.gpu_devices[c.pods.index["default/whole"]] == 0b110
    assert c.nodes.gpu_tags[a, 0] == 2 and c.nodes.gpu_tags[a, 2] == 1
    c.unbind("default/share")
    assert c.nodes.gpu_free_milli[a, :4].tolist() == [400, 0, 0, 1000] and c.nodes.gpu_tags[a, 0] == 1
    c.remove_pod("default/whole")
    assert c.nodes.gpu_free_milli[a, :4].tolist() == [400, 1000, 1000, 1000] and c.nodes.gpu_tags[a, 2] == 0
    c.remove_node("b")  # swap-remove keeps the GPU columns with their node
    assert c.nodes.gpu_free_milli[c.nodes.index["a"], :4].tolist() == [400, 1000, 1000, 1000]


@pytest.mark.parametrize("ann, field", [
    ({"alibabacloud.com/gpu-count": "two"}, 'metadata.annotations["alibabacloud.com/gpu-count"]'),
    ({"alibabacloud.com/gpu-count": "2", "alibabacloud.com/gpu-milli": "500"},
     'metadata.annotations["alibabacloud.com/gpu-milli"]'),
    ({"alibabacloud.com/gpu-count": "1", "alibabacloud.com/gpu-milli": "1500"},
     'metadata.annotations["alibabacloud.com/gpu-milli"]'),
    ({"alibabacloud.com/gpu-count": "2", "alibabacloud.com/gpu-index": "0-0"},
     'metadata.annotations["alibabacloud.com/gpu-index"]'),
])
def test_bad_gpu_annotations(ann, field):
    c = ks.Cluster.from_objects(nodes=[node("a")])
    with pytest.raises(InvalidObject) as e:
        c.add_pod({"metadata": {"name": "p", "annotations": ann}, "spec": {"containers": []}})
    assert e.value.field == field and len(c.pods) == 0


def test_cluster_is_a_gpu_replay_starting_state():
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", gpus=8, model="V100M16")],
                                pods=[gpu_pod("w", 1, 1000, "a", "0"), gpu_pod("s", 1, 500, "b", "3")])
    g = GpuCluster.from_cluster(c)
    assert g.gpu_free_milli[0, :4].tolist() == [0, 1000, 1000, 1000]
    assert g.gpu_free_milli[1, :8].tolist() == [1000, 1000, 1000, 500, 1000, 1000, 1000, 1000]
    assert g.cpu_free_milli.tolist() == [30000, 30000] and g.memory_free_mib.tolist() == [124 * 1024] * 2
    typ = Typical.from_reference([(ref.PodShape(2000, 0, 1, 500), 0.5), (ref.PodShape(2000, 0, 1, 1000), 0.5)],
                                 g.models)
    wl = Workload(["x", "y"], np.array([2000, 2000], np.int64), np.array([4096, 4096], np.int64),
                  np.array([1, 1], np.int32), np.array([500, 500], np.int32), [(), ("V100M16",)])
    res = run(g, wl, "FGD", typ, np.arange(2, dtype=np.int32), SplitMix64(0))
    # A 0.5 share next to an existing 0.5 share fills device 3 of b exactly: FGD's best move.
    assert res.node.tolist()[0] == 1 and res.devices.tolist()[0] == 1 << 3
    assert res.node.tolist()[1] == 1  # model constraint: only b
