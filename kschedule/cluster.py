"""Cluster state: nodes and bound pods as struct-of-arrays columns.

Layout (all numpy, shared zero-copy with the C++ core):

Per node (``cluster.nodes``), ``n = len(cluster.nodes)``:

==============================  ========  =====================================================
column                          dtype     meaning
==============================  ========  =====================================================
``allocatable``                 int64     (R, n): ``status.allocatable`` per resource row
``requested``                   int64     (R, n): sum of requests of the pods bound to the node
                                          (row ``pods`` counts the pods)
``nonzero_requested``           int64     (2, n): cpu_milli, memory_bytes with the scheduler's
                                          non-zero defaults (100m / 200Mi per container)
``cpu_milli`` …                 int64     (n,) views of single rows: ``cpu_milli``,
                                          ``memory_bytes``, ``ephemeral_storage_bytes``, ``pods``
                                          (allocatable), ``requested_cpu_milli``,
                                          ``requested_memory_bytes``,
                                          ``requested_ephemeral_storage_bytes``, ``pod_count``,
                                          ``nonzero_requested_cpu_milli``,
                                          ``nonzero_requested_memory_bytes``
``unschedulable``, ``ready``    uint8     (n,) ``spec.unschedulable``; Ready condition is True
``label_values``                int32     (K, n): value id of label key k on the node, -1 if absent
``taint_ids``                   int32     (n, T): interned taints in ``spec.taints`` order, -1 pad
``taint_count``                 int32     (n,)
==============================  ========  =====================================================

Resource rows: ``cpu`` (millicores), ``memory`` (bytes), ``ephemeral-storage`` (bytes), ``pods``
(count), then every other resource name (extended, hugepages-*) in first-seen order; the row of a
name is ``cluster.resources.ids[name]``. Label keys/values, taints, namespaces are interned.

Per pod (``cluster.pods``): ``requests`` (R, p) int64, ``nonzero`` (2, p) int64, ``node`` int32
(-1 for a pod not bound), ``priority`` int32, ``namespace`` int32, ``owner`` int32 (-1 none),
``label_values`` (K, p) int32, ``has_node_name`` uint8 (the object sets ``spec.nodeName``; such a
pod keeps the name when it is unbound).

Columns are views into buffers that grow geometrically; a view taken before a mutation that adds a
node, pod, resource or label key may be stale afterwards — take views after mutating.
Removal swaps the last row into the removed slot (O(1) per column), so indices of the last node or
pod change; refer to objects by name across mutations.

Mutations validate everything first and change nothing when they raise ``InvalidObject``.
The cluster keeps references to the objects given to it (as a Kubernetes informer cache does):
do not mutate them afterwards.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import count
from operator import itemgetter
from typing import Any, Iterable, Mapping, Optional

import numpy as np

from .errors import FieldError, InvalidObject
from .gcpause import without_gc
from .interning import Interner, LabelInterner
from .objects.load import load_objects
from .objects.meta import object_name
from .objects.gpu import MAX_GPUS, POD_GPU_INDEX, select_best_devices
from .objects.node import NodeInfo, parse_node
from .objects.pod import _INFO_FIELDS, PodColumns, PodInfo, parse_pod, parse_pod_columns

_spec_needs = itemgetter(_INFO_FIELDS.index("needs_plugins"))  # of a spec parse tuple

RES_CPU, RES_MEMORY, RES_EPHEMERAL, RES_PODS = 0, 1, 2, 3
NUM_GPU_TAGS = 9  # GpuClustering tags: [0] share-gpu, [k] k whole GPUs
BASE_RESOURCES = ("cpu", "memory", "ephemeral-storage", "pods")

# Built-in PriorityClasses (pkg/apis/scheduling/types.go SystemCriticalPriority).
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}

_INITIAL_CAPACITY = 16
_TERMINATED_PHASES = ("Succeeded", "Failed")
_TERMINATED = frozenset(_TERMINATED_PHASES)


def _stable_argsort(rows: np.ndarray, bound: int) -> np.ndarray:
    """np.argsort(rows, kind="stable") of rows in [0, bound): as int16 when they fit, which numpy
    sorts by radix (linear time); a stable sort's permutation does not depend on the dtype."""
    return np.argsort(rows.astype(np.int16) if bound <= 1 << 15 else rows, kind="stable")


def _grow(arr: np.ndarray, axis: int, new_size: int, fill) -> np.ndarray:
    shape = list(arr.shape)
    old = shape[axis]
    shape[axis] = new_size
    out = np.full(shape, fill, dtype=arr.dtype)
    idx = [slice(None)] * arr.ndim
    idx[axis] = slice(0, old)
    out[tuple(idx)] = arr
    return out


class _Table:
    """A growable set of columns sharing one row count ``n`` along their last axis (or first, for
    per-row matrices). Subclasses list their columns in ``_columns``: name -> (axis, fill).
    ``R`` and ``K`` (resources and label keys in use) bound the leading dimension of the views."""

    _columns: dict = {}

    def __init__(self):
        self.n = 0
        self.cap = 0
        self.R = 0
        self.K = 0

    def _ensure(self, need: int) -> None:
        if need <= self.cap:
            return
        new_cap = max(_INITIAL_CAPACITY, self.cap * 2, need)
        for name, (axis, fill) in self._columns.items():
            setattr(self, "_" + name, _grow(getattr(self, "_" + name), axis, new_cap, fill))
        self.cap = new_cap

    def _append_rows(self, k: int) -> int:
        """Add k rows at the end, every column at its fill value; returns the first new row."""
        start = self.n
        self._ensure(start + k)
        self.n += k
        for name, (axis, fill) in self._columns.items():
            a = getattr(self, "_" + name)
            if axis == 0:
                a[start:start + k] = fill
            else:
                a[..., start:start + k] = fill
        return start

    def _move_row(self, src: int, dst: int) -> None:
        for name, (axis, _) in self._columns.items():
            a = getattr(self, "_" + name)
            if axis == 0:
                a[dst] = a[src]
            else:
                a[..., dst] = a[..., src]

    def _clear_row(self, i: int) -> None:
        for name, (axis, fill) in self._columns.items():
            a = getattr(self, "_" + name)
            if axis == 0:
                a[i] = fill
            else:
                a[..., i] = fill

    def _grow_rows(self, name: str, rows: int, fill) -> None:
        """Grow the leading dimension of a (rows, cap) column (a new resource or label key)."""
        a = getattr(self, "_" + name)
        if a.shape[0] < rows:
            setattr(self, "_" + name, _grow(a, 0, max(rows, a.shape[0] * 2), fill))

    def __len__(self) -> int:
        return self.n


class NodeTable(_Table):
    """Node columns; see the module docstring for the layout."""

    _columns = {
        "allocatable": (1, 0), "requested": (1, 0), "nonzero_requested": (1, 0),
        "unschedulable": (0, 0), "ready": (0, 0), "label_values": (1, -1),
        "taint_ids": (0, -1), "taint_count": (0, 0),
        "gpu_count": (0, 0), "gpu_model": (0, -1), "gpu_free_milli": (0, 0), "gpu_tags": (0, 0),
        "zone": (0, -1), "arrival": (0, 0),
    }

    def __init__(self, num_resources: int):
        super().__init__()
        # Each row's node_tree zone (an id of Cluster.zones) and add sequence number: node_order()
        # from columns, without a name lookup per node.
        self._zone = np.zeros(0, np.int32)
        self._arrival = np.zeros(0, np.int64)
        self._allocatable = np.zeros((num_resources, 0), np.int64)
        self._requested = np.zeros((num_resources, 0), np.int64)
        self._nonzero_requested = np.zeros((2, 0), np.int64)
        self._unschedulable = np.zeros(0, np.uint8)
        self._ready = np.zeros(0, np.uint8)
        self._label_values = np.full((0, 0), -1, np.int32)
        self._taint_ids = np.full((0, 1), -1, np.int32)
        self._taint_count = np.zeros(0, np.int32)
        self._gpu_count = np.zeros(0, np.int32)
        self._gpu_model = np.zeros(0, np.int32)
        self._gpu_free_milli = np.zeros((0, MAX_GPUS), np.int32)
        self._gpu_tags = np.zeros((0, NUM_GPU_TAGS), np.int32)
        self.names: list = []
        self.index: dict = {}
        self.infos: list = []  # NodeInfo per row
        self._pod_sets: list = []  # per row: set of pod rows bound to it (read through ``pods``)
        self._pending_binds: list = []  # (pod rows, node rows) arrays not yet in _pod_sets
        self.used_ports: list = []  # per row: Counter of (protocol, host_ip, host_port)

    @property
    def pods(self) -> list:
        """Per node row, the set of pod rows bound to it. Bulk binds (Scheduler.schedule, loading)
        record their rows as arrays and the sets are updated here, when next read: binding 100,000
        pods then costs no per-pod Python work until someone looks."""
        if self._pending_binds:
            self._apply_binds()
        return self._pod_sets

    def defer_pod_sets(self, pod_rows: np.ndarray, node_rows: np.ndarray) -> None:
        """Add pods to the sets of ``pods`` on its next read (rows as they are now: every mutation
        that renumbers rows reads ``pods`` first). The arrays are kept as given, not copied: callers
        hand over arrays that nothing changes afterwards (Cluster._bind_rows' contract)."""
        self._pending_binds.append((pod_rows, node_rows))

    def _apply_binds(self) -> None:
        pending, self._pending_binds = self._pending_binds, []
        sets = self._pod_sets
        for pod_rows, node_rows in pending:
            # Pods grouped by node, in bind order within a node: one set update per node.
            node_rows = np.asarray(node_rows, np.intp)
            order = _stable_argsort(node_rows, self.n)
            nr_sorted = node_rows[order]
            pr_sorted = pod_rows[order].tolist()
            starts = [0, *(np.flatnonzero(np.diff(nr_sorted)) + 1).tolist()]
            for nr, a, b in zip(nr_sorted[starts].tolist(), starts, starts[1:] + [len(pr_sorted)]):
                sets[nr].update(pr_sorted[a:b])

    # -- views ---------------------------------------------------------------------------------
    allocatable = property(lambda self: self._allocatable[: self.R, : self.n])
    requested = property(lambda self: self._requested[: self.R, : self.n])
    nonzero_requested = property(lambda self: self._nonzero_requested[:, : self.n])
    unschedulable = property(lambda self: self._unschedulable[: self.n])
    ready = property(lambda self: self._ready[: self.n])
    label_values = property(lambda self: self._label_values[: self.K, : self.n])
    taint_ids = property(lambda self: self._taint_ids[: self.n])
    taint_count = property(lambda self: self._taint_count[: self.n])
    gpu_count = property(lambda self: self._gpu_count[: self.n])
    gpu_model = property(lambda self: self._gpu_model[: self.n])
    gpu_free_milli = property(lambda self: self._gpu_free_milli[: self.n])
    gpu_tags = property(lambda self: self._gpu_tags[: self.n])
    zone = property(lambda self: self._zone[: self.n])
    arrival = property(lambda self: self._arrival[: self.n])
    cpu_milli = property(lambda self: self._allocatable[RES_CPU, : self.n])
    memory_bytes = property(lambda self: self._allocatable[RES_MEMORY, : self.n])
    ephemeral_storage_bytes = property(lambda self: self._allocatable[RES_EPHEMERAL, : self.n])
    pods_allocatable = property(lambda self: self._allocatable[RES_PODS, : self.n])
    requested_cpu_milli = property(lambda self: self._requested[RES_CPU, : self.n])
    requested_memory_bytes = property(lambda self: self._requested[RES_MEMORY, : self.n])
    requested_ephemeral_storage_bytes = property(lambda self: self._requested[RES_EPHEMERAL, : self.n])
    pod_count = property(lambda self: self._requested[RES_PODS, : self.n])
    nonzero_requested_cpu_milli = property(lambda self: self._nonzero_requested[0, : self.n])
    nonzero_requested_memory_bytes = property(lambda self: self._nonzero_requested[1, : self.n])

    def __contains__(self, name) -> bool:
        return name in self.index

    def __iter__(self):
        return iter(self.names)


class PodInfos:
    """The PodInfo of each pod row, as a list, built on first access from the columns a bulk load
    parsed: a 300,000-pod cluster need not hold 300,000 PodInfo objects that nothing reads. An item
    once built is kept (the same object on every access). Lazy items are ints, tokens into the
    loaded batches (``_bases[k]`` is the token of the first pod of ``_batches[k]``)."""

    __slots__ = ("_items", "_bases", "_batches", "_next", "specs", "specs_needing")

    def __init__(self):
        self._items: list = []
        self._bases: list = []
        self._batches: list = []
        self._next = 0
        #: Distinct spec parses of every loaded batch (tuples in kschedule.objects.pod._INFO_FIELDS
        #: order); PodTable's ``spec`` column indexes this list.
        self.specs: list = []
        #: Per plugin kschedule does not implement yet, the ids of the specs whose pods need it (the
        #: spec's ``needs_plugins``), so a scheduler can tell without a pass over the specs that no
        #: pod does (kschedule.framework.existing_affinity).
        self.specs_needing: dict = {}

    def add_columns(self, cols: PodColumns) -> int:
        """Append the pods of ``cols``; returns the global id of its first spec."""
        base = self._next
        self._next += len(cols)
        self._bases.append(base)
        self._batches.append(cols)
        self._items.extend(range(base, self._next))
        spec_base = len(self.specs)
        self.specs.extend(cols.specs)
        needs = list(map(_spec_needs, cols.specs))
        if any(needs):
            for i, ps in enumerate(needs):
                for p in ps:
                    self.specs_needing.setdefault(p, []).append(spec_base + i)
        return spec_base

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._items)))]
        x = self._items[i]
        if type(x) is int:
            k = bisect_right(self._bases, x) - 1
            x = self._batches[k].info(x - self._bases[k])
            self._items[i] = x
        return x

    def __setitem__(self, i, pi) -> None:
        self._items[i] = pi

    def __iter__(self):
        i = 0
        while i < len(self._items):
            yield self[i]
            i += 1

    def append(self, pi) -> None:
        self._items.append(pi)

    def extend(self, infos) -> None:
        self._items.extend(infos)

    def pop(self, i: int = -1):
        pi = self[i]
        self._items.pop(i)
        return pi

    def __repr__(self) -> str:
        return f"PodInfos({len(self._items)} pods)"


class PodTable(_Table):
    """Pod columns (bound and not-yet-bound pods); see the module docstring."""

    _columns = {
        "requests": (1, 0), "nonzero": (1, 0), "node": (0, -1), "priority": (0, 0),
        "namespace": (0, -1), "owner": (0, -1), "label_values": (1, -1), "gpu_devices": (0, 0),
        "spec": (0, -1), "gpu_request": (0, 0), "has_node_name": (0, 0),
    }

    def __init__(self, num_resources: int):
        super().__init__()
        self._requests = np.zeros((num_resources, 0), np.int64)
        self._nonzero = np.zeros((2, 0), np.int64)
        self._node = np.zeros(0, np.int32)
        self._priority = np.zeros(0, np.int32)
        self._namespace = np.zeros(0, np.int32)
        self._owner = np.zeros(0, np.int32)
        self._label_values = np.full((0, 0), -1, np.int32)
        self._gpu_devices = np.zeros(0, np.uint32)
        # Index into infos.specs of the row's spec parse (scheduling-relevant fields shared by the pods
        # of one template), so a scheduler can classify a batch per distinct spec, without PodInfos.
        self._spec = np.zeros(0, np.int64)
        self._gpu_request = np.zeros(0, np.uint8)  # 1: the pod requests shared GPUs (Open-Gpu-Share)
        # 1: the pod object sets spec.nodeName. It keeps that name when unbound (Cluster.unbind,
        # remove_node), and NodeName then rejects every other node: schedulers must look at it.
        self._has_node_name = np.zeros(0, np.uint8)
        self.keys: list = []  # "namespace/name" per row
        self.index: dict = {}
        self.infos = PodInfos()  # PodInfo per row

    requests = property(lambda self: self._requests[: self.R, : self.n])
    nonzero = property(lambda self: self._nonzero[:, : self.n])
    node = property(lambda self: self._node[: self.n])
    priority = property(lambda self: self._priority[: self.n])
    namespace = property(lambda self: self._namespace[: self.n])
    owner = property(lambda self: self._owner[: self.n])
    label_values = property(lambda self: self._label_values[: self.K, : self.n])
    gpu_devices = property(lambda self: self._gpu_devices[: self.n])
    spec = property(lambda self: self._spec[: self.n])
    gpu_request = property(lambda self: self._gpu_request[: self.n])
    has_node_name = property(lambda self: self._has_node_name[: self.n])
    cpu_milli = property(lambda self: self._requests[RES_CPU, : self.n])
    memory_bytes = property(lambda self: self._requests[RES_MEMORY, : self.n])

    def __contains__(self, key) -> bool:
        return key in self.index

    def __iter__(self):
        return iter(self.keys)


class Cluster:
    """Nodes and pods of one cluster as struct-of-arrays columns (see the module docstring)."""

    def __init__(self):
        self.resources = Interner(BASE_RESOURCES)
        self.labels = LabelInterner()
        self._label_pairs: dict = {}  # (key, value) -> (key id, value id), the hot path of loading
        self.taints = Interner()  # Taint objects
        self.namespaces = Interner()
        self.owners = Interner()  # (namespace, kind, name)
        self.images = Interner()  # image names as nodes report them
        self.gpu_models = Interner()  # GPU models of the GPU-sharing columns
        self.image_nodes: list = []  # per image id: {node row: size_bytes}
        # Per image id the size the scheduler cache records: that of the first node reporting the
        # name while no other node had it (pkg/scheduler/backend/cache/cache.go addNodeImageStates).
        self.image_size: dict = {}
        self.priority_classes: dict = {}  # name -> (value, globalDefault)
        self.nodes = NodeTable(len(self.resources))
        self.pods = PodTable(len(self.resources))
        self.nodes.R = self.pods.R = len(self.resources)
        self.terminated: list = []  # Succeeded/Failed pods: kept for to_objects, never counted
        self.other_objects: list = []  # objects of other kinds given to load(), kept as given
        self.version = 0  # bumped by every mutation (schedulers use it to refresh caches)
        # Upstream scheduler cache node tree (pkg/scheduler/backend/cache/node_tree.go): zones in
        # first-seen order, nodes of a zone in add order; the scheduler visits nodes zone-interleaved.
        self.node_tree: dict = {}
        self.zones = Interner()  # zone keys of node_tree (ids stay when a zone empties and comes back)
        self._arrivals = 0  # nodes added so far: the next node's NodeTable arrival
        self.node_version = 0  # bumped when nodes are added or removed (not by binds)

    # ------------------------------------------------------------------ construction / loading
    @classmethod
    def from_objects(cls, nodes: Iterable = (), pods: Iterable = (), priority_classes: Iterable = (),
                     objects: Iterable = ()) -> "Cluster":
        """Build a cluster from Kubernetes dicts. Pods with ``spec.nodeName`` are bound to that node;
        pods without it are kept unbound (pending). ``objects`` may mix kinds (Node, Pod,
        PriorityClass, others are kept in ``other_objects``)."""
        c = cls()
        nodes, pods, pcs = list(nodes), list(pods), list(priority_classes)
        others = []
        for o in objects:
            kind = o.get("kind") if isinstance(o, Mapping) else None
            if kind == "Node":
                nodes.append(o)
            elif kind == "Pod":
                pods.append(o)
            elif kind == "PriorityClass":
                pcs.append(o)
            else:
                others.append(o)
        c.add_objects(nodes=nodes, pods=pods, priority_classes=pcs)
        c.other_objects.extend(others)
        return c

    @classmethod
    def load(cls, src: Any) -> "Cluster":
        """Load from a path or text (JSON, multi-document YAML, ``kind: List``, ``kubectl get -o yaml``)."""
        return cls.from_objects(objects=load_objects(src))

    @without_gc  # parsing creates many small objects; see kschedule.gcpause
    def add_objects(self, nodes: Iterable = (), pods: Iterable = (), priority_classes: Iterable = ()) -> None:
        """Add nodes, then pods, atomically: on any InvalidObject nothing is added."""
        self._add_objects(nodes, pods, priority_classes)

    def _add_objects(self, nodes: Iterable, pods: Iterable, priority_classes: Iterable) -> None:
        pcs = dict(self.priority_classes)
        for o in priority_classes:
            name, val, default = _parse_priority_class(o)
            pcs[name] = (val, default)
        node_infos = [parse_node(o) for o in nodes]
        seen = set()
        for ni in node_infos:
            if ni.name in self.nodes.index or ni.name in seen:
                raise InvalidObject("Node", ni.name, "metadata.name", f'Duplicate value: "{ni.name}"')
            seen.add(ni.name)
        pods = pods if type(pods) is list else list(pods)
        cols, pod_keys, terminated = self._check_pods(pods, parse_pod_columns(pods), seen, pcs)
        # Everything is valid: apply.
        self.priority_classes = pcs
        self._add_nodes(node_infos)
        self._add_pods(cols, pod_keys)
        self.terminated.extend(terminated)
        self.version += 1

    def _check_pods(self, pods: list, cols: PodColumns, new_nodes: set, pcs: dict) -> tuple:
        """Validate parsed pods against the cluster (keys, nodes, priority classes) and resolve
        priorities: (columns of the pods to add, their keys, terminated infos). The first bad pod in
        order raises, as a pod-by-pod check would."""
        if not cols.bad and cols.requests is not None:
            keys = cols.keys()
            names = set(cols.node_names)
            names.discard("")
            node_index = self.nodes.index
            # Checked in bulk, with C-speed set operations; any failure goes through the ordered
            # check below, which finds the first bad pod and its error.
            if (len(set(keys)) == len(keys) and self.pods.index.keys().isdisjoint(keys)
                    and all(n in node_index or n in new_nodes for n in names)):
                self._resolve_spec_priorities(cols, keys, pcs)
                terminated = []
                if not _TERMINATED.isdisjoint(cols.phases):
                    keep = [j for j, ph in enumerate(cols.phases) if ph not in _TERMINATED]
                    gone = [j for j, ph in enumerate(cols.phases) if ph in _TERMINATED]
                    terminated = [cols.info(j) for j in gone]
                    cols = cols.subset(keep)
                    keys = [keys[j] for j in keep]
                return cols, keys, terminated
        pod_infos = []
        pod_keys = set()
        terminated = []
        for o, pi in zip(pods, cols.infos()):
            if pi is None:
                pi = parse_pod(o)  # raises
            key = pi.key
            if key in self.pods.index or key in pod_keys:
                raise InvalidObject("Pod", key, "metadata.name", f'Duplicate value: "{pi.name}"')
            pod_keys.add(key)
            if pi.node_name and pi.node_name not in self.nodes.index and pi.node_name not in new_nodes:
                raise InvalidObject("Pod", pi.key, "spec.nodeName", f'node "{pi.node_name}" not found')
            if pi.priority is None:
                pi.priority = _resolve_priority(pi, pcs)
            (terminated if pi.terminated else pod_infos).append(pi)
        cols = PodColumns.from_infos([pi.obj for pi in pod_infos], pod_infos)
        if cols.requests is None:
            raise OverflowError("pod requests beyond int64")
        return cols, [pi.key for pi in pod_infos], terminated

    @staticmethod
    def _resolve_spec_priorities(cols: PodColumns, keys: list, pcs: dict) -> None:
        """``cols.spec_priority``: each spec's priority, resolved once per class name; specs in the
        order of their first pod, so the first pod (in order) with an unknown class raises."""
        specs = cols.specs
        prio = [sp[1] for sp in specs]
        if None in prio:
            n = len(keys)
            first = np.full(len(specs), n, np.intp)
            np.minimum.at(first, cols.spec, np.arange(n))
            resolved: dict = {}
            for s in np.argsort(first, kind="stable").tolist():
                if prio[s] is None and first[s] < n:
                    pcn = specs[s][2]
                    val = resolved.get(pcn)
                    if val is None:
                        val = resolved[pcn] = _resolve_priority_name(pcn, keys[first[s]], pcs)
                    prio[s] = val
        cols.spec_priority = prio
        for j, pi in cols.built.items():
            if pi is not None and pi.priority is None:
                pi.priority = prio[cols.spec[j]]

    # ------------------------------------------------------------------ nodes
    def add_node(self, obj: Mapping) -> None:
        self.add_objects(nodes=[obj])

    def _resource_row(self, name: str) -> int:
        r = self.resources.intern(name)
        if r >= self.nodes.R:
            for t, cols in ((self.nodes, ("allocatable", "requested")), (self.pods, ("requests",))):
                for col in cols:
                    t._grow_rows(col, r + 1, 0)
                t.R = r + 1
        return r

    def _label_row(self, table: _Table, key: str, value: str) -> tuple:
        kv = self._label_pairs.get((key, value))
        if kv is not None and kv[0] < table.K:
            return kv
        k, v = self.labels.pair(key, value)
        self._label_pairs[(key, value)] = (k, v)
        if k >= table.K:
            # Both tables get a row for every key, so (K, n) views line up across nodes and pods.
            for t in (self.nodes, self.pods):
                t._grow_rows("label_values", k + 1, -1)
                t.K = max(t.K, k + 1)
        return k, v

    def _add_node(self, ni: NodeInfo) -> int:
        self._add_nodes([ni])
        return self.nodes.n - 1

    def _add_nodes(self, infos: list) -> None:
        """Append nodes as rows: per-node Python for the interning (in node order, as adding them one
        by one does), then each column filled in one numpy assignment."""
        if not infos:
            return
        t = self.nodes
        k = len(infos)
        start = t._append_rows(k)
        res_ids = self.resources.ids
        label_pairs = self._label_pairs
        images = self.images
        image_ids = images.ids
        image_nodes, image_size = self.image_nodes, self.image_size
        a_row, a_col, a_val, l_row, l_col, l_val = [], [], [], [], [], []
        gpu_model = []
        zone_ids = []
        for i, ni in enumerate(infos, start):
            for res, amount in ni.allocatable.items():
                r = res_ids.get(res)
                a_row.append(self._resource_row(res) if r is None else r)
                a_col.append(i)
                a_val.append(amount)
            for kv in ni.labels.items():
                ids = label_pairs.get(kv)
                if ids is None or ids[0] >= t.K:
                    ids = self._label_row(t, kv[0], kv[1])
                l_row.append(ids[0])
                l_col.append(i)
                l_val.append(ids[1])
            gpu_model.append(self.gpu_models.intern(ni.gpu_model) if ni.gpu_count and ni.gpu_model else -1)
            if ni.taints:
                if len(ni.taints) > t._taint_ids.shape[1]:
                    t._taint_ids = _grow(t._taint_ids, 1, len(ni.taints), -1)
                t._taint_ids[i, : len(ni.taints)] = [self.taints.intern(taint) for taint in ni.taints]
            for im in ni.images:
                size = im.size_bytes
                for name in im.names:
                    iid = image_ids.get(name)
                    if iid is None:
                        iid = images.intern(name)
                        image_nodes.append({})
                    nodes_of = image_nodes[iid]
                    if not nodes_of:
                        image_size[iid] = size
                    nodes_of[i] = size
            t.names.append(ni.name)
            t.index[ni.name] = i
            t.infos.append(ni)
            zk = zone_key(ni.labels)
            self.node_tree.setdefault(zk, []).append(ni.name)
            zone_ids.append(self.zones.intern(zk))
            t.pods.append(set())
            t.used_ports.append(Counter())
        # Matrices indexed after the loop: a new resource or label key reallocates them.
        if a_row:
            t._allocatable[np.asarray(a_row, np.intp), np.asarray(a_col, np.intp)] = np.asarray(a_val, np.int64)
        if l_row:
            t._label_values[np.asarray(l_row, np.intp), np.asarray(l_col, np.intp)] = np.asarray(l_val, np.int32)
        rows = slice(start, start + k)
        t._unschedulable[rows] = np.fromiter((ni.unschedulable for ni in infos), np.uint8, k)
        t._ready[rows] = np.fromiter((ni.ready for ni in infos), np.uint8, k)
        t._taint_count[rows] = np.fromiter((len(ni.taints) for ni in infos), np.int32, k)
        counts = np.fromiter((ni.gpu_count for ni in infos), np.int32, k)
        t._gpu_count[rows] = counts
        t._gpu_model[rows] = np.asarray(gpu_model, np.int32)
        t._zone[rows] = np.asarray(zone_ids, np.int32)
        t._arrival[rows] = np.arange(self._arrivals, self._arrivals + k)
        self._arrivals += k
        for j in np.flatnonzero(counts).tolist():
            t._gpu_free_milli[start + j, : counts[j]] = 1000
        self.node_version += k

    def remove_node(self, name: str) -> list:
        """Remove a node. Pods bound to it are unbound (they stay in the cluster, pending); their
        keys are returned."""
        i = self._node_row(name)
        t = self.nodes
        zk = zone_key(t.infos[i].labels)
        unbound = [self.pods.keys[p] for p in sorted(t.pods[i])]
        for key in unbound:
            self.unbind(key)
        for im in t.infos[i].images:
            for nm in im.names:
                iid = self.images.ids[nm]
                self.image_nodes[iid].pop(i, None)
                if not self.image_nodes[iid]:
                    self.image_size.pop(iid, None)
        last = t.n - 1
        if i != last:
            t._move_row(last, i)
            moved = t.names[last]
            t.names[i], t.infos[i], t.pods[i], t.used_ports[i] = moved, t.infos[last], t.pods[last], t.used_ports[last]
            t.index[moved] = i
            for p in t.pods[i]:
                self.pods._node[p] = i
            for im in t.infos[i].images:
                for nm in im.names:
                    d = self.image_nodes[self.images.ids[nm]]
                    d[i] = d.pop(last)
        t._clear_row(last)
        del t.index[name]
        t.names.pop()
        t.infos.pop()
        t.pods.pop()
        t.used_ports.pop()
        t.n -= 1
        zone = self.node_tree[zk]
        zone.remove(name)
        if not zone:
            del self.node_tree[zk]
        self.node_version += 1
        self.version += 1
        return unbound

    def node_order(self) -> np.ndarray:
        """Node rows in the order kube-scheduler visits them (upstream nodeTree.list(): one node
        from each zone in turn)."""
        t = self.nodes
        n = t.n
        # node_tree lists zones in first-seen order (an emptied zone goes, and comes back last) and
        # a zone's nodes in add order: rows by (zone position, arrival) are those lists chained.
        rank = np.zeros(len(self.zones), np.intp)
        rank[np.fromiter(map(self.zones.ids.__getitem__, self.node_tree), np.intp, len(self.node_tree))] = \
            np.arange(len(self.node_tree))
        zone = rank[t._zone[:n]]
        rows = np.lexsort((t._arrival[:n], zone)).astype(np.int32)
        zone = zone[rows]
        sizes = np.bincount(zone, minlength=len(self.node_tree))
        depth = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return rows[np.lexsort((zone, depth))]  # by depth in the zone, then zone order

    def _node_row(self, name: str) -> int:
        try:
            return self.nodes.index[name]
        except KeyError:
            raise InvalidObject("Node", str(name), "", "not found") from None

    # ------------------------------------------------------------------ pods
    def add_pod(self, obj: Mapping) -> None:
        self.add_objects(pods=[obj])

    def add_pods(self, objs: Iterable[Mapping]) -> None:
        self.add_objects(pods=objs)

    def _add_pods(self, cols, keys: Optional[list] = None) -> None:
        """Add pods (a PodColumns with resolved priorities, or a list of PodInfo) as rows."""
        if not isinstance(cols, PodColumns):
            cols = PodColumns.from_infos([pi.obj for pi in cols], cols)
        if not len(cols):
            return
        if keys is None:
            keys = cols.keys()
        t = self.pods
        m = len(cols)
        start = t._append_rows(m)
        # Everything works on distinct values (resource names, specs, label sets, namespaces,
        # owners) and numpy. Interning visits the distinct values in first-seen order, so ids come
        # out as a pod-by-pod loop gives them.
        res_ids = self.resources.ids
        rows = []
        for res in cols.res_names:
            r = res_ids.get(res)
            rows.append(self._resource_row(res) if r is None else r)
        if rows:
            t._requests[np.asarray(rows, np.intp), start:start + m] = cols.requests
        t._nonzero[:, start:start + m] = cols.nonzero
        prio = cols.spec_priority if cols.spec_priority is not None else [sp[1] for sp in cols.specs]
        if prio:
            t._priority[start:start + m] = np.asarray(prio, np.int32)[cols.spec]
        nss, owners = cols.namespaces, cols.owners
        ns_id = {ns: self.namespaces.intern(ns) for ns in dict.fromkeys(nss)}
        t._namespace[start:start + m] = np.fromiter(map(ns_id.__getitem__, nss), np.int32, m)
        own_id = {}
        for key in dict.fromkeys(zip(nss, owners)):
            own_id[key] = self.owners.intern((key[0],) + key[1]) if key[1] else -1
        t._owner[start:start + m] = np.fromiter(map(own_id.__getitem__, zip(nss, owners)), np.int32, m)
        self._fill_pod_labels(start, cols.labels, cols.label_set, cols.label_sets)
        t.keys.extend(keys)
        t.index.update(zip(keys, range(start, start + m)))
        t._spec[start:start + m] = t.infos.add_columns(cols) + cols.spec
        if cols.gpu:
            t._gpu_request[start + np.fromiter(cols.gpu, np.intp, len(cols.gpu))] = 1
        node_row = dict(self.nodes.index)
        node_row[""] = -1
        node_col = np.fromiter(map(node_row.__getitem__, cols.node_names), np.int32, m)
        bound = np.nonzero(node_col >= 0)[0]
        t._has_node_name[start + bound] = 1
        if len(bound):
            # Rows with host ports or GPUs: bound one by one.
            ported = [s for s, sp in enumerate(cols.specs) if sp[8]]
            special = np.flatnonzero(np.isin(cols.spec, ported)) if ported else np.zeros(0, np.intp)
            if cols.gpu:
                special = np.union1d(special, np.fromiter(cols.gpu, np.intp, len(cols.gpu)))
            self._bind_rows(start + bound, node_col[bound], special=special.astype(np.intp) + start)

    def _fill_pod_labels(self, start: int, labels: list, sid=None, sets=None) -> None:
        """Label columns of pod rows ``start...`` from their label dicts, one interning per distinct
        set (``sets``, first-seen order, and each pod's set ``sid`` when the parser found them)."""
        t = self.pods
        if sid is None:
            if None in labels:
                labels = [{} if ls is None else ls for ls in labels]
            per_pod = list(map(tuple, map(dict.items, labels)))
            # One hash per pod: each distinct set maps to its first pod, then first pods to set ids.
            first_of: dict = {}
            first = np.fromiter(map(first_of.setdefault, per_pod, count()), np.intp, len(per_pod))
            set_of_first = np.zeros(len(per_pod), np.intp)
            set_of_first[np.fromiter(first_of.values(), np.intp, len(first_of))] = np.arange(len(first_of))
            sid = set_of_first[first]
            sets = list(first_of)
        flat_k, flat_v, lengths = [], [], []
        for ls in sets:
            for k, v in ls:
                kr, vr = self._label_row(t, k, v)
                flat_k.append(kr)
                flat_v.append(vr)
            lengths.append(len(ls))
        if not flat_k:
            return
        length = np.asarray(lengths, np.intp)
        offset = np.cumsum(length) - length
        per_pod = length[sid]
        total = int(per_pod.sum())
        # Position of each (pod, label) entry inside its set, then inside the flat arrays.
        within = np.arange(total) - np.repeat(np.cumsum(per_pod) - per_pod, per_pod)
        idx = np.repeat(offset[sid], per_pod) + within
        rows = np.repeat(np.arange(start, start + len(sid)), per_pod)
        t._label_values[np.asarray(flat_k, np.intp)[idx], rows] = np.asarray(flat_v, np.int32)[idx]

    def _bind_rows(self, pod_rows: np.ndarray, node_rows: np.ndarray, node_columns_done: bool = False,
                   gpu_devices: Optional[np.ndarray] = None, special: Optional[np.ndarray] = None) -> None:
        """Bind pods (rows) to nodes (rows), updating every derived node column (the resource
        columns only when ``node_columns_done`` is false: the C++ batch updates them itself). The
        row arrays are kept until the node pod sets are next read: callers pass arrays that nothing
        changes afterwards.
        ``special``, when given, holds every row among ``pod_rows`` whose pod has host ports or GPUs
        (the others need no per-pod work)."""
        p, n = self.pods, self.nodes
        p._node[pod_rows] = node_rows
        if not node_columns_done:
            self._add_to_node_columns(pod_rows, node_rows)
        if gpu_devices is not None:  # the C++ kernel chose and recorded the devices
            p._gpu_devices[pod_rows] = gpu_devices
        if special is None:
            pairs = list(zip(pod_rows.tolist(), node_rows.tolist()))
            for pr, nr in pairs:
                n.pods[nr].add(pr)
        else:
            n.defer_pod_sets(pod_rows, node_rows)
            if len(special):
                keep = np.isin(pod_rows, special)
                pairs = zip(pod_rows[keep].tolist(), node_rows[keep].tolist())
            else:
                pairs = ()
        for pr, nr in pairs:
            pi = p.infos[pr]
            if pi.host_ports:
                n.used_ports[nr].update(pi.host_ports)
            if pi.gpu is not None and gpu_devices is None:
                self._take_gpus(pr, nr, pi)

    def _take_gpus(self, pr: int, nr: int, pi) -> None:
        """Record the devices a bound pod holds: those its object names, else the Open-Gpu-Share "best"
        choice; a bound pod is a fact, so devices may end up overcommitted (negative free milli)."""
        n = self.nodes
        devs = pi.gpu_index
        count = int(n._gpu_count[nr])
        if devs is None or any(d >= count for d in devs):
            devs = select_best_devices(n._gpu_free_milli[nr], count, pi.gpu) or tuple(range(min(pi.gpu.num_gpu, count)))
        mask = 0
        for d in devs:
            n._gpu_free_milli[nr, d] -= pi.gpu.gpu_milli
            mask |= 1 << d
        n._gpu_tags[nr, pi.gpu.tag] += 1
        self.pods._gpu_devices[pr] = mask

    def _add_to_node_columns(self, pod_rows: np.ndarray, node_rows: np.ndarray) -> None:
        p, n = self.pods, self.nodes
        R = len(self.resources)
        req = p._requests[:R][:, pod_rows]
        for r in range(R):
            col = req[r]
            nzmask = col != 0
            if nzmask.any():
                np.add.at(n._requested[r], node_rows[nzmask], col[nzmask])
        np.add.at(n._requested[RES_PODS], node_rows, 1)
        np.add.at(n._nonzero_requested[0], node_rows, p._nonzero[0, pod_rows])
        np.add.at(n._nonzero_requested[1], node_rows, p._nonzero[1, pod_rows])

    def _pod_row(self, key: str) -> int:
        try:
            return self.pods.index[key]
        except KeyError:
            raise InvalidObject("Pod", str(key), "", "not found") from None

    @staticmethod
    def _key(pod) -> str:
        if isinstance(pod, str):
            return pod if "/" in pod else f"default/{pod}"
        if isinstance(pod, PodInfo):
            return pod.key
        if isinstance(pod, Mapping):
            md = pod.get("metadata") or {}
            return f"{md.get('namespace') or 'default'}/{md.get('name')}"
        raise InvalidObject("Pod", str(pod), "", "expected a pod key 'namespace/name', a PodInfo or a Pod object")

    def bind(self, pod, node: str) -> None:
        """Bind a pending pod to a node (no feasibility check: a binding is a fact, as in the API)."""
        i = self._pod_row(self._key(pod))
        j = self._node_row(node)
        if self.pods._node[i] >= 0:
            raise InvalidObject("Pod", self.pods.keys[i], "spec.nodeName",
                                f'already bound to node "{self.nodes.names[self.pods._node[i]]}"')
        self._bind_rows(np.array([i], np.intp), np.array([j], np.int32))
        self.version += 1

    def unbind(self, pod) -> None:
        """Make a bound pod pending again, releasing its resources on the node."""
        i = self._pod_row(self._key(pod))
        j = int(self.pods._node[i])
        if j < 0:
            raise InvalidObject("Pod", self.pods.keys[i], "spec.nodeName", "not bound")
        p, n = self.pods, self.nodes
        R = len(self.resources)
        n._requested[:R, j] -= p._requests[:R, i]
        n._requested[RES_PODS, j] -= 1
        n._nonzero_requested[:, j] -= p._nonzero[:, i]
        n.pods[j].discard(i)
        hp = p.infos[i].host_ports
        if hp:
            n.used_ports[j].subtract(hp)
            n.used_ports[j] = +n.used_ports[j]
        g = p.infos[i].gpu
        if g is not None:
            mask = int(p._gpu_devices[i])
            for d in range(MAX_GPUS):
                if mask >> d & 1:
                    n._gpu_free_milli[j, d] += g.gpu_milli
            n._gpu_tags[j, g.tag] -= 1
            p._gpu_devices[i] = 0
        p._node[i] = -1
        self.version += 1

    def remove_pod(self, pod) -> None:
        """Delete a pod (bound or pending)."""
        key = self._key(pod)
        i = self._pod_row(key)
        if self.pods._node[i] >= 0:
            self.unbind(key)
        t = self.pods
        last = t.n - 1
        if i != last:
            t._move_row(last, i)
            moved = t.keys[last]
            t.keys[i], t.infos[i] = moved, t.infos[last]
            t.index[moved] = i
            nr = int(t._node[i])
            if nr >= 0:
                self.nodes.pods[nr].discard(last)
                self.nodes.pods[nr].add(i)
        t._clear_row(last)
        del t.index[key]
        t.keys.pop()
        t.infos.pop()
        t.n -= 1
        self.version += 1

    # ------------------------------------------------------------------ queries
    def node_of(self, pod) -> Optional[str]:
        j = int(self.pods._node[self._pod_row(self._key(pod))])
        return self.nodes.names[j] if j >= 0 else None

    def pending(self) -> list:
        """Keys of pods not bound to a node, in the order they were added (or as swapped by removals)."""
        return [self.pods.keys[i] for i in np.nonzero(self.pods.node < 0)[0]]

    def resource_row(self, name: str) -> int:
        """Row of resource ``name`` in the (R, n) matrices, or -1 if no object mentions it."""
        return self.resources.get(name)

    # ------------------------------------------------------------------ export
    def to_objects(self) -> dict:
        """Kubernetes objects: ``{"nodes": [...], "pods": [...], "priority_classes": [...]}``, pods with
        ``spec.nodeName`` set as currently bound. ``Cluster.from_objects(**c.to_objects())``
        rebuilds an equal cluster."""
        # Nodes in kube-scheduler's visiting order: rebuilding from this list reproduces the node tree.
        nodes = [self.nodes.infos[i].obj for i in self.node_order()]
        pods = []
        for i, pi in enumerate(self.pods.infos):
            j = int(self.pods._node[i])
            want = self.nodes.names[j] if j >= 0 else ""
            obj = pi.obj
            spec = obj.get("spec") or {}
            if (spec.get("nodeName") or "") != want:
                spec = dict(spec)
                if want:
                    spec["nodeName"] = want
                else:
                    spec.pop("nodeName", None)
                obj = {**obj, "spec": spec}
            if pi.gpu is not None:
                # Record the devices the pod holds, so that a reload restores them exactly.
                mask = int(self.pods._gpu_devices[i])
                index = "-".join(str(d) for d in range(MAX_GPUS) if mask >> d & 1) if j >= 0 else ""
                md = obj.get("metadata") or {}
                ann = dict(md.get("annotations") or {})
                if ann.get(POD_GPU_INDEX, "") != index:
                    if index:
                        ann[POD_GPU_INDEX] = index
                    else:
                        ann.pop(POD_GPU_INDEX, None)
                    obj = {**obj, "metadata": {**md, "annotations": ann}}
            pods.append(obj)
        pods.extend(pi.obj for pi in self.terminated)
        pcs = [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": k},
                "value": v, **({"globalDefault": True} if d else {})}
               for k, (v, d) in self.priority_classes.items()]
        return {"nodes": nodes, "pods": pods, "priority_classes": pcs}

    def __repr__(self) -> str:
        bound = int((self.pods.node >= 0).sum())
        return f"Cluster({len(self.nodes)} nodes, {bound} bound pods, {len(self.pods) - bound} pending)"


def zone_key(labels: Mapping) -> str:
    """Upstream utilnode.GetZoneKey: region + ":\\x00:" + zone, beta labels first; "" without both."""
    zone = labels.get("failure-domain.beta.kubernetes.io/zone")
    if zone is None:
        zone = labels.get("topology.kubernetes.io/zone", "")
    region = labels.get("failure-domain.beta.kubernetes.io/region")
    if region is None:
        region = labels.get("topology.kubernetes.io/region", "")
    if not region and not zone:
        return ""
    return region + ":\x00:" + zone


def _parse_priority_class(o: Any) -> tuple:
    name = object_name(o)
    if not isinstance(o, Mapping):
        raise InvalidObject("PriorityClass", name, "", "expected an object")
    md = o.get("metadata") or {}
    nm = md.get("name") if isinstance(md, Mapping) else None
    if not isinstance(nm, str) or not nm:
        raise InvalidObject("PriorityClass", name, "metadata.name", "Required value")
    val = o.get("value")
    if isinstance(val, bool) or not isinstance(val, int):
        raise InvalidObject("PriorityClass", nm, "value", f"expected an integer, got {val!r}")
    if val > 1_000_000_000 and nm not in SYSTEM_PRIORITY_CLASSES:
        raise InvalidObject("PriorityClass", nm, "value",
                            "Forbidden: maximum allowed value of a user defined priority is 1000000000")
    return nm, val, bool(o.get("globalDefault"))


def _resolve_priority(pi: PodInfo, pcs: dict) -> int:
    """Upstream Priority admission (plugin/pkg/admission/priority): class value, else the global
    default class, else 0."""
    return _resolve_priority_name(pi.priority_class_name, pi.key, pcs)


def _resolve_priority_name(name: str, key: str, pcs: dict) -> int:
    if name:
        if name in pcs:
            return pcs[name][0]
        if name in SYSTEM_PRIORITY_CLASSES:
            return SYSTEM_PRIORITY_CLASSES[name]
        raise InvalidObject("Pod", key, "spec.priorityClassName", f"no PriorityClass with name {name} was found")
    # getDefaultPriorityClass: with several global defaults, the lowest value wins.
    defaults = [val for val, default in pcs.values() if default]
    return min(defaults) if defaults else 0


__all__ = ["Cluster", "NodeTable", "PodTable", "BASE_RESOURCES", "RES_CPU", "RES_MEMORY", "RES_EPHEMERAL",
           "RES_PODS", "FieldError"]
