"""GPU sharing on Kubernetes objects, with the conventions of the FGD artifact (Open-Gpu-Share):

- a node's GPUs: ``status.allocatable["alibabacloud.com/gpu-count"]`` devices (1000 milli each) of
  model ``metadata.labels["alibabacloud.com/gpu-card-model"]``;
- a pod's request: annotations ``alibabacloud.com/gpu-count`` (devices) and
  ``alibabacloud.com/gpu-milli`` (milli per device; < 1000 only with one device), optionally
  ``alibabacloud.com/gpu-card-model`` (allowed models, ``|``-separated);
- the devices a bound pod holds: annotation ``alibabacloud.com/gpu-index`` (indices joined by ``-``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ..errors import FieldError

NODE_GPU_COUNT = "alibabacloud.com/gpu-count"
NODE_GPU_MODEL = "alibabacloud.com/gpu-card-model"
POD_GPU_COUNT = "alibabacloud.com/gpu-count"
POD_GPU_MILLI = "alibabacloud.com/gpu-milli"
POD_GPU_MODEL = "alibabacloud.com/gpu-card-model"
POD_GPU_INDEX = "alibabacloud.com/gpu-index"
MAX_GPUS = 8


@dataclass(frozen=True)
class GpuRequest:
    num_gpu: int
    gpu_milli: int
    models: tuple  # allowed models, () = any

    @property
    def tag(self) -> int:
        """GpuClustering affinity tag index: 0 share-gpu, k for k whole GPUs."""
        return 0 if (self.num_gpu == 1 and self.gpu_milli < 1000) else self.num_gpu


def _int_annotation(ann: Mapping, key: str, lo: int, hi: int) -> int:
    raw = ann.get(key)
    path = f'metadata.annotations["{key}"]'
    if not isinstance(raw, str) or not raw.strip().lstrip("-").isdigit():
        raise FieldError(path, f"Invalid value: {raw!r}: must be an integer")
    v = int(raw)
    if not lo <= v <= hi:
        raise FieldError(path, f"Invalid value: {v}: must be between {lo} and {hi}, inclusive")
    return v


def pod_gpu_request(annotations: Mapping) -> Optional[GpuRequest]:
    """The pod's GPU-sharing request from its annotations, or None for a pod without GPUs."""
    if not annotations or (POD_GPU_COUNT not in annotations and POD_GPU_MILLI not in annotations):
        return None
    count = _int_annotation(annotations, POD_GPU_COUNT, 0, MAX_GPUS) if POD_GPU_COUNT in annotations else 1
    milli = _int_annotation(annotations, POD_GPU_MILLI, 0, 1000) if POD_GPU_MILLI in annotations else 1000
    if count == 0 or milli == 0:
        return None
    if count > 1 and milli < 1000:
        raise FieldError(f'metadata.annotations["{POD_GPU_MILLI}"]',
                         f"Invalid value: {milli}: a share of a GPU needs {POD_GPU_COUNT} = 1")
    raw = annotations.get(POD_GPU_MODEL) or ""
    if not isinstance(raw, str):
        raise FieldError(f'metadata.annotations["{POD_GPU_MODEL}"]', "must be a string")
    return GpuRequest(count, milli, tuple(dict.fromkeys(m for m in raw.split("|") if m)))


def pod_gpu_index(annotations: Mapping, req: GpuRequest) -> Optional[tuple]:
    """Devices a bound pod holds (from ``alibabacloud.com/gpu-index``), or None when not recorded."""
    raw = annotations.get(POD_GPU_INDEX) if annotations else None
    if raw is None or raw == "":
        return None
    path = f'metadata.annotations["{POD_GPU_INDEX}"]'
    if not isinstance(raw, str):
        raise FieldError(path, "must be a string")
    try:
        idx = tuple(int(x) for x in raw.split("-"))
    except ValueError:
        raise FieldError(path, f'Invalid value: "{raw}": device indices joined by "-"') from None
    if len(idx) != req.num_gpu or any(i < 0 or i >= MAX_GPUS for i in idx) or len(set(idx)) != len(idx):
        raise FieldError(path, f'Invalid value: "{raw}": {req.num_gpu} distinct device indices in 0..{MAX_GPUS - 1}')
    return idx


def node_gpus(allocatable: Mapping, labels: Mapping) -> tuple:
    """(device count, model) of a node."""
    count = int(allocatable.get(NODE_GPU_COUNT, 0))
    if count < 0 or count > MAX_GPUS:
        raise FieldError(f"status.allocatable.{NODE_GPU_COUNT}", f"Invalid value: {count}: at most {MAX_GPUS} GPUs")
    return count, (labels.get(NODE_GPU_MODEL, "") if count else "")


def select_best_devices(free: Any, count: int, req: GpuRequest) -> Optional[tuple]:
    """Open-Gpu-Share "best": a share takes the tightest device (lowest index on ties); whole GPUs the
    first fully free devices. None when the node cannot host the request."""
    if req.gpu_milli < 1000:
        best = None
        for d in range(count):
            if free[d] >= req.gpu_milli and (best is None or free[d] < free[best]):
                best = d
        return None if best is None else (best,)
    out = [d for d in range(count) if free[d] == 1000][: req.num_gpu]
    return tuple(out) if len(out) == req.num_gpu else None
