"""Timeline replay of a GPU trace: pods arrive at their creation time and leave at their deletion
time; nodes may fail and come back.

Pods arriving at one timestamp are scheduled as one batch (one C++ call, pods in trace order). A pod
that fits nowhere waits in the pending queue with upstream-style backoff (1 s doubling to 10 s,
``podInitialBackoffSeconds`` / ``podMaxBackoffSeconds``). It is retried when the cluster changes in a
way that can help it, as upstream's queueing hints do: a pod leaving node *h* (or *h* joining) wakes
only the pending pods that now fit on *h*; a pod still backing off is retried when its backoff ends.
A failed node's pods go back to pending (their owners recreate them). The wait of every pod is
recorded. Metrics are sampled after every batch of events.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from .. import _core
from ..errors import InvalidObject
from ..framework.reference import SplitMix64
from ..gpu.state import POLICY_IDS, GpuCluster, Typical, build_shapes
from .engine import NODE_ADD, NODE_FAIL, POD_ARRIVAL, POD_DELETE, POD_DELETE_AFTER_ARRIVAL, RETRY, Engine

INITIAL_BACKOFF_S = 1.0
MAX_BACKOFF_S = 10.0

COLUMNS = ("time_s", "gpu_allocation_pct", "cpu_allocation_pct", "memory_allocation_pct", "frag_pct",
           "pending_pods", "running_pods", "attempts", "scheduling_seconds")


class ColumnsResult:
    """Samples over time as numpy ``columns``; shared by both timeline results."""

    columns: dict

    def to_pandas(self):
        import pandas as pd  # the optional ``research`` extra
        return pd.DataFrame(self.columns)


@dataclass
class TimelineResult(ColumnsResult):
    """Samples over time (``columns``, numpy) and per-pod outcomes."""

    policy: str
    seed: int
    columns: dict
    pod_node: np.ndarray  # last node of each pod, -1 if never placed
    pod_wait_s: np.ndarray  # first placement time - arrival time (NaN if never placed)
    attempts: int
    wall_seconds: float
    scheduling_seconds: float

    def summary(self) -> dict:
        c = self.columns
        placed = int(np.isfinite(self.pod_wait_s).sum())
        return {
            "policy": self.policy, "seed": self.seed, "pods": len(self.pod_node), "placed": placed,
            "never_placed": len(self.pod_node) - placed, "attempts": self.attempts,
            "mean_gpu_allocation_pct": float(np.mean(c["gpu_allocation_pct"])) if len(c["time_s"]) else math.nan,
            "max_pending_pods": int(np.max(c["pending_pods"])) if len(c["time_s"]) else 0,
            "mean_wait_s": float(np.nanmean(self.pod_wait_s)) if placed else math.nan,
            "wall_seconds": self.wall_seconds,
            "pods_per_second": self.attempts / self.scheduling_seconds if self.scheduling_seconds else math.nan,
        }


class GpuTimeline:
    """The simulation state: a GpuCluster, the pods of a trace, the pending queue, the engine."""

    def __init__(self, nodes, pods, policy: str = "FGD", seed: int = 42, progress: bool = False):
        if policy not in POLICY_IDS:
            raise InvalidObject("policy", str(policy), "", f"unknown policy; one of {', '.join(POLICY_IDS)}")
        self.policy = policy
        self.seed = seed
        self.cluster = GpuCluster.from_node_list(nodes)
        self.typical = Typical.from_pods(pods, self.cluster.models)
        ng = np.asarray(pods.num_gpu, np.int32)
        self.shapes, self.shape_of = build_shapes(pods.cpu_milli, ng, np.where(ng > 0, pods.gpu_milli, 0),
                                                  [tuple(s) for s in pods.gpu_spec], self.cluster.models)
        self.mem = (np.asarray(pods.memory_bytes, np.int64) >> 20).astype(np.int64)
        P, n, S = len(pods), len(self.cluster), len(self.shapes)
        self.cache = {"epoch": np.zeros((S, n), np.uint32), "feasible": np.zeros((S, n), np.uint8),
                      "score": np.zeros((S, n), np.int64), "devices": np.zeros((S, n), np.uint32),
                      "frag": np.zeros(n, np.float64), "frag_epoch": np.zeros(n, np.uint32)}
        self.rng = SplitMix64(seed)
        self.order = np.arange(n, dtype=np.int32)
        self.node_of = np.full(P, -1, np.int32)
        self.devices = np.zeros(P, np.uint32)
        self.arrival = np.full(P, np.nan)
        self.first_bind = np.full(P, np.nan)
        self.state = np.zeros(P, np.int8)  # 0 not arrived, 1 pending, 2 running, 3 gone
        self.attempts_of = np.zeros(P, np.int32)
        self.backoff_until = np.zeros(P)
        self.retry_scheduled = np.zeros(P, bool)
        self.pending: set = set()
        self.down = np.zeros(n, bool)
        self._saved = {}
        self.attempts = 0
        self.sched_seconds = 0.0
        self.samples = {c: [] for c in COLUMNS}
        self.engine = Engine()
        self.engine.on("arrival", self._on_arrival)
        self.engine.on("delete", self._on_delete)
        self.engine.on("retry", self._on_retry)
        self.engine.on("node_fail", self._on_node_fail)
        self.engine.on("node_add", self._on_node_add)
        self.cpu_total = float(self.cluster.cpu_milli.sum())
        self.mem_total = float(self.cluster.memory_mib.sum())
        self.progress = progress
        create = np.asarray(pods.creation_time, np.float64)
        delete = np.asarray(pods.deletion_time, np.float64)
        for i in range(P):
            t0 = create[i] if np.isfinite(create[i]) else 0.0  # existed before the trace started
            self.engine.at(t0, POD_ARRIVAL, "arrival", i)
            if np.isfinite(delete[i]):
                if delete[i] > t0:
                    self.engine.at(delete[i], POD_DELETE, "delete", i)
                else:
                    self.engine.at(t0, POD_DELETE_AFTER_ARRIVAL, "delete", i)

    # ------------------------------------------------------------------ scheduling
    def _schedule(self, pods: list) -> None:
        if not pods:
            return
        idx = np.asarray(sorted(pods), np.intp)  # PrioritySort: equal priorities, so arrival (trace) order
        t0 = time.perf_counter()
        out = _core.gpu_replay(POLICY_IDS[self.policy], self.cluster.columns(), self.shapes.as_dict(),
                               {"count": len(idx), "shape": np.ascontiguousarray(self.shape_of[idx]),
                                "memory_mib": np.ascontiguousarray(self.mem[idx])},
                               self.typical.as_dict(), self.order, self.rng.state, self.cache)
        self.sched_seconds += time.perf_counter() - t0
        self.rng.state = int(out["rng_state"])
        self.attempts += len(idx)
        now = self.engine.now
        for k, p in enumerate(idx.tolist()):
            node = int(out["chosen"][k])
            self.attempts_of[p] += 1
            if node >= 0:
                self.node_of[p] = node
                self.devices[p] = out["devices"][k]
                self.state[p] = 2
                self.pending.discard(p)
                if not np.isfinite(self.first_bind[p]):
                    self.first_bind[p] = now
            else:
                self.state[p] = 1
                self.pending.add(p)
                back = min(INITIAL_BACKOFF_S * 2 ** (int(self.attempts_of[p]) - 1), MAX_BACKOFF_S)
                self.backoff_until[p] = now + back

    def _release(self, p: int) -> int:
        node = int(self.node_of[p])
        _core.gpu_release(self.cluster.columns(), self.shapes.as_dict(), int(self.shape_of[p]), node,
                          int(self.mem[p]), int(self.devices[p]))
        self.devices[p] = 0  # node_of keeps the last node (state says whether the pod still runs there)
        return node

    def _wake(self, node: int) -> None:
        """Queueing hint: pending pods that now fit on ``node`` are retried (now, or when their
        backoff ends)."""
        if not self.pending or self.down[node]:
            return
        cand = np.fromiter(self.pending, np.int64, len(self.pending))
        ok = _core.gpu_fits_node(self.cluster.columns(), self.shapes.as_dict(),
                                 np.ascontiguousarray(self.shape_of[cand]), np.ascontiguousarray(self.mem[cand]), node)
        now = self.engine.now
        for p in cand[ok.astype(bool)].tolist():
            if self.retry_scheduled[p]:
                continue
            self.retry_scheduled[p] = True
            self.engine.at(max(now, self.backoff_until[p]), RETRY, "retry", p)

    # ------------------------------------------------------------------ handlers
    def _on_arrival(self, eng, events) -> None:
        pods = [e.payload for e in events]
        for p in pods:
            self.arrival[p] = eng.now
        self._schedule(pods)
        self._sample()

    def _on_delete(self, eng, events) -> None:
        freed = []
        for e in events:
            p = e.payload
            if self.state[p] == 2:
                freed.append(self._release(p))
            self.pending.discard(p)
            self.state[p] = 3
        for node in dict.fromkeys(freed):
            self._wake(node)
        self._sample()

    def _on_retry(self, eng, events) -> None:
        pods = []
        for e in events:
            p = e.payload
            self.retry_scheduled[p] = False
            if self.state[p] == 1:
                pods.append(p)
        self._schedule(pods)
        self._sample()

    def _on_node_fail(self, eng, events) -> None:
        c = self.cluster
        for e in events:
            node = e.payload
            if self.down[node]:
                continue
            victims = np.nonzero((self.node_of == node) & (self.state == 2))[0].tolist()
            for p in victims:
                self._release(p)
                self.state[p] = 1
                self.pending.add(p)
            self._saved[node] = (int(c.cpu_free_milli[node]), int(c.memory_free_mib[node]))
            c.cpu_free_milli[node] = -1  # nothing fits on a failed node
            c.memory_free_mib[node] = -1
            c.gpu_free_milli[node, :] = 0
            c.epoch[node] += 1
            self.down[node] = True
            for p in victims:  # recreated by their owners: they go through the queue again
                self.engine.at(eng.now, RETRY, "retry", p)
                self.retry_scheduled[p] = True
        self._sample()

    def _on_node_add(self, eng, events) -> None:
        c = self.cluster
        for e in events:
            node = e.payload
            if not self.down[node]:
                continue
            c.cpu_free_milli[node], c.memory_free_mib[node] = self._saved.pop(node)
            c.gpu_free_milli[node, : c.gpu_count[node]] = 1000
            c.epoch[node] += 1
            self.down[node] = False
            self._wake(node)
        self._sample()

    # ------------------------------------------------------------------ metrics
    def _sample(self) -> None:
        c = self.cluster
        up = ~self.down
        gpus = int(c.gpu_count[up].sum())
        used = int((c.gpu_count[up] * 1000).sum() - c.gpu_free_milli[up].sum())
        cpu_used = float((c.cpu_milli[up] - c.cpu_free_milli[up]).sum())
        mem_used = float((c.memory_mib[up] - c.memory_free_mib[up]).sum())
        frag = _core.gpu_cluster_frag(c.columns(), self.typical.as_dict(), self.cache)
        s = self.samples
        s["time_s"].append(self.engine.now)
        s["gpu_allocation_pct"].append(100.0 * used / (gpus * 1000) if gpus else math.nan)
        s["cpu_allocation_pct"].append(100.0 * cpu_used / float(c.cpu_milli[up].sum()) if up.any() else math.nan)
        s["memory_allocation_pct"].append(100.0 * mem_used / float(c.memory_mib[up].sum()) if up.any() else math.nan)
        s["frag_pct"].append(100.0 * frag / (gpus * 1000) if gpus else math.nan)
        s["pending_pods"].append(len(self.pending))
        s["running_pods"].append(int((self.state == 2).sum()))
        s["attempts"].append(self.attempts)
        s["scheduling_seconds"].append(self.sched_seconds)

    # ------------------------------------------------------------------ API
    def fail_node(self, name: str, at: float) -> None:
        self.engine.at(at, NODE_FAIL, "node_fail", self._node(name))

    def add_node_back(self, name: str, at: float) -> None:
        self.engine.at(at, NODE_ADD, "node_add", self._node(name))

    def _node(self, name: str) -> int:
        try:
            return self.cluster.names.index(name)
        except ValueError:
            raise InvalidObject("Node", name, "", "not found") from None

    def step(self) -> bool:
        return self.engine.step()

    def run(self, until: Optional[float] = None) -> TimelineResult:
        t0 = time.perf_counter()
        self.engine.run(until, progress=self.progress)
        cols = {k: np.asarray(v) for k, v in self.samples.items()}
        wait = self.first_bind - self.arrival
        return TimelineResult(self.policy, self.seed, cols, self.node_of.copy(), wait, self.attempts,
                              time.perf_counter() - t0, self.sched_seconds)


def timeline_replay(nodes, pods, policy: str = "FGD", seed: int = 42, until: Optional[float] = None,
                    node_failures: Iterable = (), progress: bool = False) -> TimelineResult:
    """Replay a trace with arrivals and departures. ``node_failures``: (time_s, node name, "fail" |
    "add") triples."""
    sim = GpuTimeline(nodes, pods, policy, seed, progress)
    for t, name, what in node_failures:
        if what == "fail":
            sim.fail_node(name, t)
        elif what == "add":
            sim.add_node_back(name, t)
        else:
            raise InvalidObject("node event", str(name), "", f'expected "fail" or "add", got {what!r}')
    return sim.run(until)
