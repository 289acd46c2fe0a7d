"""Parsing and validation of ``v1.Pod`` into what the scheduler reads (:class:`PodInfo`).

The parser is on the hot loading path (hundreds of thousands of pods): the common shape (regular
containers with plain requests, no affinity, no tolerations) takes a short path; everything the
scheduler reads is validated and a bad field raises ``InvalidObject`` naming the pod and field path.
Fields the scheduler never reads are kept in the object as given but not validated.
"""
from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..errors import FieldError
from .meta import expect_int, expect_list, expect_mapping, expect_str, object_name, validate_labels, validate_object_name
from .requests import pod_requests_and_nonzero
from .selectors import RequiredNodeAffinity, compile_preferred_terms, validate_node_selector, validate_preferred_terms
from .taints import parse_toleration, validate_tolerations
from .gpu import pod_gpu_index, pod_gpu_request

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
    try:
        return _parse_pod(obj)
    except FieldError as e:
        raise e.at("Pod", object_name(obj, "default")) from None


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
    key = _spec_key(spec, status)
    info = _SPEC_CACHE.get(key) if key is not None else None
    if info is None:
        info = _parse_spec(obj, spec)
        if key is not None:
            if len(_SPEC_CACHE) >= _SPEC_CACHE_MAX:
                _SPEC_CACHE.clear()
            _SPEC_CACHE[key] = info
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


# Pods of one template (Deployment replicas, a kubectl dump) share every field the parser below reads
# from the spec; parsing it once per distinct content is most of the loading speed. The key holds
# exactly the fields _parse_spec (and the requests helper) read, nothing per-pod (names, volumes'
# names, container IDs), so equal keys give equal results.
_SPEC_CACHE: dict = {}
_SPEC_CACHE_MAX = 200_000
_SPEC_FIELDS = ("overhead", "resources", "tolerations", "nodeSelector", "affinity", "topologySpreadConstraints",
                "resourceClaims")


def _spec_key(spec: Mapping, status: Mapping):
    # marshal.dumps of a nested list is C speed (several times cheaper than repr) and keeps types apart
    # (1, 1.0 and True differ); building the list touches only what the parser reads.
    try:
        parts = [spec.get("schedulerName"), spec.get("priority"), spec.get("priorityClassName")]
        for group in ("initContainers", "containers"):
            cs = spec.get(group)
            if cs is None:
                parts.append(None)
                continue
            if type(cs) is not list:
                return None
            parts.append([(c.get("name"), c.get("resources"), c.get("ports"), c.get("image"), c.get("restartPolicy"))
                          for c in cs])
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
        return marshal.dumps(parts)
    except (AttributeError, TypeError, ValueError):  # wrong or unmarshallable types: no cache
        return None


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
