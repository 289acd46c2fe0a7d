"""Parsing and validation of ``v1.Pod`` into what the scheduler reads (:class:`PodInfo`).

The parser is on the hot loading path (hundreds of thousands of pods): the common shape (regular
containers with plain requests, no affinity, no tolerations) takes a short path; everything the
scheduler reads is validated and a bad field raises ``InvalidObject`` naming the pod and field path.
Fields the scheduler never reads are kept in the object as given but not validated.
"""
from __future__ import annotations

import marshal
from itertools import chain
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..errors import FieldError
from .meta import (_DNS1123_SUBDOMAIN, _label_cache, expect_int, expect_list, expect_mapping, expect_str, object_name,
                   validate_labels, validate_object_name)
from .quantity import milli_value, value
from .requests import (DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, _pod_level, _status_entries,
                       pod_requests_and_nonzero, requests_and_nonzero_from_containers)
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


@dataclass
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
    objs = objs if type(objs) is list else list(objs)
    if _extract_pods is None or len(objs) < 64:
        return [_parse_one(obj) for obj in objs]
    return _parse_extracted(objs, _extract_pods(objs, _SPEC_FIELDS))


def _parse_one(obj: Any) -> Optional[PodInfo]:
    pi = _parse_common(obj)
    if pi is None:
        try:
            pi = _parse_pod(obj)
        except Exception:  # noqa: BLE001 - parse_pod(obj) raises it again, in order
            pi = None
    return pi


def _parse_extracted(objs: list, cols: tuple) -> list:
    """parse_pods from the fields the native extractor read (kschedule._core.extract_pods): the
    checks of _parse_common, done in bulk over the columns; any pod that fails one, or that the
    extractor found unusual, goes through _parse_one."""
    names, nss, labels, anns, owners, node_names, phases, nominated, keys, values = cols
    n = len(objs)
    slow = set()
    if None in keys:  # unusual objects (None in every column)
        slow.update(i for i, k in enumerate(keys) if k is None)
        names = [nm if nm is not None else "x" for nm in names]
    # metadata.name: the regex of validate_object_name, C-speed over all names; pods that fail go slow.
    if not all(map(_name_ok, names)) or max(map(len, names), default=0) > 253:
        slow.update(i for i, nm in enumerate(names) if len(nm) > 253 or not _name_ok(nm))
    # Labels: every (key, value) pair validated once per process (meta._label_cache).
    try:
        missing = set(chain.from_iterable(map(dict.items, filter(None, labels))))
        missing.difference_update(_label_cache.keys())
        bad = set()
        for k, v in missing:
            try:
                validate_labels({k: v})
            except FieldError:
                bad.add((k, v))
    except TypeError:  # an unhashable value
        bad = None
    if bad is None or bad:
        for i, ls in enumerate(labels):
            if ls and (bad is None or not bad.isdisjoint(ls.items())):
                slow.add(i)
    # The spec: one dict lookup per pod for a (shape, quantities) parsed before.
    try:
        infos = list(map(_PARSED.get, zip(keys, values)))
    except TypeError:  # an unhashable quantity
        infos = [None] * n
    out = [None] * n
    for i, (obj, info) in enumerate(zip(objs, infos)):
        if i in slow:
            out[i] = _parse_one(obj)
            continue
        gpu = gpu_index = None
        ann = anns[i]
        try:
            if info is None:
                spec = obj["spec"]
                info = _spec_info(obj, spec, obj.get("status") or {}, keys[i], values[i])
            if ann is not None:
                gpu = pod_gpu_request(ann)
                if gpu is not None:
                    gpu_index = pod_gpu_index(ann, gpu)
        except FieldError:
            out[i] = _parse_one(obj)
            continue
        ls = labels[i]
        out[i] = PodInfo(nss[i], names[i], node_names[i], info[0], info[1], info[2], {} if ls is None else ls,
                         owners[i], phases[i], info[3], info[4], info[5], info[6], info[7], info[8], info[9],
                         info[10], info[11], nominated[i], obj, gpu, gpu_index)
    return out


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
_SPEC_CACHE: dict = {}  # shape key -> _Shape
_SPEC_CACHE_MAX = 200_000
_PARSED: dict = {}  # (shape key, quantities) -> parse
_PARSED_MAX = 1 << 20
_SPEC_FIELDS = ("overhead", "resources", "tolerations", "nodeSelector", "affinity", "topologySpreadConstraints",
                "resourceClaims")


def _shape_key(spec: Mapping, status: Mapping):
    """(shape key bytes, request quantities tuple), or (None, None) when the spec cannot be keyed."""
    # marshal.dumps of a nested list is C speed (several times cheaper than repr) and keeps types apart
    # (1, 1.0 and True differ); building the list touches only what the parser reads. Limits are
    # left out: the scheduler's view of a pod never reads them.
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
            parts.append([bool(v.get("persistentVolumeClaim") or v.get("ephemeral")) for v in vols])
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


class _Shape:
    """One shape key: the parse of its first pod, and how to recompute requests for other quantities."""

    __slots__ = ("key", "info", "regular", "init", "plain")

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


def _spec_info(obj: Mapping, spec: Mapping, status: Mapping, key=None, values=None) -> tuple:
    """The parse of the spec of ``obj`` through the shape cache; raises FieldError for a bad spec.
    ``key``/``values``: the spec's _shape_key when the caller has it."""
    if key is None:
        key, values = _shape_key(spec, status)
        if key is None:
            return _parse_spec(obj, spec)
    try:
        info = _PARSED.get((key, values))
    except TypeError:  # an unhashable quantity: the full parser reports it
        return _parse_spec(obj, spec)
    if info is not None:
        return info
    shape = _SPEC_CACHE.get(key)
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
                break
    if spec.get("resourceClaims"):
        needs.append(FEATURE_PLUGINS["resourceClaims"])

    return (scheduler_name, prio, pcn, requests, nonzero, tolerations, required, preferred, tuple(host_ports),
            tuple(images), len(init) + len(containers), tuple(dict.fromkeys(needs)))
