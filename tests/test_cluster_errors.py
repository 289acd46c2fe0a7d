"""Bad input to ``Cluster`` raises ``InvalidObject`` naming the object and the field path, and leaves
the cluster exactly as it was (every column, every lookup table, every interner, ``version``)."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kschedule.cluster import Cluster
from kschedule.errors import InvalidObject

QUANTITY_RE = "quantities must match the regular expression"


def node(name, cpu="4", memory="8Gi", **extra):
    o = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
         "status": {"capacity": {"cpu": cpu, "memory": memory, "pods": "110"}}}
    o.update(extra)
    return o


def pod(name, ns="default", node_name=None, requests=None, limits=None, **spec):
    c = {"name": "app", "image": "nginx:1.25"}
    if requests is not None:
        c["resources"] = {"requests": requests}
        if limits is not None:
            c["resources"]["limits"] = limits
    sp = {"containers": [c], **spec}
    if node_name:
        sp["nodeName"] = node_name
    md = {"name": name}
    if ns is not None:
        md["namespace"] = ns
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": sp}


def state(c: Cluster) -> dict:
    """Everything a mutation could touch, copied."""
    nt, pt = c.nodes, c.pods
    cols = {}
    for t, prefix in ((nt, "nodes"), (pt, "pods")):
        for name in t._columns:
            cols[f"{prefix}.{name}"] = np.array(getattr(t, name), copy=True)
    return {
        "cols": cols, "len": (len(nt), len(pt)),
        "node_names": list(nt.names), "node_index": dict(nt.index), "node_infos": [id(i) for i in nt.infos],
        "node_pods": [set(s) for s in nt.pods], "ports": [dict(u) for u in nt.used_ports],
        "pod_keys": list(pt.keys), "pod_index": dict(pt.index), "pod_infos": [id(i) for i in pt.infos],
        "interners": {k: list(getattr(c, k).values) for k in ("resources", "taints", "namespaces", "owners", "images")},
        "label_keys": list(c.labels.keys.values), "label_values": [list(v.values) for v in c.labels.values],
        "image_nodes": [dict(d) for d in c.image_nodes], "priority_classes": dict(c.priority_classes),
        "terminated": [id(p) for p in c.terminated], "other": list(c.other_objects),
        "tree": {z: list(v) for z, v in c.node_tree.items()}, "version": (c.version, c.node_version),
        "pending": c.pending(),
    }


def assert_same(a: dict, b: dict) -> None:
    assert a["cols"].keys() == b["cols"].keys()
    for k in a["cols"]:
        assert np.array_equal(a["cols"][k], b["cols"][k]), k
    assert {k: v for k, v in a.items() if k != "cols"} == {k: v for k, v in b.items() if k != "cols"}


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster.from_objects(
        nodes=[node("n1", spec={"taints": [{"key": "a", "effect": "NoSchedule"}]}), node("n2")],
        pods=[pod("web-0", node_name="n1", requests={"cpu": "1", "example.com/gpu": "1"},
                  limits={"example.com/gpu": "1"}),
              pod("web-1", ns="prod", requests={"memory": "1Gi"})],
        priority_classes=[{"metadata": {"name": "high"}, "value": 1000}])
    c.bind("prod/web-1", "n2")
    return c


def raises(c: Cluster, fn, *args, **kwargs) -> InvalidObject:
    before = state(c)
    with pytest.raises(InvalidObject) as e:
        fn(*args, **kwargs)
    assert_same(before, state(c))
    assert isinstance(e.value, ValueError)
    return e.value


# ------------------------------------------------------------------------------ quantities

def test_exact_message_for_a_malformed_cpu(cluster):
    e = raises(cluster, cluster.add_pod, pod("web-1", requests={"cpu": "1.5.0"}))
    assert str(e).startswith('Pod default/web-1: spec.containers[0].resources.requests.cpu: invalid quantity "1.5.0"')
    assert (e.kind, e.name, e.field) == ("Pod", "default/web-1", "spec.containers[0].resources.requests.cpu")


@pytest.mark.parametrize("res,bad,field,msg", [
    ("cpu", "1.5.0", "requests.cpu", 'invalid quantity "1.5.0": ' + QUANTITY_RE),
    ("cpu", "abc", "requests.cpu", 'invalid quantity "abc": ' + QUANTITY_RE),
    ("memory", [], "requests.memory", "invalid quantity []: must be a string or a number, not list"),
    ("memory", {}, "requests.memory", "invalid quantity {}: must be a string or a number, not dict"),
    ("memory", True, "requests.memory", "invalid quantity True: must be a string or a number, not bool"),
    ("memory", None, "requests.memory", "invalid quantity None"),
    ("cpu", float("nan"), "requests.cpu", 'invalid quantity "nan": not a finite number'),
    ("cpu", "-1", "requests.cpu", 'Invalid value: "-1": must be greater than or equal to 0'),
    ("example.com/gpu", "1.5.0", 'requests["example.com/gpu"]', 'invalid quantity "1.5.0"'),
    ("ephemeral-storage", "10 Gi", "requests.ephemeral-storage", 'invalid quantity "10 Gi"'),
])
def test_malformed_pod_quantities(cluster, res, bad, field, msg):
    e = raises(cluster, cluster.add_pod, pod("p", ns="team-a", requests={"cpu": "100m", res: bad}))
    assert e.name == "team-a/p"
    assert e.field == "spec.containers[0].resources." + field
    assert e.message.startswith(msg)


def test_malformed_init_container_quantity(cluster):
    p = pod("p", ns="x")
    p["spec"]["initContainers"] = [{"name": "i0"}, {"name": "i1", "resources": {"requests": {"memory": "1Qi"}}}]
    e = raises(cluster, cluster.add_pod, p)
    assert str(e).startswith('Pod x/p: spec.initContainers[1].resources.requests.memory: invalid quantity "1Qi"')


@pytest.mark.parametrize("where", ["capacity", "allocatable"])
def test_malformed_node_quantities(cluster, where):
    n = node("n3")
    n["status"][where] = {"cpu": "4", "memory": "1.5.0"}
    e = raises(cluster, cluster.add_node, n)
    assert str(e).startswith(f'Node n3: status.{where}.memory: invalid quantity "1.5.0"')


def test_negative_node_allocatable(cluster):
    n = node("n3")
    n["status"]["allocatable"] = {"cpu": "-1"}
    e = raises(cluster, cluster.add_node, n)
    assert e.field == "status.allocatable.cpu" and "must be greater than or equal to 0" in e.message


# ------------------------------------------------------------------------------ wrong types

@pytest.mark.parametrize("mutate,field,msg", [
    (lambda p: p.update(spec=[]), "spec", "expected an object, got list"),
    (lambda p: p["spec"].update(containers={}), "spec.containers", "expected a list, got dict"),
    (lambda p: p["spec"].update(containers=["nginx"]), "spec.containers[0]", "expected an object, got str"),
    (lambda p: p["spec"]["containers"][0].update(resources=[]), "spec.containers[0].resources",
     "expected an object, got list"),
    (lambda p: p["spec"]["containers"][0].update(resources={"requests": ["cpu"]}),
     "spec.containers[0].resources.requests", "expected an object, got list"),
    (lambda p: p["metadata"].update(labels={"app": 1}), "metadata.labels.app", "label value 1 is not a string"),
    (lambda p: p["metadata"].update(labels=["app"]), "metadata.labels", "expected an object, got list"),
    (lambda p: p["metadata"].update(labels={"bad key": "v"}), "metadata.labels", 'Invalid value: "bad key"'),
    (lambda p: p.update(metadata=[]), "metadata", "expected an object, got list"),
    (lambda p: p["spec"].update(tolerations={"key": "a"}), "spec.tolerations", "expected a list, got dict"),
    (lambda p: p["spec"].update(nodeSelector=["a"]), "spec.nodeSelector", "expected an object, got list"),
    (lambda p: p["spec"].update(priority="5"), "spec.priority", "expected an integer, got str"),
    (lambda p: p["spec"]["containers"][0].update(ports=[{"hostPort": "80"}]), "spec.containers[0].ports[0].hostPort",
     "expected an integer, got str"),
    (lambda p: p["spec"]["containers"][0].update(ports=[{"hostPort": 70000}]),
     "spec.containers[0].ports[0].hostPort", "Invalid value: 70000"),
    (lambda p: p["metadata"].update(ownerReferences={"kind": "ReplicaSet"}), "metadata.ownerReferences",
     "expected a list, got dict"),
    (lambda p: p.update(status=[]), "status", "expected an object, got list"),
    (lambda p: p["spec"]["containers"][0]["resources"]["requests"].update(pods="1"),
     "spec.containers[0].resources.requests.pods", 'Invalid value: "pods": must be a standard resource for containers'),
])
def test_pod_wrong_types(cluster, mutate, field, msg):
    p = pod("bad", ns="ns1", requests={"cpu": "1"})
    mutate(p)
    e = raises(cluster, cluster.add_pod, p)
    assert e.kind == "Pod" and e.field == field and e.message.startswith(msg)
    assert e.name in ("ns1/bad", "<unnamed>")  # metadata replaced by a list loses the name


@pytest.mark.parametrize("bad", ["nginx", None, [], 42])
def test_pod_not_an_object(cluster, bad):
    e = raises(cluster, cluster.add_pod, bad)
    assert e.kind == "Pod" and e.field == "" and e.message.startswith("expected an object")


@pytest.mark.parametrize("value", [[], {"a": "b"}])
def test_unhashable_label_value(cluster, value):
    e = raises(cluster, cluster.add_pod, {"metadata": {"name": "bad", "labels": {"app": value}},
                                          "spec": {"containers": []}})
    assert e.field == "metadata.labels.app"


@pytest.mark.parametrize("mutate,field,msg", [
    (lambda n: n.update(spec=[]), "spec", "expected an object, got list"),
    (lambda n: n.update(status="Ready"), "status", "expected an object, got str"),
    (lambda n: n.update(spec={"unschedulable": "yes"}), "spec.unschedulable", "expected a boolean, got str"),
    (lambda n: n.update(spec={"taints": {"key": "a"}}), "spec.taints", "expected a list, got dict"),
    (lambda n: n.update(spec={"taints": [{"key": "a", "effect": "Sometimes"}]}), "spec.taints[0].effect",
     'Unsupported value: "Sometimes"'),
    (lambda n: n["status"].update(images={}), "status.images", "expected a list, got dict"),
    (lambda n: n["status"].update(images=[{"names": ["x"], "sizeBytes": "1"}]), "status.images[0].sizeBytes",
     "expected a non-negative integer"),
    (lambda n: n["status"].update(capacity=["cpu"]), "status.capacity", "expected an object, got list"),
    (lambda n: n["metadata"]["labels"].update(zone=None), "metadata.labels.zone", "label value None is not a string"),
    (lambda n: n.update(kind="Pod"), "kind", "expected \"Node\", got 'Pod'"),
])
def test_node_wrong_types(cluster, mutate, field, msg):
    n = node("n3")
    mutate(n)
    e = raises(cluster, cluster.add_node, n)
    assert (e.kind, e.name, e.field) == ("Node", "n3", field)
    assert e.message.startswith(msg)


# ------------------------------------------------------------------------------ names

@pytest.mark.parametrize("md,msg", [
    ({}, "Required value"),
    ({"name": ""}, "Required value"),
    ({"name": 5}, "expected a string, got int"),
    ({"name": "Web_1"}, 'Invalid value: "Web_1": a lowercase RFC 1123 subdomain'),
    ({"name": "-web"}, 'Invalid value: "-web"'),
    ({"name": "a" * 254}, "Invalid value"),
])
def test_missing_and_invalid_names(cluster, md, msg):
    p = {"metadata": dict(md), "spec": {"containers": []}}
    e = raises(cluster, cluster.add_pod, p)
    assert e.field == "metadata.name" and e.message.startswith(msg)
    n = {"metadata": dict(md), "status": {"capacity": {"cpu": "1"}}}
    e = raises(cluster, cluster.add_node, n)
    assert e.kind == "Node" and e.field == "metadata.name" and e.message.startswith(msg)


def test_duplicate_node_names(cluster):
    e = raises(cluster, cluster.add_node, node("n1"))
    assert str(e) == 'Node n1: metadata.name: Duplicate value: "n1"'
    e = raises(cluster, cluster.add_objects, nodes=[node("n3"), node("n3")])
    assert str(e) == 'Node n3: metadata.name: Duplicate value: "n3"'


def test_duplicate_pods(cluster):
    e = raises(cluster, cluster.add_pod, pod("web-0"))
    assert str(e) == 'Pod default/web-0: metadata.name: Duplicate value: "web-0"'
    e = raises(cluster, cluster.add_pod, pod("web-0", ns=None))  # namespace defaults to "default"
    assert e.name == "default/web-0"
    e = raises(cluster, cluster.add_pods, [pod("a", ns="x"), pod("a", ns="x")])
    assert str(e) == 'Pod x/a: metadata.name: Duplicate value: "a"'
    cluster.add_pods([pod("a", ns="x"), pod("a", ns="y")])  # same name, other namespace: fine
    assert {"x/a", "y/a"} <= set(cluster.pods)


def test_pod_without_namespace_is_named_default(cluster):
    e = raises(cluster, cluster.add_pod, pod("web-1", ns=None, requests={"cpu": "1.5.0"}))
    assert e.name == "default/web-1"


# ------------------------------------------------------------------------------ references

def test_pod_bound_to_unknown_node(cluster):
    e = raises(cluster, cluster.add_pod, pod("p", node_name="n9"))
    assert str(e) == 'Pod default/p: spec.nodeName: node "n9" not found'


def test_unknown_priority_class(cluster):
    e = raises(cluster, cluster.add_pod, pod("p", priorityClassName="gold"))
    assert str(e) == "Pod default/p: spec.priorityClassName: no PriorityClass with name gold was found"


@pytest.mark.parametrize("obj,field,msg", [
    ({"metadata": {"name": "x"}, "value": "5"}, "value", "expected an integer, got '5'"),
    ({"metadata": {"name": "x"}}, "value", "expected an integer, got None"),
    ({"metadata": {"name": "x"}, "value": 1000000001}, "value",
     "Forbidden: maximum allowed value of a user defined priority is 1000000000"),
    ({"metadata": {}, "value": 1}, "metadata.name", "Required value"),
    ("high", "", "expected an object"),
])
def test_bad_priority_class(cluster, obj, field, msg):
    e = raises(cluster, cluster.add_objects, priority_classes=[obj], pods=[pod("p")])
    assert e.kind == "PriorityClass" and e.field == field and e.message == msg


@pytest.mark.parametrize("call", [
    lambda c: c.bind("default/nope", "n1"),
    lambda c: c.bind("default/web-0", "n2"),  # already bound
    lambda c: c.bind("prod/web-1", "n9"),
    lambda c: c.unbind("default/nope"),
    lambda c: c.remove_pod("nope"),
    lambda c: c.remove_node("n9"),
    lambda c: c.node_of("default/nope"),
    lambda c: c.bind(42, "n1"),
])
def test_bad_references(cluster, call):
    raises(cluster, call, cluster)


def test_unbind_pending_and_already_bound_messages(cluster):
    cluster.add_pod(pod("idle"))
    e = raises(cluster, cluster.unbind, "default/idle")
    assert str(e) == "Pod default/idle: spec.nodeName: not bound"
    e = raises(cluster, cluster.bind, "default/web-0", "n2")
    assert str(e) == 'Pod default/web-0: spec.nodeName: already bound to node "n1"'


# ------------------------------------------------------------------------------ atomic batches

def test_batch_with_only_the_last_object_bad(cluster):
    good_nodes = [node("n3"), node("n4", spec={"taints": [{"key": "new", "effect": "NoExecute"}]},
                                   metadata={"name": "n4", "labels": {"brand-new-key": "v"}})]
    good_pods = [pod("q1", ns="fresh-ns", node_name="n3", requests={"cpu": "1", "vendor.io/fpga": "2"},
                     limits={"vendor.io/fpga": "2"}),
                 pod("q2", node_name="n1", priorityClassName="urgent"), pod("q3")]
    bad = pod("q4", requests={"cpu": "abc"})
    pcs = [{"metadata": {"name": "urgent"}, "value": 10}]
    e = raises(cluster, cluster.add_objects, nodes=good_nodes, pods=good_pods + [bad], priority_classes=pcs)
    assert e.name == "default/q4"
    # the last node bad: no pod (even one on an old node) and no PriorityClass applied
    e = raises(cluster, cluster.add_objects, nodes=good_nodes + [node("n5", cpu="x")],
               pods=[pod("q2", node_name="n1")], priority_classes=pcs)
    assert e.name == "n5"
    # the last PriorityClass bad
    raises(cluster, cluster.add_objects, nodes=good_nodes, pods=good_pods[:1],
           priority_classes=pcs + [{"metadata": {"name": "z"}, "value": None}])
    # a pod bound to a node of the same batch is fine once the batch is valid
    cluster.add_objects(nodes=good_nodes, pods=good_pods, priority_classes=pcs)
    assert cluster.node_of("fresh-ns/q1") == "n3" and cluster.node_of("default/q2") == "n1"
    assert int(cluster.pods.priority[cluster.pods.index["default/q2"]]) == 10


def test_from_objects_and_load_raise_without_partial_cluster(tmp_path):
    objs = [node("n1"), pod("a", node_name="n1"), pod("b", requests={"memory": "1.5.0"})]
    with pytest.raises(InvalidObject, match=r"^Pod default/b: spec\.containers\[0\]\.resources\.requests\.memory"):
        Cluster.from_objects(objects=objs)
    with pytest.raises(InvalidObject):
        Cluster.load(objs)


@pytest.mark.parametrize("src,kind,msg", [
    ("a: [1, 2\nb: 3\n", "file", "cannot parse"),
    ('{"kind": "List", "items": [}', "file", "cannot parse"),
    ("--- 5\n--- {kind: Node, metadata: {name: a}}\n", "document", "expected an object, got int"),
    ("- 1\n- 2\n", "document", "expected an object, got int"),  # a top-level YAML list is split into documents
    ({"kind": "List", "items": {"a": 1}}, "List", "expected a list"),
    ("missing-file.yaml", "file", "no such file"),
    (3.5, "input", "expected a path"),
])
def test_unreadable_input(src, kind, msg):
    with pytest.raises(InvalidObject) as e:
        Cluster.load(src)
    assert e.value.kind == kind and msg in e.value.message


# ------------------------------------------------------------------------------ property

CORRUPTIONS = [
    ("pod", lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(cpu="1.5.0"),
     "spec.containers[0].resources.requests.cpu"),
    ("pod", lambda o: o["spec"]["containers"][0]["resources"]["requests"].update(memory=[]),
     "spec.containers[0].resources.requests.memory"),
    ("pod", lambda o: o["spec"].update(containers={}), "spec.containers"),
    ("pod", lambda o: o["metadata"].update(labels={"k": 7}), "metadata.labels.k"),
    ("pod", lambda o: o["spec"].update(nodeName="ghost"), "spec.nodeName"),
    ("pod", lambda o: o["spec"].update(priorityClassName="ghost"), "spec.priorityClassName"),
    ("pod", lambda o: o["metadata"].update(name="Bad_Name"), "metadata.name"),
    ("node", lambda o: o["status"]["capacity"].update(cpu="abc"), "status.capacity.cpu"),
    ("node", lambda o: o.update(spec=[]), "spec"),
    ("node", lambda o: o["metadata"].update(name="n1"), "metadata.name"),  # duplicate of an existing node
]


@settings(max_examples=60, deadline=None)
@given(n_nodes=st.integers(0, 3), n_pods=st.integers(0, 4), which=st.integers(0, 100),
       corruption=st.sampled_from(CORRUPTIONS))
def test_one_bad_object_anywhere_changes_nothing(n_nodes, n_pods, which, corruption):
    c = Cluster.from_objects(nodes=[node("n1"), node("n2")], pods=[pod("base", node_name="n2")])
    kind, mutate, field = corruption
    nodes = [node(f"new-{i}", spec={"taints": [{"key": f"t{i}", "effect": "NoSchedule"}]}) for i in range(n_nodes)]
    pods = [pod(f"p{i}", ns=f"ns{i}", node_name=(nodes[i % n_nodes]["metadata"]["name"] if n_nodes else "n1"),
                requests={"cpu": "100m", "memory": "1Gi", f"ext.io/r{i}": "1"}, limits={f"ext.io/r{i}": "1"})
            for i in range(n_pods)]
    if kind == "pod":
        pods.insert(which % (len(pods) + 1), pod("victim", ns="v", requests={"cpu": "1", "memory": "1Gi"}))
        victim = next(p for p in pods if p["metadata"]["name"] == "victim")
    else:
        nodes.insert(which % (len(nodes) + 1), node("victim"))
        victim = next(n for n in nodes if n["metadata"]["name"] == "victim")
    mutate(victim)
    snapshot_objs = copy.deepcopy((nodes, pods))
    e = raises(c, c.add_objects, nodes=nodes, pods=pods)
    assert e.kind == kind.capitalize() and e.field == field
    assert (nodes, pods) == snapshot_objs  # the input is not modified either
