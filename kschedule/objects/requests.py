"""Effective pod resource requests and limits, as the v1.34 scheduler counts them.

Upstream files followed (kubernetes/kubernetes, release v1.34):

* ``staging/src/k8s.io/component-helpers/resource/helpers.go``: ``PodRequests``, ``PodLimits``,
  ``AggregateContainerRequests`` / ``AggregateContainerLimits``, ``IsSupportedPodLevelResource``,
  ``IsPodLevelRequestsSet`` / ``IsPodLevelResourcesSet``, ``determineContainerReqs`` / ``Limits``.
* ``pkg/scheduler/framework/types.go``: ``calculateResource`` and ``getNonMissingContainerRequests``
  (what ``NodeInfo.Requested`` / ``NodeInfo.NonZeroRequested`` add for a pod).
* ``pkg/scheduler/util/pod_resources.go``: ``DefaultMilliCPURequest = 100``,
  ``DefaultMemoryRequest = 200 * 1024 * 1024``.
* ``pkg/scheduler/framework/plugins/noderesources/resource_allocation.go``:
  ``calculatePodResourceRequest`` (the incoming pod's scoring request is
  ``pod_requests(pod, non_missing=NON_ZERO_DEFAULTS)``).

Formula, per resource name (``AggregateContainerRequests`` + ``PodRequests``)::

    sum      = Σ regular containers + Σ restartable init containers (sidecars, restartPolicy: Always)
    for each init container i, in order:
        use(i) = Σ sidecars declared up to i           if i is a sidecar
               = request(i) + Σ sidecars declared before i   otherwise
    result   = max(sum, max_i use(i))                  # a key present anywhere is present in result
    result[r] = spec.resources.requests[r]             # pod-level resources, r in cpu/memory/hugepages-*
    result  += spec.overhead                           # unless exclude_overhead

Limits follow the same aggregation over ``resources.limits`` (a container without a limit for a
resource simply does not add to it); pod-level limits replace the aggregate when the pod sets any
supported pod-level request or limit; overhead is added only to limits that are present and non-zero.

``non_missing`` (upstream ``NonMissingContainerRequests``) gives each container, regular or init,
whose ``requests`` lacks a key that value; an explicit ``"0"`` is kept.

Units: ``cpu`` in millicores (``MilliValue()``), every other resource in ``Value()`` (rounded up).

Choices recorded for v1.34:

* **PodLevelResources** is beta and on by default in v1.34, so pod-level requests/limits are applied
  unless ``skip_pod_level``. Supported pod-level names are ``cpu``, ``memory`` and ``hugepages-*``.
* **InPlacePodVerticalScaling** is beta and on by default (since v1.33); the scheduler passes
  ``UseStatusResources: true``, so by default (``use_status=True``) a container (regular or sidecar;
  not a non-restartable init container, as in v1.34) whose ``status.containerStatuses[]`` /
  ``initContainerStatuses[]`` entry has ``resources`` set counts
  ``max(spec, status.resources.requests, allocatedResources)`` per resource, or
  ``max(status.resources.requests, allocatedResources)`` when the pod's ``PodResizePending``
  condition has reason ``Infeasible``. Limits: ``max(spec, status.resources.limits)`` or the status
  limits when infeasible. Pod-level status (``status.resources``, ``status.allocatedResources``) is
  read only by the later InPlacePodLevelResourcesVerticalScaling gate and is ignored here.
* ``pod_nonzero_requests`` follows ``types.go`` (``NodeInfo.NonZeroRequested``): without pod-level
  requests every container lacking cpu (memory) counts 100m (200Mi); with pod-level requests set, the
  default is applied only for cpu / memory absent from the pod's whole request. The NodeResourcesFit
  scorer applies the defaults to every container regardless of pod-level resources
  (``pod_requests(pod, non_missing=NON_ZERO_DEFAULTS)``); the two differ only for pods that set
  pod-level requests for one of cpu / memory and leave the other unset on some containers, exactly as
  upstream.
* DRA node-allocatable claims (``UseDRANodeAllocatableResourceClaimStatus``, after v1.34) are not
  counted.
* A negative quantity is rejected (upstream validation: "must be greater than or equal to 0").
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import FieldError
from .quantity import milli_value, value

#: ``pkg/scheduler/util/pod_resources.go``: DefaultMilliCPURequest, DefaultMemoryRequest.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
NON_ZERO_DEFAULTS = {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}

HUGEPAGES_PREFIX = "hugepages-"
_EMPTY: Mapping = {}

__all__ = [
    "NON_ZERO_DEFAULTS", "DEFAULT_MILLI_CPU_REQUEST", "DEFAULT_MEMORY_REQUEST",
    "pod_requests", "pod_limits", "container_requests", "container_limits", "pod_nonzero_requests",
    "pod_requests_and_nonzero", "requests_and_nonzero_from_containers", "is_supported_pod_level_resource", "is_pod_level_requests_set",
    "is_pod_level_resources_set",
]


def is_supported_pod_level_resource(name: str) -> bool:
    """Upstream ``IsSupportedPodLevelResource``: cpu, memory and every ``hugepages-<size>``."""
    return name == "cpu" or name == "memory" or name.startswith(HUGEPAGES_PREFIX)


# ---------------------------------------------------------------------------------------------
# Parsing helpers. Every parsed resource list is a fresh dict of resource name -> int.

def _key_path(path: str, name: str) -> str:
    # Names such as "nvidia.com/gpu" would be ambiguous after a dot; quote them like meta.py does.
    if "." in name or "/" in name:
        return f'{path}["{name}"]'
    return f"{path}.{name}"


def _resource_list(rl: Any, path: str) -> dict:
    if rl is None:
        return {}
    if type(rl) is not dict and not isinstance(rl, Mapping):
        raise FieldError(path, f"expected an object, got {type(rl).__name__}")
    out = {}
    for name, q in rl.items():
        if not isinstance(name, str) or not name:
            raise FieldError(path, f"resource name {name!r} is not a non-empty string")
        try:
            v = milli_value(q) if name == "cpu" else value(q)
        except FieldError as e:
            raise e.prefixed(_key_path(path, name)) from None
        except (TypeError, ValueError) as e:  # a quantity parser should raise FieldError; be safe
            raise FieldError(_key_path(path, name), f'invalid quantity "{q}": {e}') from None
        if v < 0:
            raise FieldError(_key_path(path, name), f'Invalid value: "{q}": must be greater than or equal to 0')
        out[name] = v
    return out


def _mapping(v: Any, path: str) -> Mapping:
    if v is None:
        return _EMPTY
    if type(v) is not dict and not isinstance(v, Mapping):
        raise FieldError(path, f"expected an object, got {type(v).__name__}")
    return v


def _list(v: Any, path: str) -> list:
    if v is None:
        return []
    if type(v) is not list and not isinstance(v, (list, tuple)):
        raise FieldError(path, f"expected a list, got {type(v).__name__}")
    return v


_RES_PATH = {"requests": "resources.requests", "limits": "resources.limits"}


def _container_list(c: Any, which: str) -> dict:
    """``resources.<which>`` of one container; error paths are relative to the container."""
    if type(c) is not dict and not isinstance(c, Mapping):
        raise FieldError("", f"expected an object, got {type(c).__name__}")
    res = c.get("resources")
    if res is None:
        return {}
    if type(res) is not dict and not isinstance(res, Mapping):
        raise FieldError("resources", f"expected an object, got {type(res).__name__}")
    rl = res.get(which)
    if rl is None:
        return {}
    return _resource_list(rl, _RES_PATH[which])


def _is_sidecar(c: Mapping) -> bool:
    rp = c.get("restartPolicy")
    if rp is None:
        return False
    if not isinstance(rp, str):
        raise FieldError("restartPolicy", f"expected a string, got {type(rp).__name__}")
    return rp == "Always"


def container_requests(container: Mapping) -> dict:
    """The container's ``resources.requests`` as resource -> int (cpu millicores, others Value()).

    Field paths in errors are relative to the container (``resources.requests.cpu``).
    """
    return _container_list(container, "requests") if container is not None else {}


def container_limits(container: Mapping) -> dict:
    """The container's ``resources.limits`` as resource -> int."""
    return _container_list(container, "limits") if container is not None else {}


# ---------------------------------------------------------------------------------------------
# In-place resize status (InPlacePodVerticalScaling, beta in v1.34).

def _status_entries(pod: Mapping) -> tuple[dict, bool]:
    """Container statuses that carry ``resources``, by name, and whether the resize is infeasible.

    Upstream indexes ``containerStatuses`` then ``initContainerStatuses`` by name (later wins) and
    uses an entry only when ``cs.Resources != nil``.
    """
    status = pod.get("status")
    if not status:
        return _EMPTY, False
    status = _mapping(status, "status")
    found: dict = {}
    for key in ("containerStatuses", "initContainerStatuses"):
        sts = status.get(key)
        if not sts:
            continue
        for i, cs in enumerate(_list(sts, f"status.{key}")):
            if type(cs) is not dict and not isinstance(cs, Mapping):
                raise FieldError(f"status.{key}[{i}]", f"expected an object, got {type(cs).__name__}")
            name = cs.get("name")
            if cs.get("resources") is None:
                if found and isinstance(name, str):
                    found.pop(name, None)
                continue
            p = f"status.{key}[{i}]"
            if not isinstance(name, str):
                raise FieldError(f"{p}.name", "Required value")
            found[name] = (cs, p)
    if not found:
        return _EMPTY, False
    infeasible = False
    conds = status.get("conditions")
    if conds:
        for i, cond in enumerate(_list(conds, "status.conditions")):
            cond = _mapping(cond, f"status.conditions[{i}]")
            if cond.get("type") == "PodResizePending":
                infeasible = cond.get("reason") == "Infeasible"
                break
    return found, infeasible


def _max_into(dst: dict, src: Mapping) -> None:
    """Upstream ``maxResourceList``: absent keys are added, present ones raised to the larger."""
    for k, v in src.items():
        cur = dst.get(k)
        if cur is None or v > cur:
            dst[k] = v


def _add_into(dst: dict, src: Mapping) -> None:
    for k, v in src.items():
        dst[k] = dst.get(k, 0) + v


def _with_status(spec: dict, entry: tuple, infeasible: bool, which: str) -> dict:
    cs, p = entry
    res = _mapping(cs.get("resources"), f"{p}.resources")
    st = _resource_list(res.get(which), f"{p}.resources.{which}")
    if which == "limits":
        if infeasible:
            return st
        out = dict(spec)
        _max_into(out, st)
        return out
    alloc = _resource_list(cs.get("allocatedResources"), f"{p}.allocatedResources")
    out = {} if infeasible else dict(spec)
    _max_into(out, st)
    _max_into(out, alloc)
    return out


# ---------------------------------------------------------------------------------------------
# Aggregation.

def _collect(pod: Mapping, which: str, use_status: bool) -> tuple[Mapping, list, list]:
    """(spec, [regular container lists], [(init container list, is_sidecar)])."""
    if type(pod) is not dict and not isinstance(pod, Mapping):
        raise FieldError("", f"expected an object, got {type(pod).__name__}")
    spec = _mapping(pod.get("spec"), "spec")
    statuses, infeasible = _status_entries(pod) if use_status else (_EMPTY, False)
    containers = _list(spec.get("containers"), "spec.containers")
    regular = []
    i = 0
    try:
        # Paths are built only when something is wrong: this loop is the loading hot path.
        for i, c in enumerate(containers):
            regular.append(_container_list(c, which))
    except FieldError as e:
        raise e.prefixed(f"spec.containers[{i}]") from None
    if statuses:
        for i, c in enumerate(containers):
            entry = statuses.get(c.get("name")) if isinstance(c.get("name"), str) else None
            if entry is not None:
                regular[i] = _with_status(regular[i], entry, infeasible, which)
    init = []
    inits = spec.get("initContainers")
    if inits:
        inits = _list(inits, "spec.initContainers")
        try:
            for i, c in enumerate(inits):
                init.append((_container_list(c, which), _is_sidecar(c)))
        except FieldError as e:
            raise e.prefixed(f"spec.initContainers[{i}]") from None
        if statuses:
            for i, c in enumerate(inits):
                rl, sidecar = init[i]
                # v1.34 reads the status of restartable init containers only.
                entry = statuses.get(c.get("name")) if sidecar and isinstance(c.get("name"), str) else None
                if entry is not None:
                    init[i] = (_with_status(rl, entry, infeasible, which), True)
    return spec, regular, init


def _apply_non_missing(rl: dict, non_missing: Mapping) -> dict:
    missing = [k for k in non_missing if k not in rl]
    if not missing:
        return rl
    out = dict(rl)
    for k in missing:
        out[k] = non_missing[k]
    return out


def _aggregate(regular: list, init: list, non_missing: Mapping | None) -> dict:
    result: dict = {}
    for rl in regular:
        if non_missing:
            rl = _apply_non_missing(rl, non_missing)
        for k, v in rl.items():
            result[k] = result.get(k, 0) + v
    if not init:
        return result
    sidecars: dict = {}
    init_max: dict = {}
    for rl, sidecar in init:
        if non_missing:
            rl = _apply_non_missing(rl, non_missing)
        if sidecar:
            _add_into(result, rl)
            _add_into(sidecars, rl)
            _max_into(init_max, sidecars)
        else:
            use = dict(rl)
            _add_into(use, sidecars)
            _max_into(init_max, use)
    _max_into(result, init_max)
    return result


def _pod_level(spec: Mapping, which: str) -> dict | None:
    """Supported pod-level entries of ``spec.resources.<which>``, or None when none is set."""
    res = spec.get("resources")
    if res is None:
        return None
    res = _mapping(res, "spec.resources")
    rl = res.get(which)
    if not rl:
        if rl is not None:
            _mapping(rl, f"spec.resources.{which}")
        return None
    parsed = _resource_list(rl, f"spec.resources.{which}")
    supported = {k: v for k, v in parsed.items() if is_supported_pod_level_resource(k)}
    return supported or None


def _finish_requests(agg: dict, spec: Mapping, pod_level: dict | None, exclude_overhead: bool) -> dict:
    if pod_level:
        agg.update(pod_level)
    if not exclude_overhead:
        oh = spec.get("overhead")
        if oh:
            _add_into(agg, _resource_list(oh, "spec.overhead"))
    return agg


def pod_requests(pod: Mapping, *, exclude_overhead: bool = False, non_missing: Mapping[str, int] | None = None,
                 skip_pod_level: bool = False, use_status: bool = True) -> dict:
    """Upstream ``PodRequests``: resource name -> int (cpu millicores, others Value()).

    Resources explicitly requested as 0 are present with 0. ``use_status`` (default on, as the v1.34
    scheduler) applies in-place resize status; see the module docstring.
    """
    spec, regular, init = _collect(pod, "requests", use_status)
    agg = _aggregate(regular, init, non_missing)
    pod_level = None if skip_pod_level else _pod_level(spec, "requests")
    return _finish_requests(agg, spec, pod_level, exclude_overhead)


def pod_limits(pod: Mapping, *, exclude_overhead: bool = False, skip_pod_level: bool = False,
               use_status: bool = True) -> dict:
    """Upstream ``PodLimits``: aggregated container limits, pod-level limits, overhead on non-zero limits."""
    spec, regular, init = _collect(pod, "limits", use_status)
    limits = _aggregate(regular, init, None)
    if not skip_pod_level:
        # Upstream gates on IsPodLevelResourcesSet (requests or limits), then copies supported limits.
        # (when only requests are set there is nothing to copy, so reading limits suffices).
        pl = _pod_level(spec, "limits")
        if pl:
            limits.update(pl)
    if not exclude_overhead:
        oh = spec.get("overhead")
        if oh:
            for k, v in _resource_list(oh, "spec.overhead").items():
                cur = limits.get(k)
                if cur:  # only limits that are set and non-zero
                    limits[k] = cur + v
    return limits


def pod_requests_and_nonzero(pod: Mapping) -> tuple[dict, tuple[int, int]]:
    """``(pod_requests(pod), pod_nonzero_requests(pod))`` parsing the pod once (loading path)."""
    spec, regular, init = _collect(pod, "requests", True)
    return requests_and_nonzero_from_containers(spec, regular, init)


def requests_and_nonzero_from_containers(spec: Mapping, regular: list, init: list) -> tuple[dict, tuple[int, int]]:
    """The second half of :func:`pod_requests_and_nonzero`, from each container's parsed requests
    (``regular``: dicts; ``init``: (dict, is_sidecar)), status already applied. Shapes of the loading
    cache call it with requests parsed from quantities alone."""
    pod_level = _pod_level(spec, "requests")
    plain = _finish_requests(_aggregate(regular, init, None), spec, pod_level, False)
    if pod_level is None:
        nm = NON_ZERO_DEFAULTS
    else:
        # types.go getNonMissingContainerRequests: with pod-level requests set, default only what
        # the pod's whole request (pod-level + containers + overhead) lacks.
        nm = {k: v for k, v in NON_ZERO_DEFAULTS.items() if k not in plain}
    if not nm:
        return plain, (plain.get("cpu", 0), plain.get("memory", 0))
    non0 = _finish_requests(_aggregate(regular, init, nm), spec, pod_level, False)
    return plain, (non0.get("cpu", 0), non0.get("memory", 0))


def pod_nonzero_requests(pod: Mapping) -> tuple[int, int]:
    """``(cpu_milli, memory_bytes)`` as ``NodeInfo.NonZeroRequested`` counts the pod (overhead included)."""
    return pod_requests_and_nonzero(pod)[1]


def is_pod_level_requests_set(pod: Mapping) -> bool:
    """Upstream ``IsPodLevelRequestsSet``: ``spec.resources.requests`` has a supported resource."""
    spec = _mapping(_mapping(pod, "").get("spec"), "spec")
    res = _mapping(spec.get("resources"), "spec.resources")
    reqs = _mapping(res.get("requests"), "spec.resources.requests")
    return any(is_supported_pod_level_resource(k) for k in reqs)


def is_pod_level_resources_set(pod: Mapping) -> bool:
    """Upstream ``IsPodLevelResourcesSet``: requests or limits name a supported resource."""
    spec = _mapping(_mapping(pod, "").get("spec"), "spec")
    res = _mapping(spec.get("resources"), "spec.resources")
    for which in ("requests", "limits"):
        if any(is_supported_pod_level_resource(k) for k in _mapping(res.get(which), f"spec.resources.{which}")):
            return True
    return False
