"""The one columnar schema every trace loader returns.

Columns are numpy arrays (integers with the unit in the name) or Python lists of strings; one row
per node / pod, in the order of the source file. ``extra`` holds per-trace columns that have no
place in the common schema (e.g. DLRM ``rdma``); ``skipped`` lists rows the *source* marks as
unusable (e.g. a Google 2011 machine with no recorded capacity) as ``(where, reason)`` pairs, so
that nothing disappears silently. pandas is optional: ``to_pandas()`` imports it lazily.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np


def _take_list(values: list, idx: np.ndarray) -> list:
    return [values[i] for i in idx.tolist()]


def _normalize_index(idx, n: int) -> np.ndarray:
    arr = np.asarray(idx)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise IndexError(f"boolean mask of shape {arr.shape} for {n} rows")
        return np.flatnonzero(arr)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise IndexError(f"row indices must be integers or a boolean mask, got {arr.dtype}")
    arr = arr.astype(np.int64).reshape(-1)
    if arr.size and (arr.max() >= n or arr.min() < -n):
        raise IndexError(f"row index out of range for {n} rows")
    return np.where(arr < 0, arr + n, arr)


def _frame(columns: dict):
    import pandas as pd  # optional dependency (the "research" extra)

    return pd.DataFrame(columns)


@dataclass
class NodeList:
    """Nodes of a trace, one row per node."""

    name: list
    cpu_milli: np.ndarray      # int64
    memory_bytes: np.ndarray   # int64 (0 when the trace has no memory column)
    gpu_count: np.ndarray      # int32
    gpu_model: list            # "" = no GPU / not recorded
    extra: dict = field(default_factory=dict)
    source: str = ""
    skipped: list = field(default_factory=list)  # (where, reason) of rows the source marks unusable

    def __len__(self) -> int:
        return len(self.name)

    def to_pandas(self):
        cols = {"name": self.name, "cpu_milli": self.cpu_milli, "memory_bytes": self.memory_bytes,
                "gpu_count": self.gpu_count, "gpu_model": self.gpu_model}
        cols.update(self.extra)
        return _frame(cols)

    def take(self, idx) -> "NodeList":
        i = _normalize_index(idx, len(self))
        return NodeList(_take_list(self.name, i), self.cpu_milli[i], self.memory_bytes[i], self.gpu_count[i],
                        _take_list(self.gpu_model, i), {k: v[i] for k, v in self.extra.items()},
                        self.source, list(self.skipped))


@dataclass
class PodList:
    """Pods of a trace, one row per pod, in trace order."""

    name: list
    cpu_milli: np.ndarray       # int64
    memory_bytes: np.ndarray    # int64
    num_gpu: np.ndarray         # int32
    gpu_milli: np.ndarray       # int32, per-GPU share 0..1000
    gpu_spec: list              # tuple of allowed GPU models per pod, () = any
    qos: list                   # trace's QoS label ("" = not recorded)
    phase: list                 # pod phase when the trace was cut ("" = not recorded)
    creation_time: np.ndarray   # float64 seconds, NaN = absent
    deletion_time: np.ndarray
    scheduled_time: np.ndarray
    extra: dict = field(default_factory=dict)
    source: str = ""
    skipped: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.name)

    def to_pandas(self):
        cols = {"name": self.name, "cpu_milli": self.cpu_milli, "memory_bytes": self.memory_bytes,
                "num_gpu": self.num_gpu, "gpu_milli": self.gpu_milli, "gpu_spec": self.gpu_spec,
                "qos": self.qos, "phase": self.phase, "creation_time": self.creation_time,
                "deletion_time": self.deletion_time, "scheduled_time": self.scheduled_time}
        cols.update(self.extra)
        return _frame(cols)

    def take(self, idx) -> "PodList":
        """The rows ``idx`` (integer indices, repeats allowed, or a boolean mask) as a new PodList."""
        i = _normalize_index(idx, len(self))
        return PodList(_take_list(self.name, i), self.cpu_milli[i], self.memory_bytes[i], self.num_gpu[i],
                       self.gpu_milli[i], _take_list(self.gpu_spec, i), _take_list(self.qos, i),
                       _take_list(self.phase, i), self.creation_time[i], self.deletion_time[i],
                       self.scheduled_time[i], {k: v[i] for k, v in self.extra.items()}, self.source,
                       list(self.skipped))

    def total_gpu_milli(self) -> int:
        """Sum of ``num_gpu * gpu_milli`` (thousandths of a GPU)."""
        return int(np.dot(self.num_gpu.astype(np.int64), self.gpu_milli.astype(np.int64)))


@dataclass
class Trace:
    """A node list and/or a pod list from one trace."""

    nodes: Optional[NodeList]
    pods: Optional[PodList]
    name: str
