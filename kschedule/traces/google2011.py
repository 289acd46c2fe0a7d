"""Google cluster-data 2011 (``clusterdata-2011-2``), downloaded by the user.

Schema: the trace's "format + schema" document (v2.1) and its ``schema.csv``; files have no header
line and are usually gzip-compressed parts (``part-00000-of-00500.csv.gz``).

* ``machine_events``: ``time, machine ID, event type, platform ID, CPUs, Memory``;
  event types ADD (0), REMOVE (1), UPDATE (2).
* ``task_events``: ``time, missing info, job ID, task index, machine ID, event type, user,
  scheduling class, priority, CPU request, memory request, disk space request, different machines
  restriction``; event types SUBMIT (0), SCHEDULE (1), EVICT (2), FAIL (3), FINISH (4), KILL (5),
  LOST (6), UPDATE_PENDING (7), UPDATE_RUNNING (8).

Units: times are microseconds (→ seconds here); 0 means "before the trace window" (kept as 0 s) and
2**63-1 "after the end of the window" (→ NaN, absent). CPU and memory are normalised so that the
largest machine has 1.0; the loaders take ``machine_cpu_cores`` and ``machine_memory_bytes`` (the size
of that largest machine) and compute ``cpu_milli = round(v * machine_cpu_cores * 1000)``,
``memory_bytes = round(v * machine_memory_bytes)``.

Nodes: one per machine ID, in first-appearance order; capacity and platform from the last ADD/UPDATE
event that carries both CPUs and Memory. ``extra``: ``platform_id``, ``add_time`` (first ADD),
``remove_time`` (time of the last event if it is a REMOVE, else NaN). Machines whose events never
carry a capacity (the trace leaves the fields empty) are listed in ``skipped``.

Pods: one per (job ID, task index), name ``<job>-<index>``, in order of first event. Requests from the
last event that carries both CPU and memory requests; ``creation_time`` = first SUBMIT,
``scheduled_time`` = first SCHEDULE, ``deletion_time`` = time of the last event if it is terminal
(EVICT, FAIL, FINISH, KILL, LOST), else NaN; ``phase`` from the last event: SUBMIT, UPDATE_PENDING → ``Pending``; SCHEDULE, UPDATE_RUNNING →
``Running``; FINISH → ``Succeeded``; EVICT, FAIL, KILL, LOST → ``Failed``. ``qos`` is ``""``.
``extra``: ``job_id``, ``task_index``, ``priority`` (0–11), ``scheduling_class`` (0–3, -1 empty),
``machine_id`` (last machine, -1 none), ``submits`` (number of SUBMIT events: resubmissions after an
eviction or failure stay in one row). Tasks whose events never carry a request are in ``skipped``.
"""
from __future__ import annotations

import os

import numpy as np

from .csvcolumns import float_column, int_column, read_table
from .schema import NodeList, PodList
from ..errors import InvalidObject

SOURCE = ("Google cluster-data 2011 (clusterdata-2011-2, https://github.com/google/cluster-data); Reiss, Wilkes, "
          "Hellerstein, Google cluster-usage traces: format + schema, 2011")

MACHINE_EVENTS = ("time", "machine_id", "event_type", "platform_id", "cpus", "memory")
TASK_EVENTS = ("time", "missing_info", "job_id", "task_index", "machine_id", "event_type", "user",
               "scheduling_class", "priority", "cpu_request", "memory_request", "disk_space_request",
               "different_machines_restriction")

END_OF_TRACE = (1 << 63) - 1
ADD, REMOVE, UPDATE = 0, 1, 2
SUBMIT, SCHEDULE, EVICT, FAIL, FINISH, KILL, LOST, UPDATE_PENDING, UPDATE_RUNNING = range(9)
TERMINAL = {EVICT, FAIL, FINISH, KILL, LOST}
PHASE = {SUBMIT: "Pending", UPDATE_PENDING: "Pending", SCHEDULE: "Running", UPDATE_RUNNING: "Running",
         FINISH: "Succeeded", EVICT: "Failed", FAIL: "Failed", KILL: "Failed", LOST: "Failed"}


def _paths(paths) -> list:
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _check_scale(name, value, kind=(int, float, np.integer, np.floating)):
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0 or not np.isfinite(value):
        raise InvalidObject("trace", "google-2011", name, f"must be a positive number, got {value!r}")
    return float(value)


def _seconds(us: np.ndarray) -> np.ndarray:
    out = us.astype(np.float64) / 1e6
    out[us == END_OF_TRACE] = np.nan
    return out


def load_google2011_machines(paths, *, machine_cpu_cores, machine_memory_bytes) -> NodeList:
    """``machine_events`` file(s) → one node per machine (see the module docstring)."""
    cores = _check_scale("machine_cpu_cores", machine_cpu_cores)
    mbytes = _check_scale("machine_memory_bytes", machine_memory_bytes)
    order: list = []
    state: dict = {}  # id -> [cap_index(file, row) or None, platform, add_time, last_type, last_time, where]
    tables = []
    for p in _paths(paths):
        t = read_table(p, header=False, names=MACHINE_EVENTS)
        time = int_column(t, "time", lo=0)
        mid = int_column(t, "machine_id", lo=0)
        etype = int_column(t, "event_type", dtype=np.int8, allowed=(ADD, REMOVE, UPDATE))
        cpus = float_column(t, "cpus", empty_nan=True, lo=0, hi=1)
        mem = float_column(t, "memory", empty_nan=True, lo=0, hi=1)
        plat = t.columns["platform_id"]
        tables.append((cpus, mem))
        k = len(tables) - 1
        sec = _seconds(time)
        for i, (m, e) in enumerate(zip(mid.tolist(), etype.tolist())):
            s = state.get(m)
            if s is None:
                s = state[m] = [None, "", np.nan, None, np.nan, t.where(i)]
                order.append(m)
            if e != REMOVE and not (np.isnan(cpus[i]) or np.isnan(mem[i])):
                s[0] = (k, i)
                if plat[i]:
                    s[1] = plat[i]
            if e == ADD and np.isnan(s[2]):
                s[2] = sec[i]
            s[3], s[4] = e, sec[i]
    keep = [m for m in order if state[m][0] is not None]
    skipped = [(state[m][5], f"machine {m}: no event carries CPUs and Memory") for m in order if state[m][0] is None]
    cpu = np.array([tables[state[m][0][0]][0][state[m][0][1]] for m in keep], dtype=np.float64)
    mem = np.array([tables[state[m][0][0]][1][state[m][0][1]] for m in keep], dtype=np.float64)
    n = len(keep)
    return NodeList([str(m) for m in keep], np.rint(cpu * cores * 1000).astype(np.int64),
                    np.rint(mem * mbytes).astype(np.int64), np.zeros(n, np.int32), [""] * n,
                    {"platform_id": np.array([state[m][1] for m in keep], dtype=str),
                     "add_time": np.array([state[m][2] for m in keep], dtype=np.float64),
                     "remove_time": np.array([state[m][4] if state[m][3] == REMOVE else np.nan for m in keep],
                                             dtype=np.float64)},
                    SOURCE, skipped)


def load_google2011_tasks(paths, *, machine_cpu_cores, machine_memory_bytes) -> PodList:
    """``task_events`` file(s), in time order → one pod per task (see the module docstring)."""
    cores = _check_scale("machine_cpu_cores", machine_cpu_cores)
    mbytes = _check_scale("machine_memory_bytes", machine_memory_bytes)
    order: list = []
    # key -> [req (cpu, mem) or None, submit_t, sched_t, last_type, last_time, prio, sclass, machine, submits, where]
    state: dict = {}
    for p in _paths(paths):
        t = read_table(p, header=False, names=TASK_EVENTS)
        time = int_column(t, "time", lo=0)
        # 0 SNAPSHOT_BUT_NO_TRANSITION, 1 NO_SNAPSHOT_OR_TRANSITION, 2 EXISTS_BUT_NO_CREATION (synthesised
        # records; kept, their fields are as good as any other record's).
        int_column(t, "missing_info", empty=-1, allowed=(0, 1, 2))
        job = int_column(t, "job_id", lo=0)
        idx = int_column(t, "task_index", lo=0)
        mach = int_column(t, "machine_id", empty=-1, lo=0)
        etype = int_column(t, "event_type", dtype=np.int8, allowed=tuple(range(9)))
        sclass = int_column(t, "scheduling_class", empty=-1, allowed=(0, 1, 2, 3))
        prio = int_column(t, "priority", lo=0, hi=11)
        cpu = float_column(t, "cpu_request", empty_nan=True, lo=0, hi=1)
        mem = float_column(t, "memory_request", empty_nan=True, lo=0, hi=1)
        float_column(t, "disk_space_request", empty_nan=True, lo=0, hi=1)
        sec = _seconds(time)
        has_req = ~(np.isnan(cpu) | np.isnan(mem))
        for i, (key, e) in enumerate(zip(zip(job.tolist(), idx.tolist()), etype.tolist())):
            s = state.get(key)
            if s is None:
                s = state[key] = [None, np.nan, np.nan, None, np.nan, 0, -1, -1, 0, t.where(i)]
                order.append(key)
            if has_req[i]:
                s[0] = (float(cpu[i]), float(mem[i]))
            if e == SUBMIT:
                s[8] += 1
                if np.isnan(s[1]):
                    s[1] = sec[i]
            elif e == SCHEDULE and np.isnan(s[2]):
                s[2] = sec[i]
            if mach[i] >= 0:
                s[7] = int(mach[i])
            if sclass[i] >= 0:
                s[6] = int(sclass[i])
            s[3], s[4], s[5] = e, sec[i], int(prio[i])
    keep = [k for k in order if state[k][0] is not None]
    skipped = [(state[k][9], f"task {k[0]}-{k[1]}: no event carries CPU and memory requests")
               for k in order if state[k][0] is None]
    st = [state[k] for k in keep]
    n = len(keep)
    req = np.array([s[0] for s in st], dtype=np.float64).reshape(n, 2)
    return PodList([f"{j}-{i}" for j, i in keep], np.rint(req[:, 0] * cores * 1000).astype(np.int64),
                   np.rint(req[:, 1] * mbytes).astype(np.int64), np.zeros(n, np.int32), np.zeros(n, np.int32),
                   [()] * n, [""] * n, [PHASE[s[3]] for s in st],
                   np.array([s[1] for s in st], dtype=np.float64),
                   np.array([s[4] if s[3] in TERMINAL else np.nan for s in st], dtype=np.float64),
                   np.array([s[2] for s in st], dtype=np.float64),
                   {"job_id": np.array([k[0] for k in keep], dtype=np.int64),
                    "task_index": np.array([k[1] for k in keep], dtype=np.int64),
                    "priority": np.array([s[5] for s in st], dtype=np.int32),
                    "scheduling_class": np.array([s[6] for s in st], dtype=np.int32),
                    "machine_id": np.array([s[7] for s in st], dtype=np.int64),
                    "submits": np.array([s[8] for s in st], dtype=np.int32)},
                   SOURCE, skipped)
