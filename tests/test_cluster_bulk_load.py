"""Bulk loading (``Cluster.from_objects`` with many pods: native extractor, columnar parse, lazy
PodInfos) gives exactly the cluster that adding the pods one at a time gives: same columns, ids,
PodInfos and errors."""
from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from kschedule.cluster import Cluster
from kschedule.errors import InvalidObject
from kschedule.objects.pod import _INFO_FIELDS, parse_pod


def _nodes(n):
    out = []
    for i in range(n):
        alloc = {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"}
        if i % 5 == 0:
            alloc["example.com/fpga"] = "2"
        md = {"name": f"n{i}", "labels": {"zone": f"z{i % 3}", "disk": "ssd" if i % 2 else "hdd"}}
        if i % 7 == 0:
            md["labels"].update({"alibabacloud.com/gpu-card-model": "V100"})
            alloc["alibabacloud.com/gpu-count"] = "2"
        spec = {}
        if i % 4 == 1:
            spec["taints"] = [{"key": "dedicated", "value": f"t{i % 3}", "effect": "NoSchedule"}]
        if i % 6 == 2:
            spec["unschedulable"] = True
            spec.setdefault("taints", []).append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
        images = [{"names": [f"img{k}", f"img{k}@sha"], "sizeBytes": 1000 * (k + 1) + i % 2} for k in range(i % 5)]
        conds = [{"type": "Ready", "status": "False" if i % 9 == 3 else "True"}]
        out.append({"kind": "Node", "metadata": md, "spec": spec,
                    "status": {"allocatable": alloc, "images": images, "conditions": conds}})
    return out


def _pods(n, n_nodes, seed=0):
    rng = random.Random(seed)
    out = []
    for j in range(n):
        kind = rng.randrange(12)
        req = {"cpu": f"{rng.randrange(1, 4000)}m", "memory": f"{rng.randrange(1, 4096)}Mi"}
        c = {"name": "app", "image": f"img{kind}", "resources": {"requests": req}}
        spec = {"containers": [c], "tolerations": [{"key": "k", "operator": "Exists"}]}
        md = {"name": f"p{j}", "namespace": f"ns{j % 4}", "labels": {"app": f"a{kind}", "tier": str(j % 3)}}
        obj = {"kind": "Pod", "metadata": md, "spec": spec}
        if kind == 1:
            spec["containers"].append({"name": "side", "image": "s", "resources": {"requests": {"cpu": "50m"}}})
        elif kind == 2:
            spec["initContainers"] = [{"name": "i", "image": "b", "resources": {"requests": {"cpu": "2"}}}]
        elif kind == 3:
            spec["overhead"] = {"memory": "10Mi"}
        elif kind == 4:
            req["cpu"] = rng.choice([1, 2, "1", "0"])  # an int quantity (YAML), explicit zero
        elif kind == 5:
            req["example.com/fpga"] = "1"
            req["ephemeral-storage"] = "1Gi"
            c["resources"]["limits"] = {"example.com/fpga": "1"}  # extended resources cannot be overcommitted
        elif kind == 6:
            c["ports"] = [{"containerPort": 80, "hostPort": 8000 + j % 3}]
        elif kind == 7:
            md["annotations"] = {"alibabacloud.com/gpu-milli": "500", "alibabacloud.com/gpu-count": "1"}
        elif kind == 8:
            spec["priorityClassName"] = rng.choice(["high", "low"])
            md.pop("labels")
        elif kind == 9:
            md["ownerReferences"] = [{"kind": "ReplicaSet", "name": f"rs{j % 5}", "controller": True}]
        elif kind == 10:
            obj["status"] = {"phase": rng.choice(["Succeeded", "Running", "Pending"])}
        elif kind == 11:
            c["resources"] = {}
        if rng.random() < 0.8:
            spec["nodeName"] = f"n{rng.randrange(n_nodes)}"
        out.append(obj)
    return out


PCS = [{"kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000},
       {"kind": "PriorityClass", "metadata": {"name": "low"}, "value": -5, "globalDefault": True}]


def _one_by_one(nodes, pods):
    c = Cluster.from_objects(priority_classes=PCS)
    for n in nodes:
        c.add_node(n)
    for p in pods:
        c.add_pod(p)
    return c


def _snapshot(c: Cluster) -> dict:
    out = {}
    for prefix, t in (("nodes", c.nodes), ("pods", c.pods)):
        for name in t._columns:
            out[f"{prefix}.{name}"] = np.array(getattr(t, name)).tolist()
    # Spec ids index per-load lists: compare the scheduling fields they stand for.
    fields = [i for i, f in enumerate(_INFO_FIELDS) if f not in ("priority", "requests", "nonzero")]
    out["pods.spec"] = [tuple(c.pods.infos.specs[i][f] for f in fields) for i in c.pods.spec.tolist()]
    out["keys"] = list(c.pods.keys)
    out["index"] = dict(c.pods.index)
    out["infos"] = list(c.pods.infos)
    out["node_pods"] = [set(s) for s in c.nodes.pods]
    out["ports"] = [dict(u) for u in c.nodes.used_ports]
    out["terminated"] = list(c.terminated)
    for k in ("resources", "taints", "namespaces", "owners", "images", "gpu_models"):
        out[k] = list(getattr(c, k).values)
    out["label_keys"] = list(c.labels.keys.values)
    out["label_values"] = [list(v.values) for v in c.labels.values]
    out["node_infos"] = list(c.nodes.infos)
    out["image_nodes"] = [dict(d) for d in c.image_nodes]
    out["image_size"] = dict(c.image_size)
    out["tree"] = {z: list(v) for z, v in c.node_tree.items()}
    out["node_version"] = c.node_version
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bulk_load_equals_one_pod_at_a_time(seed):
    nodes, pods = _nodes(15), _pods(400, 15, seed)
    bulk = Cluster.from_objects(nodes=nodes, pods=pods, priority_classes=PCS)
    ref = _one_by_one(nodes, pods)
    a, b = _snapshot(bulk), _snapshot(ref)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], k


def test_lazy_infos_equal_parse_pod_and_are_kept():
    nodes, pods = _nodes(15), _pods(300, 15, 3)
    c = Cluster.from_objects(nodes=nodes, pods=pods, priority_classes=PCS)
    by_key = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in pods}
    for i in (0, 17, len(c.pods) - 1):
        pi = c.pods.infos[i]
        assert pi is c.pods.infos[i]  # built once
        want = parse_pod(by_key[c.pods.keys[i]])
        want.priority = int(c.pods.priority[i])
        assert pi == want
    # Removal swaps rows: the moved pod keeps its info.
    last_key = c.pods.keys[-1]
    c.remove_pod(c.pods.keys[5])
    assert c.pods.infos[5].key == last_key
    assert len(c.pods.infos) == len(c.pods)


def test_bulk_errors_and_state_unchanged():
    nodes, pods = _nodes(5), _pods(200, 5, 4)
    c = Cluster.from_objects(nodes=nodes, pods=pods[:100], priority_classes=PCS)
    before = _snapshot(c)
    cases = []
    bad = copy.deepcopy(pods[150:])
    bad[30]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "1.5.0"}}
    cases.append((bad, bad[30]["metadata"]["namespace"] + "/" + bad[30]["metadata"]["name"],
                  "spec.containers[0].resources.requests.cpu"))
    bad = copy.deepcopy(pods[150:])
    # a limit below its request: limits are not in the shape key, so this pod shares a parse with others
    bad[35]["spec"]["containers"][0]["resources"]["limits"] = {"cpu": "0"}
    bad[35]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "1"
    cases.append((bad, bad[35]["metadata"]["namespace"] + "/" + bad[35]["metadata"]["name"],
                  "spec.containers[0].resources.requests"))
    bad = copy.deepcopy(pods[150:])
    bad[40]["spec"]["priorityClassName"] = "missing"
    cases.append((bad, bad[40]["metadata"]["namespace"] + "/" + bad[40]["metadata"]["name"], "spec.priorityClassName"))
    bad = copy.deepcopy(pods[150:])
    bad[10]["metadata"]["name"] = pods[3]["metadata"]["name"]
    bad[10]["metadata"]["namespace"] = pods[3]["metadata"]["namespace"]
    cases.append((bad, bad[10]["metadata"]["namespace"] + "/" + bad[10]["metadata"]["name"], "metadata.name"))
    for objs, name, field in cases:
        with pytest.raises(InvalidObject) as e:
            c.add_pods(objs)
        assert (e.value.name, e.value.field) == (name, field)
        after = _snapshot(c)
        for k in before:
            assert after[k] == before[k], k


def _node_variants():
    base = _nodes(8)[1]
    edits = [
        lambda o: None,
        lambda o: o.update(kind="Pod"),
        lambda o: o.update(spec=None),
        lambda o: o.update(spec=[]),
        lambda o: o.update(status=None),
        lambda o: o["metadata"].update(name="Bad_Name"),
        lambda o: o["metadata"].update(name=""),
        lambda o: o["metadata"].update(labels={"bad key!": "v"}),
        lambda o: o["metadata"].update(labels={"k": 1}),
        lambda o: o["metadata"].update(labels=None),
        lambda o: o["spec"].update(unschedulable=None),
        lambda o: o["spec"].update(unschedulable="yes"),
        lambda o: o["spec"].update(taints="x"),
        lambda o: o["spec"].update(taints=[]),
        lambda o: o["spec"].update(taints=[{"key": "k", "effect": "Bad"}]),
        lambda o: o["spec"].update(taints=[{"key": "k", "effect": "NoSchedule"}, {"key": "k", "effect": "NoSchedule"}]),
        lambda o: o["status"].update(allocatable=None, capacity={"cpu": "2", "memory": "1Gi"}),
        lambda o: o["status"].update(capacity={"cpu": "x"}),
        lambda o: o["status"]["allocatable"].update(cpu=2),
        lambda o: o["status"]["allocatable"].update(cpu=True),
        lambda o: o["status"]["allocatable"].update(cpu="-1"),
        lambda o: o["status"]["allocatable"].update(cpu=[1]),
        lambda o: o["status"]["allocatable"].update({"alibabacloud.com/gpu-count": "99"}),
        lambda o: o["status"].update(images=[{"names": ["a", None], "sizeBytes": 5}]),
        lambda o: o["status"].update(images=[{"names": ["a"], "sizeBytes": -5}]),
        lambda o: o["status"].update(images=[{"names": ["a"], "sizeBytes": True}]),
        lambda o: o["status"].update(images=[{"names": ["a"], "sizeBytes": None}]),
        lambda o: o["status"].update(images=[{"names": ["a"]}, "x"]),
        lambda o: o["status"].update(images=[{"names": "a"}]),
        lambda o: o["status"].update(images=[{"names": [["a"]]}]),
        lambda o: o["status"].update(conditions=[{"type": "Ready", "status": "Unknown"}]),
        lambda o: o["status"].update(conditions=["x"]),
        lambda o: o["status"].update(conditions={}),
    ]
    out = []
    for edit in edits:
        for _ in range(2):  # the second one hits the caches the first filled
            o = copy.deepcopy(base)
            edit(o)
            out.append(o)
    return out + ["not a node", None]


def test_node_short_path_agrees_with_the_general_parser():
    from kschedule.objects import node as nodemod

    def outcome(fn, obj):
        try:
            return fn(obj)
        except InvalidObject as e:
            return ("error", e.kind, e.name, e.field, e.message)

    def general(obj):
        try:
            return nodemod._parse_node(obj)
        except nodemod.FieldError as e:
            raise e.at("Node", nodemod.object_name(obj)) from None

    for obj in _node_variants():
        assert outcome(nodemod.parse_node, obj) == outcome(general, obj), obj


@pytest.mark.parametrize("odd", [[1], 1, 1.0, True, "-1", "1E30", "1.5.0", None, "0", ""])
def test_bulk_quantities_of_a_known_shape(odd):
    """Pods of one plain shape whose quantities the bulk path cannot take go through the general parser."""
    from kschedule.objects.pod import parse_pods

    def mk(j, cpu):
        return {"metadata": {"name": f"q{j}"}, "spec": {"containers": [
            {"name": "app", "image": "x", "resources": {"requests": {"cpu": cpu, "memory": f"{j + 1}Mi"}}}]}}

    objs = [mk(j, f"{j + 1}m") for j in range(80)]
    objs[40] = mk(40, odd)
    objs[70] = mk(70, odd)
    got = parse_pods(objs)
    for obj, pi in zip(objs, got):
        try:
            want = parse_pod(obj)
        except InvalidObject:
            assert pi is None
        else:
            assert pi == want
