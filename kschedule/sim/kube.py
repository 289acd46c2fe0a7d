"""Timeline replay through the Kubernetes scheduler (``kschedule.Scheduler``) on a ``Cluster``.

The starting state is any Cluster — e.g. a ``kubectl get nodes,pods -A -o yaml`` snapshot
(``kschedule.traces.load_kubectl_snapshot``) or a trace's node list — and the workload is a list of
timed pods. Pods arriving at one timestamp go through ``Scheduler.schedule`` as one batch; a pod that
fits nowhere waits in the pending queue with upstream backoff (1 s doubling to 10 s) and is retried
when a pod leaves or a node joins; a failed node's pods go back to pending. Metrics per event batch:
CPU and memory allocation, pending and running pods, attempts, wall-clock scheduling time.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from ..cluster import RES_CPU, RES_MEMORY, Cluster
from ..errors import InvalidObject
from ..objects.gpu import NODE_GPU_COUNT, NODE_GPU_MODEL, POD_GPU_COUNT, POD_GPU_MILLI, POD_GPU_MODEL
from ..scheduler import Scheduler
from .engine import NODE_ADD, NODE_FAIL, POD_ARRIVAL, POD_DELETE, POD_DELETE_AFTER_ARRIVAL, RETRY, Engine
from .timeline import INITIAL_BACKOFF_S, MAX_BACKOFF_S, ColumnsResult

KUBE_COLUMNS = ("time_s", "cpu_allocation_pct", "memory_allocation_pct", "gpu_allocation_pct", "pending_pods",
                "running_pods", "attempts", "scheduling_seconds")


@dataclass
class TimedPod:
    """A Pod object with its arrival and (optional) deletion time in seconds."""

    obj: dict
    arrival_s: float
    deletion_s: float = math.nan


def nodes_from_node_list(nodes, pods_per_node: int = 110, gpu_sharing: bool = True) -> list:
    """Node objects for a trace's node list. GPUs as Open-Gpu-Share devices
    (``alibabacloud.com/gpu-count`` + model label, see :mod:`kschedule.objects.gpu`), or with
    ``gpu_sharing=False`` as the whole-GPU extended resource ``nvidia.com/gpu``."""
    out = []
    for i, name in enumerate(nodes.name):
        alloc = {"cpu": f"{int(nodes.cpu_milli[i])}m", "memory": str(int(nodes.memory_bytes[i])),
                 "pods": str(pods_per_node)}
        labels = {"kubernetes.io/hostname": name}
        if nodes.gpu_count[i]:
            if gpu_sharing:
                alloc[NODE_GPU_COUNT] = str(int(nodes.gpu_count[i]))
                if nodes.gpu_model[i]:
                    labels[NODE_GPU_MODEL] = nodes.gpu_model[i]
            else:
                alloc["nvidia.com/gpu"] = str(int(nodes.gpu_count[i]))
                if nodes.gpu_model[i]:
                    labels["nvidia.com/gpu.product"] = nodes.gpu_model[i]
        out.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
                    "status": {"allocatable": alloc, "capacity": dict(alloc)}})
    return out


def timed_pods_from_pod_list(pods, namespace: str = "default", scheduler_name: str = "",
                             gpu_sharing: bool = True) -> list:
    """Pod objects for a trace's pod list. GPU requests become Open-Gpu-Share annotations (whole or
    fractional; schedule them with a profile holding the ``Open-Gpu-Share`` filter, see
    :mod:`kschedule.plugins.gpu_share`), or with ``gpu_sharing=False`` ``nvidia.com/gpu`` requests
    (whole GPUs only; a fractional share raises)."""
    out = []
    for i, name in enumerate(pods.name):
        req = {"cpu": f"{int(pods.cpu_milli[i])}m", "memory": str(int(pods.memory_bytes[i]))}
        ann = {}
        ng = int(pods.num_gpu[i])
        if ng:
            milli = int(pods.gpu_milli[i])
            if gpu_sharing:
                ann = {POD_GPU_COUNT: str(ng), POD_GPU_MILLI: str(milli)}
                if pods.gpu_spec[i]:
                    ann[POD_GPU_MODEL] = "|".join(pods.gpu_spec[i])
            elif milli != 1000:
                raise InvalidObject("trace row", name, "gpu_milli",
                                    "a fractional GPU share needs gpu_sharing=True and the Open-Gpu-Share filter")
            else:
                req["nvidia.com/gpu"] = str(ng)
        res = {"requests": req}
        if "nvidia.com/gpu" in req:  # the apiserver rejects an extended resource request without an equal limit
            res["limits"] = {"nvidia.com/gpu": req["nvidia.com/gpu"]}
        spec = {"containers": [{"name": "main", "resources": res}]}
        if scheduler_name:
            spec["schedulerName"] = scheduler_name
        md = {"name": name.lower().replace("_", "-"), "namespace": namespace}
        if ann:
            md["annotations"] = ann
        out.append(TimedPod({"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec},
                            float(pods.creation_time[i]) if np.isfinite(pods.creation_time[i]) else 0.0,
                            float(pods.deletion_time[i])))
    return out


@dataclass
class KubeTimelineResult(ColumnsResult):
    columns: dict
    placements: dict  # pod key -> last node (None if never placed)
    wait_s: dict  # pod key -> seconds from arrival to first placement (NaN if never placed)
    attempts: int
    wall_seconds: float
    scheduling_seconds: float

    def summary(self) -> dict:
        waits = np.array(list(self.wait_s.values()), float)
        placed = int(np.isfinite(waits).sum())
        return {"pods": len(waits), "placed": placed, "never_placed": len(waits) - placed,
                "attempts": self.attempts,
                "max_pending_pods": int(max(self.columns["pending_pods"], default=0)),
                "mean_wait_s": float(np.nanmean(waits)) if placed else math.nan,
                "wall_seconds": self.wall_seconds,
                "pods_per_second": self.attempts / self.scheduling_seconds if self.scheduling_seconds else math.nan}


class KubeTimeline:
    """Replays timed pods on a Cluster with a Scheduler (profile and seed as for ``Scheduler``)."""

    def __init__(self, cluster: Cluster, pods: Iterable[TimedPod], profile=None, seed: int = 0,
                 progress: bool = False):
        self.progress = progress
        self.cluster = cluster
        self.sched = Scheduler(cluster, profile, seed=seed)
        self.pods = list(pods)
        self.keys = [Cluster._key(p.obj) for p in self.pods]
        if any(Scheduler._gpu_config_used(pr) for pr in self.sched.profiles.list):
            # FGD's target workload: the typical shapes of the whole replayed workload.
            from ..gpu import reference as gref
            from ..objects.pod import parse_pod
            shapes = []
            for p in self.pods:
                pi = parse_pod(p.obj)
                g = pi.gpu
                shapes.append(gref.PodShape(pi.nonzero[0], 0, g.num_gpu if g else 0, g.gpu_milli if g else 0,
                                            "|".join(g.models) if g else ""))
            self.sched.gpu_typical = gref.typical_pods(shapes) if shapes else []
        if len(set(self.keys)) != len(self.keys):
            raise InvalidObject("Pod", "", "metadata.name", "duplicate pod names in the workload")
        self.engine = Engine()
        self.engine.on("arrival", self._on_arrival)
        self.engine.on("delete", self._on_delete)
        self.engine.on("retry", self._on_retry)
        self.engine.on("node_fail", self._on_node_fail)
        self.engine.on("node_add", self._on_node_add)
        self.pending: dict = {}  # key -> backoff until
        self.attempts_of: dict = {}
        self.arrival: dict = {}
        self.first_bind: dict = {}
        self.last_node: dict = {}
        self.retry_at: Optional[float] = None
        self.woken: set = set()  # pending pods a cluster change made eligible for a retry
        self.attempts = 0
        self.sched_seconds = 0.0
        self.samples = {c: [] for c in KUBE_COLUMNS}
        for i, p in enumerate(self.pods):
            self.engine.at(p.arrival_s, POD_ARRIVAL, "arrival", i)
            if np.isfinite(p.deletion_s):
                if p.deletion_s > p.arrival_s:
                    self.engine.at(p.deletion_s, POD_DELETE, "delete", i)
                else:
                    self.engine.at(p.arrival_s, POD_DELETE_AFTER_ARRIVAL, "delete", i)

    def add_node(self, obj: dict, at: float) -> None:
        """A node joins at ``at`` (validated now); pending pods are retried."""
        from ..objects.node import parse_node
        parse_node(obj)
        self.engine.at(at, NODE_ADD, "node_add", obj)

    def _on_node_add(self, eng, events) -> None:
        for e in events:
            self.cluster.add_node(e.payload)
        self._wake()
        self._sample()

    def fail_node(self, name: str, at: float) -> None:
        if name not in self.cluster.nodes.index:
            raise InvalidObject("Node", name, "", "not found")
        self.engine.at(at, NODE_FAIL, "node_fail", name)

    def _schedule(self, keys: list) -> None:
        if not keys:
            return
        t0 = time.perf_counter()
        results = self.sched.schedule(keys)
        self.sched_seconds += time.perf_counter() - t0
        self.attempts += len(keys)
        now = self.engine.now
        for r in results:
            n = self.attempts_of.get(r.pod, 0) + 1
            self.attempts_of[r.pod] = n
            if r.node is not None:
                self.pending.pop(r.pod, None)
                self.last_node[r.pod] = r.node
                self.first_bind.setdefault(r.pod, now)
            else:
                self.pending[r.pod] = now + min(INITIAL_BACKOFF_S * 2 ** (n - 1), MAX_BACKOFF_S)

    def _wake(self) -> None:
        """The cluster changed: every pending pod is retried, now or when its backoff ends."""
        self.woken.update(self.pending)
        self._next_retry()

    def _next_retry(self) -> None:
        if not self.woken:
            return
        at = max(self.engine.now, min(self.pending[k] for k in self.woken))
        if self.retry_at is None or at < self.retry_at:
            self.retry_at = at
            self.engine.at(at, RETRY, "retry", None)

    def _on_arrival(self, eng, events) -> None:
        keys = []
        for e in events:
            p = self.pods[e.payload]
            self.cluster.add_pod(p.obj) if self.keys[e.payload] not in self.cluster.pods.index else None
            self.arrival[self.keys[e.payload]] = eng.now
            keys.append(self.keys[e.payload])
        self._schedule(keys)
        self._sample()

    def _on_delete(self, eng, events) -> None:
        changed = False
        for e in events:
            key = self.keys[e.payload]
            if key in self.cluster.pods.index:
                changed |= self.cluster.node_of(key) is not None
                self.cluster.remove_pod(key)
            self.pending.pop(key, None)
        if changed:
            self._wake()
        self._sample()

    def _on_retry(self, eng, events) -> None:
        if self.retry_at is not None and eng.now < self.retry_at:
            return  # superseded by an earlier retry
        self.retry_at = None
        self.woken &= set(self.pending)
        # Queue order: PrioritySort inside Scheduler.schedule; pending (dict) order = when they failed.
        due = [k for k, until in self.pending.items() if k in self.woken and until <= eng.now]
        self.woken.difference_update(due)
        self._schedule(due)  # pods failing again wait for the next change
        self._next_retry()  # woken pods still backing off
        self._sample()

    def _on_node_fail(self, eng, events) -> None:
        for e in events:
            if e.payload not in self.cluster.nodes.index:
                continue
            for key in self.cluster.remove_node(e.payload):  # their owners recreate them
                self.pending[key] = eng.now
                self.woken.add(key)
        self._wake()
        self._sample()

    def _sample(self) -> None:
        c = self.cluster
        alloc = c.nodes.allocatable
        req = c.nodes.requested
        cpu_t, mem_t = float(alloc[RES_CPU].sum()), float(alloc[RES_MEMORY].sum())
        s = self.samples
        s["time_s"].append(self.engine.now)
        s["cpu_allocation_pct"].append(100.0 * float(req[RES_CPU].sum()) / cpu_t if cpu_t else math.nan)
        s["memory_allocation_pct"].append(100.0 * float(req[RES_MEMORY].sum()) / mem_t if mem_t else math.nan)
        gpus = int(c.nodes.gpu_count.sum())  # GPU-sharing devices (Open-Gpu-Share)
        used = gpus * 1000 - int(c.nodes.gpu_free_milli.sum())
        s["gpu_allocation_pct"].append(100.0 * used / (gpus * 1000) if gpus else math.nan)
        s["pending_pods"].append(len(self.pending))
        s["running_pods"].append(int((c.pods.node >= 0).sum()))
        s["attempts"].append(self.attempts)
        s["scheduling_seconds"].append(self.sched_seconds)

    def run(self, until: Optional[float] = None) -> KubeTimelineResult:
        t0 = time.perf_counter()
        self.engine.run(until, progress=self.progress)
        waits = {k: (self.first_bind[k] - self.arrival[k]) if k in self.first_bind else math.nan
                 for k in self.arrival}
        return KubeTimelineResult({k: np.asarray(v) for k, v in self.samples.items()},
                                  {k: self.last_node.get(k) for k in self.arrival}, waits, self.attempts,
                                  time.perf_counter() - t0, self.sched_seconds)


def kube_timeline_replay(cluster: Cluster, pods: Iterable[TimedPod], profile=None, seed: int = 0,
                         until: Optional[float] = None, node_failures: Iterable = (),
                         progress: bool = False) -> KubeTimelineResult:
    """Replay timed pods on ``cluster`` through the Kubernetes scheduler; ``node_failures`` are
    (time_s, node name) pairs."""
    sim = KubeTimeline(cluster, pods, profile, seed, progress)
    for t, name in node_failures:
        sim.fail_node(name, t)
    return sim.run(until)
