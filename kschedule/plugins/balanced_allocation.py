"""NodeResourcesBalancedAllocation: Python reference of upstream
``pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go`` (scoring helpers shared with
NodeResourcesFit live in :mod:`kschedule.plugins.resource_allocation`).

Args ``resources`` (default cpu and memory, weight 1; validation requires every weight to be 1: the
formula does not use weights).

**PreScore** takes the pod's *plain* request of each configured resource (no non-zero defaults:
``useRequested = true``) and returns **Skip** when all of them are 0 (best-effort pods, upstream
issue #129138): the plugin then contributes nothing to any node.  **Score** (without PreScore state
it recomputes the requests and returns 0 for such a pod)::

    per resource i: (cap_i, req_i) = allocatable, node Requested + pod request   (plain requests)
                    bypassed when the pod does not request a scalar resource or cap_i == 0
    f_i   = min(1, float64(req_i) / float64(cap_i))
    std   = 0                          n < 2
          = |f_0 - f_1| / 2            n == 2
          = sqrt(sum (f_i - mean)^2 / n)   n > 2
    score = int64((1 - std) * 100)     # truncation, range 50..100 for two resources

No NormalizeScore.  Version choice (v1.34): this standard-deviation score; the "change of balance"
formula of kubernetes#135573 (``MaxNodeScore/2 + ...``) is newer than v1.34.  DRA extended
resources (alpha, off) are not modelled.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..config.defaults import new_default_args
from . import resource_allocation as ra
from .base import NodeState, PodInfo, Status

NAME = "NodeResourcesBalancedAllocation"

__all__ = ["NAME", "resource_names", "score_requests", "pre_score", "score", "balanced_score"]


def resource_names(args=None) -> list[str]:
    args = args if args is not None else new_default_args(NAME)
    return [r.name for r in args.resources]


def score_requests(pod: PodInfo, args=None) -> list[int]:
    """PreScore state: the plain pod request of each configured resource."""
    return ra.pod_request_list(pod, resource_names(args), use_requested=True)


def pre_score(pod: PodInfo, nodes: Sequence[NodeState], args=None) -> Optional[Status]:
    if ra.is_best_effort(score_requests(pod, args)):
        return Status("Skip", NAME)
    return None


def balanced_score(pod_requests_list: Sequence[int], node: NodeState, names: Sequence[str]) -> int:
    """``ba.score`` with precomputed plain requests (no best-effort check)."""
    requested, allocatable = ra.allocation_vectors(node, names, pod_requests_list, use_requested=True)
    return ra.balanced_resource_scorer(requested, allocatable)


def score(pod: PodInfo, node: NodeState, nodes: Sequence[NodeState] = (), args=None) -> int:
    names = resource_names(args)
    reqs = ra.pod_request_list(pod, names, use_requested=True)
    if ra.is_best_effort(reqs):
        return 0
    return balanced_score(reqs, node, names)
