"""Alibaba GPU node inventories and serving instances other than openb.

* PAI 2020 machine table (``pai_machine_spec.csv`` from cluster-trace-gpu-v2020, no header line):
  ``machine,gpu_type,cap_cpu,cap_mem,cap_gpu``. ``cap_cpu`` cores → ``cpu_milli = cap_cpu*1000``;
  ``cap_mem`` is "GB" in the origin; the values (384, 512) are binary sizes, so
  ``memory_bytes = cap_mem * 2**30``. ``gpu_type`` ``CPU`` marks the GPU-less machines and becomes
  ``gpu_model=""`` (checked: exactly when ``cap_gpu == 0``); ``MISC`` is kept as a model name.
  Weng et al., "MLaaS in the Wild", NSDI 2022. CC BY 4.0.
* DLRM 2025 instances (``disaggregated_DLRM_trace.csv`` from cluster-trace-gpu-v2025): one pod per
  instance. ``cpu_request`` vCPUs → ``cpu_milli = round(v*1000)``; ``memory_request`` and
  ``disk_request`` GiB → bytes (``*2**30``, rounded); ``gpu_request`` whole GPUs (0 or 1) →
  ``num_gpu``, ``gpu_milli = 1000`` per GPU. ``qos`` is the Kubernetes QoS class the requests and
  limits give (pkg/apis/core/v1/helper/qos: only cpu and memory count; request == limit for both →
  ``Guaranteed``, else ``Burstable``). ``phase`` is ``""``: the trace records no phase. Times: empty
  → NaN (``creation_time``/``scheduled_time`` are empty for instances that existed before the trace
  started, ``deletion_time`` for those alive at its end). ``extra``: ``role`` (CN/HN), ``app``,
  ``rdma`` (percent of one RDMA NIC), ``disk_bytes``, ``max_instance_per_node`` (-1 = no limit) and
  the limits ``cpu_limit_milli``, ``memory_limit_bytes``, ``gpu_limit``, ``rdma_limit``,
  ``disk_limit_bytes``. Yang et al., "GPU-Disaggregated Serving for Deep Learning Recommendation
  Models at Scale", NSDI 2025.
* Spot GPU nodes 2026 (``node_info_df.csv`` from cluster-trace-v2026-spot-gpu):
  ``gpu_model,gpu_capacity_num,cpu_num,node_name``. The file has **no memory column**:
  ``memory_bytes`` is 0 for every node (set it yourself before scheduling memory-requesting pods).
  Duan et al., "GFS", ASPLOS 2026.
"""
from __future__ import annotations

import numpy as np

from .csvcolumns import check_order, enum_column, float_column, int_column, name_column, read_table, scale_to_int
from .schema import NodeList, PodList

GIB = 1 << 30

PAI_COLUMNS = ("machine", "gpu_type", "cap_cpu", "cap_mem", "cap_gpu")
PAI_SOURCE = ("Alibaba cluster-trace-gpu-v2020 (PAI) pai_machine_spec; Weng et al., MLaaS in the Wild: "
              "Workload Analysis and Scheduling in Large-Scale Heterogeneous GPU Clusters, NSDI 2022")

DLRM_COLUMNS = ("instance_sn", "role", "app_name", "cpu_request", "cpu_limit", "gpu_request", "gpu_limit",
                "rdma_request", "rdma_limit", "memory_request", "memory_limit", "disk_request", "disk_limit",
                "max_instance_per_node", "creation_time", "scheduled_time", "deletion_time")
DLRM_SOURCE = ("Alibaba cluster-trace-gpu-v2025 disaggregated DLRM; Yang et al., GPU-Disaggregated Serving "
               "for Deep Learning Recommendation Models at Scale, NSDI 2025")

SPOT_COLUMNS = ("gpu_model", "gpu_capacity_num", "cpu_num", "node_name")
SPOT_SOURCE = ("Alibaba cluster-trace-v2026-spot-gpu node_info_df; Duan et al., GFS: A Preemptive Scheduling "
               "Framework for GPU Clusters with Predictive Spot Management, ASPLOS 2026")


def load_pai_machines(path) -> NodeList:
    """Load the PAI 2020 machine table (no header line) as a :class:`NodeList`."""
    t = read_table(path, header=False, names=PAI_COLUMNS)
    name = name_column(t, "machine")
    gtype = list(t.columns["gpu_type"])
    cpu = int_column(t, "cap_cpu", lo=0, hi=1 << 40)
    mem = int_column(t, "cap_mem", lo=0, hi=1 << 30)
    gpu = int_column(t, "cap_gpu", dtype=np.int32, lo=0)
    for i, g in enumerate(gtype):
        if g == "":
            raise t.error(i, "gpu_type", "empty GPU type (CPU-only machines say CPU)")
        if (g == "CPU") != (gpu[i] == 0):
            raise t.error(i, "cap_gpu", f"gpu_type {g!r} with cap_gpu {gpu[i]}")
    model = ["" if g == "CPU" else g for g in gtype]
    return NodeList(name, cpu * 1000, mem * GIB, gpu, model, {}, PAI_SOURCE)


def load_dlrm(path) -> PodList:
    """Load the DLRM 2025 instance table (``.csv`` or ``.csv.gz``) as a :class:`PodList`."""
    t = read_table(path, DLRM_COLUMNS)
    n = t.nrows
    name = name_column(t, "instance_sn")
    role = enum_column(t, "role", ("CN", "HN"))
    app = list(t.columns["app_name"])
    if "" in app:
        raise t.error(app.index(""), "app_name", "empty app name")
    cpu = float_column(t, "cpu_request", lo=0, hi=1e12)
    cpu_lim = float_column(t, "cpu_limit", lo=0, hi=1e12)
    gpu = int_column(t, "gpu_request", dtype=np.int32, lo=0, hi=64)
    gpu_lim = int_column(t, "gpu_limit", dtype=np.int32, lo=0, hi=64)
    rdma = int_column(t, "rdma_request", dtype=np.int32, lo=0, hi=100)
    rdma_lim = int_column(t, "rdma_limit", dtype=np.int32, lo=0, hi=100)
    mem = float_column(t, "memory_request", lo=0, hi=1e9)
    mem_lim = float_column(t, "memory_limit", lo=0, hi=1e9)
    disk = float_column(t, "disk_request", lo=0, hi=1e9)
    disk_lim = float_column(t, "disk_limit", lo=0, hi=1e9)
    maxi = int_column(t, "max_instance_per_node", dtype=np.int32, lo=-1)
    zero = maxi == 0
    if zero.any():
        raise t.error(int(np.flatnonzero(zero)[0]), "max_instance_per_node", "0 (no instance could run); -1 means no limit")
    created = float_column(t, "creation_time", empty_nan=True, lo=0)
    scheduled = float_column(t, "scheduled_time", empty_nan=True, lo=0)
    deleted = float_column(t, "deletion_time", empty_nan=True, lo=0)
    check_order(t, "creation_time", created, "scheduled_time", scheduled)
    check_order(t, "creation_time", created, "deletion_time", deleted)
    check_order(t, "scheduled_time", scheduled, "deletion_time", deleted)
    for col, req, lim in (("cpu_limit", cpu, cpu_lim), ("gpu_limit", gpu, gpu_lim), ("rdma_limit", rdma, rdma_lim),
                          ("memory_limit", mem, mem_lim), ("disk_limit", disk, disk_lim)):
        bad = lim < req
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise t.error(i, col, f"limit {lim[i]:g} is below the request {req[i]:g}")
    guaranteed = (cpu == cpu_lim) & (mem == mem_lim)
    qos = np.where(guaranteed, "Guaranteed", "Burstable").tolist()
    extra = {
        "role": np.array(role), "app": np.array(app), "rdma": rdma, "rdma_limit": rdma_lim,
        "disk_bytes": scale_to_int(t, "disk_request", disk, GIB),
        "disk_limit_bytes": scale_to_int(t, "disk_limit", disk_lim, GIB),
        "max_instance_per_node": maxi,
        "cpu_limit_milli": scale_to_int(t, "cpu_limit", cpu_lim, 1000),
        "memory_limit_bytes": scale_to_int(t, "memory_limit", mem_lim, GIB),
        "gpu_limit": gpu_lim,
    }
    return PodList(name, scale_to_int(t, "cpu_request", cpu, 1000), scale_to_int(t, "memory_request", mem, GIB),
                   gpu, np.where(gpu > 0, 1000, 0).astype(np.int32), [()] * n, qos, [""] * n,
                   created, deleted, scheduled, extra, DLRM_SOURCE)


def load_spot_nodes(path) -> NodeList:
    """Load the 2026 spot-GPU node inventory. The source has no memory column: ``memory_bytes`` is 0
    for every node. ``node_name`` (an integer id) is kept as the name string."""
    t = read_table(path, SPOT_COLUMNS)
    name = name_column(t, "node_name")
    model = list(t.columns["gpu_model"])
    gpu = int_column(t, "gpu_capacity_num", dtype=np.int32, lo=0)
    cpu = int_column(t, "cpu_num", lo=0, hi=1 << 40)
    for i, m in enumerate(model):
        if (m == "") != (gpu[i] == 0):
            raise t.error(i, "gpu_model", f"gpu_model {m!r} with gpu_capacity_num {gpu[i]}")
    n = t.nrows
    return NodeList(name, cpu * 1000, np.zeros(n, dtype=np.int64), gpu, model, {}, SPOT_SOURCE)
