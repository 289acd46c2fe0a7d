"""Loading a ``Cluster`` from Kubernetes objects: dicts, JSON, multi-document YAML, ``kind: List``,
a ``kubectl get nodes,pods -A -o yaml`` dump (examples/cluster.yaml), PriorityClass resolution,
terminated pods, allocatable defaulting, overcommitted bindings and the node-tree visiting order.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import kschedule as ks
from kschedule.cluster import Cluster
from kschedule.errors import InvalidObject
from kschedule.objects.load import load_objects
from kschedule.objects.taints import Taint

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
Ki, Mi, Gi = 1 << 10, 1 << 20, 1 << 30
DEF_CPU, DEF_MEM = 100, 200 * Mi  # pkg/scheduler/util/pod_resources.go


def node(name, cpu="4", memory="8Gi", pods="110", labels=None, **status):
    st = {"capacity": {"cpu": cpu, "memory": memory, "pods": pods}, **status}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels or {}}, "status": st}


def pod(name, ns="default", node_name=None, cpu=None, memory=None, phase=None, **spec):
    req = {}
    if cpu is not None:
        req["cpu"] = cpu
    if memory is not None:
        req["memory"] = memory
    c = {"name": "c", "image": "nginx"}
    if req:
        c["resources"] = {"requests": req}
    sp = {"containers": [c], **spec}
    if node_name:
        sp["nodeName"] = node_name
    o = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": sp}
    if phase:
        o["status"] = {"phase": phase}
    return o


def pc(name, value, default=False):
    o = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value}
    if default:
        o["globalDefault"] = True
    return o


def requested(c: Cluster, node_name: str, res: str) -> int:
    return int(c.nodes.requested[c.resources.ids[res], c.nodes.index[node_name]])


def allocatable(c: Cluster, node_name: str, res: str) -> int:
    return int(c.nodes.allocatable[c.resources.ids[res], c.nodes.index[node_name]])


def nonzero(c: Cluster, node_name: str) -> tuple:
    i = c.nodes.index[node_name]
    return int(c.nodes.nonzero_requested[0, i]), int(c.nodes.nonzero_requested[1, i])


def priority(c: Cluster, key: str) -> int:
    return int(c.pods.priority[c.pods.index[key]])


SMALL = [node("n1"), node("n2", cpu="2"), pod("a", node_name="n1", cpu="500m", memory="1Gi"),
         pod("b", cpu="1"), pod("c", ns="kube-system", node_name="n2")]


def check_small(c: Cluster) -> None:
    assert list(c.nodes) == ["n1", "n2"]
    assert list(c.pods) == ["default/a", "default/b", "kube-system/c"]
    assert c.pending() == ["default/b"]
    assert c.node_of("default/a") == "n1" and c.node_of("kube-system/c") == "n2"
    assert requested(c, "n1", "cpu") == 500 and requested(c, "n1", "memory") == Gi
    assert requested(c, "n2", "cpu") == 0 and requested(c, "n2", "pods") == 1
    assert nonzero(c, "n2") == (DEF_CPU, DEF_MEM)
    assert allocatable(c, "n2", "cpu") == 2000 and allocatable(c, "n1", "memory") == 8 * Gi


# ------------------------------------------------------------------------------ input forms

def test_from_dict_list():
    check_small(Cluster.from_objects(objects=SMALL))
    check_small(Cluster.from_objects(nodes=SMALL[:2], pods=SMALL[2:]))
    check_small(Cluster.load(SMALL))


def test_from_json_text_and_file(tmp_path):
    check_small(Cluster.load(json.dumps({"apiVersion": "v1", "kind": "List", "items": SMALL}, indent=2)))
    check_small(Cluster.load(json.dumps(SMALL)))  # a bare JSON array
    p = tmp_path / "cluster.json"
    p.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": SMALL}))
    check_small(Cluster.load(p))
    check_small(Cluster.load(str(p)))


def test_from_multi_document_yaml(tmp_path):
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    text = "---\n" + "\n---\n".join(yaml.safe_dump(o) for o in SMALL + [service]) + "\n---\n"
    c = Cluster.load(text)
    check_small(c)
    assert c.other_objects == [service]
    p = tmp_path / "c.yaml"
    p.write_text(text)
    check_small(Cluster.load(p))


def test_kind_list_and_typed_lists():
    nodes = {"apiVersion": "v1", "kind": "NodeList", "items": [{k: v for k, v in o.items() if k != "kind"}
                                                                 for o in SMALL[:2]]}
    pods = {"apiVersion": "v1", "kind": "PodList", "items": [{k: v for k, v in o.items() if k != "kind"}
                                                              for o in SMALL[2:]]}
    check_small(Cluster.load(yaml.safe_dump_all([nodes, pods])))
    check_small(Cluster.load({"apiVersion": "v1", "kind": "List", "items": SMALL}))


def test_objects_in_any_order_nodes_first():
    # kubectl lists pods of a namespace before nodes when asked "pods,nodes": bound pods still resolve
    c = Cluster.from_objects(objects=list(reversed(SMALL)))
    assert sorted(c.nodes) == ["n1", "n2"]
    assert c.node_of("default/a") == "n1" and c.node_of("kube-system/c") == "n2"


# ------------------------------------------------------------------------------ nodes

def test_allocatable_defaults_to_capacity():
    # pkg/apis/core/v1/defaults.go SetDefaults_NodeStatus: Allocatable == nil -> copy of Capacity
    n_cap = node("cap-only", cpu="3500m", memory="7Gi")
    n_both = node("both", cpu="4", memory="8Gi", allocatable={"cpu": "3920m", "memory": "7Gi", "pods": "58"})
    n_empty = node("empty-alloc", allocatable={})  # an empty (non-nil) map is not defaulted
    n_none = {"metadata": {"name": "no-status"}}
    c = Cluster.from_objects(nodes=[n_cap, n_both, n_empty, n_none])
    assert [allocatable(c, "cap-only", r) for r in ("cpu", "memory", "pods")] == [3500, 7 * Gi, 110]
    assert [allocatable(c, "both", r) for r in ("cpu", "memory", "pods")] == [3920, 7 * Gi, 58]
    assert [allocatable(c, "empty-alloc", r) for r in ("cpu", "memory", "pods")] == [0, 0, 0]
    assert [allocatable(c, "no-status", r) for r in ("cpu", "memory", "pods")] == [0, 0, 0]


def test_node_fields():
    n = node("n", labels={"kubernetes.io/hostname": "n", "disktype": "ssd"},
             conditions=[{"type": "Ready", "status": "False"}],
             images=[{"names": ["nginx@sha256:1", "nginx:1.25"], "sizeBytes": 70 * Mi}])
    n["spec"] = {"unschedulable": True, "taints": [{"key": "a", "value": "b", "effect": "NoSchedule"},
                                                   {"key": "c", "effect": "PreferNoSchedule"}]}
    c = Cluster.from_objects(nodes=[n, node("m")])
    i = c.nodes.index["n"]
    assert c.nodes.unschedulable.tolist() == [1, 0] and c.nodes.ready.tolist() == [0, 1]
    assert c.nodes.taint_count.tolist() == [2, 0]
    assert [c.taints[t] for t in c.nodes.taint_ids[i, :2]] == [Taint("a", "b", "NoSchedule"),
                                                               Taint("c", "", "PreferNoSchedule")]
    assert (c.nodes.taint_ids[1] == -1).all()
    k = c.labels.keys.ids["disktype"]
    assert c.labels.value_of(k, int(c.nodes.label_values[k, i])) == "ssd"
    assert c.nodes.label_values[k, 1] == -1
    for name in ("nginx@sha256:1", "nginx:1.25"):
        assert c.image_nodes[c.images.ids[name]] == {i: 70 * Mi}


# ------------------------------------------------------------------------------ pods

def test_overcommitted_bound_pods_are_accepted():
    # A binding is a fact (the kubelet admitted the pod): no fit check on load or bind.
    n = node("small", cpu="1", memory="1Gi", pods="2")
    n["spec"] = {"unschedulable": True, "taints": [{"key": "k", "effect": "NoSchedule"}]}
    pods = [pod(f"p{i}", node_name="small", cpu="1", memory="1Gi") for i in range(3)]
    c = Cluster.from_objects(nodes=[n], pods=pods)
    assert requested(c, "small", "cpu") == 3000 and requested(c, "small", "memory") == 3 * Gi
    assert requested(c, "small", "pods") == 3 > allocatable(c, "small", "pods")
    c.add_pod(pod("late", cpu="2"))
    c.bind("default/late", "small")
    assert requested(c, "small", "cpu") == 5000


def test_init_containers_and_extended_resources():
    p = pod("job", node_name="n1")
    p["spec"]["containers"] = [
        {"name": "a", "resources": {"requests": {"cpu": "500m", "example.com/gpu": "1"},
                                    "limits": {"example.com/gpu": "1"}}},
        {"name": "b", "resources": {"requests": {"memory": "1Gi"}}},
    ]
    p["spec"]["initContainers"] = [{"name": "init", "resources": {"requests": {"cpu": "2", "example.com/gpu": "3"},
                                                                  "limits": {"example.com/gpu": "3"}}}]
    c = Cluster.from_objects(nodes=[node("n1", **{"allocatable": {"cpu": "4", "example.com/gpu": "4"}})], pods=[p])
    assert requested(c, "n1", "cpu") == 2000  # max(500, 2000)
    assert requested(c, "n1", "example.com/gpu") == 3
    assert requested(c, "n1", "memory") == Gi
    # non-zero: a: 500m + 200Mi default, b: 100m default + 1Gi; init: 2 + 200Mi -> max per resource
    assert nonzero(c, "n1") == (max(500 + DEF_CPU, 2000), max(DEF_MEM + Gi, DEF_MEM))
    assert allocatable(c, "n1", "example.com/gpu") == 4


def test_terminated_pods_are_kept_out_of_the_columns():
    objs = [node("n1"), pod("done", node_name="n1", cpu="3", phase="Succeeded"),
            pod("failed", node_name="n1", cpu="3", phase="Failed"),
            pod("running", node_name="n1", cpu="1", phase="Running"), pod("waiting", cpu="1", phase="Pending")]
    c = Cluster.from_objects(objects=objs)
    assert list(c.pods) == ["default/running", "default/waiting"]
    assert requested(c, "n1", "cpu") == 1000 and requested(c, "n1", "pods") == 1
    assert [p.name for p in c.terminated] == ["done", "failed"]
    out = c.to_objects()
    assert [o["metadata"]["name"] for o in out["pods"]] == ["running", "waiting", "done", "failed"]
    assert out["pods"][2]["spec"]["nodeName"] == "n1"
    c2 = Cluster.from_objects(**out)
    assert list(c2.pods) == list(c.pods) and len(c2.terminated) == 2
    assert requested(c2, "n1", "cpu") == 1000


# ------------------------------------------------------------------------------ priority

def test_priority_class_resolution():
    objs = [node("n1"), pc("high", 1000), pc("low", -10),
            pod("by-class", priorityClassName="high"), pod("explicit", priority=7),
            pod("none"), pod("node-critical", ns="kube-system", priorityClassName="system-node-critical"),
            pod("cluster-critical", ns="kube-system", priorityClassName="system-cluster-critical"),
            pod("negative", priorityClassName="low")]
    c = Cluster.from_objects(objects=objs)
    assert priority(c, "default/by-class") == 1000
    assert priority(c, "default/explicit") == 7
    assert priority(c, "default/none") == 0
    assert priority(c, "kube-system/node-critical") == 2000001000
    assert priority(c, "kube-system/cluster-critical") == 2000000000
    assert priority(c, "default/negative") == -10
    # a PriorityClass given after the pods in the same batch, or in an earlier batch, resolves too
    c2 = Cluster.from_objects(objects=[pod("p", priorityClassName="later"), pc("later", 5)])
    assert priority(c2, "default/p") == 5
    c2.add_pod(pod("q", priorityClassName="later"))
    assert priority(c2, "default/q") == 5
    assert c2.priority_classes == {"later": (5, False)}


# Ported from plugin/pkg/admission/priority/admission_test.go, TestPodAdmission (the cases about
# resolving the value; kschedule reads stored pods, so "integer priority must not be provided on
# create" does not apply) and TestDefaultPriority ("multiple default classes resolves to the minimum
# value among them").
DEFAULT1, DEFAULT2 = pc("default1", 1000, True), pc("default2", 2000, True)
NONDEFAULT1 = pc("nondefault1", 2000)
SYSTEM_CLUSTER_CRITICAL = pc("system-cluster-critical", 2000000000, True)
ADMISSION_CASES = [
    ("Pod with priority class", [DEFAULT1, NONDEFAULT1], {"priorityClassName": "default1"}, 1000),
    ("Pod without priority class", [DEFAULT1], {}, 1000),
    ("pod without priority class and no existing priority class", [], {}, 0),
    ("pod without priority class and no default class", [NONDEFAULT1], {}, 0),
    ("pod with a system priority class", [SYSTEM_CLUSTER_CRITICAL], {"priorityClassName": "system-cluster-critical"},
     2000000000),
    ("Pod with non-existing priority class", [DEFAULT1, NONDEFAULT1], {"priorityClassName": "non-existing"}, None),
    ("pod with system critical priority in non-system namespace", [SYSTEM_CLUSTER_CRITICAL],
     {"priorityClassName": "system-cluster-critical"}, 2000000000),
    ("pod with priority that matches computed priority", [NONDEFAULT1], {"priority": 0}, 0),
    ("pod with priority that matches default priority", [DEFAULT2], {"priority": 2000}, 2000),
    ("pod with priority that matches resolved priority", [SYSTEM_CLUSTER_CRITICAL],
     {"priorityClassName": "system-cluster-critical", "priority": 2000000000}, 2000000000),
]


@pytest.mark.parametrize("name,classes,spec,want", ADMISSION_CASES, ids=[c[0] for c in ADMISSION_CASES])
def test_priority_admission_table(name, classes, spec, want):
    p = pod("p", ns="namespace", **spec)
    if want is None:
        with pytest.raises(InvalidObject) as e:
            Cluster.from_objects(priority_classes=classes, pods=[p])
        assert str(e.value) == ("Pod namespace/p: spec.priorityClassName: "
                                "no PriorityClass with name non-existing was found")
    else:
        c = Cluster.from_objects(priority_classes=classes, pods=[p])
        assert priority(c, "namespace/p") == want


def test_multiple_default_classes_resolve_to_the_minimum_value():
    # plugin/pkg/admission/priority/admission_test.go TestDefaultPriority
    # "multiple default classes resolves to the minimum value among them"
    c = Cluster.from_objects(priority_classes=[DEFAULT2, DEFAULT1], pods=[pod("p")])
    assert priority(c, "default/p") == 1000


# ------------------------------------------------------------------------------ node tree order

# Ported from kubernetes/kubernetes pkg/scheduler/internal/cache/node_tree_test.go (the file moved
# with node_tree.go to pkg/scheduler/backend/cache/ in later releases; same cases). Upstream
# nodeTree: zones keyed by utilnode.GetZoneKey (region + ":\x00:" + zone, deprecated beta labels
# first), zones in first-seen order, a zone removed when its last node goes; list() takes one
# node from each zone in turn.
R, Z = "topology.kubernetes.io/region", "topology.kubernetes.io/zone"
BR, BZ = "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone"
ALL_NODES = [
    {"metadata": {"name": "node-0"}},
    {"metadata": {"name": "node-1", "labels": {R: "region-1"}}},
    {"metadata": {"name": "node-2", "labels": {Z: "zone-2"}}},
    {"metadata": {"name": "node-3", "labels": {R: "region-1", Z: "zone-2"}}},
    {"metadata": {"name": "node-4", "labels": {R: "region-1", Z: "zone-2"}}},
    {"metadata": {"name": "node-5", "labels": {R: "region-1", Z: "zone-3"}}},
    {"metadata": {"name": "node-6", "labels": {R: "region-2", Z: "zone-2"}}},
    {"metadata": {"name": "node-7", "labels": {R: "region-2", Z: "zone-2"}}},
    {"metadata": {"name": "node-8", "labels": {R: "region-2", Z: "zone-2"}}},
    {"metadata": {"name": "node-9", "labels": {R: "region-2", Z: "zone-2", BR: "region-2", BZ: "zone-2"}}},
    {"metadata": {"name": "node-10", "labels": {BR: "region-2", BZ: "zone-3"}}},
]


def order(c: Cluster) -> list:
    return [c.nodes.names[i] for i in c.node_order()]


def build(nodes) -> Cluster:
    c = Cluster()
    for n in nodes:
        c.add_node(n)
    return c


# TestNodeTree_AddNode
ADD_CASES = [
    ("single node no labels", ALL_NODES[:1], {"": ["node-0"]}),
    ("mix of nodes with and without proper labels", ALL_NODES[:4],
     {"": ["node-0"], "region-1:\x00:": ["node-1"], ":\x00:zone-2": ["node-2"], "region-1:\x00:zone-2": ["node-3"]}),
    ("mix of nodes with and without proper labels and some zones with multiple nodes", ALL_NODES[:7],
     {"": ["node-0"], "region-1:\x00:": ["node-1"], ":\x00:zone-2": ["node-2"],
      "region-1:\x00:zone-2": ["node-3", "node-4"], "region-1:\x00:zone-3": ["node-5"],
      "region-2:\x00:zone-2": ["node-6"]}),
    ("nodes also using deprecated zone/region label", ALL_NODES[9:],
     {"region-2:\x00:zone-2": ["node-9"], "region-2:\x00:zone-3": ["node-10"]}),
]


@pytest.mark.parametrize("name,nodes,tree", ADD_CASES, ids=[c[0] for c in ADD_CASES])
def test_node_tree_add(name, nodes, tree):
    c = build(nodes)
    assert c.node_tree == tree
    assert list(c.node_tree) == list(tree)  # zones in first-seen order


def test_node_tree_add_same_node_twice():
    # upstream "same node specified twice" keeps one entry; kschedule rejects the duplicate Node
    c = build(ALL_NODES[:1])
    with pytest.raises(InvalidObject, match='Duplicate value: "node-0"'):
        c.add_node(ALL_NODES[0])
    assert c.node_tree == {"": ["node-0"]} and len(c.nodes) == 1


# TestNodeTree_RemoveNode
REMOVE_CASES = [
    ("remove a single node with no labels", ALL_NODES[:7], ALL_NODES[:1],
     {"region-1:\x00:": ["node-1"], ":\x00:zone-2": ["node-2"], "region-1:\x00:zone-2": ["node-3", "node-4"],
      "region-1:\x00:zone-3": ["node-5"], "region-2:\x00:zone-2": ["node-6"]}),
    ("remove a few nodes including one from a zone with multiple nodes", ALL_NODES[:7], ALL_NODES[1:4],
     {"": ["node-0"], "region-1:\x00:zone-2": ["node-4"], "region-1:\x00:zone-3": ["node-5"],
      "region-2:\x00:zone-2": ["node-6"]}),
    ("remove all nodes", ALL_NODES[:7], ALL_NODES[:7], {}),
]


@pytest.mark.parametrize("name,existing,remove,tree", REMOVE_CASES, ids=[c[0] for c in REMOVE_CASES])
def test_node_tree_remove(name, existing, remove, tree):
    c = build(existing)
    for n in remove:
        c.remove_node(n["metadata"]["name"])
    assert c.node_tree == tree
    assert sorted(c.nodes) == sorted(n for z in tree.values() for n in z)


def test_node_tree_remove_non_existing():
    c = build([])
    for n in ALL_NODES[:5]:
        with pytest.raises(InvalidObject, match="not found"):
            c.remove_node(n["metadata"]["name"])
    assert c.node_tree == {}


# TestNodeTree_List
LIST_CASES = [
    ("empty tree", [], []),
    ("one node", ALL_NODES[:1], ["node-0"]),
    ("four nodes", ALL_NODES[:4], ["node-0", "node-1", "node-2", "node-3"]),
    ("all nodes", ALL_NODES[:9], ["node-0", "node-1", "node-2", "node-3", "node-5", "node-6", "node-4", "node-7",
                                 "node-8"]),
]


@pytest.mark.parametrize("name,nodes,want", LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_node_tree_list(name, nodes, want):
    c = build(nodes)
    assert order(c) == want
    assert c.node_order().dtype == np.int32


# TestNodeTreeMultiOperations
MULTI_CASES = [
    ("add and remove all nodes", ALL_NODES[2:9], ALL_NODES[2:9], ["add"] * 3 + ["remove"] * 3, []),
    ("add and remove some nodes", ALL_NODES[2:9], ALL_NODES[2:9], ["add"] * 3 + ["remove"], ["node-3", "node-4"]),
    ("remove three nodes", ALL_NODES[2:9], ALL_NODES[2:9], ["add"] * 3 + ["remove"] * 3 + ["add"], ["node-5"]),
    ("add more nodes to an exhausted zone", ALL_NODES[4:9] + [ALL_NODES[3]], [], ["add"] * 6,
     ["node-4", "node-5", "node-6", "node-3", "node-7", "node-8"]),
    ("remove zone and add new", ALL_NODES[3:5] + ALL_NODES[6:8], ALL_NODES[3:5],
     ["add", "add", "remove", "add", "add", "remove"], ["node-6", "node-7"]),
]


@pytest.mark.parametrize("name,to_add,to_remove,ops,want", MULTI_CASES, ids=[c[0] for c in MULTI_CASES])
def test_node_tree_multi_operations(name, to_add, to_remove, ops, want):
    c = Cluster()
    adds, removes = iter(to_add), iter(to_remove)
    for op in ops:
        if op == "add":
            c.add_node(next(adds))
        else:
            c.remove_node(next(removes)["metadata"]["name"])
    assert order(c) == want


def test_node_order_is_independent_of_row_swaps():
    # removal swaps the last row into the hole; the visiting order follows the tree, not rows
    c = build(ALL_NODES[:9])
    c.remove_node("node-1")
    assert c.nodes.names[1] == "node-8"
    assert order(c) == ["node-0", "node-2", "node-3", "node-5", "node-6", "node-4", "node-7", "node-8"]


# ------------------------------------------------------------------------------ examples/

@pytest.fixture(scope="module")
def example() -> Cluster:
    return Cluster.load(EXAMPLES / "cluster.yaml")


def test_example_cluster_shape(example):
    c = example
    assert len(c.nodes) == 8 and len(c.pods) == 27 and c.pending() == []
    assert [p.key for p in c.terminated] == ["default/db-migrate-29287740-7wq5z"]
    assert c.other_objects == []
    assert c.resources.values == ["cpu", "memory", "ephemeral-storage", "pods", "hugepages-1Gi", "hugepages-2Mi",
                                  "nvidia.com/gpu"]
    assert repr(c) == "Cluster(8 nodes, 27 bound pods, 0 pending)"
    # zones first seen: us-east-1c (gpu-c-1 sorts first), us-east-1a, us-east-1b
    assert order(c) == ["gpu-c-1", "prod-a-1", "prod-b-1", "prod-c-1", "prod-a-2", "prod-b-2", "prod-c-2", "prod-a-3"]


def test_example_cluster_nodes(example):
    c = example
    assert allocatable(c, "prod-a-1", "cpu") == 7910
    assert allocatable(c, "prod-a-1", "memory") == 31369260 * Ki
    assert allocatable(c, "prod-a-1", "ephemeral-storage") == 95551679124
    assert allocatable(c, "gpu-c-1", "nvidia.com/gpu") == 4 and allocatable(c, "prod-a-1", "nvidia.com/gpu") == 0
    assert allocatable(c, "gpu-c-1", "pods") == 234
    i = {n: c.nodes.index[n] for n in c.nodes}
    assert [n for n in c.nodes if c.nodes.unschedulable[i[n]]] == ["prod-a-3"]
    taints = {n: [c.taints[t] for t in c.nodes.taint_ids[i[n], :c.nodes.taint_count[i[n]]]] for n in c.nodes}
    assert taints["gpu-c-1"] == [Taint("dedicated", "gpu", "NoSchedule")]
    assert taints["prod-b-2"] == [Taint("spot", "true", "PreferNoSchedule")]
    assert taints["prod-a-3"] == [Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")]
    assert sum(map(len, taints.values())) == 3
    assert c.nodes.ready.tolist() == [1] * 8
    cuda = c.images.ids["nvcr.io/nvidia/pytorch:25.08-py3"]
    assert c.image_nodes[cuda] == {i["gpu-c-1"]: 9817246720}


def test_example_cluster_requests(example):
    c = example
    # prod-a-1: web x2 (250m/256Mi), api (init migrate 1 CPU / 1Gi > app 500m / 512Mi),
    # coredns (100m/70Mi), kube-proxy (100m, no memory request: 200Mi non-zero default)
    assert requested(c, "prod-a-1", "cpu") == 2 * 250 + 1000 + 100 + 100
    assert requested(c, "prod-a-1", "memory") == 2 * 256 * Mi + Gi + 70 * Mi
    assert requested(c, "prod-a-1", "pods") == 5
    assert nonzero(c, "prod-a-1") == (1700, 2 * 256 * Mi + Gi + 70 * Mi + DEF_MEM)
    # gpu-c-1: trainer (16 CPU, 64Gi, 2 GPUs), kube-proxy, BestEffort device plugin
    assert requested(c, "gpu-c-1", "cpu") == 16000 + 100
    assert requested(c, "gpu-c-1", "nvidia.com/gpu") == 2
    assert nonzero(c, "gpu-c-1") == (16000 + 100 + DEF_CPU, 64 * Gi + 2 * DEF_MEM)
    # prod-b-2: the Succeeded db-migrate pod (2 CPU) is not counted
    assert requested(c, "prod-b-2", "cpu") == 1000 + 100 and requested(c, "prod-b-2", "pods") == 2
    # hostPorts of the two ingress controllers
    for n in ("prod-a-2", "prod-c-1"):
        assert dict(c.nodes.used_ports[c.nodes.index[n]]) == {("TCP", "0.0.0.0", 80): 1, ("TCP", "0.0.0.0", 443): 1}
    assert sum(len(u) for u in c.nodes.used_ports) == 4
    assert int(c.nodes.requested[c.resources.ids["pods"]].sum()) == 27


def test_example_cluster_priorities(example):
    c = example
    prio = {k: priority(c, k) for k in c.pods}
    assert {k for k, v in prio.items() if v == 2000001000} == {k for k in c.pods if "kube-proxy" in k
                                                               or "nvidia-device-plugin" in k}
    assert sorted(k for k, v in prio.items() if v == 2000000000) == [k for k in sorted(c.pods) if "coredns" in k]
    assert len([v for v in prio.values() if v == 0]) == 27 - 9 - 2


def test_example_cluster_round_trip(example):
    c2 = Cluster.from_objects(**example.to_objects())
    # to_objects lists nodes in visiting order, so the rebuilt node tree visits them identically.
    assert [c2.nodes.names[i] for i in c2.node_order()] == [example.nodes.names[i] for i in example.node_order()]
    assert list(c2.pods) == list(example.pods)
    rows = [c2.nodes.index[n] for n in example.nodes.names]
    assert np.array_equal(c2.nodes.requested[:, rows], example.nodes.requested)
    assert np.array_equal(c2.nodes.nonzero_requested[:, rows], example.nodes.nonzero_requested)
    assert np.array_equal(c2.pods.priority, example.pods.priority)
    assert len(c2.terminated) == 1


def test_example_pod_explain(example):
    p = load_objects(EXAMPLES / "pod.yaml")
    assert len(p) == 1 and "nodeName" not in p[0]["spec"]
    before = (example.version, len(example.pods), example.nodes.requested.copy())
    ex = ks.Scheduler(example).explain(p[0])
    assert ex.pod == "default/web-7d9f8c6b5d-q4kzt"
    assert (ex.filter["gpu-c-1"].code, ex.filter["gpu-c-1"].plugin) == ("UnschedulableAndUnresolvable",
                                                                        "TaintToleration")
    assert (ex.filter["prod-a-3"].code, ex.filter["prod-a-3"].plugin) == ("UnschedulableAndUnresolvable",
                                                                          "NodeUnschedulable")
    assert sorted(n for n, s in ex.filter.items() if s.code == "Success") == [
        "prod-a-1", "prod-a-2", "prod-b-1", "prod-b-2", "prod-c-1", "prod-c-2"]
    # preferred zone us-east-1b (NodeAffinity weight 2) and prod-b-2's PreferNoSchedule taint
    # (TaintToleration weight 3) leave prod-b-1 ahead
    assert ex.scores["prod-b-1"]["NodeAffinity"] == 100 and ex.scores["prod-a-1"]["NodeAffinity"] == 0
    assert ex.scores["prod-b-2"]["TaintToleration"] == 0 and ex.scores["prod-b-1"]["TaintToleration"] == 100
    assert ex.selected == "prod-b-1" and ex.message is None
    assert (example.version, len(example.pods)) == before[:2]
    assert np.array_equal(example.nodes.requested, before[2])


def test_example_pods_and_scheduler_config(example):
    pods = load_objects(EXAMPLES / "pods.yaml")
    assert len(pods) == 10 and all("nodeName" not in p["spec"] for p in pods)
    c = Cluster.from_objects(**example.to_objects())
    c.add_pods(pods)
    assert len(c.pending()) == 10
    profiles = ks.framework.profile.Profiles.from_config(EXAMPLES / "scheduler-config.yaml")
    assert sorted(profiles.by_name) == ["bin-packing", "default-scheduler"]
    bp = profiles.by_name["bin-packing"]
    assert "NodeResourcesBalancedAllocation" not in dict(bp.scores)
    assert bp.args("NodeResourcesFit").scoring_strategy.type == "MostAllocated"
    assert "NodeResourcesBalancedAllocation" in dict(profiles.by_name["default-scheduler"].scores)
    ex = ks.Scheduler(c, profiles).explain("analytics/analytics-spark-driver-0")
    assert ex.selected is None and ex.message.startswith("0/8 nodes are available: ")
    assert "Insufficient cpu" in ex.message


def _tree_order(c: Cluster) -> list:
    """nodeTree.list() read off node_tree itself: one node from each zone in turn."""
    zones = [list(z) for z in c.node_tree.values()]
    out = []
    for depth in range(max(map(len, zones), default=0)):
        out += [z[depth] for z in zones if depth < len(z)]
    return out


@pytest.mark.parametrize("seed", range(20))
def test_node_order_follows_the_tree_through_adds_and_removes(seed):
    # node_order() reads zone and arrival columns; after any mix of adds (zones new, emptied and
    # back) and removes (rows swapped), it is still the tree's list.
    import random
    r = random.Random(seed)
    c = Cluster()
    made = 0
    for _ in range(60):
        if c.nodes.n and r.random() < 0.4:
            c.remove_node(r.choice(c.nodes.names))
        else:
            batch = []
            for _ in range(r.choice([1, 1, 3])):
                labels = {Z: f"z{r.randrange(4)}"} if r.random() < 0.8 else {}
                batch.append({"metadata": {"name": f"n{made}", "labels": labels}})
                made += 1
            c.add_objects(nodes=batch)
        assert order(c) == _tree_order(c)
