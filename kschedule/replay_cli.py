"""``kschedule replay``: replay a trace with several policies and seeds, print a summary, write a report.

    kschedule replay [--trace openb] [--workload NAME ...] [--policy NAME ...] [--seeds 42 | 42-51 | 42,43]
                     [--mode paper|timeline] [--ratio 1.3] [--out DIR] [--format csv|parquet]

``--mode paper`` (default) is the FGD paper's experiment (docs/fgd.md §8–9,
:func:`kschedule.gpu.replay.paper_replay`): the openb GPU nodes, the pod list in seeded shuffled order
inflated to ``ratio`` × GPU capacity, no departures. ``--mode timeline`` hands each run to
``kschedule.sim.timeline_replay(nodes, pods, policy, seed)`` (the event engine) when it is available.

Defaults: the bundled openb ``default`` pod list, the six paper policies and the Kubernetes default profile
(:data:`kschedule.gpu.state.POLICIES`), seed 42. Unknown names, bad seeds and missing trace files are
errors (exit code 2) that list the valid values or the places searched.

``--out DIR`` writes (paper mode)::

    summary.csv                                one row per workload, policy, seed, arrived % 0..130
    pods/<workload>/<policy>-seed<seed>.csv    per-pod series (kschedule.report.SERIES_COLUMNS);
                                               .parquet with --format parquet when pandas+pyarrow exist
    allocation-<workload>.png                  GPU allocation vs arrived workload (needs matplotlib)
    fragmentation.png                          fragmented GPU vs arrived workload, a panel per workload

and in timeline mode ``timeline_summary.csv`` (one row per run, the keys of ``.summary()``) and
``timeline/<workload>/<policy>-seed<seed>.csv`` (the run's ``.columns``).
"""
from __future__ import annotations

import argparse
import csv
import importlib
import sys
import time
from pathlib import Path

from .errors import KScheduleError, UnsupportedFeature

TRACES = ("openb",)
MAX_SEEDS = 10000


def _split(values) -> list:
    out = []
    for v in values or []:
        out += [p.strip() for p in str(v).split(",") if p.strip()]
    return list(dict.fromkeys(out))


def parse_names(values, valid, what: str, default) -> list:
    """Names from repeated and/or comma-separated option values, validated against ``valid`` (exact
    spelling); ``default`` when none are given."""
    names = _split(values)
    if not names:
        return list(default)
    bad = [n for n in names if n not in valid]
    if bad:
        raise KScheduleError(f"unknown {what} {', '.join(repr(b) for b in bad)}; valid {what}s: {', '.join(valid)}")
    return names


def parse_seeds(text) -> list:
    """``"42"``, ``"42-51"`` (inclusive), ``"42,43"`` or a mix such as ``"1-3,7"`` → list of ints, in order,
    without repeats."""
    seeds = []
    for part in _split([text] if isinstance(text, str) else text):
        try:
            if "-" in part[1:]:
                k = part.index("-", 1)
                lo, hi = int(part[:k]), int(part[k + 1:])
                if hi < lo:
                    raise KScheduleError(f"--seeds {part!r}: empty range (end before start)")
                if hi - lo >= MAX_SEEDS:
                    raise KScheduleError(f"--seeds {part!r}: more than {MAX_SEEDS} seeds")
                seeds += range(lo, hi + 1)
            else:
                seeds.append(int(part))
        except ValueError:
            raise KScheduleError(f"--seeds: bad seed list {text!r}; want e.g. 42, 42-51 or 42,43") from None
    if not seeds:
        raise KScheduleError(f"--seeds: no seeds in {text!r}; want e.g. 42, 42-51 or 42,43")
    if any(s < 0 for s in seeds):
        raise KScheduleError(f"--seeds: seeds must be >= 0, got {text!r}")
    return list(dict.fromkeys(seeds))


def add_replay_parser(sub) -> argparse.ArgumentParser:
    """Add the ``replay`` subcommand to the ``kschedule`` subparsers ``sub``."""
    r = sub.add_parser("replay", help="replay a trace with several policies and seeds; summary, CSV, plots",
                       description="Replay the openb GPU trace in the FGD paper's mode (default: the bundled "
                       "pod list, the six paper policies and the Kubernetes default profile, seed 42) and print "
                       "unallocated GPU % and fragmentation at arrived workload 100%.")
    r.add_argument("--trace", default="openb", help="trace (only openb: the FGD paper's trace)")
    r.add_argument("--workload", action="append", metavar="NAME",
                   help="openb pod list: default, cpu050, gpushare40, multigpu20, ... (repeat or comma-separate; "
                   "variants are read from $KSCHEDULE_TRACES)")
    r.add_argument("--policy", action="append", metavar="NAME",
                   help="Random, DotProduct, GpuClustering, GpuPacking, BestFit, FGD, default (repeat or "
                   "comma-separate; default: all)")
    r.add_argument("--seeds", default="42", help="seeds: 42, 42-51 or 42,43 (default 42)")
    r.add_argument("--mode", choices=["paper", "timeline"], default="paper",
                   help="paper: the FGD paper's arrival-only replay (default); timeline: the event engine")
    r.add_argument("--ratio", type=float, default=1.3,
                   help="paper mode: inflate the pod list to RATIO x cluster GPU capacity (default 1.3)")
    r.add_argument("--out", metavar="DIR", help="write summary.csv, per-pod series and PNG plots into DIR")
    r.add_argument("--format", choices=["csv", "parquet"], default="csv",
                   help="per-pod series format (parquet needs pandas and pyarrow; CSV otherwise)")
    r.set_defaults(func=cmd_replay)
    return r


def _note(msg: str) -> None:
    print(f"note: {msg}", file=sys.stderr)


class _Progress:
    """A line per finished run on stderr, or a tqdm bar when tqdm is installed and stderr is a TTY."""

    def __init__(self, total: int):
        self.total, self.done, self.bar = total, 0, None
        isatty = getattr(sys.stderr, "isatty", None)
        if isatty is not None and isatty():
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, file=sys.stderr, unit="run")
            except ImportError:
                pass

    def step(self, text: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {text}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _load(trace: str, workloads: list):
    from .traces import OPENB_WORKLOADS, load_openb_nodes, load_openb_pods
    if trace not in TRACES:
        raise KScheduleError(f"--trace {trace!r} is not supported by kschedule replay: only {', '.join(TRACES)} "
                             "(the FGD paper's Alibaba GPU 2023 trace)")
    workloads = parse_names(workloads, OPENB_WORKLOADS, "workload", ["default"])
    nodes = load_openb_nodes()
    return nodes, {w: load_openb_pods(workload=w) for w in workloads}  # every file found before any run


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def cmd_replay(args) -> int:
    from .gpu.state import POLICIES
    policies = parse_names(args.policy, POLICIES, "policy", POLICIES)
    seeds = parse_seeds(args.seeds)
    if not (args.ratio > 0 and args.ratio < float("inf")):
        raise KScheduleError(f"--ratio must be a positive number, got {args.ratio}")
    timeline = None
    if args.mode == "timeline":
        timeline = _timeline_fn()
    nodes, pod_lists = _load(args.trace, args.workload)
    out = Path(args.out) if args.out else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if timeline is not None:
        return _run_timeline(timeline, nodes, pod_lists, policies, seeds, out, args.format)
    return _run_paper(nodes, pod_lists, policies, seeds, args.ratio, out, args.format)


def _run_paper(nodes, pod_lists, policies, seeds, ratio, out, fmt) -> int:
    from . import report
    from .gpu.replay import paper_replay
    runs = []
    progress = _Progress(len(pod_lists) * len(policies) * len(seeds))
    t0 = time.perf_counter()
    try:
        for workload, pods in pod_lists.items():
            for policy in policies:
                for seed in seeds:
                    res = paper_replay(nodes, pods, policy, seed=seed, ratio=ratio)
                    runs.append((workload, policy, seed, res))
                    progress.step(f"openb/{workload} {policy} seed {seed}: {res.unallocated_at(100):.2f}% GPU "
                                  f"unallocated at 100% arrived, {res.placed}/{len(res.node)} placed, "
                                  f"{res.wall_seconds:.2f} s")
    finally:
        progress.close()
    print(f"openb paper-mode replay (ratio {ratio:g}): {len(nodes)} GPU nodes, {len(runs)} runs in "
          f"{time.perf_counter() - t0:.1f} s")
    print(report.summary_table(runs))
    if out is not None:
        _write_paper(runs, out, fmt)
    return 0


def _write_paper(runs, out: Path, fmt: str) -> None:
    from . import report
    written = [report.write_summary_csv(report.summary_rows(runs), out / "summary.csv")]
    if fmt == "parquet" and not report.parquet_available():
        _note("--format parquet needs pandas and pyarrow (or fastparquet); writing the per-pod series as CSV")
        fmt = "csv"
    for workload, policy, seed, res in runs:
        d = out / "pods" / _safe(workload)
        d.mkdir(parents=True, exist_ok=True)
        report.write_table(report.pod_series(res), d / f"{_safe(policy)}-seed{seed}.{fmt}", fmt)
    written.append(str(out / "pods") + f"/<workload>/<policy>-seed<seed>.{fmt} ({len(runs)} files)")
    try:
        for workload in dict.fromkeys(w for w, _, _, _ in runs):
            written.append(report.plot_allocation([r for r in runs if r[0] == workload],
                                                  out / f"allocation-{_safe(workload)}.png"))
        written.append(report.plot_fragmentation(runs, out / "fragmentation.png"))
    except report.OptionalDependencyMissing as e:
        _note(f"plots skipped: {e}")
    print()
    for w in written:
        print(f"wrote {w}")


def _timeline_fn():
    try:
        sim = importlib.import_module("kschedule.sim")
    except ImportError as e:
        raise UnsupportedFeature("--mode timeline needs the event engine kschedule.sim, which is not available "
                                 f"in this build ({e}); use --mode paper") from None
    fn = getattr(sim, "timeline_replay", None)
    if fn is None:
        raise UnsupportedFeature("--mode timeline needs kschedule.sim.timeline_replay, which is not available "
                                 "in this build; use --mode paper")
    return fn


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 1e6 else f"{v:.4g}"
    return str(v)


def _run_timeline(timeline, nodes, pod_lists, policies, seeds, out, fmt) -> int:
    from . import report
    progress = _Progress(len(pod_lists) * len(policies) * len(seeds))
    runs = []
    try:
        for workload, pods in pod_lists.items():
            for policy in policies:
                for seed in seeds:
                    t = time.perf_counter()
                    res = timeline(nodes, pods, policy, seed)
                    summ = dict(res.summary())
                    runs.append((workload, policy, seed, res, summ))
                    progress.step(f"openb/{workload} {policy} seed {seed}: timeline, "
                                  f"{time.perf_counter() - t:.2f} s")
    finally:
        progress.close()
    keys = [k for k in dict.fromkeys(k for *_, s in runs for k in s) if k not in ("policy", "seed", "workload")]
    header = ["WORKLOAD", "POLICY", "SEED"] + [k.upper() for k in keys]
    rows = [[w, p, s] + [_fmt(summ.get(k, "")) for k in keys] for w, p, s, _, summ in runs]
    print(report._align(header, rows, right=set(range(2, len(header)))))
    if out is None:
        return 0
    if fmt == "parquet" and not report.parquet_available():
        _note("--format parquet needs pandas and pyarrow (or fastparquet); writing the time series as CSV")
        fmt = "csv"
    with open(out / "timeline_summary.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["workload", "policy", "seed"] + keys)
        for wl, p, s, _, summ in runs:
            w.writerow([wl, p, s] + [summ.get(k, "") for k in keys])
    for wl, p, s, res, _ in runs:
        d = out / "timeline" / _safe(wl)
        d.mkdir(parents=True, exist_ok=True)
        report.write_table(dict(res.columns), d / f"{_safe(p)}-seed{s}.{fmt}", fmt)
    print(f"\nwrote {out / 'timeline_summary.csv'}\nwrote {out / 'timeline'}/<workload>/<policy>-seed<seed>.{fmt} "
          f"({len(runs)} files)")
    return 0


__all__ = ["add_replay_parser", "cmd_replay", "parse_seeds", "parse_names"]
