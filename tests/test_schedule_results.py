"""Scheduler.schedule results and the bulk paths around the kernel: the PlacementList it returns
behaves as the list of Placements; a batch gives exactly what scheduling its pods one call at a time
in queue order gives (and what the generic kernel path gives), whatever mix of templates, profiles,
PreFilterResults, host ports, unbound pods with spec.nodeName and input forms; bad input raises
with the cluster and the scheduler's rng unchanged; node pod sets stay exact after bulk binds."""
import copy
import random

import numpy as np
import pytest

import kschedule as ks
from kschedule.errors import InvalidObject
from kschedule.framework.profile import Profiles
from kschedule.scheduler import Placement, PlacementList

CFG = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration", "profiles": [
    {"schedulerName": "default-scheduler"},
    {"schedulerName": "packer", "plugins": {"score": {"disabled": [{"name": "NodeResourcesBalancedAllocation"}]}},
     "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}]}
PCS = [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "hi"}, "value": 1000},
       {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "lo"}, "value": -5}]


def node(name, cpu="4", mem="8Gi", pods="110", **labels):
    return {"kind": "Node", "metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": pods}}}


def pod(name, cpu="1", mem="1Gi", ns="default", **spec):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}}], **spec}}


# ---------------------------------------------------------------- random workloads
def random_node(r, i):
    labels = {"topology.kubernetes.io/zone": f"z{r.randrange(3)}", "disk": r.choice(["ssd", "hdd"])}
    taints = [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}] if r.random() < 0.2 else []
    if r.random() < 0.15:
        taints.append({"key": "soft", "value": "y", "effect": "PreferNoSchedule"})
    alloc = {"cpu": str(r.choice([2, 4, 8])), "memory": f"{r.choice([4, 8, 16])}Gi",
             "pods": str(r.choice([3, 10, 110]))}
    if r.random() < 0.3:
        alloc["example.com/foo"] = str(r.choice([1, 2, 4]))
    images = [{"names": [f"img{k}:v1"], "sizeBytes": 300 << 20} for k in range(3) if r.random() < 0.5]
    return {"kind": "Node", "metadata": {"name": f"n{i}", "labels": labels},
            "spec": {"taints": taints, "unschedulable": r.random() < 0.05},
            "status": {"allocatable": alloc, "images": images}}


def random_template(r, num_nodes):
    spec = {}
    if r.random() < 0.2:
        spec["tolerations"] = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
    if r.random() < 0.2:
        spec["nodeSelector"] = {"disk": "ssd"}
    if r.random() < 0.1:  # a PreFilterResult: the pod is evaluated alone, on one node
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [f"n{r.randrange(num_nodes)}"]}]}]}}}
    elif r.random() < 0.15:
        spec["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 5, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["hdd"]}]}}]}}
    if r.random() < 0.1:
        spec["priorityClassName"] = r.choice(["hi", "lo"])
    if r.random() < 0.1:
        spec["schedulerName"] = r.choice(["packer", "packer", "nope"])
    return {"cpu": f"{r.choice([100, 250, 500, 1000, 1500])}m", "mem": f"{r.choice([128, 256, 512, 1024])}Mi",
            "spec": spec, "ports": r.random() < 0.08, "foo": r.random() < 0.1, "image": f"img{r.randrange(4)}:v1"}


def random_pod(r, t, name, ns):
    req = {"cpu": t["cpu"], "memory": t["mem"]}
    if r.random() < 0.4:  # requests of its own: a spec parse of its own, or a vector spec
        req = {"cpu": f"{r.choice([50, 100, 200, 300, 700])}m", "memory": f"{r.choice([64, 128, 300])}Mi"}
    if t["foo"]:
        req["example.com/foo"] = "1"
    c = {"name": "c", "image": t["image"], "resources": {"requests": req}}
    if t["foo"]:  # an extended resource needs a limit equal to its request
        c["resources"]["limits"] = {"example.com/foo": "1"}
    if t["ports"]:
        c["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": {"containers": [c], **t["spec"]}}


def random_cluster(seed):
    """A cluster with pending pods of a few templates, and pods bound by spec.nodeName of which some
    are unbound again (they keep their nodeName)."""
    r = random.Random(seed)
    n = r.randrange(2, 10)
    nodes = [random_node(r, i) for i in range(n)]
    temps = [random_template(r, n) for _ in range(r.randrange(1, 6))]
    pods = []
    for k in range(r.randrange(0, 5)):
        p = random_pod(r, r.choice(temps), f"b{k}", "default")
        p["spec"]["nodeName"] = f"n{r.randrange(n)}"
        p["spec"].pop("schedulerName", None)
        pods.append(p)
    pods += [random_pod(r, r.choice(temps), f"p{k}", r.choice(["default", "ns"])) for k in range(r.randrange(1, 40))]
    c = ks.Cluster.from_objects(nodes, pods, priority_classes=PCS)
    for k in [k for k in c.pods.keys if k.startswith("default/b")]:
        if r.random() < 0.5:
            c.unbind(k)
    return c


def state(c: ks.Cluster, s: ks.Scheduler) -> dict:
    out = {}
    for t, prefix in ((c.nodes, "nodes"), (c.pods, "pods")):
        for name in t._columns:
            out[f"{prefix}.{name}"] = np.array(getattr(t, name)).tolist()
    out["node_pods"] = [list(x) for x in c.nodes.pods]  # iteration order included
    out["ports"] = [sorted(u.items()) for u in c.nodes.used_ports]
    out["keys"] = list(c.pods.keys)
    out["rng"] = (s.rng_state, s.start_index)
    out["version"] = c.version
    return out


def triples(results) -> list:
    return [(p.pod, p.node, p.message) for p in results]


# ---------------------------------------------------------------- PlacementList
def small():
    c = ks.Cluster.from_objects(nodes=[node("a", cpu="2"), node("b", cpu="1")],
                                pods=[pod("x", cpu="1500m"), pod("y", cpu="800m"), pod("z", cpu="3")])
    return c, ks.Scheduler(c, seed=0)


def test_placement_list_is_the_list_of_placements():
    c, s = small()
    res = s.schedule(["default/x", "default/y", "default/z"])
    want = [Placement("default/x", "a"), Placement("default/y", "b"),
            Placement("default/z", None, "0/2 nodes are available: 2 Insufficient cpu.")]
    assert isinstance(res, PlacementList)
    assert res == want and want == res and not (res != want)
    assert res != want[:2] and res != [*want[:2], Placement("default/z", "a")]
    assert (res == tuple(want)) is False  # a list is not equal to a tuple either
    assert len(res) == 3 and list(res) == want and res[1] == want[1] and res[-1] == want[2]
    assert res[0:2] == want[0:2] and res[::-1] == want[::-1] and isinstance(res[1:], list)
    with pytest.raises(IndexError):
        res[3]
    assert list(reversed(res)) == want[::-1]
    assert want[2] in res and res.index(want[1]) == 1 and res.count(want[0]) == 1
    assert res + [want[0]] == want + [want[0]] and [want[0]] + res == [want[0]] + want
    assert repr(res) == f"PlacementList({want!r})"
    (x, y, z) = res
    assert (x.node, y.node, z.node) == ("a", "b", None)
    assert res.pods == ["default/x", "default/y", "default/z"]
    assert res.nodes == ["a", "b", None]
    assert res.node_names == ("a", "b")
    assert res.node_index.dtype == np.int32 and res.node_index.tolist() == [0, 1, -1]
    with pytest.raises(ValueError):
        res.node_index[0] = 1
    # Built on access, nothing kept: equal new objects each time.
    assert res[0] == res[0] and res[0] is not res[0]
    with pytest.raises(TypeError):
        hash(res)


def test_placement_list_keeps_the_names_of_its_call():
    c, s = small()
    res = s.schedule(["default/x"])
    c.add_node(node("c"))
    c.unbind("default/x")
    c.remove_node("a")  # node rows change; the result does not
    assert res == [Placement("default/x", "a")] and res.nodes == ["a"]


def test_failure_messages_are_those_of_the_call_even_when_read_later():
    # Texts of failed pods are made on first read; they must still describe the cluster as it was
    # when the batch ran (3 nodes, its resources), not after a node joins with a new resource, and
    # equal the texts read at once.
    def run(read_at_once):
        cluster = ks.Cluster.from_objects(nodes=[node("a", cpu="1"), node("b", cpu="1"), node("c", cpu="2")])
        res = ks.Scheduler(cluster).schedule([pod("big", cpu="3"), pod("fits", cpu="1"), pod("huge", cpu="5")])
        early = [p.message for p in res] if read_at_once else None
        joining = node("d", cpu="16")
        joining["status"]["allocatable"]["example.com/foo"] = "4"  # a new resource row too
        cluster.add_objects(nodes=[joining])
        assert res.nodes[0] is None and res.nodes[1] is not None and res.nodes[2] is None
        return early, [p.message for p in res]
    early, at_once = run(True)
    _, later = run(False)
    assert early == at_once == later
    assert later[0] == later[2] == "0/3 nodes are available: 3 Insufficient cpu."
    assert later[1] is None



def test_unread_failure_messages_do_not_keep_the_cluster_alive():
    # A result whose texts are not read yet holds what they need, not the scheduler or the
    # cluster: dropping a cluster frees it even while an old result is kept.
    import gc
    import weakref
    cluster = ks.Cluster.from_objects(nodes=[node("a", cpu="1")])
    sched = ks.Scheduler(cluster)
    res = sched.schedule([pod("big", cpu="3"), pod("fits", cpu="1")])
    gone_cluster, gone_sched = weakref.ref(cluster), weakref.ref(sched)
    del cluster, sched
    gc.collect()
    assert gone_cluster() is None and gone_sched() is None
    assert [p.message for p in res] == ["0/1 nodes are available: 1 Insufficient cpu.", None]


def test_keys_at_checks_type_and_text_of_every_item():
    from kschedule import _core
    keys = ["default/a", "default/b", "default/c", "ns/é", "ns/\U0001F600"]
    assert _core.keys_at(["default/b", "default/c"], keys, 1)
    assert _core.keys_at(["".join(["ns/", "é"]), "ns/\U0001F600"], keys, 3)  # equal, not identical
    assert _core.keys_at([], keys, 5)
    assert not _core.keys_at(["default/b", "default/x"], keys, 1)
    assert not _core.keys_at(["default/c", "ns/é", "ns/\U0001F600", "more"], keys, 2)  # past the end
    assert not _core.keys_at(["default/a"], keys, -1) and not _core.keys_at(["default/a"], keys, 6)

    class Key(str):
        pass
    assert not _core.keys_at(["default/a", Key("default/b")], keys, 0)  # only exact str
    assert not _core.keys_at(["default/a", {"metadata": {}}], keys, 0)


def test_copy_if_keys_at_copies_exactly_when_keys_at_holds():
    from kschedule import _core
    keys = ["default/a", "default/b", "default/c", "ns/é"]
    items = ["default/b", "default/c"]
    out = _core.copy_if_keys_at(items, keys, 1)
    assert out == items and out is not items and all(x is y for x, y in zip(out, items))
    assert _core.copy_if_keys_at([], keys, 4) == []
    for bad, start in ((["default/b", "default/x"], 1), (["default/c", "ns/é", "more"], 2), (["default/a"], -1),
                       (["default/a", {"metadata": {}}], 0)):
        assert _core.copy_if_keys_at(bad, keys, start) is None
        assert not _core.keys_at(bad, keys, start)


def test_schedule_keeps_a_copy_of_a_key_list():
    cluster = ks.Cluster.from_objects(nodes=[{"kind": "Node", "metadata": {"name": "n0"},
                                              "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "10"}}}],
                                      pods=[pod("a", cpu="1"), pod("b", cpu="1")])
    keys = ["default/a", "default/b"]
    res = ks.Scheduler(cluster).schedule(keys)
    keys[0] = "default/changed"
    assert [p.pod for p in res] == ["default/a", "default/b"]
    assert [p.node for p in res] == ["n0", "n0"]


def test_keys_of_another_type_take_the_general_path():
    # str subclasses equal to the keys are not keys here (as before the C check): the pod parser
    # rejects them, whatever their position.
    import numpy as np
    c, s = small()
    for bad in (["default/x", np.str_("default/y")], [np.str_("default/x"), "default/y"]):
        with pytest.raises(InvalidObject, match="expected an object"):
            s.schedule(bad)
    assert [p.node for p in s.schedule(["default/x", "default/y"])] == ["a", "b"]  # nothing was bound


def test_take_names():
    from kschedule import _core
    names = ("a", "b", "c")
    assert _core.take_names(names, np.array([2, -1, 0, 0], np.int32)) == ["c", None, "a", "a"]
    assert _core.take_names(names, np.zeros(0, np.int32)) == []
    for bad in ([3], [-2]):
        with pytest.raises(IndexError):
            _core.take_names(names, np.array(bad, np.int32))
    with pytest.raises(TypeError):
        _core.take_names(names, np.array([0], np.int64))

def test_empty_batch():
    c, s = small()
    res = s.schedule([])
    assert res == [] and len(res) == 0 and res.nodes == [] and res.node_index.tolist() == []


def test_schedule_accepts_any_iterable_once():
    c, s = small()
    res = s.schedule(k for k in ["default/x", "default/y"])
    assert [p.node for p in res] == ["a", "b"]


# ---------------------------------------------------------------- exactness of the batch
@pytest.mark.parametrize("seed", range(60))
def test_batch_equals_pods_one_call_at_a_time(seed):
    """Each placement is bound before the next pod is evaluated: one batch gives what single-pod
    calls in PrioritySort order give (same rng and start index carried over)."""
    r = random.Random(1000 + seed)
    c1, c2 = random_cluster(seed), random_cluster(seed)
    s1 = ks.Scheduler(c1, Profiles.from_config(CFG), seed=seed)
    s2 = ks.Scheduler(c2, Profiles.from_config(CFG), seed=seed)
    keys = c1.pending()
    if seed % 2:
        r.shuffle(keys)
    batch = s1.schedule(keys)
    prio = [int(c2.pods.priority[c2.pods.index[k]]) for k in keys]
    single = {}
    for j in sorted(range(len(keys)), key=lambda j: -prio[j]):
        (p,) = s2.schedule([keys[j]])
        single[p.pod] = p
    assert batch == [single[k] for k in keys]
    after1, after2 = state(c1, s1), state(c2, s2)
    del after1["version"], after2["version"]  # bumped once per call that binds
    assert after1 == after2


@pytest.mark.parametrize("seed", range(30))
def test_batch_equals_the_generic_kernel_without_caches(seed):
    c1, c2 = random_cluster(seed), random_cluster(seed)
    s1 = ks.Scheduler(c1, Profiles.from_config(CFG), seed=seed)
    s2 = ks.Scheduler(c2, Profiles.from_config(CFG), seed=seed, dense_path=False, equivalence_cache=False)
    keys = c1.pending()
    assert s1.schedule(keys) == s2.schedule(keys)
    assert state(c1, s1) == state(c2, s2)


@pytest.mark.parametrize("seed", range(20))
def test_keys_in_row_order_short_names_and_dicts_agree(seed):
    """The key fast paths (consecutive rows, dict lookups) give what the general path gives."""
    clusters = [random_cluster(seed) for _ in range(3)]
    scheds = [ks.Scheduler(c, Profiles.from_config(CFG), seed=seed) for c in clusters]
    keys = clusters[0].pending()  # row order: consecutive rows when nothing moved
    extra = [pod("extra-a", cpu="100m"), pod("extra-b", cpu="100m", ns="ns")]
    for c in clusters[:2]:
        c.add_objects(pods=copy.deepcopy(extra))
    full = keys + ["default/extra-a", "ns/extra-b"]
    short = [k[len("default/"):] if k.startswith("default/") else k for k in full]
    out = [scheds[0].schedule(full), scheds[1].schedule(short), scheds[2].schedule(keys + copy.deepcopy(extra))]
    assert out[0] == out[1] == out[2]
    assert state(clusters[0], scheds[0]) == state(clusters[1], scheds[1]) == state(clusters[2], scheds[2])


# ---------------------------------------------------------------- errors
def bound_cluster():
    pods = [pod("p0"), pod("p1", nodeName="a"), pod("p2"), pod("p3", nodeName="b"), pod("p4")]
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b")], pods=pods)
    return c, ks.Scheduler(c, seed=5)


class Key(str):
    pass


@pytest.mark.parametrize("batch, message", [
    (["default/p0", "default/p2", "default/nope"], "Pod default/nope: not found"),
    (["default/nope", "default/p0"], "Pod default/nope: not found"),
    (["p0", "nope"], "Pod default/nope: not found"),
    (["default/p0", "default/p3", "default/p1"], 'Pod default/p3: spec.nodeName: already bound to node "b"'),
    (["default/p3", "default/p0"], 'Pod default/p3: spec.nodeName: already bound to node "b"'),
    (["p0", "p1"], 'Pod default/p1: spec.nodeName: already bound to node "a"'),
    (["default/p0", "default/p2", "default/p4"], 'Pod default/p4: spec.nodeName: already bound to node "a"'),
    (["default/p0", pod("new"), pod("q", nodeName="a")],
     "Pod default/q: spec.nodeName: already set: a pod with spec.nodeName is bound, not scheduled"),
    (["default/p0", pod("new"), "default/p1"], 'Pod default/p1: spec.nodeName: already bound to node "a"'),
])
def test_bad_batches_raise_and_change_nothing(batch, message):
    c, s = bound_cluster()
    s.schedule(["default/p4"])  # some state to keep
    before = state(c, s)
    with pytest.raises(InvalidObject) as e:
        s.schedule(batch)
    assert str(e.value) == message
    assert state(c, s) == before and "default/new" not in c.pods


def test_a_str_subclass_is_not_taken_for_a_key():
    # As before the key fast path: only exact strings are keys; anything else is parsed as a Pod.
    c, s = bound_cluster()
    before = state(c, s)
    with pytest.raises(InvalidObject):
        s.schedule([Key("default/p0"), Key("default/p2")])
    assert state(c, s) == before


# ---------------------------------------------------------------- spec.nodeName kept when unbound
def test_an_unbound_pod_keeps_its_node_name():
    c = ks.Cluster.from_objects(nodes=[node("a"), node("b", cpu="2")],
                                pods=[pod("named", nodeName="b"), pod("free"), pod("twin")])
    assert c.pods.has_node_name.tolist() == [1, 0, 0]
    c.unbind("default/named")
    s = ks.Scheduler(c, seed=0)
    # b is the fuller node: only NodeName sends the named pod there.
    res = s.schedule(["default/free", "default/named", "default/twin"])
    assert res.nodes == ["a", "b", "a"]
    c.unbind("default/named")
    c.remove_node("b")
    (r,) = s.schedule(["default/named"])
    assert r == Placement("default/named", None,
                          "0/1 nodes are available: 1 node(s) didn't match the requested node name.")


def test_has_node_name_moves_with_its_row():
    c = ks.Cluster.from_objects(nodes=[node("a")], pods=[pod("x"), pod("y"), pod("named", nodeName="a")])
    c.remove_pod("default/x")  # the last row (named) moves into row 0
    assert c.pods.keys[0] == "default/named" and c.pods.has_node_name.tolist() == [1, 0]


# ---------------------------------------------------------------- node pod sets after bulk binds
@pytest.mark.parametrize("seed", range(20))
def test_node_pod_sets_equal_binding_one_by_one(seed):
    c1, c2 = random_cluster(seed), random_cluster(seed)
    s1 = ks.Scheduler(c1, Profiles.from_config(CFG), seed=seed)
    res = s1.schedule(c1.pending())
    for p in res:  # the same binds, one Cluster.bind each, in batch order
        if p.node is not None:
            c2.bind(p.pod, p.node)
    assert [list(s) for s in c1.nodes.pods] == [list(s) for s in c2.nodes.pods]


@pytest.mark.parametrize("seed", range(20))
def test_node_pod_sets_follow_row_moves_after_bulk_binds(seed):
    r = random.Random(seed)
    c = random_cluster(seed)
    s = ks.Scheduler(c, Profiles.from_config(CFG), seed=seed)
    s.schedule(c.pending())
    for _ in range(6):  # mutations that renumber pod or node rows, before the sets were ever read
        op = r.random()
        if op < 0.4 and len(c.pods):
            c.remove_pod(r.choice(c.pods.keys))
        elif op < 0.6 and len(c.nodes) > 1:
            c.remove_node(r.choice(c.nodes.names))
        elif op < 0.8:
            bound = [k for k in c.pods.keys if c.node_of(k) is not None]
            if bound:
                c.unbind(r.choice(bound))
        else:
            s.schedule(c.pending())
        derived = [{i for i in range(len(c.pods)) if c.pods.node[i] == j} for j in range(len(c.nodes))]
        assert [set(x) for x in c.nodes.pods] == derived


# ---------------------------------------------------------------- caches across calls
@pytest.mark.parametrize("seed", range(24))
def test_caches_follow_node_changes_between_calls(seed):
    """A Scheduler keeps per-node-set work between calls (static classes and what they are made
    of: tolerations' taint results, image holders, NodeUnschedulable, the node order). After nodes
    come (new taints, images, zones, cordoned) and go, its next call equals a fresh Scheduler's
    carrying the same rng and start index."""
    r = random.Random(seed)
    c1, c2 = random_cluster(seed), random_cluster(seed)
    s1 = ks.Scheduler(c1, Profiles.from_config(CFG), seed=seed)
    s2 = ks.Scheduler(c2, Profiles.from_config(CFG), seed=seed)
    keys = c1.pending()
    first = keys[: len(keys) // 2]
    assert s1.schedule(first) == s2.schedule(first)
    joining = [random_node(r, 100 + i) for i in range(r.randrange(1, 4))]
    extra = node("fresh", cpu="8", mem="16Gi", **{"topology.kubernetes.io/zone": "z9"})
    extra["spec"] = {"taints": [{"key": "brand-new", "value": "v", "effect": r.choice(["NoSchedule", "PreferNoSchedule"])}],
                     "unschedulable": r.random() < 0.3}
    extra["status"]["images"] = [{"names": [f"img{k}:v1"], "sizeBytes": 900 << 20} for k in range(4)]
    gone = r.choice(c1.nodes.names)
    for c in (c1, c2):
        c.add_objects(nodes=copy.deepcopy(joining + [extra]))
        c.remove_node(gone)
    fresh = ks.Scheduler(c2, Profiles.from_config(CFG), seed=seed)
    fresh.rng_state, fresh.start_index = s2.rng_state, s2.start_index
    rest = c1.pending()
    assert triples(s1.schedule(rest)) == triples(fresh.schedule(rest))
    assert state(c1, s1) == state(c2, fresh)
