"""NodeResourcesFit: Python reference of upstream ``pkg/scheduler/framework/plugins/noderesources/fit.go``.

Scoring is shared with BalancedAllocation in :mod:`kschedule.plugins.resource_allocation`
(``resource_allocation.go``, ``least_allocated.go``, ``most_allocated.go``,
``requested_to_capacity_ratio.go``, ``helper/shape_score.go``); formulas are in that module's docstring.

**PreFilter** computes the pod's plain request (``resource.PodRequests``: init containers by max,
sidecars added, pod-level requests, overhead -- :func:`kschedule.objects.requests.pod_requests`), kept
as upstream ``framework.Resource.SetMaxResource`` keeps it: cpu (millicores), memory,
ephemeral-storage and scalar resources (extended, ``hugepages-*``, ``*kubernetes.io/*``,
``attachable-volumes-*``); other names (``pods``, ``storage``...) are dropped.  It never fails: the
SidecarContainers gate is GA and locked on in v1.34.

**Filter** (``fitsRequest``), in this reason order::

    pod_count + 1 > allocatable.pods                          -> "Too many pods"
    (nothing else is checked when cpu, memory, ephemeral-storage are 0 and no scalar is requested)
    cpu > 0 and cpu > alloc.cpu - requested.cpu               -> "Insufficient cpu"
    memory > 0 and memory > alloc.memory - requested.memory   -> "Insufficient memory"
    eph > 0 and eph > alloc.eph - requested.eph               -> "Insufficient ephemeral-storage"
    for each scalar r with q > 0 (sorted by name):
        extended r in ignoredResources, or its prefix before "/" in ignoredResourceGroups -> skipped
        q > alloc[r] - requested[r]                           -> "Insufficient <r>"

Status: ``Unschedulable`` with all reasons, escalated to ``UnschedulableAndUnresolvable`` when some
insufficient resource is requested above the node's *total* allocatable (``req > alloc``: even an
empty node cannot take the pod, so preemption cannot help).  "Too many pods" never escalates.

**PreScore** stores the non-zero-defaulted request of each ``scoringStrategy.resources`` entry; it
never skips.  **Score** is the strategy's score (LeastAllocated, MostAllocated or
RequestedToCapacityRatio); cpu and memory use the node's ``NonZeroRequested`` (every container
without a cpu/memory request counts 100m/200Mi -- non-zero defaults exist only in Fit scoring).
No NormalizeScore.

Version choices (v1.34):

* The ``UnschedulableAndUnresolvable`` escalation was introduced by kubernetes#131345 (fixes #131310,
  "return UnschedulableAndUnresolvable when node capacity is insufficient", opened 2025-04); it is in
  the v1.34 ``fit.go`` (the one that also introduced the DRAExtendedResource alpha and
  ``fwk.NodeInfo`` getters) and the v1.34 ``fit_test.go`` tables expect it.  v1.33 and older always
  return ``Unschedulable``.
* DRAExtendedResource (alpha, off by default in v1.34): extended resources are never delegated to
  DynamicResources.
* Upstream iterates the pod's scalar requests in Go map order (random); this reference reports
  several insufficient scalar resources sorted by name.
* A ``Score`` with no configured resources returns ``Error`` "resources not found" (score 0); use
  :func:`score_status` to see the status, :func:`score` returns the integer only.
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

from ..config.defaults import new_default_args
from ..config.types import LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO
from . import resource_allocation as ra
from .base import NodeState, PodInfo, Status

NAME = "NodeResourcesFit"

REASON_TOO_MANY_PODS = "Too many pods"
UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"

__all__ = [
    "NAME", "REASON_TOO_MANY_PODS", "insufficient_reason", "filter_request", "fit_reasons",
    "pre_filter", "filter", "pre_score", "score", "score_status", "scorer_for", "score_requests",
]


def insufficient_reason(resource: str) -> str:
    """``fmt.Sprintf("Insufficient %v", name)``."""
    return f"Insufficient {resource}"


def _args(args):
    return args if args is not None else new_default_args(NAME)


def filter_request(pod_requests: Mapping[str, int]) -> dict[str, int]:
    """The pod request as ``framework.Resource.SetMaxResource`` keeps it (see module docstring)."""
    out = {}
    for name, q in pod_requests.items():
        if name in (ra.CPU, ra.MEMORY, ra.EPHEMERAL_STORAGE) or ra.is_scalar_resource_name(name):
            out[name] = int(q)
    return out


def _ignored(name: str, ignored: frozenset, groups: frozenset) -> bool:
    if not ra.is_extended_resource_name(name):
        return False
    return name in ignored or (bool(groups) and name.split("/")[0] in groups)


def fit_reasons(pod_requests: Mapping[str, int], node: NodeState, args=None) -> tuple[str, tuple[str, ...]]:
    """``fitsRequest`` turned into ``(code, reasons)``; ``("Success", ())`` when the pod fits.

    ``pod_requests`` is the pod's plain request (``PodInfo.requests``: cpu in millicores, others in
    ``Value()`` units); ``args`` supplies ``ignored_resources`` / ``ignored_resource_groups``.
    """
    args = _args(args)
    ignored = frozenset(getattr(args, "ignored_resources", None) or ())
    groups = frozenset(getattr(args, "ignored_resource_groups", None) or ())
    req = filter_request(pod_requests)
    alloc = node.allocatable
    used = node.requested
    reasons: list[str] = []
    unresolvable = False

    if node.pod_count + 1 > alloc.get(ra.PODS, 0):
        reasons.append(REASON_TOO_MANY_PODS)

    cpu = req.get(ra.CPU, 0)
    mem = req.get(ra.MEMORY, 0)
    eph = req.get(ra.EPHEMERAL_STORAGE, 0)
    scalars = sorted(n for n in req if n not in (ra.CPU, ra.MEMORY, ra.EPHEMERAL_STORAGE))
    if cpu == 0 and mem == 0 and eph == 0 and not scalars:
        return (UNSCHEDULABLE, tuple(reasons)) if reasons else ("Success", ())

    for name, q in ((ra.CPU, cpu), (ra.MEMORY, mem), (ra.EPHEMERAL_STORAGE, eph)):
        a = alloc.get(name, 0)
        if q > 0 and q > a - used.get(name, 0):
            reasons.append(insufficient_reason(name))
            unresolvable |= q > a
    for name in scalars:
        q = req[name]
        if q == 0 or _ignored(name, ignored, groups):
            continue
        a = alloc.get(name, 0)
        if q > a - used.get(name, 0):
            reasons.append(insufficient_reason(name))
            unresolvable |= q > a

    if not reasons:
        return "Success", ()
    return (UNRESOLVABLE if unresolvable else UNSCHEDULABLE), tuple(reasons)


def pre_filter(pod: PodInfo, nodes: Sequence[NodeState], args=None) -> Optional[Status]:
    """Always Success in v1.34 (the restartable-init-container rejection needs SidecarContainers off)."""
    return None


def filter(pod: PodInfo, node: NodeState, args=None) -> Status:  # noqa: A001 (interface name)
    code, reasons = fit_reasons(pod.requests, node, args)
    if code == "Success":
        return Status()
    return Status(code, NAME, reasons)


def pre_score(pod: PodInfo, nodes: Sequence[NodeState], args=None) -> Optional[Status]:
    """Fit's PreScore only caches the pod's requests; it never skips."""
    return None


def _strategy(args):
    s = getattr(_args(args), "scoring_strategy", None)
    if s is None:
        raise ValueError("scoring strategy not specified")
    return s


def scorer_for(strategy) -> ra.Scorer:
    """The scorer function of a ``ScoringStrategy`` (``nodeResourceStrategyTypeMap``)."""
    weights = [int(r.weight) for r in strategy.resources]
    if strategy.type == LEAST_ALLOCATED:
        return ra.least_resource_scorer(weights)
    if strategy.type == MOST_ALLOCATED:
        return ra.most_resource_scorer(weights)
    if strategy.type == REQUESTED_TO_CAPACITY_RATIO:
        rtcr = strategy.requested_to_capacity_ratio
        return ra.requested_to_capacity_ratio_scorer(weights, rtcr.shape if rtcr is not None else ())
    raise ValueError(f"scoring strategy {strategy.type} is not supported")


def score_requests(pod: PodInfo, args=None) -> list[int]:
    """PreScore state: the non-zero-defaulted pod request of each configured resource."""
    return ra.pod_request_list(pod, [r.name for r in _strategy(args).resources], use_requested=False)


def score_status(pod: PodInfo, node: NodeState, args=None) -> tuple[int, Status]:
    """``(score, status)`` of ``Fit.Score``."""
    strategy = _strategy(args)
    names = [r.name for r in strategy.resources]
    reqs = ra.pod_request_list(pod, names, use_requested=False)
    return ra.resource_allocation_score(node, names, reqs, scorer_for(strategy), False, NAME)


def score(pod: PodInfo, node: NodeState, nodes: Sequence[NodeState] = (), args=None) -> int:
    return score_status(pod, node, args)[0]
