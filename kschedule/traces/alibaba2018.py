"""Alibaba cluster-trace-v2018 (co-located online containers and batch jobs), downloaded by the user.

Schema: alibaba/clusterdata ``cluster-trace-v2018/schema.txt``; the files have no header line.

* ``machine_meta.csv``: ``machine_id,time_stamp,failure_domain_1,failure_domain_2,cpu_num,mem_size,status``
* ``container_meta.csv``: ``container_id,machine_id,time_stamp,app_du,status,cpu_request,cpu_limit,mem_size``
* ``batch_task.csv``: ``task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem``
* ``batch_instance.csv``: ``instance_name,task_name,job_name,task_type,status,start_time,end_time,machine_id,
  seq_no,total_seq_no,cpu_avg,cpu_max,mem_avg,mem_max``

Units: ``cpu_num`` is a core count (``cpu_milli = cpu_num*1000``); container ``cpu_request``/``cpu_limit``
and task ``plan_cpu`` are in hundredths of a core ("100 is 1 core": ``cpu_milli = round(v*10)``).
Memory (``mem_size``, ``plan_mem``) is normalised to [0, 100], 100 being the largest machine, so every
loader takes ``machine_memory_bytes`` (the memory of a 100-sized machine) and computes
``memory_bytes = round(v/100 * machine_memory_bytes)``. CPU is not normalised in this trace, so no
CPU scale is needed. Times are seconds.

One row per machine / container: both meta tables hold several records per id (status changes over
time). A node takes its capacity, failure domains and status from the id's last record; a pod its
requests and status from the last record and ``creation_time`` from the first. ``extra["records"]``
counts the records merged into each row. ``phase`` holds the trace's raw status string (e.g.
``started``, ``Terminated``); ``qos`` is ``""`` (not recorded).

Batch tasks whose ``plan_cpu`` or ``plan_mem`` is empty have no request in the source; they (and their
instances) are not turned into pods and are listed in ``skipped`` with that reason.
"""
from __future__ import annotations

import numpy as np

from .csvcolumns import float_column, int_column, read_table, scale_to_int
from .schema import NodeList, PodList

SOURCE = ("Alibaba cluster-trace-v2018 (https://github.com/alibaba/clusterdata/tree/master/cluster-trace-v2018); "
          "Guo et al., Who Limits the Resource Efficiency of My Datacenter: An Analysis of Alibaba Datacenter "
          "Traces, IWQoS 2019")

MACHINE_META = ("machine_id", "time_stamp", "failure_domain_1", "failure_domain_2", "cpu_num", "mem_size", "status")
CONTAINER_META = ("container_id", "machine_id", "time_stamp", "app_du", "status", "cpu_request", "cpu_limit",
                  "mem_size")
BATCH_TASK = ("task_name", "instance_num", "job_name", "task_type", "status", "start_time", "end_time", "plan_cpu",
              "plan_mem")
BATCH_INSTANCE = ("instance_name", "task_name", "job_name", "task_type", "status", "start_time", "end_time",
                  "machine_id", "seq_no", "total_seq_no", "cpu_avg", "cpu_max", "mem_avg", "mem_max")


def _check_scale(machine_memory_bytes) -> int:
    from ..errors import InvalidObject
    if not isinstance(machine_memory_bytes, (int, np.integer)) or isinstance(machine_memory_bytes, bool) \
            or machine_memory_bytes <= 0:
        raise InvalidObject("trace", "alibaba-v2018", "machine_memory_bytes",
                            f"must be a positive integer (bytes of a 100-sized machine), got {machine_memory_bytes!r}")
    return int(machine_memory_bytes)


def _nonempty(t, column):
    vals = t.columns[column]
    if "" in vals:
        raise t.error(vals.index(""), column, "empty id")
    return vals


def _last_index_by_id(ids) -> tuple:
    """(ids in first-appearance order, index of the first record, index of the last record, count)."""
    first: dict = {}
    last: dict = {}
    count: dict = {}
    for i, k in enumerate(ids):
        if k not in first:
            first[k] = i
            count[k] = 0
        last[k] = i
        count[k] += 1
    keys = list(first)
    return (keys, np.fromiter((first[k] for k in keys), np.int64, len(keys)),
            np.fromiter((last[k] for k in keys), np.int64, len(keys)),
            np.fromiter((count[k] for k in keys), np.int64, len(keys)))


def load_alibaba2018_machines(path, *, machine_memory_bytes: int) -> NodeList:
    """``machine_meta.csv`` → one node per ``machine_id`` (see the module docstring)."""
    scale = _check_scale(machine_memory_bytes)
    t = read_table(path, header=False, names=MACHINE_META)
    ids = _nonempty(t, "machine_id")
    ts = float_column(t, "time_stamp", lo=0)
    fd1 = int_column(t, "failure_domain_1")
    cpu = int_column(t, "cpu_num", lo=0, hi=1 << 40)
    mem = float_column(t, "mem_size", lo=0, hi=100)
    keys, first, last, count = _last_index_by_id(ids)
    return NodeList(keys, cpu[last] * 1000, scale_to_int(t, "mem_size", mem[last], scale / 100.0),
                    np.zeros(len(keys), np.int32), [""] * len(keys),
                    {"failure_domain_1": fd1[last], "failure_domain_2": np.array([t.columns["failure_domain_2"][i] for i in last.tolist()]),
                     "status": np.array([t.columns["status"][i] for i in last.tolist()]),
                     "first_time": ts[first], "records": count},
                    SOURCE)


def load_alibaba2018_containers(path, *, machine_memory_bytes: int) -> PodList:
    """``container_meta.csv`` → one pod per ``container_id`` (see the module docstring).
    ``extra``: ``app`` (app_du), ``machine_id`` (host in the last record), ``cpu_limit_milli``, ``records``."""
    scale = _check_scale(machine_memory_bytes)
    t = read_table(path, header=False, names=CONTAINER_META)
    ids = _nonempty(t, "container_id")
    ts = float_column(t, "time_stamp", lo=0)
    cpu = float_column(t, "cpu_request", lo=0, hi=1e12)
    cpu_lim = float_column(t, "cpu_limit", lo=0, hi=1e12)
    mem = float_column(t, "mem_size", lo=0, hi=100)
    keys, first, last, count = _last_index_by_id(ids)
    n = len(keys)
    lastl = last.tolist()
    col = t.columns
    return PodList(keys, scale_to_int(t, "cpu_request", cpu[last], 10), scale_to_int(t, "mem_size", mem[last], scale / 100.0),
                   np.zeros(n, np.int32), np.zeros(n, np.int32), [()] * n, [""] * n,
                   [col["status"][i] for i in lastl], ts[first], np.full(n, np.nan), np.full(n, np.nan),
                   {"app": np.array([col["app_du"][i] for i in lastl]),
                    "machine_id": np.array([col["machine_id"][i] for i in lastl]),
                    "cpu_limit_milli": scale_to_int(t, "cpu_limit", cpu_lim[last], 10), "records": count},
                   SOURCE)


def load_alibaba2018_batch(task_path, instance_path=None, *, machine_memory_bytes: int) -> PodList:
    """Batch pods from ``batch_task.csv`` (requests) and optionally ``batch_instance.csv``.

    With ``instance_path``: one pod per instance row, named ``job/task/instance_name``, requests from
    its task, ``creation_time = scheduled_time = start_time`` and ``deletion_time = end_time`` of the
    instance (empty or 0 end → NaN). Without it: each task gives ``instance_num`` pods
    ``job/task/<k>`` with the task's times. ``extra``: ``job``, ``task``, ``task_type`` and, with
    instances, ``machine_id``.
    """
    scale = _check_scale(machine_memory_bytes)
    t = read_table(task_path, header=False, names=BATCH_TASK)
    tname = _nonempty(t, "task_name")
    job = _nonempty(t, "job_name")
    inst_num = int_column(t, "instance_num", lo=0)
    start = float_column(t, "start_time", empty_nan=True, lo=0)
    end = float_column(t, "end_time", empty_nan=True, lo=0)
    plan_cpu = float_column(t, "plan_cpu", empty_nan=True, lo=0, hi=1e12)
    plan_mem = float_column(t, "plan_mem", empty_nan=True, lo=0, hi=100)
    usable = ~np.isnan(plan_cpu) & ~np.isnan(plan_mem)
    skipped = [(t.where(i), "batch task without plan_cpu/plan_mem (no request recorded)")
               for i in np.flatnonzero(~usable).tolist()]
    cpu_milli = np.where(usable, np.rint(np.nan_to_num(plan_cpu) * 10), 0).astype(np.int64)
    mem_bytes = np.where(usable, np.rint(np.nan_to_num(plan_mem) / 100.0 * scale), 0).astype(np.int64)
    task_index: dict = {}
    for i, key in enumerate(zip(job, tname)):
        if key in task_index:
            raise t.error(i, "task_name", f"duplicate task {key[1]!r} in job {key[0]!r}")
        task_index[key] = i
    if instance_path is None:
        reps = np.where(usable, inst_num, 0)
        rows = np.repeat(np.arange(t.nrows), reps)
        k = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
        names = [f"{job[i]}/{tname[i]}/{j}" for i, j in zip(rows.tolist(), k.tolist())]
        n = len(rows)
        ttype = t.columns["task_type"]
        return PodList(names, cpu_milli[rows], mem_bytes[rows], np.zeros(n, np.int32), np.zeros(n, np.int32),
                       [()] * n, [""] * n, [t.columns["status"][i] for i in rows.tolist()], start[rows],
                       _running_nan(end[rows]), start[rows],
                       {"job": np.array([job[i] for i in rows.tolist()], dtype=str),
                        "task": np.array([tname[i] for i in rows.tolist()], dtype=str),
                        "task_type": np.array([ttype[i] for i in rows.tolist()], dtype=str)},
                       SOURCE, skipped)
    it = read_table(instance_path, header=False, names=BATCH_INSTANCE)
    iname = _nonempty(it, "instance_name")
    itask = _nonempty(it, "task_name")
    ijob = _nonempty(it, "job_name")
    istart = float_column(it, "start_time", empty_nan=True, lo=0)
    iend = float_column(it, "end_time", empty_nan=True, lo=0)
    rows = np.empty(it.nrows, np.int64)
    for i, key in enumerate(zip(ijob, itask)):
        r = task_index.get(key)
        if r is None:
            raise it.error(i, "task_name", f"task {key[1]!r} of job {key[0]!r} is not in {t.file}")
        rows[i] = r
    keep = usable[rows]
    skipped += [(it.where(i), "instance of a batch task without plan_cpu/plan_mem")
                for i in np.flatnonzero(~keep).tolist()]
    sel = np.flatnonzero(keep)
    r = rows[sel]
    seli = sel.tolist()
    n = len(sel)
    return PodList([f"{ijob[i]}/{itask[i]}/{iname[i]}" for i in seli], cpu_milli[r], mem_bytes[r],
                   np.zeros(n, np.int32), np.zeros(n, np.int32), [()] * n, [""] * n,
                   [it.columns["status"][i] for i in seli], istart[sel], _running_nan(iend[sel]), istart[sel],
                   {"job": np.array([ijob[i] for i in seli], dtype=str),
                    "task": np.array([itask[i] for i in seli], dtype=str),
                    "task_type": np.array([it.columns["task_type"][i] for i in seli], dtype=str),
                    "machine_id": np.array([it.columns["machine_id"][i] for i in seli], dtype=str)},
                   SOURCE, skipped)


def _running_nan(end: np.ndarray) -> np.ndarray:
    # An end_time of 0 cannot be a real end (it would precede the start): treat it as absent.
    return np.where(end == 0, np.nan, end)
