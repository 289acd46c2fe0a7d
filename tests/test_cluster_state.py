"""``Cluster`` mutations against a plain-Python model (hypothesis state machine).

Random sequences of add_node / remove_node / add_pod (bound or pending) / bind / unbind / remove_pod
are applied both to a :class:`kschedule.Cluster` and to a model made of dicts. After every step every
column is decoded by name (resource rows via ``cluster.resources.ids``, label and taint ids via the
interners) and compared with the model; ``Cluster.from_objects(**c.to_objects())`` must rebuild the
same columns.

The model computes pod requests itself from the generated integers (not from kschedule's parser):
per resource ``max(Σ regular + Σ sidecars, max_i use(init_i))`` as upstream ``PodRequests``, and the
non-zero requests with the scheduler defaults (``pkg/scheduler/util/pod_resources.go``:
100 millicores / 200Mi for every container, regular or init, that does not name cpu / memory).
Row order follows the documented contract: rows are appended, and a removal moves the last row into
the removed slot.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kschedule.cluster import Cluster, zone_key
from kschedule.errors import InvalidObject

Mi, Gi = 1 << 20, 1 << 30
DEF_CPU, DEF_MEM = 100, 200 * Mi
GPU = "example.com/gpu"
NODE_NAMES = [f"node-{i}" for i in range(6)]
POD_NAMES = [f"pod-{i}" for i in range(10)]
NAMESPACES = ["default", "kube-system"]
PRIORITY_CLASSES = {"high": 1000, "system-node-critical": 2000001000}

# ---------------------------------------------------------------------------------------------
# Quantities: an int in the column's unit and one of the spellings that denote it.


@st.composite
def cpu_quantity(draw, lo=0, hi=4000):
    m = draw(st.integers(lo, hi))
    forms = [f"{m}m"]
    if m % 1000 == 0:
        forms += [str(m // 1000), m // 1000]
    elif m % 100 == 0:
        forms.append(f"{m / 1000:g}")  # "0.5", "1.5"
    return m, draw(st.sampled_from(forms))


@st.composite
def memory_quantity(draw, hi_mi=4096):
    mi = draw(st.integers(0, hi_mi))
    forms = [f"{mi}Mi", str(mi * Mi), mi * Mi]
    if mi % 1024 == 0:
        forms.append(f"{mi // 1024}Gi")
    if (mi * Mi) % 1000 == 0:
        forms.append(f"{mi * Mi // 1000}k")  # decimal suffix
    return mi * Mi, draw(st.sampled_from(forms))


@st.composite
def count_quantity(draw, hi=4):
    n = draw(st.integers(0, hi))
    return n, draw(st.sampled_from([str(n), n]))


@st.composite
def storage_quantity(draw):
    g = draw(st.integers(0, 20))
    return g * Gi, draw(st.sampled_from([f"{g}Gi", str(g * Gi)]))


_REQ_STRATS = {"cpu": cpu_quantity(), "memory": memory_quantity(), "ephemeral-storage": storage_quantity(),
               GPU: count_quantity()}

# ---------------------------------------------------------------------------------------------
# Pods


@st.composite
def container(draw, name, allow_ports=True):
    """(container dict, {resource: int}, [(proto, ip, port)])."""
    names = draw(st.lists(st.sampled_from(sorted(_REQ_STRATS)), unique=True, max_size=4))
    req, raw = {}, {}
    for r in names:
        v, q = draw(_REQ_STRATS[r])
        req[r], raw[r] = v, q
    c = {"name": name, "image": draw(st.sampled_from(["nginx:1.25", "redis:7", "busybox:1.36"]))}
    if raw or draw(st.booleans()):
        res = {"requests": raw}
        if draw(st.booleans()):
            res["limits"] = dict(raw)
        elif GPU in raw:  # an extended resource cannot be overcommitted: its limit must equal the request
            res["limits"] = {GPU: raw[GPU]}
        c["resources"] = res
    ports, hp = [], []
    if allow_ports:
        for j in range(draw(st.integers(0, 2))):
            p = {"containerPort": 8000 + j}
            if draw(st.booleans()):
                port = draw(st.sampled_from([80, 443, 8080]))
                proto = draw(st.sampled_from([None, "TCP", "UDP"]))
                ip = draw(st.sampled_from([None, "", "127.0.0.1"]))
                p["hostPort"] = port
                if proto:
                    p["protocol"] = proto
                if ip is not None:
                    p["hostIP"] = ip
                hp.append((proto or "TCP", ip or "0.0.0.0", port))
            ports.append(p)
    if ports:
        c["ports"] = ports
    return c, req, hp


def _model_requests(regular, inits, defaults=None):
    """Upstream PodRequests over plain dicts; ``defaults`` fills missing keys per container."""
    def fill(r):
        if not defaults:
            return r
        return {**defaults, **r}

    total: dict = {}
    for r in regular:
        for k, v in fill(r).items():
            total[k] = total.get(k, 0) + v
    sidecars: dict = {}
    init_max: dict = {}
    for r, is_sidecar in inits:
        r = fill(r)
        if is_sidecar:
            for k, v in r.items():
                total[k] = total.get(k, 0) + v
                sidecars[k] = sidecars.get(k, 0) + v
            use = dict(sidecars)
        else:
            use = dict(r)
            for k, v in sidecars.items():
                use[k] = use.get(k, 0) + v
        for k, v in use.items():
            init_max[k] = max(init_max.get(k, v), v)
    for k, v in init_max.items():
        total[k] = max(total.get(k, v), v)
    return total


@st.composite
def pod_spec(draw):
    """A pod object without name/namespace/nodeName plus the model's expectations."""
    regular, inits, ports = [], [], []
    containers, init_containers = [], []
    for i in range(draw(st.integers(1, 3))):
        c, r, hp = draw(container(f"c{i}"))
        containers.append(c)
        regular.append(r)
        ports += hp
    for i in range(draw(st.integers(0, 2))):
        c, r, _ = draw(container(f"init{i}", allow_ports=False))
        sidecar = draw(st.integers(0, 4)) == 0
        if sidecar:
            c["restartPolicy"] = "Always"
        init_containers.append(c)
        inits.append((r, sidecar))
    spec = {"containers": containers}
    if init_containers:
        spec["initContainers"] = init_containers
    prio_kind = draw(st.sampled_from(["none", "value", "high", "system-node-critical"]))
    if prio_kind == "none":
        priority = 0
    elif prio_kind == "value":
        priority = draw(st.integers(-100, 10**9))
        spec["priority"] = priority
    else:
        spec["priorityClassName"] = prio_kind
        priority = PRIORITY_CLASSES[prio_kind]
    labels = draw(st.dictionaries(st.sampled_from(["app", "tier", "example.com/team"]),
                                  st.sampled_from(["web", "db", "", "a.b-c_d"]), max_size=3))
    owner = draw(st.sampled_from([None, ("ReplicaSet", "web-5d8f"), ("StatefulSet", "db"), ("Job", "batch-1")]))
    md = {"labels": labels} if labels else {}
    if owner:
        md["ownerReferences"] = [
            {"apiVersion": "v1", "kind": "Service", "name": "not-a-controller", "uid": "0"},
            {"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "uid": "1", "controller": True},
        ]
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}
    expect = {
        "requests": _model_requests(regular, inits),
        "nonzero": _model_requests(regular, inits, {"cpu": DEF_CPU, "memory": DEF_MEM}),
        "priority": priority, "labels": dict(labels), "owner": owner, "host_ports": ports,
    }
    return obj, expect


# ---------------------------------------------------------------------------------------------
# Nodes

TAINT_POOL = [("dedicated", "gpu", "NoSchedule"), ("spot", "true", "PreferNoSchedule"),
              ("maintenance", "", "NoExecute"), ("dedicated", "gpu", "NoExecute")]
IMAGE_POOL = [(("docker.io/library/nginx@sha256:aa11", "docker.io/library/nginx:1.25"), 70 * Mi),
              (("docker.io/library/redis:7",), 40 * Mi),
              (("registry.k8s.io/pause:3.9",), 300 * 1024)]


@st.composite
def node_spec(draw):
    alloc, raw = {}, {}
    cpu, cq = draw(cpu_quantity(1000, 64000))
    mem, mq = draw(memory_quantity(64 * 1024))
    alloc["cpu"], raw["cpu"] = cpu, cq
    alloc["memory"], raw["memory"] = mem, mq
    pods, pq = draw(count_quantity(110))
    alloc["pods"], raw["pods"] = pods, pq
    if draw(st.booleans()):
        alloc["ephemeral-storage"], raw["ephemeral-storage"] = draw(storage_quantity())
    for extra in ("example.com/gpu", "hugepages-2Mi"):
        if draw(st.booleans()):
            v, q = draw(count_quantity(8))
            alloc[extra], raw[extra] = v, q
    status = {}
    if draw(st.booleans()):
        status["allocatable"] = raw
        # capacity is validated but allocatable is what counts
        status["capacity"] = {k: (f"{v * 2}" if k != "cpu" else f"{v * 2}m") for k, v in alloc.items()}
    else:
        status["capacity"] = raw
    labels = {}
    zone = draw(st.sampled_from([None, "zone-a", "zone-b", "zone-c"]))
    if zone:
        labels["topology.kubernetes.io/zone"] = zone
    if draw(st.booleans()):
        labels["topology.kubernetes.io/region"] = draw(st.sampled_from(["r1", "r2"]))
    if draw(st.booleans()):
        labels["disktype"] = draw(st.sampled_from(["ssd", "hdd"]))
    taints = []
    for t in draw(st.lists(st.sampled_from(TAINT_POOL), unique_by=lambda t: (t[0], t[2]), max_size=3)):
        d = {"key": t[0], "effect": t[2]}
        if t[1]:
            d["value"] = t[1]
        taints.append(d)
    images = draw(st.lists(st.sampled_from(IMAGE_POOL), unique=True, max_size=3))
    if images:
        status["images"] = [{"names": list(n), "sizeBytes": s} for n, s in images]
    ready = draw(st.sampled_from([None, True, False]))
    if ready is not None:
        status["conditions"] = [{"type": "MemoryPressure", "status": "False"},
                                {"type": "Ready", "status": "True" if ready else "False"}]
    unsched = draw(st.sampled_from([None, False, True]))
    spec = {}
    if taints:
        spec["taints"] = taints
    if unsched is not None:
        spec["unschedulable"] = unsched
    obj = {"apiVersion": "v1", "kind": "Node", "metadata": {"labels": labels}, "spec": spec, "status": status}
    expect = {"alloc": alloc, "labels": dict(labels),
              "taints": [(d["key"], d.get("value", ""), d["effect"]) for d in taints],
              "unschedulable": bool(unsched), "ready": ready is not False,
              "images": {n: s for names, s in images for n in names}}
    return obj, expect


# ---------------------------------------------------------------------------------------------
# Decoding a cluster into plain Python, by name


def decode(c: Cluster) -> dict:
    """Every column of ``c`` decoded to names (resource, label, taint, node and pod names)."""
    res = c.resources.values
    R = len(res)
    K = len(c.labels.keys)
    n, p = len(c.nodes), len(c.pods)
    nt, pt = c.nodes, c.pods
    # The docstring promises (R, n) / (K, n); the buffers grow geometrically and the views currently
    # expose every allocated row (see test_documented_matrix_shapes). Rows past R / K must be blank.
    for m, rows, fill in ((nt.allocatable, R, 0), (nt.requested, R, 0), (pt.requests, R, 0),
                          (nt.label_values, K, -1), (pt.label_values, K, -1)):
        assert (m[rows:] == fill).all()
    assert nt.allocatable.shape[1] == nt.requested.shape[1] == nt.label_values.shape[1] == n
    assert pt.requests.shape[1] == pt.label_values.shape[1] == p
    assert nt.allocatable.shape[0] >= R and nt.requested.shape[0] >= R and pt.requests.shape[0] >= R
    assert nt.nonzero_requested.shape == (2, n) and pt.nonzero.shape == (2, p)
    assert nt.taint_ids.shape[0] == n and nt.taint_count.shape == (n,)
    for arr in (nt.unschedulable, nt.ready, nt.taint_count):
        assert arr.shape == (n,)
    for arr in (pt.node, pt.priority, pt.namespace, pt.owner):
        assert arr.shape == (p,)
    assert len(nt.names) == len(nt.infos) == len(nt.pods) == len(nt.used_ports) == n
    assert len(pt.keys) == len(pt.infos) == p

    def labels_of(lv, i):
        out = {}
        for k in range(min(K, lv.shape[0])):
            v = int(lv[k, i])
            if v >= 0:
                out[c.labels.keys[k]] = c.labels.value_of(k, v)
        return out

    nodes = []
    for i, name in enumerate(nt.names):
        assert nt.index[name] == i
        cnt = int(nt.taint_count[i])
        row = nt.taint_ids[i]
        assert (row[cnt:] == -1).all()
        taints = [c.taints[int(t)] for t in row[:cnt]]
        images = {}
        for iid, where in enumerate(c.image_nodes):
            if i in where:
                images[c.images[iid]] = where[i]
        nodes.append({
            "name": name,
            "alloc": {res[r]: int(nt.allocatable[r, i]) for r in range(R)},
            "requested": {res[r]: int(nt.requested[r, i]) for r in range(R)},
            "nonzero": (int(nt.nonzero_requested[0, i]), int(nt.nonzero_requested[1, i])),
            "unschedulable": bool(nt.unschedulable[i]),
            "ready": bool(nt.ready[i]),
            "labels": labels_of(nt.label_values, i),
            "taints": [(t.key, t.value, t.effect) for t in taints],
            "pods": sorted(pt.keys[j] for j in nt.pods[i]),
            "ports": dict(+nt.used_ports[i]),
            "images": images,
        })
    pods = []
    for j, key in enumerate(pt.keys):
        assert pt.index[key] == j
        node = int(pt.node[j])
        owner = int(pt.owner[j])
        pods.append({
            "key": key,
            "node": nt.names[node] if node >= 0 else None,
            "priority": int(pt.priority[j]),
            "namespace": c.namespaces[int(pt.namespace[j])],
            "owner": c.owners[owner] if owner >= 0 else None,
            "requests": {res[r]: int(pt.requests[r, j]) for r in range(R)},
            "nonzero": (int(pt.nonzero[0, j]), int(pt.nonzero[1, j])),
            "labels": labels_of(pt.label_values, j),
        })
    return {"nodes": nodes, "pods": pods, "pending": c.pending(),
            "tree": {z: list(v) for z, v in c.node_tree.items()},
            "order": [nt.names[int(i)] for i in c.node_order()]}


def _by_name(snapshot: dict) -> dict:
    """Row-order-free view: nodes and pods keyed by name, zero resource entries dropped (clusters
    that interned different resources compare equal)."""
    def nz(d):
        return {k: v for k, v in d.items() if v}

    return {
        "pending": sorted(snapshot["pending"]),
        "nodes": {n["name"]: {**n, "alloc": nz(n["alloc"]), "requested": nz(n["requested"])}
                  for n in snapshot["nodes"]},
        "pods": {p["key"]: {**p, "requests": nz(p["requests"])} for p in snapshot["pods"]},
    }


def tree_list(tree: dict) -> list:
    """Upstream nodeTree.list(): one node from each zone in turn (zones in first-seen order)."""
    zones = list(tree.values())
    out, depth = [], 0
    while len(out) < sum(map(len, zones)):
        out += [z[depth] for z in zones if depth < len(z)]
        depth += 1
    return out


# ---------------------------------------------------------------------------------------------
# The state machine


class ClusterMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.c = Cluster()
        pcs = [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                "value": 1000}]
        self.c.add_objects(priority_classes=pcs)
        self.nodes: dict = {}  # name -> expect
        self.node_rows: list = []
        self.pods: dict = {}  # key -> expect (+ "node")
        self.pod_rows: list = []
        self.tree: dict = {}
        self.resources = ["cpu", "memory", "ephemeral-storage", "pods"]
        self.version = self.c.version
        self.removed_nodes = False

    # -- helpers -------------------------------------------------------------------------------
    def _note_resources(self, names):
        for r in names:
            if r not in self.resources:
                self.resources.append(r)

    def _remove_row(self, rows: list, name) -> None:
        i = rows.index(name)
        rows[i] = rows[-1]
        rows.pop()

    def _expect_error(self, fn, *args):
        before = decode(self.c)
        with pytest.raises(InvalidObject):
            fn(*args)
        assert decode(self.c) == before

    def _bumped(self, what=None):
        if what:
            event(what)
        assert self.c.version > self.version
        self.version = self.c.version

    # -- rules ---------------------------------------------------------------------------------
    @rule(name=st.sampled_from(NODE_NAMES), spec=node_spec())
    def add_node(self, name, spec):
        obj, expect = spec
        obj["metadata"]["name"] = name
        obj["metadata"]["labels"]["kubernetes.io/hostname"] = name
        expect["labels"]["kubernetes.io/hostname"] = name
        if name in self.nodes:
            self._expect_error(self.c.add_node, obj)
            return
        self.c.add_node(obj)
        self._bumped("add_node")
        self.nodes[name] = expect
        self.node_rows.append(name)
        self.tree.setdefault(zone_key(expect["labels"]), []).append(name)
        self._note_resources(expect["alloc"])

    @rule(name=st.sampled_from(NODE_NAMES))
    def remove_node(self, name):
        if name not in self.nodes:
            self._expect_error(self.c.remove_node, name)
            return
        unbound = self.c.remove_node(name)
        self._bumped("remove_node")
        self.removed_nodes = True
        # returned in pod row order
        assert unbound == [k for k in self.pod_rows if self.pods[k]["node"] == name]
        for k in unbound:
            self.pods[k]["node"] = None
        zk = zone_key(self.nodes.pop(name)["labels"])
        self._remove_row(self.node_rows, name)
        self.tree[zk].remove(name)
        if not self.tree[zk]:
            del self.tree[zk]

    @rule(name=st.sampled_from(POD_NAMES), ns=st.sampled_from(NAMESPACES + [None]), spec=pod_spec(),
          data=st.data())
    def add_pod(self, name, ns, spec, data):
        obj, expect = spec
        obj["metadata"]["name"] = name
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        key = f"{ns or 'default'}/{name}"
        # mostly pending or bound to an existing node; now and then an unknown node
        bind_to = data.draw(st.sampled_from([None, None, "node-x"] + sorted(self.nodes) * 3))
        if bind_to is not None:
            obj["spec"]["nodeName"] = bind_to
        if key in self.pods or (bind_to is not None and bind_to not in self.nodes):
            event("add_pod rejected")
            self._expect_error(self.c.add_pod, obj)
            return
        self.c.add_pod(obj)
        self._bumped("add_pod bound" if bind_to else "add_pod pending")
        expect["node"] = bind_to
        expect["namespace"] = ns or "default"
        self.pods[key] = expect
        self.pod_rows.append(key)
        self._note_resources(expect["requests"])

    @precondition(lambda self: self.pods)
    @rule(data=st.data())
    def bind(self, data):
        pending = sorted(k for k, e in self.pods.items() if e["node"] is None)
        key = data.draw(st.sampled_from(pending * 4 + sorted(self.pods) + ["default/missing"]))
        node = data.draw(st.sampled_from(sorted(self.nodes) * 4 + ["node-x"]))
        if key not in self.pods or node not in self.nodes or self.pods[key]["node"] is not None:
            self._expect_error(self.c.bind, key, node)
            return
        self.c.bind(key, node)
        self._bumped("bind")
        self.pods[key]["node"] = node

    @precondition(lambda self: self.pods)
    @rule(data=st.data())
    def unbind(self, data):
        bound = sorted(k for k, e in self.pods.items() if e["node"] is not None)
        key = data.draw(st.sampled_from(bound * 4 + sorted(self.pods)))
        if self.pods[key]["node"] is None:
            self._expect_error(self.c.unbind, key)
            return
        # the three ways to name a pod: key, bare name for "default", the object
        how = data.draw(st.sampled_from(["key", "obj"] + (["name"] if key.startswith("default/") else [])))
        ref = {"key": key, "name": key.split("/", 1)[1],
               "obj": {"metadata": {"namespace": key.split("/")[0], "name": key.split("/")[1]}}}[how]
        self.c.unbind(ref)
        self._bumped("unbind")
        self.pods[key]["node"] = None

    @precondition(lambda self: self.pods)
    @rule(data=st.data())
    def remove_pod(self, data):
        key = data.draw(st.sampled_from(sorted(self.pods) + ["kube-system/missing"]))
        if key not in self.pods:
            self._expect_error(self.c.remove_pod, key)
            return
        self.c.remove_pod(key)
        self._bumped("remove_pod")
        del self.pods[key]
        self._remove_row(self.pod_rows, key)

    # -- the model's view ----------------------------------------------------------------------
    def expected(self) -> dict:
        R = self.resources
        nodes = []
        for name in self.node_rows:
            e = self.nodes[name]
            bound = [k for k in self.pod_rows if self.pods[k]["node"] == name]
            requested = {r: sum(self.pods[k]["requests"].get(r, 0) for k in bound) for r in R}
            requested["pods"] = len(bound)
            ports = Counter()
            for k in bound:
                ports.update(self.pods[k]["host_ports"])
            nodes.append({
                "name": name,
                "alloc": {r: e["alloc"].get(r, 0) for r in R},
                "requested": requested,
                "nonzero": (sum(self.pods[k]["nonzero"].get("cpu", 0) for k in bound),
                            sum(self.pods[k]["nonzero"].get("memory", 0) for k in bound)),
                "unschedulable": e["unschedulable"], "ready": e["ready"], "labels": e["labels"],
                "taints": e["taints"], "pods": sorted(bound), "ports": dict(ports), "images": e["images"],
            })
        pods = []
        for key in self.pod_rows:
            e = self.pods[key]
            ns = e["namespace"]
            pods.append({
                "key": key, "node": e["node"], "priority": e["priority"], "namespace": ns,
                "owner": (ns,) + e["owner"] if e["owner"] else None,
                "requests": {r: e["requests"].get(r, 0) for r in R},
                "nonzero": (e["nonzero"]["cpu"], e["nonzero"]["memory"]), "labels": e["labels"],
            })
        return {"nodes": nodes, "pods": pods, "pending": [k for k in self.pod_rows if self.pods[k]["node"] is None],
                "tree": self.tree, "order": tree_list(self.tree)}

    # -- invariants ----------------------------------------------------------------------------
    @invariant()
    def columns_equal_model(self):
        if not hasattr(self, "c"):
            return
        c = self.c
        # resource rows: the four base rows first, then every resource ever named (ids are never reused)
        assert c.resources.values[:4] == ["cpu", "memory", "ephemeral-storage", "pods"]
        assert set(c.resources.values) == set(self.resources)
        got = decode(c)
        assert got == self.expected()
        # row views name the same data as the matrices
        nt = c.nodes
        r = c.resources.ids
        assert np.array_equal(nt.cpu_milli, nt.allocatable[r["cpu"]])
        assert np.array_equal(nt.memory_bytes, nt.allocatable[r["memory"]])
        assert np.array_equal(nt.pods_allocatable, nt.allocatable[r["pods"]])
        assert np.array_equal(nt.pod_count, nt.requested[r["pods"]])
        assert np.array_equal(nt.requested_cpu_milli, nt.requested[r["cpu"]])
        assert np.array_equal(nt.nonzero_requested_memory_bytes, nt.nonzero_requested[1])
        assert np.array_equal(c.pods.cpu_milli, c.pods.requests[r["cpu"]])
        for key, e in self.pods.items():
            assert c.node_of(key) == e["node"]
        assert len(c.nodes) == len(self.nodes) and len(c.pods) == len(self.pods)
        assert list(c.nodes) == self.node_rows and list(c.pods) == self.pod_rows
        assert all(n in c.nodes for n in self.nodes) and all(k in c.pods for k in self.pods)

    @invariant()
    def to_objects_round_trip(self):
        if not hasattr(self, "c"):
            return
        objs = self.c.to_objects()
        assert sorted(o["metadata"]["name"] for o in objs["nodes"]) == sorted(self.node_rows)
        assert len(objs["pods"]) == len(self.pods)
        for o in objs["pods"]:
            key = f"{o['metadata'].get('namespace') or 'default'}/{o['metadata']['name']}"
            assert o["spec"].get("nodeName") == self.pods[key]["node"]
        c2 = Cluster.from_objects(**objs)
        assert _by_name(decode(c2)) == _by_name(decode(self.c))
        assert c2.priority_classes == self.c.priority_classes
        # Without removals the node tree survives too (see test_to_objects_keeps_node_tree_order).
        if not self.removed_nodes:
            assert decode(c2)["order"] == decode(self.c)["order"]


ClusterMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TestClusterState = ClusterMachine.TestCase


def test_documented_matrix_shapes():
    c = Cluster.from_objects(
        nodes=[{"metadata": {"name": "a", "labels": {"zone": "z"}},
                "status": {"capacity": {"cpu": "1", GPU: "2"}}}],
        pods=[{"metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": []}}])
    R, K = len(c.resources), len(c.labels.keys)
    assert (R, K) == (5, 2)
    assert c.nodes.allocatable.shape == (R, 1)
    assert c.nodes.requested.shape == (R, 1)
    assert c.pods.requests.shape == (R, 1)
    assert c.nodes.label_values.shape == (K, 1)
    assert c.pods.label_values.shape == (K, 1)


def test_to_objects_keeps_node_tree_order():
    def node(name, zone):
        return {"metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone}},
                "status": {"capacity": {"cpu": "1"}}}

    c = Cluster.from_objects(nodes=[node("a1", "a"), node("b1", "b"), node("a2", "a"), node("b2", "b")])
    c.remove_node("a1")  # row 0 now holds b2
    names = c.nodes.names
    assert [names[i] for i in c.node_order()] == ["a2", "b1", "b2"]  # zone a keeps its place
    c2 = Cluster.from_objects(**c.to_objects())
    assert [c2.nodes.names[i] for i in c2.node_order()] == ["a2", "b1", "b2"]
