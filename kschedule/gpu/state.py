"""GPU cluster state for replays: node columns with per-device free milli, pod shapes, typical pods.

Columns (numpy, shared zero-copy with ``csrc/gpu.cpp``), ``n`` nodes:

=====================  ==========  ==============================================================
``cpu_milli``          int64 (n)   CPU capacity, millicores
``cpu_free_milli``     int64 (n)   CPU not requested by the pods placed on the node
``memory_mib``         int64 (n)   memory capacity, MiB (the openb trace's unit)
``memory_free_mib``    int64 (n)
``gpu_count``          int32 (n)   GPU devices (0..8)
``gpu_model``          int32 (n)   model id (``models``), -1 for a node without GPUs
``gpu_free_milli``     int32 (n,8) free milli-GPU per device (1000 = idle); 0 beyond gpu_count
``tags``               int32 (n,9) GPU pods per GpuClustering tag: [0] share-gpu, [k] k-gpu
``epoch``              uint32 (n)  bumped by every bind/release (invalidates cached scores)
=====================  ==========  ==============================================================

A placement records the devices a pod holds (a bitmask); a departure frees exactly those.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .. import _core
from ..errors import InvalidObject
from ..interning import Interner
from . import reference as ref

MAX_GPUS = 8
NUM_TAGS = 9
POLICIES = ("Random", "DotProduct", "GpuClustering", "GpuPacking", "BestFit", "FGD", "default")
POLICY_IDS = {p: i for i, p in enumerate(POLICIES)}


@dataclass
class Shapes:
    """Distinct pod shapes (the policies' view of a pod: cpu, GPUs, allowed models; no memory)."""

    cpu_milli: np.ndarray
    num_gpu: np.ndarray
    gpu_milli: np.ndarray
    spec_any: np.ndarray
    spec_mask: np.ndarray
    specs: list  # the gpu_spec tuple of each shape, for display and the reference

    def __len__(self) -> int:
        return len(self.cpu_milli)

    def as_dict(self, prefix: str = "") -> dict:
        return {f"{prefix}count": len(self), f"{prefix}cpu_milli": self.cpu_milli, f"{prefix}num_gpu": self.num_gpu,
                f"{prefix}gpu_milli": self.gpu_milli, f"{prefix}spec_any": self.spec_any,
                f"{prefix}spec_mask": self.spec_mask}


def _spec_mask(spec: tuple, models: Interner) -> tuple:
    entries = [m for m in spec if m]
    if not entries:
        return 1, 0
    mask = 0
    for m in entries:
        i = models.intern(m)
        if i >= 64:
            raise InvalidObject("trace", "gpu_spec", "", "more than 64 GPU models are not supported")
        mask |= 1 << i
    return 0, mask


def build_shapes(cpu: Sequence[int], num_gpu: Sequence[int], gpu_milli: Sequence[int], specs: Sequence[tuple],
                 models: Interner) -> tuple:
    """Intern pod shapes; returns (Shapes, shape id per pod)."""
    cpu = np.asarray(cpu, np.int64)
    ng = np.asarray(num_gpu, np.int32)
    gm = np.where(ng > 0, np.asarray(gpu_milli, np.int32), 0).astype(np.int32)  # no GPU => no share
    ids: dict = {}
    shape_of = np.empty(len(cpu), np.int32)
    rows = []
    for i in range(len(cpu)):
        key = (int(cpu[i]), int(ng[i]), int(gm[i]), tuple(specs[i]) if ng[i] > 0 else ())
        j = ids.get(key)
        if j is None:
            j = ids[key] = len(rows)
            rows.append(key)
        shape_of[i] = j
    anys, masks = [], []
    for key in rows:
        a, m = _spec_mask(key[3], models)
        anys.append(a)
        masks.append(m)
    shapes = Shapes(np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.int32),
                    np.array([r[2] for r in rows], np.int32), np.array(anys, np.uint8),
                    np.array(masks, np.uint64), [r[3] for r in rows])
    return shapes, shape_of


@dataclass
class GpuCluster:
    """Node columns of a GPU cluster (see the module docstring)."""

    names: list
    cpu_milli: np.ndarray
    memory_mib: np.ndarray
    gpu_count: np.ndarray
    gpu_model: np.ndarray
    models: Interner
    cpu_free_milli: np.ndarray = None
    memory_free_mib: np.ndarray = None
    gpu_free_milli: np.ndarray = None
    tags: np.ndarray = None
    epoch: np.ndarray = None

    def __post_init__(self):
        n = len(self.names)
        if self.cpu_free_milli is None:
            self.cpu_free_milli = self.cpu_milli.copy()
        if self.memory_free_mib is None:
            self.memory_free_mib = self.memory_mib.copy()
        if self.gpu_free_milli is None:
            self.gpu_free_milli = np.zeros((n, MAX_GPUS), np.int32)
            for i, c in enumerate(self.gpu_count.tolist()):
                self.gpu_free_milli[i, :c] = 1000
        if self.tags is None:
            self.tags = np.zeros((n, NUM_TAGS), np.int32)
        if self.epoch is None:
            self.epoch = np.ones(n, np.uint32)

    @classmethod
    def from_node_list(cls, nodes) -> "GpuCluster":
        """From a :class:`kschedule.traces.NodeList` (openb, PAI, spot nodes …)."""
        if np.any(nodes.gpu_count > MAX_GPUS) or np.any(nodes.gpu_count < 0):
            raise InvalidObject("trace", nodes.source, "gpu", f"a node has more than {MAX_GPUS} GPUs")
        models = Interner()
        model_ids = np.array([models.intern(m) if m else -1 for m in nodes.gpu_model], np.int32)
        model_ids[np.asarray(nodes.gpu_count) == 0] = -1
        return cls(list(nodes.name), np.asarray(nodes.cpu_milli, np.int64).copy(),
                   (np.asarray(nodes.memory_bytes, np.int64) >> 20).copy(), np.asarray(nodes.gpu_count, np.int32).copy(),
                   model_ids, models)

    @classmethod
    def from_cluster(cls, cluster) -> "GpuCluster":
        """The GPU-sharing state of a :class:`kschedule.Cluster` (e.g. a kubectl snapshot with the
        Open-Gpu-Share annotations, see :mod:`kschedule.objects.gpu`): capacity, what the bound pods
        use, and which devices they hold."""
        from ..cluster import RES_CPU, RES_MEMORY
        t = cluster.nodes
        models = cluster.gpu_models.copy()
        alloc, req = t.allocatable, t.requested
        c = cls(list(t.names), alloc[RES_CPU].copy(), (alloc[RES_MEMORY] >> 20).copy(), t.gpu_count.copy(),
                t.gpu_model.copy(), models)
        c.cpu_free_milli = (alloc[RES_CPU] - req[RES_CPU]).astype(np.int64)
        c.memory_free_mib = ((alloc[RES_MEMORY] - req[RES_MEMORY]) >> 20).astype(np.int64)
        c.gpu_free_milli = np.ascontiguousarray(t.gpu_free_milli, np.int32)
        c.tags = np.ascontiguousarray(t.gpu_tags, np.int32)
        if (c.gpu_free_milli < 0).any():
            raise InvalidObject("Cluster", "", "", "GPU devices are overcommitted by bound pods; "
                                "the GPU replay needs a consistent starting state")
        return c

    def __len__(self) -> int:
        return len(self.names)

    @property
    def total_gpus(self) -> int:
        return int(self.gpu_count.sum())

    @property
    def used_gpu_milli(self) -> int:
        return int(self.gpu_count.sum()) * 1000 - int(self.gpu_free_milli.sum())

    def columns(self) -> dict:
        return {"n": len(self.names), "cpu_milli": self.cpu_milli, "cpu_free_milli": self.cpu_free_milli,
                "memory_mib": self.memory_mib, "memory_free_mib": self.memory_free_mib, "gpu_count": self.gpu_count, "gpu_model": self.gpu_model,
                "gpu_free_milli": self.gpu_free_milli, "tags": self.tags, "epoch": self.epoch}

    def copy(self) -> "GpuCluster":
        return GpuCluster(list(self.names), self.cpu_milli.copy(), self.memory_mib.copy(), self.gpu_count.copy(),
                          self.gpu_model.copy(), self.models.copy(), self.cpu_free_milli.copy(),
                          self.memory_free_mib.copy(), self.gpu_free_milli.copy(), self.tags.copy(),
                          self.epoch.copy())

    def reference_nodes(self) -> list:
        """The nodes as :class:`kschedule.gpu.reference.GpuNode` objects (for the Python reference)."""
        out = []
        tag_names = ["share-gpu"] + [f"{k}-gpu" for k in range(1, NUM_TAGS)]
        for i, name in enumerate(self.names):
            c = int(self.gpu_count[i])
            m = int(self.gpu_model[i])
            out.append(ref.GpuNode(name, int(self.cpu_milli[i]), int(self.memory_mib[i]),
                                   [int(x) for x in self.gpu_free_milli[i, :c]], self.models[m] if m >= 0 else "",
                                   int(self.cpu_free_milli[i]), int(self.memory_free_mib[i]),
                                   {tag_names[k]: int(v) for k, v in enumerate(self.tags[i]) if v > 0}))
        return out


@dataclass
class Typical:
    """The target workload of FGD: typical pod shapes with probabilities (reference.typical_pods)."""

    shapes: Shapes
    prob: np.ndarray
    reference: list = field(default_factory=list)  # [(PodShape, p)]

    @classmethod
    def from_pods(cls, pods, models: Interner, threshold: int = 95) -> "Typical":
        shapes = [ref.PodShape(int(c), 0, int(n), int(g) if n else 0, "|".join(s) if n else "")
                  for c, n, g, s in zip(pods.cpu_milli.tolist(), pods.num_gpu.tolist(), pods.gpu_milli.tolist(),
                                        pods.gpu_spec)]
        typ = ref.typical_pods(shapes, popularity_threshold=threshold)
        return cls.from_reference(typ, models)

    @classmethod
    def from_reference(cls, typ: list, models: Interner) -> "Typical":
        sh, _ = build_shapes([s.cpu_milli for s, _ in typ], [s.num_gpu for s, _ in typ],
                             [s.gpu_milli for s, _ in typ],
                             [tuple(x for x in s.gpu_spec.split("|") if x) if s.gpu_spec else () for s, _ in typ],
                             models)
        # build_shapes dedups; typical shapes are unique keys already, but keep list order exactly.
        if len(sh) != len(typ):
            raise InvalidObject("typical pods", "", "", "duplicate typical shapes")
        return cls(sh, np.array([p for _, p in typ], np.float64), list(typ))

    def as_dict(self) -> dict:
        d = self.shapes.as_dict("typical_")
        d["typical_prob"] = self.prob
        return d


def node_frag(cluster: GpuCluster, typical: Typical, node: int) -> float:
    """F(node): expected GPU fragment (milli) under the typical workload (C++ core)."""
    return _core.gpu_node_frag(cluster.columns(), typical.as_dict(), node)


def score(policy: str, cluster: GpuCluster, shapes: Shapes, shape: int, typical: Typical, node: int,
          memory_mib: int = 0) -> tuple:
    """(feasible, raw score, device bitmask) of one policy for one shape on one node (C++ core)."""
    return _core.gpu_score(POLICY_IDS[policy], cluster.columns(), shapes.as_dict(), shape, typical.as_dict(), node,
                           memory_mib)
