"""Alibaba GPU cluster trace v2023 ("openb"), the workload of the FGD paper (USENIX ATC '23).

Origin: https://github.com/alibaba/clusterdata ``cluster-trace-gpu-v2023/csv/`` (see traces/README.md).

Node lists ``openb_node_list_{gpu,all}_node.csv``: ``sn,cpu_milli,memory_mib,gpu,model``.
Pod lists ``openb_pod_list_<workload>.csv``: ``name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,
qos,pod_phase,creation_time,deletion_time,scheduled_time``; the ``multigpu*`` lists have only the first
five columns (their pods get ``gpu_spec=()``, ``qos=phase=""`` and NaN times).

Conversions: ``memory_bytes = memory_mib * 2**20``; ``gpu_spec`` is split on ``|`` into a tuple of
models with repeats removed (the origin has entries such as ``V100M16|V100M32|V100M32``; an allowed-set
is meant); an empty ``scheduled_time`` (the Pending pods) becomes NaN.

Row checks (a failing row raises ``InvalidObject``, nothing is returned): integers where integers are
due, ``cpu_milli``/``memory_mib`` >= 0, ``num_gpu`` in {0,1,2,4,8}, ``gpu_milli`` in 0..1000,
``num_gpu == 0`` iff ``gpu_milli == 0``, a fractional share (``gpu_milli < 1000``) only with
``num_gpu == 1``, known ``qos`` (LS, BE, Burstable, Guaranteed) and ``pod_phase`` (Running, Succeeded,
Failed, Pending), times >= 0 with ``deletion_time``/``scheduled_time`` not before ``creation_time``,
unique non-empty names. All 24 origin pod lists and both node lists pass every check (checked
2026-04 on the origin files), so ``skipped`` is always empty for this trace.
"""
from __future__ import annotations

import os

import numpy as np

from .csvcolumns import (Table, check_order, enum_column, float_column, int_column, name_column,
                         read_table)
from .paths import bundled_path, find_openb_pod_list
from .schema import NodeList, PodList, Trace
from ..errors import InvalidObject

SOURCE = ("Alibaba GPU cluster trace v2023 (openb); Weng et al., Beware of Fragmentation: Scheduling "
          "GPU-Sharing Workloads with Fragmentation Gradient Descent, USENIX ATC 2023")

#: Pod-list names: the file stems without the ``openb_pod_list_`` prefix.
OPENB_WORKLOADS = (
    "default",
    "cpu0", "cpu037", "cpu050", "cpu072", "cpu100", "cpu200", "cpu235", "cpu250", "cpu300",
    "gpushare20", "gpushare40", "gpushare60", "gpushare80", "gpushare100",
    "gpuspec05", "gpuspec10", "gpuspec20", "gpuspec25", "gpuspec33",
    "multigpu20", "multigpu30", "multigpu40", "multigpu50",
)

NODE_COLUMNS = ("sn", "cpu_milli", "memory_mib", "gpu", "model")
POD_COLUMNS = ("name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase",
               "creation_time", "deletion_time", "scheduled_time")
QOS = ("LS", "BE", "Burstable", "Guaranteed")
PHASES = ("Running", "Succeeded", "Failed", "Pending")
GPU_COUNTS = (0, 1, 2, 4, 8)
MIB = 1 << 20


def load_openb_nodes(path=None, which: str = "gpu") -> NodeList:
    """Load an openb node list: the shipped ``gpu`` (1213 GPU nodes) or ``all`` (1523 nodes) list, or
    the file at ``path``."""
    if path is None:
        if which not in ("gpu", "all"):
            raise InvalidObject("trace", "openb", "which", f'unknown node list {which!r}, want "gpu" or "all"')
        path = bundled_path(f"openb/openb_node_list_{which}_node.csv")
    t = read_table(path, NODE_COLUMNS)
    name = name_column(t, "sn")
    cpu = int_column(t, "cpu_milli", lo=0)
    mem = int_column(t, "memory_mib", lo=0, hi=(1 << 62) // MIB)
    gpu = int_column(t, "gpu", dtype=np.int32, lo=0)
    model = list(t.columns["model"])
    has_gpu = gpu > 0
    no_model = np.array([m == "" for m in model], dtype=bool)
    bad = has_gpu & no_model
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise t.error(i, "model", f"node has {gpu[i]} GPUs but no GPU model")
    bad = ~has_gpu & ~no_model
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise t.error(i, "model", f"node has no GPU but GPU model {model[i]!r}")
    return NodeList(name, cpu, mem * MIB, gpu, model, {}, SOURCE)


def _gpu_spec(t: Table) -> list:
    cache = {"": ()}
    out = []
    for i, s in enumerate(t.columns["gpu_spec"]):
        spec = cache.get(s)
        if spec is None:
            parts = s.split("|")
            if "" in parts:
                raise t.error(i, "gpu_spec", f"empty GPU model in {s!r}")
            spec = cache[s] = tuple(dict.fromkeys(parts))
        out.append(spec)
    return out


def load_openb_pods(path_or_name=None, workload: str = "default") -> PodList:
    """Load an openb pod list.

    ``path_or_name`` is a file path (``.csv`` or ``.csv.gz``) or a workload name from
    :data:`OPENB_WORKLOADS`; when omitted, ``workload`` names the list. Only ``default`` is shipped;
    the variants are looked up in ``$KSCHEDULE_TRACES`` and then in
    ``../shared/traces/alibaba-gpu-v2023-openb/variants/`` next to the repository checkout, and a
    :class:`~kschedule.traces.paths.TraceFileNotFound` says where to download them otherwise.
    """
    if path_or_name is not None and os.fspath(path_or_name) in OPENB_WORKLOADS \
            and not os.path.exists(path_or_name):
        workload, path_or_name = os.fspath(path_or_name), None
    if path_or_name is None:
        if workload not in OPENB_WORKLOADS:
            raise InvalidObject("trace", "openb", "workload",
                                f"unknown workload {workload!r}, want one of {', '.join(OPENB_WORKLOADS)}")
        path_or_name = find_openb_pod_list(workload)
    t = read_table(path_or_name, POD_COLUMNS, alternatives=[POD_COLUMNS[:5]])
    full = "gpu_spec" in t.columns
    n = t.nrows
    name = name_column(t, "name")
    cpu = int_column(t, "cpu_milli", lo=0)
    mem = int_column(t, "memory_mib", lo=0, hi=(1 << 62) // MIB)
    num_gpu = int_column(t, "num_gpu", dtype=np.int32, allowed=GPU_COUNTS)
    gpu_milli = int_column(t, "gpu_milli", dtype=np.int32, lo=0, hi=1000)
    bad = (num_gpu == 0) != (gpu_milli == 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise t.error(i, "gpu_milli", f"gpu_milli {gpu_milli[i]} with num_gpu {num_gpu[i]}: "
                                      "a GPU share needs a GPU and a GPU needs a share")
    bad = (gpu_milli < 1000) & (num_gpu > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise t.error(i, "gpu_milli", f"fractional GPU share {gpu_milli[i]} needs num_gpu == 1, got {num_gpu[i]}")
    if full:
        spec = _gpu_spec(t)
        qos = enum_column(t, "qos", QOS)
        phase = enum_column(t, "pod_phase", PHASES)
        created = float_column(t, "creation_time", lo=0)
        deleted = float_column(t, "deletion_time", empty_nan=True, lo=0)
        scheduled = float_column(t, "scheduled_time", empty_nan=True, lo=0)
        check_order(t, "creation_time", created, "deletion_time", deleted)
        check_order(t, "creation_time", created, "scheduled_time", scheduled)
    else:
        spec = [()] * n
        qos = [""] * n
        phase = [""] * n
        created = np.full(n, np.nan)
        deleted = np.full(n, np.nan)
        scheduled = np.full(n, np.nan)
    return PodList(name, cpu, mem * MIB, num_gpu, gpu_milli, spec, qos, phase, created, deleted, scheduled,
                   {}, SOURCE)


def load_openb(workload: str = "default", which: str = "gpu") -> Trace:
    """The openb cluster (``which`` node list) and pod list ``workload`` as one :class:`Trace`."""
    return Trace(load_openb_nodes(which=which), load_openb_pods(workload=workload), f"openb/{workload}")
