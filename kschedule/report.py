"""Replay reports: summary rows, CSV files, an aligned text table and PNG plots.

Pure functions over a list of runs ``(workload, policy, seed, ReplayResult)`` (see
:func:`kschedule.gpu.replay.paper_replay`), used by ``kschedule replay`` and by notebooks.

Metrics are the FGD paper's (docs/fgd.md §9), read from :meth:`ReplayResult.curves`:

- ``gpu_allocation_pct``: allocated GPU milli as % of cluster GPU capacity, per integer arrived-workload %
  (``arrived_pct`` = requested GPU milli so far as % of capacity, 0–130);
- ``frag_pct``: fragmented GPU milli (docs/fgd.md §3) as % of capacity; ``frag_ratio_pct``: as % of the idle
  GPU milli;
- "unallocated GPU %" at arrived 100% = ``100 - gpu_allocation_pct[100]`` (the paper's headline number).

Multi-seed aggregates are the mean and the sample standard deviation (``ddof=1``) over seeds.

pandas and matplotlib are optional (the ``research`` extra) and imported only by :func:`to_pandas`,
:func:`write_table` (Parquet) and the plot functions; without them those raise
:class:`OptionalDependencyMissing` (nothing else needs them).
"""
from __future__ import annotations

import csv
import math
import os
import warnings
from typing import Iterable, Sequence

import numpy as np

from .errors import KScheduleError

SUMMARY_COLUMNS = ("workload", "policy", "seed", "arrived_pct", "gpu_allocation_pct", "frag_pct", "frag_ratio_pct")
CURVE_COLUMNS = SUMMARY_COLUMNS[4:]
#: Columns of the per-pod series (:func:`pod_series`), one row per pod in scheduling order.
SERIES_COLUMNS = ("pod", "node", "devices", "arrived_gpu_milli", "used_gpu_milli", "frag_gpu_milli",
                  "arrived_pct", "gpu_allocation_pct", "frag_pct")


class OptionalDependencyMissing(KScheduleError, ImportError):
    """An optional package (pandas, matplotlib, pyarrow: the ``research`` extra) is not installed."""


def _require(module: str, what: str):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise OptionalDependencyMissing(
            f"{what} needs {module.split('.')[0]} (pip install 'kschedule[research]')") from e


def _value(x) -> float:
    x = float(x)
    return x if math.isfinite(x) else float("nan")


# --- rows -----------------------------------------------------------------------------------------

def summary_rows(results: Iterable[tuple]) -> list:
    """One dict per (workload, policy, seed, integer arrived %) with the keys of :data:`SUMMARY_COLUMNS`;
    curve values are floats (NaN where no pod fell near that arrived %)."""
    rows = []
    for workload, policy, seed, res in results:
        c = res.curves()
        cols = [c[k] for k in CURVE_COLUMNS]
        for i, a in enumerate(c["arrived_pct"].tolist()):
            row = {"workload": str(workload), "policy": str(policy), "seed": int(seed), "arrived_pct": int(a)}
            for k, col in zip(CURVE_COLUMNS, cols):
                row[k] = _value(col[i])
            rows.append(row)
    return rows


def _cell(v) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(round(float(v), 6))
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def write_summary_csv(rows: Sequence[dict], path) -> str:
    """Write ``rows`` (from :func:`summary_rows`) to ``path`` with exactly :data:`SUMMARY_COLUMNS` as header;
    NaN is written as an empty cell. Returns the path."""
    path = os.fspath(path)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SUMMARY_COLUMNS)
        for r in rows:
            w.writerow([_cell(r[k]) for k in SUMMARY_COLUMNS])
    return path


def pod_series(res) -> dict:
    """The per-pod time series of one run as numpy columns (:data:`SERIES_COLUMNS`): pod index in scheduling
    order, chosen node index (-1 = unschedulable), device bitmask, cumulative arrived / allocated /
    fragmented GPU milli after the pod, and the last three as % of cluster GPU capacity."""
    cap = float(res.total_gpus) * 1000.0
    n = len(res.node)
    arrived = np.asarray(res.arrived_milli, np.int64)
    used = np.asarray(res.used_milli, np.int64)
    frag = np.asarray(res.frag_milli, np.float64)
    return {"pod": np.arange(n, dtype=np.int64), "node": np.asarray(res.node, np.int64),
            "devices": np.asarray(res.devices, np.int64), "arrived_gpu_milli": arrived,
            "used_gpu_milli": used, "frag_gpu_milli": frag,
            "arrived_pct": np.round(100.0 * arrived / cap, 4), "gpu_allocation_pct": np.round(100.0 * used / cap, 4),
            "frag_pct": np.round(100.0 * frag / cap, 4)}


def parquet_available() -> bool:
    """True when pandas and a Parquet engine (pyarrow or fastparquet) can be imported."""
    import importlib.util
    return importlib.util.find_spec("pandas") is not None and any(
        importlib.util.find_spec(m) is not None for m in ("pyarrow", "fastparquet"))


def write_table(columns: dict, path, fmt: str = "csv") -> str:
    """Write equal-length numpy ``columns`` to ``path`` as CSV (``fmt="csv"``) or Parquet (``"parquet"``,
    needs pandas and pyarrow/fastparquet: raises :class:`OptionalDependencyMissing` otherwise)."""
    path = os.fspath(path)
    if fmt == "parquet":
        pd = _require("pandas", "Parquet output")
        if not parquet_available():
            raise OptionalDependencyMissing("Parquet output needs pyarrow or fastparquet")
        pd.DataFrame(columns).to_parquet(path, index=False)
        return path
    if fmt != "csv":
        raise KScheduleError(f"unknown table format {fmt!r}, want csv or parquet")
    names = list(columns)
    lists = []
    for k in names:
        col = np.asarray(columns[k])
        if col.dtype.kind == "f":
            lists.append(["" if math.isnan(x) else repr(x) for x in col.tolist()])
        else:
            lists.append([str(x) for x in col.tolist()])
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        w.writerows(zip(*lists))
    return path


def to_pandas(rows: Sequence[dict]):
    """``rows`` (from :func:`summary_rows`) as a pandas DataFrame with :data:`SUMMARY_COLUMNS`."""
    pd = _require("pandas", "to_pandas")
    return pd.DataFrame(list(rows), columns=list(SUMMARY_COLUMNS))


# --- text table -----------------------------------------------------------------------------------

def _groups(results) -> dict:
    """{(workload, policy): [ReplayResult, ...]} in first-seen order."""
    out: dict = {}
    for workload, policy, seed, res in results:
        out.setdefault((str(workload), str(policy)), []).append((int(seed), res))
    return out


def _mean_std(xs: list, digits: int = 2) -> str:
    a = np.asarray(xs, np.float64)
    if len(a) == 1:
        return f"{a[0]:.{digits}f}"
    return f"{np.nanmean(a):.{digits}f} ± {np.nanstd(a, ddof=1):.{digits}f}"


def summary_stats(results) -> list:
    """Per (workload, policy), in first-seen order: a dict with ``workload``, ``policy``, ``seeds``,
    ``unallocated_pct`` / ``frag_pct`` (lists over seeds, at arrived 100%), ``placed`` / ``pods`` (lists)
    and ``wall_seconds`` (list)."""
    stats = []
    for (workload, policy), runs in _groups(results).items():
        unalloc, frag, placed, pods, wall = [], [], [], [], []
        for _, res in runs:
            c = res.curves()
            unalloc.append(round(100.0 - float(c["gpu_allocation_pct"][100]), 2))
            frag.append(float(c["frag_pct"][100]))
            placed.append(int(res.placed))
            pods.append(int(len(res.node)))
            wall.append(float(res.wall_seconds))
        stats.append({"workload": workload, "policy": policy, "seeds": [s for s, _ in runs],
                      "unallocated_pct": unalloc, "frag_pct": frag, "placed": placed, "pods": pods,
                      "wall_seconds": wall})
    return stats


def _align(header: list, rows: list, right: set) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = []
    for r in [header] + rows:
        cells = [str(x).rjust(w) if i in right else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def summary_table(results) -> str:
    """Aligned text: per (workload, policy), unallocated GPU % and fragmentation % (of capacity) at arrived
    workload 100%, pods placed / pods and wall seconds per run. With several seeds the first two are
    "mean ± std" over seeds (sample std) and placed / pods / wall are means."""
    stats = summary_stats(results)
    multi = any(len(s["seeds"]) > 1 for s in stats)
    header = ["WORKLOAD", "POLICY", "SEEDS", "UNALLOCATED_GPU_%@100", "FRAG_%@100",
              "PLACED/PODS" + (" (mean)" if multi else ""), "WALL_S" + ("/RUN" if multi else "")]
    rows = []
    for s in stats:
        seeds = s["seeds"]
        seed_txt = str(seeds[0]) if len(seeds) == 1 else _seed_text(seeds)
        if len(seeds) == 1:
            placed = f"{s['placed'][0]}/{s['pods'][0]}"
        else:
            placed = f"{np.mean(s['placed']):.1f}/{np.mean(s['pods']):.1f}"
        rows.append([s["workload"], s["policy"], seed_txt, _mean_std(s["unallocated_pct"]), _mean_std(s["frag_pct"]),
                     placed, f"{np.mean(s['wall_seconds']):.2f}"])
    return _align(header, rows, right={3, 4, 5, 6})


def _seed_text(seeds: list) -> str:
    s = sorted(seeds)
    if s == list(range(s[0], s[0] + len(s))):
        return f"{s[0]}-{s[-1]} (n={len(s)})"
    return ",".join(map(str, seeds))


# --- plots ----------------------------------------------------------------------------------------

def _figure(n_panels: int):
    _require("matplotlib", "plotting")
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend
    fig = Figure(figsize=(6.4 * n_panels, 4.8), layout="constrained")
    axes = fig.subplots(1, n_panels, squeeze=False)[0]
    return fig, axes


def _plot(results, path, column: str, ylabel: str, title: str, ideal: bool) -> str:
    results = list(results)
    if not results:
        raise KScheduleError("nothing to plot: no runs")
    workloads = list(dict.fromkeys(str(w) for w, _, _, _ in results))
    fig, axes = _figure(len(workloads))
    for ax, workload in zip(axes, workloads):
        by_policy: dict = {}
        x = None
        for w, policy, _, res in results:
            if str(w) != workload:
                continue
            c = res.curves()
            x = c["arrived_pct"]
            by_policy.setdefault(str(policy), []).append(c[column])
        if ideal:  # every arrived GPU allocated, up to the capacity
            ax.plot(x, np.minimum(x, 100), color="0.6", linestyle=":", linewidth=1, label="ideal")
        for policy, curves in by_policy.items():
            a = np.vstack(curves)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column stays NaN (a gap)
                lo, hi, mean = np.nanmin(a, axis=0), np.nanmax(a, axis=0), np.nanmean(a, axis=0)
            line, = ax.plot(x, mean, linewidth=1.5, label=f"{policy} (n={len(curves)})")
            if len(curves) > 1:
                ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
        ax.set_xlabel("arrived workload (% of cluster GPU capacity)")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{title} — {workload}")
        ax.set_xlim(0, 130)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    fig.savefig(os.fspath(path), dpi=110)
    return os.fspath(path)


def plot_allocation(results, path) -> str:
    """PNG of GPU allocation % vs arrived workload %, one line per policy (mean over seeds) with the
    min–max band over seeds; one panel per workload. Needs matplotlib. Returns the path."""
    return _plot(results, path, "gpu_allocation_pct", "GPU allocation (% of capacity)", "GPU allocation", True)


def plot_fragmentation(results, path) -> str:
    """PNG of fragmented GPU % (of capacity) vs arrived workload %, mean line and min–max band over seeds
    per policy; one panel per workload. Needs matplotlib. Returns the path."""
    return _plot(results, path, "frag_pct", "fragmented GPU (% of capacity)", "GPU fragmentation", False)
