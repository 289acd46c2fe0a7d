"""The FGD paper's experiment (docs/fgd.md §8–9): GPU nodes, pods in seeded shuffled order, the
workload inflated by sampling pods with replacement until requested GPUs reach ``ratio`` × capacity,
no departures; after every pod the GPU allocation and the fragmentation are sampled, and the curves
are read at integer "arrived workload" percentages 0–130.

Randomness: one seeded splitmix64 stream (``kschedule.framework.reference.SplitMix64``, the C++
core's generator) drives, in the artifact's order, the shuffle, the inflation draws, the node order
(the artifact prefixes node names with a per-seed permutation, which fixes how ties fall) and then the
scheduler's random choices. The artifact used Go's global math/rand: runs agree with it statistically,
not pod for pod.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import _core
from ..errors import InvalidObject
from ..framework.reference import SplitMix64
from . import reference as ref
from .state import POLICY_IDS, GpuCluster, Typical, build_shapes

ARRIVED_LEVELS = np.arange(0, 131)


@dataclass
class Workload:
    """Pods in scheduling order, as columns."""

    name: list
    cpu_milli: np.ndarray
    memory_mib: np.ndarray
    num_gpu: np.ndarray
    gpu_milli: np.ndarray
    gpu_spec: list

    @property
    def gpu_request_milli(self) -> np.ndarray:
        return self.num_gpu.astype(np.int64) * self.gpu_milli.astype(np.int64)

    def __len__(self) -> int:
        return len(self.name)


def _shuffle(n: int, rng: SplitMix64) -> list:
    idx = list(range(n))
    for i in range(n - 1, 0, -1):  # Fisher-Yates, as Go's rand.Shuffle
        j = rng.below(i + 1)
        idx[i], idx[j] = idx[j], idx[i]
    return idx


def prepare_workload(pods, capacity_gpu_milli: int, ratio: float, rng: SplitMix64, shuffle: bool = True) -> Workload:
    """Shuffle (seeded), then inflate (``tuneUpPods``) or deflate (``tuneDownPods``) to ``ratio`` ×
    capacity, as ``TunePodsByNodeTotalResource`` (docs/fgd.md §8)."""
    n = len(pods)
    order = sorted(range(n), key=lambda i: pods.name[i])  # SetWorkloadPods / SortClusterPods sort by name
    base = order
    if shuffle:
        perm = _shuffle(n, rng)
        order = [base[i] for i in perm]
    req = pods.num_gpu.astype(np.int64) * np.where(pods.num_gpu > 0, pods.gpu_milli, 0).astype(np.int64)
    total = int(req.sum())
    target = ratio * capacity_gpu_milli
    names = [pods.name[i] for i in order]
    idx = list(order)
    if total < target:
        k = 0
        while True:
            j = base[rng.below(n)]
            milli = int(pods.gpu_milli[j]) if pods.num_gpu[j] > 0 else 0
            # The artifact compares the per-GPU share, not share × count, and stops at the first overflow.
            if total + milli > target:
                break
            total += int(req[j])
            idx.append(j)
            names.append(f"{pods.name[j]}-tuned-{k}")
            k += 1
    elif total > target:
        while total > target and idx:
            r = rng.below(len(idx))
            total -= int(req[idx[r]])
            del idx[r]
            del names[r]
    sel = np.asarray(idx, np.intp)
    return Workload(names, pods.cpu_milli[sel].astype(np.int64), (pods.memory_bytes[sel] >> 20).astype(np.int64),
                    pods.num_gpu[sel].astype(np.int32), np.where(pods.num_gpu[sel] > 0, pods.gpu_milli[sel], 0).astype(np.int32),
                    [tuple(pods.gpu_spec[i]) for i in idx])


@dataclass
class ReplayResult:
    """Per pod, in scheduling order: the node (or -1), devices, and the cluster after the pod."""

    policy: str
    seed: int
    node: np.ndarray
    devices: np.ndarray
    arrived_milli: np.ndarray  # cumulative GPU milli requested by the pods so far (placed or not)
    used_milli: np.ndarray  # GPU milli allocated after the pod
    frag_milli: np.ndarray  # cluster fragmentation (milli GPU) after the pod
    total_gpus: int
    wall_seconds: float

    @property
    def placed(self) -> int:
        return int((self.node >= 0).sum())

    def curves(self) -> dict:
        """Per integer arrived % (0–130): GPU allocation %, fragmentation % of capacity and fragmentation
        ratio % (of free GPU), as the artifact's merge scripts compute them (docs/fgd.md §9)."""
        g = self.total_gpus
        arrived = [round(float(a) / g / 10) for a in self.arrived_milli.tolist()]  # half-to-even, as Python's round
        alloc = [round(float(u) / g / 10, 2) for u in self.used_milli.tolist()]
        frag = self.frag_milli
        idle = g * 1000 - self.used_milli
        ratio = np.where(idle > 0, 100.0 * frag / np.maximum(idle, 1), np.nan)
        arrived = np.asarray(arrived)
        alloc = np.asarray(alloc)
        out = {"arrived_pct": ARRIVED_LEVELS.copy(), "gpu_allocation_pct": np.full(len(ARRIVED_LEVELS), np.nan),
               "frag_pct": np.full(len(ARRIVED_LEVELS), np.nan), "frag_ratio_pct": np.full(len(ARRIVED_LEVELS), np.nan)}
        for k in ARRIVED_LEVELS:
            m = arrived == k
            if not m.any():
                m = (arrived >= k - 1) & (arrived <= k + 1)
            if not m.any():
                continue
            out["gpu_allocation_pct"][k] = round(float(alloc[m].mean()), 2)
            out["frag_pct"][k] = round(100.0 * float(frag[m].mean()) / 1000 / g, 2)
            out["frag_ratio_pct"][k] = round(float(np.nanmean(ratio[m])), 2) if np.isfinite(ratio[m]).any() else np.nan
        return out

    def unallocated_at(self, arrived_pct: int = 100) -> float:
        return round(100.0 - float(self.curves()["gpu_allocation_pct"][arrived_pct]), 2)


def paper_replay(nodes, pods, policy: str, seed: int = 42, ratio: float = 1.3, shuffle: bool = True,
                 typical: Optional[Typical] = None) -> ReplayResult:
    """Replay ``pods`` (a :class:`kschedule.traces.PodList`) onto ``nodes`` (a NodeList) with one policy.

    ``policy`` is one of Random, DotProduct, GpuClustering, GpuPacking, BestFit, FGD, or ``default``
    (the Kubernetes default profile's scores, see csrc/gpu.hpp)."""
    if policy not in POLICY_IDS:
        raise InvalidObject("policy", str(policy), "", f"unknown policy; one of {', '.join(POLICY_IDS)}")
    t0 = time.perf_counter()
    cluster = GpuCluster.from_node_list(nodes)
    if typical is None:
        typical = Typical.from_pods(pods, cluster.models)
    rng = SplitMix64(seed)
    wl = prepare_workload(pods, cluster.total_gpus * 1000, ratio, rng, shuffle)
    order = np.asarray(_shuffle(len(cluster), rng), np.int32)  # the per-seed node permutation
    res = run(cluster, wl, policy, typical, order, rng)
    res.seed = seed
    res.wall_seconds = time.perf_counter() - t0
    return res


def run(cluster: GpuCluster, wl: Workload, policy: str, typical: Typical, order: np.ndarray,
        rng: SplitMix64) -> ReplayResult:
    """Schedule ``wl`` onto ``cluster`` (mutated) in one C++ call."""
    shapes, shape_of = build_shapes(wl.cpu_milli, wl.num_gpu, wl.gpu_milli, wl.gpu_spec, cluster.models)
    n, S = len(cluster), len(shapes)
    cache = {"epoch": np.zeros((S, n), np.uint32), "feasible": np.zeros((S, n), np.uint8),
             "score": np.zeros((S, n), np.int64), "devices": np.zeros((S, n), np.uint32),
             "frag": np.zeros(n, np.float64), "frag_epoch": np.zeros(n, np.uint32)}
    pods = {"count": len(wl), "shape": shape_of, "memory_mib": wl.memory_mib}
    t0 = time.perf_counter()
    out = _core.gpu_replay(POLICY_IDS[policy], cluster.columns(), shapes.as_dict(), pods, typical.as_dict(),
                           np.ascontiguousarray(order, np.int32), rng.state, cache)
    rng.state = int(out["rng_state"])
    return ReplayResult(policy, 0, out["chosen"], out["devices"], np.cumsum(wl.gpu_request_milli),
                        out["used_after"], out["frag_after"], cluster.total_gpus, time.perf_counter() - t0)


class _RefRng:
    """``random.Random``-like adapter over SplitMix64 for the Python reference (randrange(k) = below(k))."""

    def __init__(self, rng: SplitMix64):
        self.rng = rng

    def randrange(self, k: int) -> int:
        return self.rng.below(k)


def reference_run(cluster: GpuCluster, wl: Workload, policy: str, typical: Typical, order: np.ndarray,
                  rng: SplitMix64) -> tuple:
    """The same replay through the pure-Python reference (kschedule.gpu.reference.schedule_one), for
    tests: returns (node per pod, devices per pod, frag after each pod, used after each pod)."""
    nodes = cluster.reference_nodes()
    ordered = [nodes[i] for i in order.tolist()]
    ctx = ref.PolicyContext(typical=typical.reference, rng=_RefRng(rng))
    chosen, devices, frag, used = [], [], [], []
    for i in range(len(wl)):
        pod = ref.PodShape(int(wl.cpu_milli[i]), int(wl.memory_mib[i]), int(wl.num_gpu[i]), int(wl.gpu_milli[i]),
                           "|".join(wl.gpu_spec[i]) if wl.num_gpu[i] else "")
        k, dev = ref.schedule_one(ordered, pod, policy, ctx)
        chosen.append(int(order[k]) if k is not None else -1)
        devices.append(sum(1 << d for d in dev))
        frag.append(sum(ref.node_fragmentation_for_workload(nd, typical.reference) for nd in nodes))
        used.append(sum(nd.num_gpu * 1000 - nd.gpu_free_total for nd in nodes))
    return chosen, devices, frag, used
