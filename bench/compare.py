"""Engine vs numpy vs pure Python on one workload, in one process: medians, pods/s and ratios.

    python bench/compare.py                      # 5,000 nodes, 1,000 pods, all four kinds (~4 min)
    python bench/compare.py --nodes 10000 --pods 5000 --python-pods 500 --rounds 5

Workload (``synth``): ``--nodes`` nodes with ~2 bound background pods per node, and ``--pods``
pending pods of each kind (``distinct`` requests; ``replicas`` of 100 Deployments, uniformly
interleaved; ``grouped``: the same Deployments, each one's replicas together; ``rollout``: the same
Deployments in the order the ReplicaSet controller creates their pods, ``synth.rollout_order``), default
profile, seed 0. Each implementation of ``numpy_scheduler.IMPLEMENTATIONS`` builds its state from
the same dicts (untimed), then one ``schedule(pod dicts)`` call is timed (parsing the pods
included, for all three); every round starts from fresh state. Three more rows isolate the scheduling
path from parsing: the engine with the pods added to the cluster beforehand (scheduled by key), the
time of that same call spent inside the C++ batch kernel (``Scheduler.last_kernel_seconds``; the
rest is the Python control plane), and numpy with the pods parsed beforehand (``PodInfo``).

The pure-Python loop is slow; ``--python-pods`` runs it on the first pods of the batch only (its
pods/s is then from that prefix). The placements of all implementations are compared pod by pod
(on the common prefix) and the agreement is printed: same seed and input must give the same nodes.
Prints a Markdown table (pods/s and each row's speed relative to the pure-Python loop and to the
numpy baseline, from medians) plus the machine and the command, ready to paste into a note.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import synth  # noqa: E402
from kschedule import _core  # noqa: E402
from kschedule.objects.pod import parse_pod  # noqa: E402
from numpy_scheduler import IMPLEMENTATIONS, EngineScheduler, NumpyScheduler  # noqa: E402

LABELS = {"engine": "C++ engine (kschedule.Scheduler)", "numpy": "numpy, vectorised over nodes",
          "python": "pure Python reference loop", "engine-pending": "C++ engine, pods pre-added (by key)",
          "numpy-parsed": "numpy, pods pre-parsed (PodInfo)",
          "engine-kernel": "C++ batch kernel alone (inside the row above)"}


def _time_rounds(build, run, rounds: int, kernel: list = None) -> tuple:
    times, first = [], None
    for _ in range(rounds):
        gc.collect()
        state = build()
        t = time.perf_counter()
        out = run(state)
        times.append(time.perf_counter() - t)
        if kernel is not None:
            kernel.append(state.kernel_seconds)
        if first is None:
            first = out
        del state, out  # freed here, not inside the next round's timed call
    return times, first


def run_kind(kind: str, nodes, background, n_pods: int, python_pods: int, rounds: int, python_rounds: int,
             seed: int, skip_python: bool, skip_numpy: bool = False) -> list:
    pods = list(synth.cached_pods(kind, n_pods, seed))
    rows = []
    impls = [i for i in IMPLEMENTATIONS if not (skip_python and i == "python") and not (skip_numpy and i == "numpy")]
    for impl in impls:
        cls = IMPLEMENTATIONS[impl]
        batch = pods[:python_pods] if impl == "python" else pods
        r = python_rounds if impl == "python" else rounds
        times, placed = _time_rounds(lambda: cls(nodes, background, seed=seed), lambda s: s.schedule(batch), r)
        rows.append({"impl": impl, "pods": len(batch), "times": times, "placements": placed})
        print(f"  {kind:9s} {impl:15s} {len(batch):>7,} pods  median {statistics.median(times):8.3f} s", flush=True)
    if "numpy" in impls:
        infos = [parse_pod(p) for p in pods]
        times, placed = _time_rounds(lambda: NumpyScheduler(nodes, background, seed=seed),
                                     lambda s: s.schedule(infos), rounds)
        rows.append({"impl": "numpy-parsed", "pods": len(pods), "times": times, "placements": placed})
        print(f"  {kind:9s} {'numpy-parsed':15s} {len(pods):>7,} pods  median {statistics.median(times):8.3f} s",
              flush=True)
    keys = synth.pod_keys(pods)

    kernel: list = []
    times, placed = _time_rounds(lambda: EngineScheduler(nodes, tuple(background) + tuple(pods), seed=seed),
                                 lambda s: s.schedule(keys), rounds, kernel)
    rows.append({"impl": "engine-pending", "pods": len(pods), "times": times, "placements": placed})
    print(f"  {kind:9s} {'engine-pending':15s} {len(pods):>7,} pods  median {statistics.median(times):8.3f} s", flush=True)
    rows.append({"impl": "engine-kernel", "pods": len(pods), "times": kernel, "placements": placed})
    print(f"  {kind:9s} {'engine-kernel':15s} {len(pods):>7,} pods  median {statistics.median(kernel):8.3f} s", flush=True)
    return rows


def agreement(rows: list) -> str:
    ref = next(r for r in rows if r["impl"] == "engine")["placements"]
    parts = []
    for r in rows:
        if r["impl"] == "engine":
            continue
        p = r["placements"]
        k = min(len(p), len(ref))
        same = sum(a == b for a, b in zip(ref[:k], p[:k]))
        parts.append(f"{r['impl']} {same}/{k}")
    return "placements equal to the engine's: " + ", ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="engine vs numpy vs pure-Python scheduling throughput")
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--python-pods", type=int, default=None, help="pods for the pure-Python loop (default: --pods)")
    ap.add_argument("--kinds", default="distinct,replicas,grouped,rollout")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--python-rounds", type=int, default=None, help="rounds of the pure-Python loop (default: --rounds)")
    ap.add_argument("--background", type=float, default=2.0, help="bound background pods per node")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--skip-numpy", action="store_true", help="engine rows only (with --skip-python), for large clusters")
    a = ap.parse_args(argv)
    python_pods = min(a.python_pods or a.pods, a.pods)
    python_rounds = a.python_rounds or a.rounds

    t0 = time.perf_counter()
    nodes = synth.cached_nodes(a.nodes, a.seed)
    background = synth.cached_background(a.nodes, a.seed, a.background)
    print(f"generated {len(nodes):,} nodes and {len(background):,} bound pods in {time.perf_counter() - t0:.1f} s",
          flush=True)
    results = {}
    for kind in a.kinds.split(","):
        results[kind] = run_kind(kind, nodes, background, a.pods, python_pods, a.rounds, python_rounds, a.seed,
                                 a.skip_python, a.skip_numpy)

    info = _core.build_info() if callable(_core.build_info) else dict(_core.build_info)
    print()
    args = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"Command: `python bench/compare.py{' ' + args if args else ''}`")
    print(f"Machine: {platform.platform()}; {platform.processor() or platform.machine()}; "
          f"os.cpu_count()={os.cpu_count()}; Python {platform.python_version()}; numpy {np.__version__}; "
          f"_core {info.get('cxx_std')} {' '.join(info.get('flags', []))}")
    print(f"Workload: {a.nodes:,} nodes (+{len(background):,} bound pods), default profile, seed {a.seed}; "
          f"median of {a.rounds} rounds ({python_rounds} for pure Python); pods passed as dicts unless noted")
    print()
    print("| workload | implementation | pods | median s | pods/s | x pure Python | x numpy |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, rows in results.items():
        rate = {r["impl"]: r["pods"] / statistics.median(r["times"]) for r in rows}
        for r in rows:
            med = statistics.median(r["times"])
            x_py = f"{rate[r['impl']] / rate['python']:.1f}" if "python" in rate else "-"
            x_np = f"{rate[r['impl']] / rate['numpy']:.2f}" if "numpy" in rate else "-"
            print(f"| {kind} | {LABELS[r['impl']]} | {r['pods']:,} | {med:.3f} | {rate[r['impl']]:,.0f} | "
                  f"{x_py} | {x_np} |")
    print()
    for kind, rows in results.items():
        print(f"{kind}: {agreement(rows)}")
    print(f"total run time {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
