"""Apiserver validation of resource requirements: what ``kubectl apply`` would reject in a pod's
container, init container and pod-level ``resources`` and in ``spec.overhead``.

Upstream files followed (kubernetes/kubernetes, v1.34):

* ``pkg/apis/core/validation/validation.go``: ``validateResourceRequirements`` (through
  ``ValidateContainerResourceRequirements`` and ``validatePodResourceRequirements``),
  ``ValidateResourceQuantityValue``, ``validateResourceName``, ``validateContainerResourceName``,
  ``validatePodResourceName``, ``validateResourceQuantityHugePageValue``, ``validateOverhead``.
* ``pkg/apis/core/helper/helpers.go``: ``IsNativeResource``, ``IsExtendedResourceName``,
  ``IsIntegerResourceName``, ``IsOvercommitAllowed``, ``IsHugePageResourceName``,
  ``IsHugePageResourceValueDivisible``, ``IsStandardResourceName``, ``IsStandardContainerResourceName``.

Rules, per ``resources`` object (limits first, then requests, as upstream walks them):

* every name must be a qualified name; an unprefixed one must be a standard resource and, for a
  container, one of cpu / memory / ephemeral-storage / hugepages-*; a prefixed one outside
  ``kubernetes.io/`` must be an extended resource name; pod-level names must be cpu, memory or
  hugepages-* (``Unsupported value``);
* quantities are non-negative; extended resources whole numbers (``must be an integer``); hugepages
  a positive multiple of the page size;
* a request above its limit is invalid; extended resources and hugepages cannot be overcommitted: a
  request needs a limit (``Limit must be set for non overcommitable resources``) equal to it;
* hugepages need cpu or memory in the same ``resources``.

Upstream reports every error; kschedule raises the first as ``FieldError`` (containers in order, then
init containers, pod-level resources, overhead; within one ``resources`` upstream's order), with
the house path style (``resources.limits.cpu``, ``resources.limits["example.com/gpu"]``). Paths are
upstream's: request/limit comparisons point at ``resources.requests``, a missing limit at
``resources.limits``, and overhead entries at ``spec.overhead.limits`` (overhead is validated as
container limits).

Not checked here: the pod-level consistency rules (aggregate container requests within pod-level
requests, container limits within pod-level limits), which upstream applies to the object after
defaulting fills pod-level requests; kschedule does not apply that defaulting.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Optional

from ..errors import FieldError
from .quantity import Quantity
from .requests import _key_path
from .selectors import _forbidden, _invalid, _not_supported, _required, is_qualified_name

__all__ = [
    "HUGEPAGES_PREFIX", "is_native_resource", "is_extended_resource_name", "is_hugepage_resource_name",
    "is_overcommit_allowed", "is_integer_resource_name", "is_standard_resource_name",
    "is_standard_container_resource_name", "is_hugepage_resource_value_divisible", "resource_name_error",
    "container_resource_name_error", "pod_resource_name_error", "bulk_name_code", "requirements_error",
    "validate_pod_resources",
]

HUGEPAGES_PREFIX = "hugepages-"
_DEFAULT_NAMESPACE_PREFIX = "kubernetes.io/"
_QUOTA_REQUESTS_PREFIX = "requests."

# helper.standardContainerResources, helper.standardResources, helper.integerResources.
_STANDARD_CONTAINER = frozenset({"cpu", "memory", "ephemeral-storage"})
_STANDARD = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
})
_INTEGER = frozenset({
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
})
# resourcehelper.SupportedPodLevelResources(), as sets.List sorts it for the NotSupported message.
_POD_LEVEL_SUPPORTED = ("cpu", "hugepages-", "memory")


def is_hugepage_resource_name(name: str) -> bool:
    return name.startswith(HUGEPAGES_PREFIX)


def is_native_resource(name: str) -> bool:
    """Unprefixed names are implicitly in ``kubernetes.io/``; so is any name containing it."""
    return "/" not in name or _DEFAULT_NAMESPACE_PREFIX in name


def is_extended_resource_name(name: str) -> bool:
    if is_native_resource(name) or name.startswith(_QUOTA_REQUESTS_PREFIX):
        return False
    # The quota name "requests.<name>" must itself be a qualified name.
    return not is_qualified_name(_QUOTA_REQUESTS_PREFIX + name)


def is_overcommit_allowed(name: str) -> bool:
    return is_native_resource(name) and not is_hugepage_resource_name(name)


def is_integer_resource_name(name: str) -> bool:
    return name in _INTEGER or is_extended_resource_name(name)


def is_standard_resource_name(name: str) -> bool:
    return name in _STANDARD or name.startswith(HUGEPAGES_PREFIX) or name.startswith("requests." + HUGEPAGES_PREFIX)


def is_standard_container_resource_name(name: str) -> bool:
    return name in _STANDARD_CONTAINER or name.startswith(HUGEPAGES_PREFIX)


def resource_name_error(name: str) -> Optional[str]:
    """validateResourceName: the first message (``Invalid value: ...``), or None."""
    for msg in is_qualified_name(name):
        return _invalid(name, msg)
    if "/" not in name and not is_standard_resource_name(name):
        return _invalid(name, "must be a standard resource type or fully qualified")
    return None


def container_resource_name_error(name: str) -> Optional[str]:
    """validateContainerResourceName: the first message (``Invalid value: ...``), or None."""
    err = resource_name_error(name)
    if err is not None:
        return err
    if "/" not in name:
        if not is_standard_container_resource_name(name):
            return _invalid(name, "must be a standard resource for containers")
    elif not is_native_resource(name) and not is_extended_resource_name(name):
        return _invalid(name, "doesn't follow extended resource name standard")
    return None


def pod_resource_name_error(name: str) -> Optional[str]:
    """validatePodResourceName: the first message, or None."""
    err = resource_name_error(name)
    if err is not None:
        return err
    if not (name in ("cpu", "memory") or name.startswith(HUGEPAGES_PREFIX)):
        return _not_supported(name, _POD_LEVEL_SUPPORTED)
    return None


# Per name and rule set: (error message or None, overcommit allowed, integer, hugepages, cpu/memory).
# A pod loader sees few distinct names, so each is classified once.
_CONTAINER_NAMES: dict = {}
_POD_NAMES: dict = {}


def _classify(name: Any, pod_level: bool) -> tuple:
    memo = _POD_NAMES if pod_level else _CONTAINER_NAMES
    info = memo.get(name)
    if info is None:
        err = (pod_resource_name_error if pod_level else container_resource_name_error)(name)
        info = (err, is_overcommit_allowed(name), is_integer_resource_name(name), is_hugepage_resource_name(name),
                name in ("cpu", "memory"))
        if len(memo) < 100_000:
            memo[name] = info
    return info


def bulk_name_code(name: Any) -> int:
    """How a bulk check can treat a container resource name: 0 a valid name that may be overcommitted
    and takes any non-negative quantity (cpu, memory, ...), 1 a valid extended resource (whole
    numbers, request equal to limit), 2 anything else (invalid, hugepages: the exact checks)."""
    if not isinstance(name, str) or not name:
        return 2
    err, overcommit, integer, hugepages, _ = _classify(name, False)
    if err is not None or hugepages:
        return 2
    if overcommit and not integer:
        return 0
    if integer and not overcommit:
        return 1
    return 2


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _parse_cached(q) -> Quantity:
    return Quantity.parse(q)


def _quantity(q: Any, path: str) -> Quantity:
    try:
        return _parse_cached(q)
    except TypeError:  # unhashable: not a quantity, but let the parser say why
        try:
            return Quantity.parse(q)
        except FieldError as e:
            raise e.prefixed(path) from None
    except FieldError as e:
        raise e.prefixed(path) from None
    except ValueError as e:  # a quantity parser should raise FieldError; be safe
        raise FieldError(path, f'invalid quantity "{q}": {e}') from None


def is_hugepage_resource_value_divisible(name: str, qty: Quantity) -> bool:
    """Whether ``qty`` is a whole number of pages of the hugepages resource ``name``."""
    if not name.startswith(HUGEPAGES_PREFIX):
        return False
    try:
        page = _parse_cached(name[len(HUGEPAGES_PREFIX):])
    except FieldError:
        return False
    if page.sign() <= 0 or page.milli_value() % 1000 != 0:
        return False
    pv = page.value()  # 0 only where Value() wraps (Go would divide by zero)
    return pv != 0 and qty.value() % pv == 0


def _hugepage_value_error(name: str, qty: Quantity) -> Optional[str]:
    """validateResourceQuantityHugePageValue (creates: indivisible values are never allowed)."""
    if is_hugepage_resource_value_divisible(name, qty):
        return None
    return _invalid(str(qty), f"{qty} is not positive integer multiple of {name}")


def _entries(rl: Any, path: str):
    if rl is None:
        return ()
    if type(rl) is not dict and not isinstance(rl, Mapping):
        raise FieldError(path, f"expected an object, got {type(rl).__name__}")
    return rl.items()


def _name_and_quantity(name: Any, q: Any, path: str, pod_level: bool) -> tuple:
    if not isinstance(name, str) or not name:
        raise FieldError(path, f"resource name {name!r} is not a non-empty string")
    p = _key_path(path, name)
    # A quantity that does not parse fails decoding upstream, before any validation.
    qty = _quantity(q, p)
    info = _classify(name, pod_level)
    if info[0] is not None:
        raise FieldError(p, info[0])
    if qty.sign() < 0:
        raise FieldError(p, f'Invalid value: "{q}": must be greater than or equal to 0')
    if info[2] and qty.milli_value() % 1000:
        raise FieldError(p, _invalid(str(qty), "must be an integer"))
    if info[3]:
        err = _hugepage_value_error(name, qty)
        if err is not None:
            raise FieldError(p, err)
    return info, qty


def requirements_error(res: Any, pod_level: bool = False) -> Optional[FieldError]:
    """The first error of one ``resources`` object (``ResourceRequirements``), paths relative to it
    (``limits.cpu``, ``requests``, ``""`` for the object itself); None when valid. ``pod_level``:
    the rules of ``spec.resources`` instead of a container's."""
    try:
        _check_requirements(res, pod_level)
    except FieldError as e:
        return e
    return None


def _check_requirements(res: Any, pod_level: bool) -> None:
    if res is None:
        return
    if type(res) is not dict and not isinstance(res, Mapping):
        raise FieldError("", f"expected an object, got {type(res).__name__}")
    limits = {}
    cpu_or_memory = hugepages = False
    for name, q in _entries(res.get("limits"), "limits"):
        info, qty = _name_and_quantity(name, q, "limits", pod_level)
        limits[name] = qty
        cpu_or_memory = cpu_or_memory or info[4]
        hugepages = hugepages or info[3]
    raw_limits = res.get("limits") or {}
    for name, q in _entries(res.get("requests"), "requests"):
        info, qty = _name_and_quantity(name, q, "requests", pod_level)
        limit = limits.get(name)
        if limit is not None:
            c = 0 if q == raw_limits.get(name) and type(q) is str else qty.cmp(limit)
            if c != 0 and not info[1]:
                raise FieldError("requests", _invalid(str(qty), f"must be equal to {name} limit of {limit}"))
            if c > 0:
                raise FieldError("requests",
                                 _invalid(str(qty), f"must be less than or equal to {name} limit of {limit}"))
        elif not info[1]:
            raise FieldError("limits", _required("Limit must be set for non overcommitable resources"))
        cpu_or_memory = cpu_or_memory or info[4]
        hugepages = hugepages or info[3]
    if hugepages and not cpu_or_memory:
        raise FieldError("", _forbidden("HugePages require cpu or memory"))


def validate_pod_resources(spec: Mapping) -> None:
    """Raise the first resource-requirements error of a pod spec (paths from the pod: ``spec.…``).
    Call it once the spec's structure was read (containers a list of objects)."""
    for group in ("containers", "initContainers"):
        cs = spec.get(group)
        if not cs:
            continue
        for i, c in enumerate(cs):
            res = c.get("resources") if type(c) is dict or isinstance(c, Mapping) else None
            if res:
                err = requirements_error(res)
                if err is not None:
                    raise err.prefixed(f"spec.{group}[{i}].resources")
    res = spec.get("resources")
    if res is not None:
        err = requirements_error(res, pod_level=True)
        if err is not None:
            raise err.prefixed("spec.resources")
    oh = spec.get("overhead")
    if oh:
        # validateOverhead: the overhead list is checked as a container's limits (hence the path).
        err = requirements_error({"limits": oh})
        if err is not None:
            raise err.prefixed("spec.overhead")
