"""Parsing and validation of ``v1.Pod`` into what the scheduler reads (:class:`PodInfo`).

The parser is on the hot loading path (hundreds of thousands of pods): the common shape (regular
containers with plain requests, no affinity, no tolerations) takes a short path; everything the
scheduler reads is validated and a bad field raises ``InvalidObject`` naming the pod and field path.
Resource requirements (requests and limits of containers, init containers, pod-level resources,
overhead) are validated as the apiserver validates them (``resources.py``). Other fields the
scheduler never reads are kept in the object as given but not validated.
"""
from __future__ import annotations

import marshal
from array import array
from itertools import chain, compress, count, repeat
from operator import itemgetter, le, not_
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np

from ..errors import FieldError
from .meta import (_DNS1123_SUBDOMAIN, _label_cache, expect_int, expect_list, expect_mapping, expect_str, object_name,
                   validate_labels, validate_object_name)
from .quantity import milli_value, value
from .requests import (DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, _pod_level, _status_entries,
                       pod_requests_and_nonzero, requests_and_nonzero_from_containers)
from .resources import bulk_name_code, requirements_error, validate_pod_resources
from .selectors import RequiredNodeAffinity, compile_preferred_terms, validate_node_selector, validate_preferred_terms
from .taints import parse_toleration, validate_tolerations
from .gpu import pod_gpu_index, pod_gpu_request

try:  # the native field extractor of bulk loads (pure conversion; parse_pods works without it)
    from .._core import extract_pods as _extract_pods
except ImportError:  # an extension built before it existed
    _extract_pods = None

DEFAULT_SCHEDULER_NAME = "default-scheduler"

# Features whose plugins live in later issues; a pending pod using them cannot be scheduled exactly yet.
FEATURE_PLUGINS = {
    "podAffinity": "InterPodAffinity",
    "podAntiAffinity": "InterPodAffinity",
    "topologySpreadConstraints": "PodTopologySpread",
    "persistentVolumeClaim": "VolumeBinding",
    "resourceClaims": "DynamicResources",
}
# Inline volumes that upstream's volume plugins check (they PreFilter-Skip pods without them):
# VolumeRestrictions' disk conflicts (needsRestrictionsCheck: GCE PD, AWS EBS, RBD, iSCSI) and
# NodeVolumeLimits' CSI attach limits, which count in-tree volumes that CSI migration translates
# (IsInlineMigratable).
INLINE_VOLUME_PLUGINS = {
    "gcePersistentDisk": ("VolumeRestrictions", "NodeVolumeLimits"),
    "awsElasticBlockStore": ("VolumeRestrictions", "NodeVolumeLimits"),
    "rbd": ("VolumeRestrictions",),
    "iscsi": ("VolumeRestrictions",),
    "azureDisk": ("NodeVolumeLimits",),
    "azureFile": ("NodeVolumeLimits",),
    "cinder": ("NodeVolumeLimits",),
    "vsphereVolume": ("NodeVolumeLimits",),
    "portworxVolume": ("NodeVolumeLimits",),
}
_INLINE_VOLUME_KINDS = tuple(INLINE_VOLUME_PLUGINS)


@dataclass(slots=True)  # no per-instance __dict__: a cluster may hold hundreds of thousands
class PodInfo:
    namespace: str
    name: str
    node_name: str
    scheduler_name: str
    priority: Optional[int]
    priority_class_name: str
    labels: Mapping[str, str]
    owner: Optional[tuple]  # (kind, name) of the controller ownerReference
    phase: str
    requests: dict  # resource -> int (cpu millicores, others Value())
    nonzero: tuple  # (cpu_milli, memory_bytes) as NodeInfo.NonZeroRequested counts the pod
    tolerations: tuple = ()
    required_affinity: Any = None  # RequiredNodeAffinity or None when the pod has neither nodeSelector nor required terms
    preferred_terms: tuple = ()
    host_ports: tuple = ()  # ((protocol, host_ip, host_port), ...), host_ip "" normalised to "0.0.0.0"
    images: tuple = ()  # container images, init containers first, as written
    num_containers: int = 0  # init + regular, for ImageLocality's threshold
    needs_plugins: tuple = ()  # upstream plugins this pod needs that kschedule does not implement yet
    nominated_node_name: str = ""
    obj: Mapping = field(default=None, repr=False)
    gpu: Any = None  # kschedule.objects.gpu.GpuRequest, or None
    gpu_index: Optional[tuple] = None  # devices held, when the object records them

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def terminated(self) -> bool:
        return self.phase in ("Succeeded", "Failed")


def parse_pod(obj: Any) -> PodInfo:
    """Validate a Pod object; raise InvalidObject naming the pod and the field on any problem."""
    pi = _parse_common(obj)
    if pi is not None:
        return pi
    try:
        return _parse_pod(obj)
    except FieldError as e:
        raise e.at("Pod", object_name(obj, "default")) from None


def parse_pods(objs) -> list:
    """:func:`parse_pod` of each object, with None in place of an invalid one (``parse_pod`` of it
    raises the error): bulk loads check the pods in order and raise for the first bad one."""
    return parse_pod_columns(objs).infos()


def _parse_one(obj: Any) -> Optional[PodInfo]:
    pi = _parse_common(obj)
    if pi is None:
        try:
            pi = _parse_pod(obj)
        except Exception:  # noqa: BLE001 - parse_pod(obj) raises it again, in order
            pi = None
    return pi


_INFO_FIELDS = ("scheduler_name", "priority", "priority_class_name", "requests", "nonzero", "tolerations",
                "required_affinity", "preferred_terms", "host_ports", "images", "num_containers", "needs_plugins")


class PodColumns:
    """Parsed pods as columns (:func:`parse_pod_columns`): what a Cluster reads to add them, without
    a PodInfo per pod. :meth:`info` builds one on demand, equal to what :func:`parse_pod` gives (with
    the resolved priority once ``spec_priority`` is set).

    Per pod ``j``: ``objs``, ``names``, ``namespaces``, ``labels`` (dict or None), ``owners``,
    ``node_names``, ``phases``, ``nominated`` (lists); ``spec[j]`` (int32 array) indexes ``specs``, the
    distinct spec parses (tuples in ``_INFO_FIELDS`` order). ``requests`` is (len(res_names), n)
    int64 and ``nonzero`` (2, n) int64. Specs whose ``spec_rows`` entry is None carry their pods'
    requests in the tuple; the others rebuild the dict from ``requests`` ((name, row) pairs).
    ``gpu``: {j: (GpuRequest, devices)} for the pods that have one; ``built``: {j: PodInfo or None}
    for pods parsed one by one (None: invalid, parse_pod raises); ``bad``: their invalid indices.
    ``label_sets``: the distinct label sets (item tuples, first-seen order) and ``label_set`` the set
    of each pod, or both None (then computed from ``labels`` when needed)."""

    __slots__ = ("objs", "names", "namespaces", "labels", "owners", "node_names", "phases", "nominated", "spec",
                 "specs", "spec_rows", "res_names", "requests", "nonzero", "gpu", "built", "bad", "spec_priority",
                 "label_set", "label_sets")

    def __len__(self) -> int:
        return len(self.objs)

    def info(self, j: int) -> Optional[PodInfo]:
        built = self.built
        if built and j in built:
            return built[j]
        s = int(self.spec[j])
        info = self.specs[s]
        rows = self.spec_rows[s]
        if rows is None:
            requests, nonzero = info[3], info[4]
        else:
            col = self.requests[:, j].tolist()
            requests = {name: col[r] for name, r in rows}
            nonzero = (int(self.nonzero[0, j]), int(self.nonzero[1, j]))
        prio = info[1] if self.spec_priority is None else self.spec_priority[s]
        gpu, gpu_index = self.gpu.get(j, (None, None)) if self.gpu else (None, None)
        ls = self.labels[j]
        return PodInfo(self.namespaces[j], self.names[j], self.node_names[j], info[0], prio, info[2],
                       {} if ls is None else ls, self.owners[j], self.phases[j], requests, nonzero, info[5],
                       info[6], info[7], info[8], info[9], info[10], info[11], self.nominated[j], self.objs[j],
                       gpu, gpu_index)

    def infos(self) -> list:
        return [self.info(j) for j in range(len(self.objs))]

    def keys(self) -> list:
        return [f"{ns}/{nm}" for ns, nm in zip(self.namespaces, self.names)]

    def subset(self, keep: list) -> "PodColumns":
        """The pods at indices ``keep`` (increasing), renumbered from 0."""
        out = PodColumns()
        for name in ("objs", "names", "namespaces", "labels", "owners", "node_names", "phases", "nominated"):
            col = getattr(self, name)
            setattr(out, name, [col[j] for j in keep])
        idx = np.asarray(keep, np.intp)
        out.spec = self.spec[idx]
        out.specs, out.spec_rows, out.res_names = self.specs, self.spec_rows, self.res_names
        out.spec_priority = self.spec_priority
        out.requests = self.requests[:, idx]
        out.nonzero = self.nonzero[:, idx]
        where = {j: k for k, j in enumerate(keep)}
        out.gpu = {where[j]: g for j, g in self.gpu.items() if j in where}
        out.built = {where[j]: pi for j, pi in self.built.items() if j in where}
        out.bad = [where[j] for j in self.bad if j in where]
        out.label_set = out.label_sets = None  # sets of dropped pods must not be interned
        return out

    @classmethod
    def from_infos(cls, objs: list, infos: list) -> "PodColumns":
        """Columns of pods parsed one by one (None for an invalid one); ``info(j)`` returns them."""
        out = cls()
        out.objs = list(objs)
        out.built = dict(enumerate(infos))
        out.bad = [j for j, pi in enumerate(infos) if pi is None]
        out.names, out.namespaces, out.labels, out.owners = [], [], [], []
        out.node_names, out.phases, out.nominated = [], [], []
        out.specs, out.gpu = [], {}
        spec = []
        for j, pi in enumerate(infos):
            if pi is None:  # placeholders: a batch with an invalid pod is never added
                spec.append(-1)
                pi = _PLACEHOLDER
            else:
                spec.append(len(out.specs))
                out.specs.append(tuple(getattr(pi, f) for f in _INFO_FIELDS))
                if pi.gpu is not None:
                    out.gpu[j] = (pi.gpu, pi.gpu_index)
            out.names.append(pi.name)
            out.namespaces.append(pi.namespace)
            out.labels.append(pi.labels)
            out.owners.append(pi.owner)
            out.node_names.append(pi.node_name)
            out.phases.append(pi.phase)
            out.nominated.append(pi.nominated_node_name)
        out.spec = np.asarray(spec, np.int32)
        out.spec_rows = [None] * len(out.specs)
        out.spec_priority = None
        out.label_set = out.label_sets = None
        _fill_requests(out, [], None, None)
        return out


_PLACEHOLDER = PodInfo("", "", "", "", None, "", {}, None, "", {}, (0, 0))


def _fill_requests(cols: PodColumns, shapes: list, vec_pods, slots) -> None:
    """``res_names``, ``spec_rows``, ``requests`` and ``nonzero`` of ``cols``. Resource names come in
    the order a pod-by-pod walk meets them (specs by first pod, names in request order), so interning
    them gives the ids pod-by-pod adding gives. ``shapes``: per vector spec (the first ones), its
    (request names, slot names, non-zero default cpu, memory); ``vec_pods`` their pods; ``slots``
    the parsed quantities (_vector_requests)."""
    n = len(cols.objs)
    specs = cols.specs
    spec = cols.spec
    valid = spec >= 0
    first = np.full(len(specs), n, np.intp)
    np.minimum.at(first, spec[valid], np.flatnonzero(valid))
    res_index: dict = {}
    nv = len(shapes)
    for s in np.argsort(first, kind="stable").tolist():
        if first[s] == n:
            continue
        names = shapes[s][0] if s < nv else specs[s][3]
        for name in names:
            if name not in res_index:
                res_index[name] = len(res_index)
    cols.res_names = list(res_index)
    spec_rows = cols.spec_rows
    for s in range(nv):
        spec_rows[s] = tuple((name, res_index[name]) for name in shapes[s][0])
    slot_rows = np.fromiter((res_index[nm] for sh in shapes for nm in sh[1]), np.intp)
    req = np.zeros((len(res_index), n), np.int64)
    nz = np.zeros((2, n), np.int64)
    # Specs that carry their requests: a (resources, specs) table gathered by pod.
    carried = [s for s in range(nv, len(specs)) if first[s] < n]
    if carried:
        table = np.zeros((len(res_index), len(specs)), np.int64)
        nzt = np.zeros((2, len(specs)), np.int64)
        try:
            for s in carried:
                for name, amount in specs[s][3].items():
                    table[res_index[name], s] = amount
                nzt[:, s] = specs[s][4]
        except OverflowError:  # beyond int64: parses fine, but no cluster column can hold it
            cols.requests = cols.nonzero = None
            return
        pods = np.flatnonzero(spec >= nv)
        req[:, pods] = table[:, spec[pods]]
        nz[:, pods] = nzt[:, spec[pods]]
    if nv and len(vec_pods):
        tidx, cpu_slot, mem_slot, pos, vals = slots
        pods = vec_pods[pos]
        np.add.at(req, (slot_rows[tidx], pods), vals)
        dcpu = np.fromiter((sh[2] for sh in shapes), np.int64, nv)
        dmem = np.fromiter((sh[3] for sh in shapes), np.int64, nv)
        vs = spec[vec_pods]
        nz[0, vec_pods] = dcpu[vs]
        nz[1, vec_pods] = dmem[vs]
        np.add.at(nz[0], pods[cpu_slot], vals[cpu_slot])
        np.add.at(nz[1], pods[mem_slot], vals[mem_slot])
    cols.requests = req
    cols.nonzero = nz


def parse_pod_columns(objs) -> PodColumns:
    """Parse pods in bulk (see :class:`PodColumns`); an invalid pod is listed in ``bad`` (parse_pod of
    its object raises the error)."""
    objs = objs if type(objs) is list else list(objs)
    if _extract_pods is None or len(objs) < 64:
        return PodColumns.from_infos(objs, [_parse_one(obj) for obj in objs])
    return _parse_extracted(objs, _extract(objs))


_BIG = 1 << 56  # a parsed quantity beyond this goes through the general parser (no int64 sums to overflow)
_CHUNK = 512
_EMPTY: Mapping = {}
_spec_of_obj = itemgetter("spec")


class _Extracted:
    """What _extract read: ``cols``, the native extractor's columns; ``scan``, the containers' limits
    (_LimitsScan); ``bad_names``, pods whose metadata.name is not a valid name; ``label_first``, per
    pod the first pod with its label set, and ``label_first_of`` ({item tuple: first pod}), both
    None when a label value is unhashable."""

    __slots__ = ("cols", "scan", "bad_names", "label_first", "label_first_of")


def _extract(objs: list) -> _Extracted:
    """The native extractor's columns, and the per-pod passes of _parse_extracted that read the pods
    (names, label sets, limits). The extractor runs over slices of the pods, each followed by those
    passes: right after the extractor touched them the pods are in cache, while a separate pass over
    a large load costs about twice as much (it waits on memory)."""
    out = _Extracted()
    cols = None
    scan = _LimitsScan()
    bad_names: list = []
    firsts: list = []
    first_of: Optional[dict] = {}
    canon: dict = {}
    for start in range(0, len(objs), _CHUNK):
        part = objs[start:start + _CHUNK]
        got = _extract_pods(part, _SPEC_FIELDS, _INLINE_VOLUME_KINDS)
        # Each call has its own bytes object per distinct key; one per key over the whole load.
        got[8][:] = map(canon.setdefault, got[8], got[8])
        names, labels = got[0], got[2]
        if None in names:  # unusual objects (None in every column): the general parser reads them
            names = ["x" if nm is None else nm for nm in names]
        # metadata.name: the regex of validate_object_name; pods that fail go slow.
        if not all(map(_name_ok, names)) or max(map(len, names), default=0) > 253:
            bad_names += (start + j for j, nm in enumerate(names) if len(nm) > 253 or not _name_ok(nm))
        if first_of is not None:
            try:
                sets = map(tuple, map(dict.items, [{} if ls is None else ls for ls in labels]
                                      if None in labels else labels))
                firsts.append(np.fromiter(map(first_of.setdefault, sets, count(start)), np.intp, len(part)))
            except TypeError:  # an unhashable value
                first_of = None
        scan.add(part, start)
        if cols is None:
            cols = got
        else:
            for col, more in zip(cols, got):
                col += more
    out.cols, out.scan, out.bad_names = cols, scan, bad_names
    out.label_first = np.concatenate(firsts) if first_of is not None else None
    out.label_first_of = first_of
    return out


class _LimitsScan:
    """Per pod, its regular containers' requests and limits (``per_pod``: containers per pod;
    ``requests``/``limits``: flat, the empty dict where absent); ``outside``: indices into those of
    the containers with a limit that is not also a request of theirs of the same quantity; ``pods``:
    pods with such an init container, or that the scan could not read."""

    __slots__ = ("per_pod", "requests", "limits", "outside", "pods")

    def __init__(self):
        self.per_pod = array("q")
        self.requests, self.limits, self.outside, self.pods = [], [], [], []

    def add(self, part: list, start: int) -> None:
        base = len(self.requests)
        try:
            specs = list(map(_spec_of_obj, part))
            cl = list(map(dict.get, specs, repeat("containers"), repeat(())))
            cnt = list(map(len, cl))
            res = list(map(dict.get, chain.from_iterable(cl), repeat("resources"), repeat(_EMPTY)))
            req = list(map(dict.get, res, repeat("requests"), repeat(_EMPTY)))
            lim = list(map(dict.get, res, repeat("limits"), repeat(_EMPTY)))
            outside = list(compress(count(base), map(not_, map(le, map(dict.items, lim), map(dict.items, req)))))
            inits = list(map(dict.get, specs, repeat("initContainers")))
        except (TypeError, KeyError, AttributeError):  # an unusual object: read the slice pod by pod
            for j, obj in enumerate(part):
                self._add_one(obj, start + j)
            return
        self.per_pod.extend(cnt)
        self.requests += req
        self.limits += lim
        self.outside += outside
        if any(inits):
            for j, ics in enumerate(inits):
                if ics and not _within(ics):
                    self.pods.append(start + j)

    def _add_one(self, obj, i: int) -> None:
        try:
            spec = obj["spec"]
            cs = spec.get("containers") or ()
            res = [c.get("resources", _EMPTY) for c in cs]
            req = [r.get("requests", _EMPTY) for r in res]
            lim = [r.get("limits", _EMPTY) for r in res]
            within = [lm.items() <= rq.items() for rq, lm in zip(req, lim)]
            inits = spec.get("initContainers")
        except (TypeError, KeyError, AttributeError):  # the general parser says what is wrong
            self.per_pod.append(0)
            self.pods.append(i)
            return
        base = len(self.requests)
        self.per_pod.append(len(req))
        self.requests += req
        self.limits += lim
        self.outside += [base + k for k, ok in enumerate(within) if not ok]
        if inits and not _within(inits):
            self.pods.append(i)


def _within(containers) -> bool:
    """Whether each container's limits are also requests of its, of the same quantities."""
    try:
        for c in containers:
            res = c.get("resources")
            if res:
                lim = res.get("limits")
                if lim and not lim.items() <= (res.get("requests") or _EMPTY).items():
                    return False
    except (AttributeError, TypeError):
        return False
    return True


def _parse_extracted(objs: list, ex: _Extracted) -> PodColumns:
    """parse_pod_columns from the fields the native extractor read (kschedule._core.extract_pods):
    the checks of _parse_common, done in bulk over the columns; request quantities of plain shapes
    parsed in bulk and their resources validated in bulk; any pod that fails a check, or that the
    extractor found unusual, goes through _parse_one."""
    names, nss, labels, anns, owners, node_names, phases, nominated, keys, values = ex.cols
    scan = ex.scan
    n = len(objs)
    slow = set()
    if None in keys:  # unusual objects (None in every column)
        slow.update(i for i, k in enumerate(keys) if k is None)
        names = [nm if nm is not None else "x" for nm in names]
    # metadata.name: the regex of validate_object_name, C-speed over all names; pods that fail go slow.
    slow.update(ex.bad_names)
    # Labels: distinct label sets (kept for the label columns), every (key, value) pair validated
    # once per process (meta._label_cache).
    label_set = label_sets = None
    first_of, first = ex.label_first_of, ex.label_first
    if first_of is None:  # an unhashable value: every pod with labels is checked alone
        slow.update(i for i, ls in enumerate(labels) if ls)
    else:
        label_sets = list(first_of)
        set_of_first = np.zeros(n, np.intp)
        set_of_first[np.fromiter(first_of.values(), np.intp, len(first_of))] = np.arange(len(first_of))
        label_set = set_of_first[first]
        missing = set(chain.from_iterable(label_sets))
        missing.difference_update(_label_cache.keys())
        bad = set()
        for k, v in missing:
            try:
                validate_labels({k: v})
            except FieldError:
                bad.add((k, v))
        if bad:
            bad_sets = [u for u, ls in enumerate(label_sets) if not bad.isdisjoint(ls)]
            slow.update(np.flatnonzero(np.isin(label_set, bad_sets)).tolist())
    # GPU-sharing annotations (most pods have none).
    gpu = {}
    for i, ann in enumerate(anns):
        if ann is not None and i not in slow:
            try:
                g = pod_gpu_request(ann)
                if g is not None:
                    gpu[i] = (g, pod_gpu_index(ann, g))
            except FieldError:
                slow.add(i)
    # Shapes: one parse each (the shape cache); plain ones get their pods' requests in bulk below.
    shape_of_key: dict = {}
    sid = np.fromiter(map(shape_of_key.setdefault, keys, range(n)), np.intp, n)  # first pod per key
    vec_shapes: list = []  # (shape, request names, non-zero default cpu, memory)
    vec_of_first: dict = {}  # first pod of a key -> vector spec id
    for key, i in shape_of_key.items():
        if key is None:
            continue
        shape = _SPEC_CACHE.get(key)
        if shape is None:
            obj = objs[i]
            spec = obj["spec"]
            try:
                info = _parse_spec(obj, spec)
            except FieldError:
                continue  # each pod of the key goes through _spec_info
            if len(_SPEC_CACHE) >= _SPEC_CACHE_MAX:
                _SPEC_CACHE.clear()
            _SPEC_CACHE[key] = shape = _Shape(key, obj, spec, info)
        if not shape.plain:
            continue
        slots = tuple(chain.from_iterable(shape.regular))
        if "pods" in slots or len(slots) > 64:
            continue
        union = tuple(dict.fromkeys(slots))
        dcpu = DEFAULT_MILLI_CPU_REQUEST * sum("cpu" not in c for c in shape.regular)
        dmem = DEFAULT_MEMORY_REQUEST * sum("memory" not in c for c in shape.regular)
        vec_of_first[i] = len(vec_shapes)
        vec_shapes.append((shape, slots, union, dcpu, dmem))
    nv = len(vec_shapes)
    first_vec = np.full(n, -1, np.intp)
    if vec_of_first:
        first_vec[np.fromiter(vec_of_first, np.intp, nv)] = np.arange(nv)
    spec_of = first_vec[sid]
    if slow:
        spec_of[np.fromiter(slow, np.intp, len(slow))] = -1
    vec_pods = np.flatnonzero(spec_of >= 0)
    slot_where = None
    if len(vec_pods):
        vec_pods, slot_where, slot_q = _vector_requests(vec_pods, spec_of, vec_shapes, values)
    # Pods whose limits the scan found outside their requests (or could not read), by pod.
    ctr_count = np.frombuffer(scan.per_pod, np.int64)
    ctr_pod = np.repeat(np.arange(n), ctr_count)
    check = np.zeros(n, bool)
    check[ctr_pod[np.asarray(scan.outside, np.intp)]] = True
    check[np.asarray(scan.pods, np.intp)] = True
    if len(vec_pods):
        vec_pods, slot_where = _vector_resources(vec_pods, spec_of, vec_shapes, slot_where, slot_q, scan, ctr_count,
                                                 ctr_pod)
    # Pods of other shapes: the parse cache, one by one.
    specs = [sh[0].info for sh in vec_shapes]
    spec_rows: list = [()] * nv
    built: dict = {}
    carried: dict = {}  # id(info) -> spec
    per_pod = np.flatnonzero(spec_of < 0).tolist()
    for i in per_pod:
        if i in slow:
            pi = _parse_one(objs[i])
            built[i] = pi
            if pi is not None:
                spec_of[i] = len(specs)
                specs.append(tuple(getattr(pi, f) for f in _INFO_FIELDS))
                spec_rows.append(None)
            continue
        obj = objs[i]
        try:
            info = _spec_info(obj, obj["spec"], obj.get("status") or {}, keys[i], values[i], not check[i])
        except FieldError:
            pi = built[i] = _parse_one(obj)
            if pi is not None:
                spec_of[i] = len(specs)
                specs.append(tuple(getattr(pi, f) for f in _INFO_FIELDS))
                spec_rows.append(None)
            continue
        s = carried.get(id(info))
        if s is None:
            s = carried[id(info)] = len(specs)
            specs.append(info)
            spec_rows.append(None)
        spec_of[i] = s
    out = PodColumns()
    out.objs, out.names, out.namespaces, out.labels, out.owners = objs, names, nss, labels, owners
    out.node_names, out.phases, out.nominated = node_names, phases, nominated
    out.spec = spec_of.astype(np.int32)
    out.specs, out.spec_rows, out.spec_priority = specs, spec_rows, None
    out.gpu, out.built = gpu, built
    out.label_set, out.label_sets = label_set, label_sets
    out.bad = [i for i, pi in built.items() if pi is None]
    out.bad.sort()
    if built:  # the columns of pods parsed one by one come from their PodInfo
        for i, pi in built.items():
            if pi is not None:
                names[i], nss[i], labels[i], owners[i] = pi.name, pi.namespace, pi.labels, pi.owner
                node_names[i], phases[i], nominated[i] = pi.node_name, pi.phase, pi.nominated_node_name
                gpu.pop(i, None)
                if pi.gpu is not None:
                    gpu[i] = (pi.gpu, pi.gpu_index)
    _fill_requests(out, [(sh[2], sh[1], sh[3], sh[4]) for sh in vec_shapes], vec_pods, slot_where)
    return out


def _vector_requests(vec_pods, spec_of, vec_shapes, values):
    """Request quantities of pods of plain shapes, parsed in bulk through the quantity memos. Pods with
    a quantity the memos cannot take (not a string, invalid, negative, huge) leave the vector path
    (their spec_of entry becomes -1). Returns (vector pods kept, slot data for _fill_requests, the
    slots' quantities as an object array)."""
    vp = vec_pods.tolist()
    vals = [values[i] for i in vp]
    counts = np.fromiter(map(len, vals), np.intp, len(vp))
    vs = spec_of[vec_pods]
    nslots = np.fromiter((len(sh[1]) for sh in vec_shapes), np.intp, len(vec_shapes))
    if not np.array_equal(counts, nslots[vs]):  # cannot happen for equal keys; be safe
        spec_of[vec_pods[counts != nslots[vs]]] = -1
        keep = counts == nslots[vs]
        if keep.any():
            return _vector_requests(vec_pods[keep], spec_of, vec_shapes, values)
        return vec_pods[:0], None, None
    flat = list(chain.from_iterable(vals))
    m = len(flat)
    # Per (vector spec, slot): resource name row among the spec's union, and whether it is cpu / memory.
    soff = np.zeros(len(vec_shapes) + 1, np.intp)
    np.cumsum(nslots, out=soff[1:])
    tab_names = list(chain.from_iterable(sh[1] for sh in vec_shapes))
    tab_cpu = np.fromiter((nm == "cpu" for nm in tab_names), bool, len(tab_names))
    tab_mem = np.fromiter((nm == "memory" for nm in tab_names), bool, len(tab_names))
    pos = np.repeat(np.arange(len(vp)), counts)  # vector pod position of each slot
    starts = np.cumsum(counts) - counts
    tidx = soff[vs][pos] + (np.arange(m) - starts[pos])
    cpu_slot = tab_cpu[tidx]
    farr = np.empty(m, object)
    farr[:] = flat
    v, bad_slots = _memo_quantities(farr, cpu_slot)
    slots = (tidx, cpu_slot, tab_mem[tidx], pos, v)
    if len(bad_slots):
        gone = np.zeros(len(vp), bool)
        gone[pos[bad_slots]] = True
        return _drop_pods(vec_pods, spec_of, slots, farr, gone)
    return vec_pods, slots, farr


def _memo_quantities(farr, cpu_mask):
    """Quantities (object array) as int64 through the memos: cpu MilliValue(), others Value(). Returns
    (values, indices the memos cannot take: not a string, invalid, negative, huge)."""
    v = np.zeros(len(farr), np.int64)
    bad = []
    for mask, memo, parse in ((cpu_mask, _CPU_MILLI, milli_value), (~cpu_mask, _VALUE, value)):
        ks = np.flatnonzero(mask)
        if not len(ks):
            continue
        qs = farr[ks].tolist()
        try:
            new = set(qs).difference(memo)  # distinct quantities not parsed before (C-speed)
        except TypeError:  # an unhashable quantity: its pod takes the general parser
            bad.extend(ks[[type(q) is not str for q in qs]].tolist())
            qs = [q if type(q) is str else "0" for q in qs]
            new = set(qs).difference(memo)
        if new:
            if len(memo) + len(new) > _SPEC_CACHE_MAX:
                memo.clear()
                new = set(qs)
            for q in new:
                if type(q) is not str:  # memo keys stay str: 1 == 1.0 == True must not collide
                    continue
                try:
                    x = parse(q)
                except (FieldError, TypeError, ValueError):
                    continue
                if 0 <= x < _BIG:
                    memo[q] = x
        got = list(map(memo.get, qs))
        if None in got:  # invalid, negative or huge: the pod takes the general parser
            bad.extend(ks[[x is None for x in got]].tolist())
            got = [0 if x is None else x for x in got]
        v[ks] = got
    return v, np.asarray(bad, np.intp)


def _drop_pods(vec_pods, spec_of, slots, farr, gone):
    """Vector pods at positions ``gone`` (bool) leave the vector path for the general parser."""
    tidx, cpu_slot, mem_slot, pos, v = slots
    spec_of[vec_pods[gone]] = -1
    keep = ~gone[pos]
    remap = np.cumsum(~gone) - 1
    slots = (tidx[keep], cpu_slot[keep], mem_slot[keep], remap[pos[keep]], v[keep])
    return vec_pods[~gone], slots, farr[keep]


def _vector_resources(vec_pods, spec_of, vec_shapes, slots, slot_q, scan: "_LimitsScan", ctr_count, ctr_pod):
    """Resource validation of the pods of plain shapes (_resources_valid, in bulk): the containers
    the scan found with limits outside their requests, and every container of a shape that is not
    simple (extended resources), once per distinct (requests, limits) pair. A pod that fails leaves
    the vector path and the general parser gives its exact error. Returns (vector pods kept, slots)."""
    nv = len(vec_pods)
    pos_of = np.full(len(spec_of), -1, np.intp)
    pos_of[vec_pods] = np.arange(nv)
    reqs, lims = scan.requests, scan.limits
    todo = np.asarray(scan.outside, np.intp)
    todo = todo[pos_of[ctr_pod[todo]] >= 0]
    not_simple = np.fromiter((not sh[0].simple for sh in vec_shapes), bool, len(vec_shapes))
    if not_simple.any():
        pods = vec_pods[not_simple[spec_of[vec_pods]]]
        first = np.cumsum(ctr_count) - ctr_count
        c = ctr_count[pods]
        more = np.repeat(first[pods] - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))
        todo = np.union1d(todo, more)
    gone = np.zeros(nv, bool)
    unread = pos_of[np.asarray(scan.pods, np.intp)]
    gone[unread[unread >= 0]] = True
    idx = todo.tolist()
    rq = list(map(reqs.__getitem__, idx))
    lm = list(map(lims.__getitem__, idx))
    try:  # the memo's answers at C speed; _container_valid for the pairs it has not seen
        known = list(map(_CONTAINER_VALID.get, zip(map(tuple, map(dict.items, rq)), map(tuple, map(dict.items, lm)))))
    except TypeError:  # a limits value that is not an object, or an unhashable quantity
        known = [None] * len(idx)
    bad = [k for k, ok in enumerate(known) if not (ok or (ok is None and _container_valid(rq[k], lm[k])))]
    if bad:
        gone[pos_of[ctr_pod[todo[bad]]]] = True
    if gone.any():
        vec_pods, slots, _ = _drop_pods(vec_pods, spec_of, slots, slot_q, gone)
    return vec_pods, slots


class _Unusual(Exception):
    """The object needs the general parser (it has an error, or a shape the short path skips)."""


_name_ok = _DNS1123_SUBDOMAIN.match


def _parse_common(obj: Any) -> Optional[PodInfo]:
    # The short path for well-formed pods: the checks of _parse_pod written for the common types
    # only. It returns None for anything else, and _parse_pod then gives the exact error (or parses
    # the unusual shape), so the two agree on every input.
    try:
        if type(obj) is not dict:
            return None
        kind = obj.get("kind")
        md = obj.get("metadata")
        spec = obj.get("spec")
        if (kind is not None and kind != "Pod") or type(md) is not dict or type(spec) is not dict:
            return None
        name = md.get("name")
        if type(name) is not str or len(name) > 253 or not _name_ok(name):
            return None
        namespace = md.get("namespace")
        if namespace is None or namespace == "":
            namespace = "default"
        elif type(namespace) is not str:
            return None
        # Inlined (also in the other object kind's short path): a call per object costs ~0.1 s at 300k.
        labels = md.get("labels")
        if labels is None:
            labels = {}
        elif type(labels) is not dict:
            return None
        else:
            for kv in labels.items():
                if kv not in _label_cache:  # keys there are (str, str): a hit implies valid types
                    validate_labels(labels)
                    break
        gpu = gpu_index = None
        ann = md.get("annotations")
        if ann:
            if type(ann) is not dict:
                return None
            gpu = pod_gpu_request(ann)
            if gpu is not None:
                gpu_index = pod_gpu_index(ann, gpu)
        owner = None
        refs = md.get("ownerReferences")
        if refs:
            if type(refs) is not list:
                return None
            for r in refs:
                if type(r) is not dict:
                    return None
                if r.get("controller"):
                    ok, on = r.get("kind"), r.get("name")
                    if type(ok) is not str or type(on) is not str:
                        return None
                    owner = (ok, on)
                    break
        status = obj.get("status")
        if status is None:
            status = {}
        elif type(status) is not dict:
            return None
        node_name = spec.get("nodeName")
        if node_name is None:
            node_name = ""
        elif type(node_name) is not str:
            return None
        info = _spec_info(obj, spec, status)
    except (FieldError, TypeError, _Unusual):  # TypeError: an unhashable label
        return None
    phase = status.get("phase") or ""
    nominated = status.get("nominatedNodeName") or ""
    return PodInfo(namespace, name, node_name, info[0], info[1], info[2], labels, owner,
                   phase if isinstance(phase, str) else "", info[3], info[4], info[5], info[6], info[7], info[8],
                   info[9], info[10], info[11], nominated if isinstance(nominated, str) else "", obj, gpu, gpu_index)


def _parse_pod(obj: Any) -> PodInfo:
    obj = expect_mapping(obj, "", allow_none=False)
    kind = obj.get("kind")
    if kind is not None and kind != "Pod":
        raise FieldError("kind", f'expected "Pod", got {kind!r}')
    md = expect_mapping(obj.get("metadata"), "metadata")
    name = expect_str(md.get("name"), "metadata.name", required=True)
    validate_object_name(name)
    namespace = expect_str(md.get("namespace"), "metadata.namespace") or "default"
    labels = validate_labels(md.get("labels"))
    ann = md.get("annotations")
    gpu = gpu_index = None
    if ann:
        ann = expect_mapping(ann, "metadata.annotations")
        gpu = pod_gpu_request(ann)
        if gpu is not None:
            gpu_index = pod_gpu_index(ann, gpu)
    owner = None
    refs = md.get("ownerReferences")
    if refs:
        for i, r in enumerate(expect_list(refs, "metadata.ownerReferences")):
            r = expect_mapping(r, f"metadata.ownerReferences[{i}]")
            if r.get("controller"):
                owner = (expect_str(r.get("kind"), f"metadata.ownerReferences[{i}].kind"),
                         expect_str(r.get("name"), f"metadata.ownerReferences[{i}].name"))
                break
    spec = expect_mapping(obj.get("spec"), "spec")
    status = obj.get("status")
    status = expect_mapping(status, "status") if status is not None else {}
    node_name = expect_str(spec.get("nodeName"), "spec.nodeName")
    info = _spec_info(obj, spec, status)
    (scheduler_name, prio, pcn, requests, nonzero, tolerations, required, preferred, host_ports, images,
     num_containers, needs) = info
    phase = status.get("phase") or ""
    nominated = status.get("nominatedNodeName") or ""
    return PodInfo(
        namespace=namespace, name=name, node_name=node_name, scheduler_name=scheduler_name, priority=prio,
        priority_class_name=pcn, labels=labels, owner=owner, phase=phase if isinstance(phase, str) else "",
        requests=requests, nonzero=nonzero, tolerations=tolerations, required_affinity=required,
        preferred_terms=preferred, host_ports=host_ports, images=images,
        num_containers=num_containers, needs_plugins=needs,
        nominated_node_name=nominated if isinstance(nominated, str) else "", obj=obj, gpu=gpu, gpu_index=gpu_index,
    )


# Pods of one template (Deployment replicas, a kubectl dump) share every field the spec parser reads;
# pods of one shape (batch jobs, per-pod right-sizing) share all of them but the request quantities.
# The cache is two-level: the *shape key* holds every field _parse_spec (and the requests helper)
# reads, with each container's request quantities left out (their resource names kept) and nothing
# per-pod (names, volumes' names, container IDs); the quantities, in container order, select the
# parse within the shape. Equal shape keys give equal results for everything but requests/nonzero,
# which a shape recomputes from the quantities with the same aggregation code as a full parse.
# Resource validation also reads the containers' limits, which the shape key leaves out: a container
# whose limits equal requests of its passes with its shape, others are validated once per distinct
# (requests, limits) pair (_resources_valid).
_SPEC_CACHE: dict = {}  # shape key -> _Shape
_SPEC_CACHE_MAX = 200_000
_PARSED: dict = {}  # (shape key, request quantities) -> parse
_PARSED_MAX = 1 << 20
_SPEC_FIELDS = ("overhead", "resources", "tolerations", "nodeSelector", "affinity", "topologySpreadConstraints",
                "resourceClaims")


def _volume_key(v: Mapping):
    """What the parser reads of a volume: a PVC/ephemeral volume or not (the native extractor's
    encoding), plus the kinds that need volume plugins (pods with those never take the extractor)."""
    b = bool(v.get("persistentVolumeClaim") or v.get("ephemeral"))
    kinds = tuple(k for k in _INLINE_VOLUME_KINDS if v.get(k))
    return (b, kinds) if kinds else b


def _shape_key(spec: Mapping, status: Mapping):
    """(shape key bytes, request quantities tuple), or (None, None) when the spec cannot be keyed."""
    # marshal.dumps of a nested list is C speed (several times cheaper than repr) and keeps types apart
    # (1, 1.0 and True differ); building the list touches only what the parser reads. Limits are
    # left out: the scheduler's view of a pod never reads them (their validation: _resources_valid).
    try:
        vals = []
        parts = [spec.get("schedulerName"), spec.get("priority"), spec.get("priorityClassName")]
        for group in ("initContainers", "containers"):
            cs = spec.get(group)
            if cs is None:
                parts.append(None)
                continue
            if type(cs) is not list:
                return None, None
            g = []
            for c in cs:
                res = c.get("resources")
                if res is None:
                    r = None
                elif type(res) is dict:
                    req = res.get("requests")
                    if type(req) is dict:
                        r = tuple(req)
                        vals += req.values()
                    elif req is None:
                        r = None
                    else:
                        return None, None
                else:
                    return None, None
                g.append((c.get("name"), r, c.get("ports"), c.get("image"), c.get("restartPolicy")))
            parts.append(g)
        parts.append([spec.get(f) for f in _SPEC_FIELDS])
        vols = spec.get("volumes")
        if vols:
            parts.append([_volume_key(v) for v in vols])
        if status:
            for k in ("containerStatuses", "initContainerStatuses"):
                sts = status.get(k)
                if sts:
                    parts.append((k, [(x.get("name"), x.get("resources"), x.get("allocatedResources")) for x in sts]))
            conds = status.get("conditions")
            if conds:
                parts.append([x for x in conds if x.get("type") == "PodResizePending"])
        return marshal.dumps(parts), tuple(vals)
    except (AttributeError, TypeError, ValueError):  # wrong or unmarshallable types: no cache
        return None, None


_CONTAINER_VALID: dict = {}  # (requests items, limits items) -> whether the container's resources are valid


def _container_valid(req, lim) -> bool:
    """Whether one container's requests and limits pass resource validation, once per distinct pair.
    For containers whose request quantities parsed (the callers parse the requests first)."""
    try:
        key = (tuple(req.items()), tuple(lim.items()))
        ok = _CONTAINER_VALID.get(key)
    except (AttributeError, TypeError):  # not objects, or unhashable quantities: the exact check
        key = ok = None
    if ok is not None:
        return ok
    ok = _within_and_whole(req, lim) or requirements_error({"requests": req, "limits": lim}) is None
    # Only all-string quantities are remembered: then no other key (1 == 1.0 == True) compares equal.
    if key is not None and all(type(q) is str for _, q in chain(key[0], key[1])):
        if len(_CONTAINER_VALID) >= _SPEC_CACHE_MAX:
            _CONTAINER_VALID.clear()
        _CONTAINER_VALID[key] = ok
    return ok


_WHOLE: dict = {}  # quantity string -> whether it is a whole number (MilliValue() % 1000 == 0)


def _within_and_whole(req, lim) -> bool:
    """A quick yes for a container whose request quantities parsed: its limits are also requests of
    the same quantities, and each extended resource it requests has such a limit and a whole
    quantity (False: not decided)."""
    if type(req) is not dict or type(lim) is not dict or not lim.items() <= req.items():
        return False
    for name, q in req.items():
        code = bulk_name_code(name)
        if code == 0:
            continue
        if code != 1 or name not in lim or type(q) is not str:
            return False
        whole = _WHOLE.get(q)
        if whole is None:
            try:
                whole = milli_value(q) % 1000 == 0
            except (FieldError, TypeError, ValueError):
                whole = False
            if len(_WHOLE) >= _SPEC_CACHE_MAX:
                _WHOLE.clear()
            _WHOLE[q] = whole
        if not whole:
            return False
    return True


def _resources_valid(spec: Mapping, simple: bool) -> bool:
    """Whether the containers' resources of a pod whose shape was validated pass validation (False:
    the general parser raises the error). With a ``simple`` shape (see _Shape), a container whose
    limits are also requests of its, of the same quantities, is valid: those names and quantities
    were checked with the shape and by the quantity parse. Others are checked once per distinct
    (requests, limits) pair."""
    for group in ("containers", "initContainers"):
        cs = spec.get(group)
        if not cs:
            continue
        for c in cs:
            res = c.get("resources")
            if not res:
                continue
            lim = res.get("limits")
            if lim is None:
                lim = _EMPTY
            req = res.get("requests") or _EMPTY
            if simple and type(lim) is dict and lim.items() <= req.items():
                continue
            if not _container_valid(req, lim):
                return False
    return True


class _Shape:
    """One shape key: the parse of its first pod, and how to recompute requests for other quantities."""

    __slots__ = ("key", "info", "regular", "init", "plain", "simple")

    def __init__(self, key: bytes, obj: Mapping, spec: Mapping, info: tuple):
        self.key = key  # one bytes object per shape for every (key, quantities) entry of _PARSED
        self.info = info
        # Request names per container (init containers with their sidecar flag), as the key has them;
        # None when the requests depend on more than the spec (in-place resize status).
        self.regular = self.init = None
        if not _status_entries(obj)[0]:
            self.regular = tuple(_request_names(c) for c in spec.get("containers") or ())
            self.init = tuple((_request_names(c), c.get("restartPolicy") == "Always")
                              for c in spec.get("initContainers") or ())
        # Regular containers only, no overhead, no pod-level requests: the aggregation reduces to
        # sums, and the non-zero request to sums with each container's missing cpu/memory defaulted.
        self.plain = (self.regular is not None and not self.init and not spec.get("overhead")
                      and _pod_level(spec, "requests") is None)
        # Requests of cpu, memory and other names that take any quantity and may be overcommitted
        # only: a limit equal to a request then needs no check of its own (_resources_valid).
        self.simple = all(bulk_name_code(nm) == 0 for c in chain(spec.get("containers") or (),
                                                                  spec.get("initContainers") or ())
                          for nm in _request_names(c))

    def remember(self, values: tuple, info: tuple) -> None:
        # Only all-string tuples: then no other tuple (1 == 1.0 == True) can compare equal to a key.
        for q in values:
            if type(q) is not str:
                return
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[self.key, values] = info

    def instantiate(self, spec: Mapping, values: tuple) -> Optional[tuple]:
        """The parse for request quantities ``values``, or None if that needs the full parser
        (an invalid quantity, or a shape whose requests read more than the spec)."""
        if self.regular is None:
            return None
        if self.plain:
            try:
                return self._instantiate_plain(values)
            except (FieldError, TypeError, ValueError, _Unusual):
                return None
        try:
            it = iter(values)  # in key order: init containers, then regular ones
            init = [(_requests_of(names, it), sidecar) for names, sidecar in self.init]
            regular = [_requests_of(names, it) for names in self.regular]
            requests, nonzero = requests_and_nonzero_from_containers(spec, regular, init)
        except (FieldError, TypeError, ValueError, _Unusual):
            return None
        if "pods" in requests:
            return None
        info = self.info
        return (info[0], info[1], info[2], requests, nonzero) + info[5:]


    def _instantiate_plain(self, values: tuple) -> Optional[tuple]:
        it = iter(values)
        requests: dict = {}
        cpu = mem = 0
        for names in self.regular:
            rl = _requests_of(names, it)
            for k, v in rl.items():
                requests[k] = requests.get(k, 0) + v
            cpu += rl.get("cpu", DEFAULT_MILLI_CPU_REQUEST)
            mem += rl.get("memory", DEFAULT_MEMORY_REQUEST)
        if "pods" in requests:
            return None
        info = self.info
        return (info[0], info[1], info[2], requests, (cpu, mem)) + info[5:]


def _request_names(c: Mapping) -> tuple:
    res = c.get("resources")
    req = res.get("requests") if res else None
    return tuple(req) if req else ()


_CPU_MILLI: dict = {}  # quantity string -> MilliValue(), for the "cpu" requests of shapes
_VALUE: dict = {}  # quantity string -> Value(), for every other resource


def _requests_of(names: tuple, it) -> dict:
    """One container's parsed requests from its quantities (as _resource_list parses them)."""
    out = {}
    for name in names:
        q = next(it)
        if type(q) is not str:
            raise _Unusual
        memo = _CPU_MILLI if name == "cpu" else _VALUE
        v = memo.get(q)
        if v is None:
            v = milli_value(q) if name == "cpu" else value(q)
            if v < 0:
                raise _Unusual
            if len(memo) >= _SPEC_CACHE_MAX:
                memo.clear()
            memo[q] = v
        out[name] = v
    return out


def _spec_info(obj: Mapping, spec: Mapping, status: Mapping, key=None, values=None, checked=False) -> tuple:
    """The parse of the spec of ``obj`` through the shape cache; raises FieldError for a bad spec.
    ``key``/``values``: the spec's _shape_key when the caller has it; ``checked``: the caller found
    each container's limits to be requests of its too, of the same quantities (_resources_valid)."""
    if key is None:
        key, values = _shape_key(spec, status)
        if key is None:
            return _parse_spec(obj, spec)
    try:
        info = _PARSED.get((key, values))
    except TypeError:  # an unhashable quantity: the full parser reports it
        return _parse_spec(obj, spec)
    shape = _SPEC_CACHE.get(key)
    if info is None:
        if shape is None:
            info = _parse_spec(obj, spec)
            if len(_SPEC_CACHE) >= _SPEC_CACHE_MAX:
                _SPEC_CACHE.clear()
            _SPEC_CACHE[key] = shape = _Shape(key, obj, spec, info)
            shape.remember(values, info)
            return info
        info = shape.instantiate(spec, values)
        if info is None:
            return _parse_spec(obj, spec)
        shape.remember(values, info)
    # The shape's other fields were valid for its first pod; limits are not in the key.
    simple = shape is not None and shape.simple
    if not (checked and simple) and not _resources_valid(spec, simple):
        return _parse_spec(obj, spec)
    return info


_TOLERATIONS_CACHE: dict = {}


def _parse_tolerations(raw_tols) -> tuple:
    # Nearly every pod carries the same admission-added tolerations (not-ready/unreachable NoExecute):
    # validate and parse each distinct list once.
    try:
        key = marshal.dumps(raw_tols)
    except ValueError:
        key = None
    hit = _TOLERATIONS_CACHE.get(key) if key is not None else None
    if hit is not None:
        return hit
    raw_tols = expect_list(raw_tols, "spec.tolerations")
    validate_tolerations(raw_tols, "spec.tolerations")
    tols = []
    for i, t in enumerate(raw_tols):
        try:
            tols.append(parse_toleration(t))
        except FieldError as e:
            raise e.prefixed(f"spec.tolerations[{i}]") from None
    out = tuple(tols)
    if key is not None:
        if len(_TOLERATIONS_CACHE) >= _SPEC_CACHE_MAX:
            _TOLERATIONS_CACHE.clear()
        _TOLERATIONS_CACHE[key] = out
    return out


def _parse_spec(obj: Mapping, spec: Mapping) -> tuple:
    scheduler_name = expect_str(spec.get("schedulerName"), "spec.schedulerName") or DEFAULT_SCHEDULER_NAME
    prio = spec.get("priority")
    if prio is not None:
        prio = expect_int(prio, "spec.priority")
    pcn = expect_str(spec.get("priorityClassName"), "spec.priorityClassName")

    requests, nonzero = pod_requests_and_nonzero(obj)
    validate_pod_resources(spec)
    if "pods" in requests:
        # "pods" is a node capacity, not a container resource (apiserver validateContainerResourceName).
        raise FieldError("spec.containers", 'Invalid value: "pods": must be a standard resource for containers')

    images = []
    host_ports = []
    needs = []
    init = expect_list(spec.get("initContainers"), "spec.initContainers")
    containers = expect_list(spec.get("containers"), "spec.containers")
    for group, path in ((init, "spec.initContainers"), (containers, "spec.containers")):
        for i, c in enumerate(group):
            c = expect_mapping(c, f"{path}[{i}]")
            img = c.get("image")
            if img:
                images.append(expect_str(img, f"{path}[{i}].image"))
            ports = c.get("ports")
            # Only sidecar (restartPolicy: Always) init containers hold their host ports while the
            # pod runs (nodeports, kubernetes#132040, v1.33+).
            if ports and (group is containers or c.get("restartPolicy") == "Always"):
                for j, p in enumerate(expect_list(ports, f"{path}[{i}].ports")):
                    pp = f"{path}[{i}].ports[{j}]"
                    p = expect_mapping(p, pp)
                    hp = expect_int(p.get("hostPort"), f"{pp}.hostPort")
                    if hp < 0 or hp > 65535:
                        raise FieldError(f"{pp}.hostPort", f"Invalid value: {hp}: must be between 1 and 65535, inclusive")
                    if hp > 0:
                        proto = expect_str(p.get("protocol"), f"{pp}.protocol") or "TCP"
                        if proto not in ("TCP", "UDP", "SCTP"):
                            raise FieldError(f"{pp}.protocol", f'Unsupported value: "{proto}": supported values: "SCTP", "TCP", "UDP"')
                        ip = expect_str(p.get("hostIP"), f"{pp}.hostIP") or "0.0.0.0"
                        host_ports.append((proto, ip, hp))

    tolerations = ()
    raw_tols = spec.get("tolerations")
    if raw_tols:
        tolerations = _parse_tolerations(raw_tols)

    required = None
    preferred = ()
    ns = spec.get("nodeSelector")
    if ns is not None:
        ns = expect_mapping(ns, "spec.nodeSelector")
        for k, v in ns.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise FieldError("spec.nodeSelector", f"keys and values must be strings, got {k!r}: {v!r}")
    aff = spec.get("affinity")
    if aff is not None:
        aff = expect_mapping(aff, "spec.affinity")
        na = expect_mapping(aff.get("nodeAffinity"), "spec.affinity.nodeAffinity")
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if req is not None:
            validate_node_selector(req, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution")
        pref = na.get("preferredDuringSchedulingIgnoredDuringExecution")
        if pref:
            p = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
            validate_preferred_terms(pref, p)
            try:
                preferred = compile_preferred_terms(pref)
            except FieldError as e:
                raise e.prefixed(p) from None
        for k in ("podAffinity", "podAntiAffinity"):
            if aff.get(k):
                needs.append(FEATURE_PLUGINS[k])
    if ns is not None or (aff is not None and (aff.get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution") is not None):
        required = RequiredNodeAffinity.from_pod(obj)
    if spec.get("topologySpreadConstraints"):
        needs.append(FEATURE_PLUGINS["topologySpreadConstraints"])
    vols = spec.get("volumes")
    if vols:
        for i, v in enumerate(expect_list(vols, "spec.volumes")):
            v = expect_mapping(v, f"spec.volumes[{i}]")
            if v.get("persistentVolumeClaim") or v.get("ephemeral"):
                needs.append(FEATURE_PLUGINS["persistentVolumeClaim"])
            for k, plugins in INLINE_VOLUME_PLUGINS.items():
                if v.get(k):
                    needs.extend(plugins)
    if spec.get("resourceClaims"):
        needs.append(FEATURE_PLUGINS["resourceClaims"])

    return (scheduler_name, prio, pcn, requests, nonzero, tolerations, required, preferred, tuple(host_ports),
            tuple(images), len(init) + len(containers), tuple(dict.fromkeys(needs)))
