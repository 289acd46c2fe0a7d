"""Shared resource-allocation scoring of NodeResourcesFit and NodeResourcesBalancedAllocation.

Upstream (kubernetes/kubernetes, v1.34), ``pkg/scheduler/framework/plugins/noderesources/``:

* ``resource_allocation.go`` -- ``resourceAllocationScorer.score``,
  ``calculateResourceAllocatableRequest``, ``calculatePodResourceRequest(List)``, ``isBestEffortPod``;
* ``least_allocated.go``, ``most_allocated.go``, ``requested_to_capacity_ratio.go`` -- the three
  NodeResourcesFit scoring strategies;
* ``balanced_allocation.go`` -- ``balancedResourceScorer``;
* ``pkg/scheduler/framework/plugins/helper/shape_score.go`` -- ``BuildBrokenLinearFunction``;
* ``pkg/scheduler/util/utils.go`` / ``pkg/apis/core/v1/helper`` -- ``IsScalarResourceName`` and friends.

Per configured resource ``i`` (``calculateResourceAllocatableRequest``), with ``podReq_i`` the incoming
pod's request (non-zero defaulted for Fit, plain for BalancedAllocation -- ``use_requested``)::

    podReq_i == 0 and i is a scalar resource          -> (0, 0)          # not requested: bypassed
    cpu     -> (alloc.cpu, used.cpu + podReq)          # used = NonZeroRequested, or Requested if use_requested
    memory  -> (alloc.memory, used.memory + podReq)
    ephemeral-storage -> (alloc.eph, Requested.eph + podReq)
    scalar present in allocatable -> (alloc[i], Requested[i] + podReq)
    anything else -> (0, 0)
    alloc == 0 -> the resource is left out (requested = allocatable = 0)

Strategies (Go ``int64``; ``/`` truncates; weights are the configured ``ResourceSpec.weight``)::

    LeastAllocated:  s_i = 0 if req > cap else (cap - req) * 100 / cap
    MostAllocated:   s_i = min(req, cap) * 100 / cap
    both:            score = sum(s_i * w_i) / sum(w_i) over resources with cap > 0; 0 if no such resource
    RequestedToCapacityRatio:
                     s_i = f(100) if req > cap else f(req * 100 / cap)   with f = broken_linear(shape * 10)
                     only s_i > 0 enter numerator and weight sum;
                     score = math.Round(float64(sum s_i*w_i) / float64(sum w_i)); 0 if the sum is 0
    Balanced:        f_i = min(1, float64(req) / float64(cap)) over resources with cap > 0
                     std = 0 (n < 2); |f_0 - f_1| / 2 (n == 2); sqrt(sum (f_i - mean)^2 / n) (n > 2)
                     score = int64((1 - std) * 100)

Version choices (v1.34): the BalancedAllocation formula is the standard-deviation one above; the
"improvement of balance" formula (kubernetes#135573) is newer than v1.34.  DRA-backed extended
resources in scoring (``DRAExtendedResource``, alpha, off in v1.34) are not modelled.
Go may fuse ``x*y+z`` into an FMA on some architectures (arm64) in the std-dev sum; this reference
follows the unfused amd64 arithmetic.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

from ..config.validation import is_extended_resource_name
from ..objects.requests import NON_ZERO_DEFAULTS, pod_requests
from .base import MAX_NODE_SCORE, NodeState, PodInfo, Status

__all__ = [
    "CPU", "MEMORY", "EPHEMERAL_STORAGE", "PODS", "MAX_UTILIZATION",
    "is_extended_resource_name", "is_hugepages_resource_name", "is_prefixed_native_resource",
    "is_attachable_volume_resource_name", "is_scalar_resource_name",
    "go_div", "go_round", "broken_linear",
    "pod_request_list", "is_best_effort", "allocatable_request", "allocation_vectors",
    "least_requested_score", "most_requested_score", "least_resource_scorer", "most_resource_scorer",
    "requested_to_capacity_ratio_scorer", "balanced_resource_scorer", "resource_allocation_score",
]

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"
#: requested_to_capacity_ratio.go: maxUtilization.
MAX_UTILIZATION = 100
#: config.MaxCustomPriorityScore: shape scores are on 0..10 and scaled by MaxNodeScore / 10.
MAX_CUSTOM_PRIORITY_SCORE = 10


# --------------------------------------------------------------------------- resource names

def is_hugepages_resource_name(name: str) -> bool:
    """``v1helper.IsHugePageResourceName``."""
    return name.startswith("hugepages-")


def is_prefixed_native_resource(name: str) -> bool:
    """``v1helper.IsPrefixedNativeResource``: the name contains ``kubernetes.io/``."""
    return "kubernetes.io/" in name


def is_attachable_volume_resource_name(name: str) -> bool:
    """``v1helper.IsAttachableVolumeResourceName``."""
    return name.startswith("attachable-volumes-")


def is_scalar_resource_name(name: str) -> bool:
    """``schedutil.IsScalarResourceName``: what ``framework.Resource`` keeps in ``ScalarResources``."""
    return (is_extended_resource_name(name) or is_hugepages_resource_name(name)
            or is_prefixed_native_resource(name) or is_attachable_volume_resource_name(name))


# --------------------------------------------------------------------------- Go arithmetic

def go_div(a: int, b: int) -> int:
    """Go ``int64`` division: the quotient truncated toward zero (Python's ``//`` floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def go_round(x: float) -> int:
    """Go ``math.Round``: nearest integer, halves away from zero."""
    t = math.trunc(x)
    if abs(x - t) >= 0.5:
        t += 1 if x > 0 else -1
    return int(t)


def _point(p) -> tuple[int, int]:
    if isinstance(p, (tuple, list)):
        return int(p[0]), int(p[1])
    if isinstance(p, dict):
        return int(p.get("utilization", 0)), int(p.get("score", 0))
    return int(p.utilization), int(p.score)


def broken_linear(shape_points: Sequence, p: int) -> int:
    """``helper.BuildBrokenLinearFunction(shape)(p)`` with Go integer arithmetic.

    ``shape_points`` are ``(utilization, score)`` pairs (tuples, ``{"utilization", "score"}`` dicts or
    :class:`~kschedule.config.types.UtilizationShapePoint`), used as given (no x10 scaling)::

        f(p) = s_0                                                       p <= u_0
             = s_{i-1} + (s_i - s_{i-1}) * (p - u_{i-1}) / (u_i - u_{i-1})  u_{i-1} < p <= u_i
             = s_{n-1}                                                   p > u_{n-1}
    """
    pts = [_point(x) for x in shape_points]
    for i, (u, s) in enumerate(pts):
        if p <= u:
            if i == 0:
                return s
            pu, ps = pts[i - 1]
            return ps + go_div((s - ps) * (p - pu), u - pu)
    return pts[-1][1]


# --------------------------------------------------------------------------- requests

def pod_request_list(pod: PodInfo, resource_names: Sequence[str], use_requested: bool) -> list[int]:
    """``calculatePodResourceRequestList``: the pod's request for each configured resource.

    ``use_requested`` (BalancedAllocation) takes the plain requests; otherwise (NodeResourcesFit) every
    container lacking a cpu / memory request counts 100m / 200Mi (``NonMissingContainerRequests``).
    In-place resize status and pod-level resources are applied as v1.34 does (both gates on).
    """
    if use_requested:
        reqs = pod.requests
    else:
        reqs = pod_requests(pod.obj, non_missing=NON_ZERO_DEFAULTS)
    return [int(reqs.get(name, 0)) for name in resource_names]


def is_best_effort(pod_requests_list: Sequence[int]) -> bool:
    """``isBestEffortPod``: every configured resource request is 0."""
    return all(r == 0 for r in pod_requests_list)


def allocatable_request(node: NodeState, name: str, pod_request: int, use_requested: bool) -> tuple[int, int]:
    """``calculateResourceAllocatableRequest``: ``(allocatable, node requested + pod request)``."""
    if pod_request == 0 and is_scalar_resource_name(name):
        return 0, 0
    alloc = node.allocatable
    if name == CPU or name == MEMORY:
        if use_requested:
            used = node.requested.get(name, 0)
        else:
            used = node.nonzero_requested[0 if name == CPU else 1]
        return alloc.get(name, 0), used + pod_request
    if name == EPHEMERAL_STORAGE:
        return alloc.get(name, 0), node.requested.get(name, 0) + pod_request
    if is_scalar_resource_name(name) and name in alloc:
        return alloc[name], node.requested.get(name, 0) + pod_request
    return 0, 0


def allocation_vectors(node: NodeState, resource_names: Sequence[str], pod_requests_list: Sequence[int],
                       use_requested: bool) -> tuple[list[int], list[int]]:
    """The ``requested`` and ``allocatable`` slices ``resourceAllocationScorer.score`` hands to a scorer."""
    requested = [0] * len(resource_names)
    allocatable = [0] * len(resource_names)
    for i, name in enumerate(resource_names):
        a, r = allocatable_request(node, name, pod_requests_list[i], use_requested)
        if a == 0:
            continue
        allocatable[i] = a
        requested[i] = r
    return requested, allocatable


# --------------------------------------------------------------------------- scorers

def least_requested_score(requested: int, capacity: int) -> int:
    """``leastRequestedScore``."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_requested_score(requested: int, capacity: int) -> int:
    """``mostRequestedScore``: requested above capacity (non-zero defaults) counts as full."""
    if capacity == 0:
        return 0
    if requested > capacity:
        requested = capacity
    return requested * MAX_NODE_SCORE // capacity


Scorer = Callable[[Sequence[int], Sequence[int]], int]


def _weighted_average(per_resource: Callable[[int, int], int], weights: Sequence[int]) -> Scorer:
    def scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
        node_score = weight_sum = 0
        for i, cap in enumerate(allocatable):
            if cap == 0:
                continue
            node_score += per_resource(requested[i], cap) * weights[i]
            weight_sum += weights[i]
        if weight_sum == 0:
            return 0
        return go_div(node_score, weight_sum)
    return scorer


def least_resource_scorer(weights: Sequence[int]) -> Scorer:
    """``leastResourceScorer(resources)``."""
    return _weighted_average(least_requested_score, weights)


def most_resource_scorer(weights: Sequence[int]) -> Scorer:
    """``mostResourceScorer(resources)``."""
    return _weighted_average(most_requested_score, weights)


def requested_to_capacity_ratio_scorer(weights: Sequence[int], shape: Sequence) -> Scorer:
    """``requestedToCapacityRatioScorer(resources, shape)``; shape scores are on 0..10 and scaled x10."""
    scale = MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE
    points = [(u, s * scale) for u, s in (_point(x) for x in shape)]

    def resource_score(requested: int, capacity: int) -> int:
        if capacity == 0 or requested > capacity:
            return broken_linear(points, MAX_UTILIZATION)
        return broken_linear(points, requested * MAX_UTILIZATION // capacity)

    def scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
        node_score = weight_sum = 0
        for i, cap in enumerate(allocatable):
            if cap == 0:
                continue
            s = resource_score(requested[i], cap)
            if s > 0:  # a zero-scoring resource leaves the average entirely
                node_score += s * weights[i]
                weight_sum += weights[i]
        if weight_sum == 0:
            return 0
        return go_round(float(node_score) / float(weight_sum))
    return scorer


def balanced_resource_scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """``balancedResourceScorer``: ``int64((1 - std) * MaxNodeScore)`` over the used fractions."""
    fractions = []
    total = 0.0
    for i, cap in enumerate(allocatable):
        if cap == 0:
            continue
        f = float(requested[i]) / float(cap)
        if f > 1:
            f = 1.0
        total += f
        fractions.append(f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / float(len(fractions))
        acc = 0.0
        for f in fractions:
            acc = acc + (f - mean) * (f - mean)
        std = math.sqrt(acc / float(len(fractions)))
    return int((1 - std) * float(MAX_NODE_SCORE))


def resource_allocation_score(node: NodeState, resource_names: Sequence[str], pod_requests_list: Sequence[int],
                              scorer: Scorer, use_requested: bool, plugin: str) -> tuple[int, Status]:
    """``resourceAllocationScorer.score``: ``(score, status)``; Error when no resource is configured."""
    if len(resource_names) == 0:
        return 0, Status("Error", plugin, ("resources not found",))
    requested, allocatable = allocation_vectors(node, resource_names, pod_requests_list, use_requested)
    return int(scorer(requested, allocatable)), Status()
