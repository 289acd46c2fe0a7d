"""Trace replay speed (issue: FGD paper mode under 2 s including load; whole 149-day openb timeline
under 5 s), with the pure-Python reference of the same replay measured in the same run on a prefix.

    pytest bench/bench_replay.py --benchmark-only        # pytest-benchmark table
    python bench/bench_replay.py                         # plain medians and ratios
"""
from __future__ import annotations

import platform
import statistics
import sys
import time

import numpy as np

import kschedule.traces as T
from kschedule.framework.reference import SplitMix64
from kschedule.gpu.replay import Workload, _shuffle, paper_replay, prepare_workload, reference_run, run
from kschedule.gpu.state import GpuCluster, Typical
from kschedule.sim import timeline_replay

POLICIES = ("Random", "DotProduct", "GpuClustering", "GpuPacking", "BestFit", "FGD", "default")
REF_PODS = 300  # the pure-Python reference is slow: a prefix of the same workload


def paper_with_load(policy: str, seed: int = 42):
    return paper_replay(T.load_openb_nodes(), T.load_openb_pods(), policy, seed=seed)


def prefix_setup(policy: str, k: int, seed: int = 42):
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    c = GpuCluster.from_node_list(nodes)
    typ = Typical.from_pods(pods, c.models)
    rng = SplitMix64(seed)
    wl = prepare_workload(pods, c.total_gpus * 1000, 1.3, rng)
    wl = Workload(wl.name[:k], wl.cpu_milli[:k], wl.memory_mib[:k], wl.num_gpu[:k], wl.gpu_milli[:k], wl.gpu_spec[:k])
    order = np.asarray(_shuffle(len(c), rng), np.int32)
    return c, wl, typ, order, rng.state


def test_paper_replay_fgd_including_load(benchmark):
    res = benchmark.pedantic(paper_with_load, args=("FGD",), rounds=5, iterations=1)
    benchmark.extra_info.update(pods=len(res.node), placed=res.placed, pods_per_s=len(res.node) / res.wall_seconds)


def test_timeline_whole_trace(benchmark):
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    res = benchmark.pedantic(timeline_replay, args=(nodes, pods, "FGD", 42), rounds=3, iterations=1)
    benchmark.extra_info.update(res.summary())


def test_fgd_prefix_core_vs_reference(benchmark):
    c, wl, typ, order, state = prefix_setup("FGD", REF_PODS)
    benchmark.pedantic(lambda: run(c.copy(), wl, "FGD", typ, order, SplitMix64(state)), rounds=5, iterations=1)
    t = time.perf_counter()
    reference_run(c.copy(), wl, "FGD", typ, order, SplitMix64(state))
    benchmark.extra_info["reference_seconds"] = time.perf_counter() - t


def main() -> None:
    print(f"# machine: {platform.platform()}, {platform.machine()}, python {sys.version.split()[0]}")
    print("| run | median s (5 rounds) | pods | pods/s |")
    print("|---|---:|---:|---:|")
    for policy in POLICIES:
        times, res = [], None
        for _ in range(5):
            t = time.perf_counter()
            res = paper_with_load(policy)
            times.append(time.perf_counter() - t)
        m = statistics.median(times)
        print(f"| paper mode, {policy}, incl. load | {m:.3f} | {len(res.node)} | {len(res.node) / m:,.0f} |")
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        timeline_replay(nodes, pods, "FGD", 42)
        times.append(time.perf_counter() - t)
    print(f"| timeline, whole 149-day trace, FGD | {statistics.median(times):.3f} | {len(pods)} | "
          f"{len(pods) / statistics.median(times):,.0f} |")
    c, wl, typ, order, state = prefix_setup("FGD", REF_PODS)
    core = []
    for _ in range(5):
        t = time.perf_counter()
        run(c.copy(), wl, "FGD", typ, order, SplitMix64(state))
        core.append(time.perf_counter() - t)
    t = time.perf_counter()
    reference_run(c.copy(), wl, "FGD", typ, order, SplitMix64(state))
    ref_s = time.perf_counter() - t
    print(f"| FGD first {REF_PODS} pods: C++ core | {statistics.median(core):.4f} | {REF_PODS} | "
          f"{REF_PODS / statistics.median(core):,.0f} |")
    print(f"| FGD first {REF_PODS} pods: Python reference | {ref_s:.3f} | {REF_PODS} | {REF_PODS / ref_s:,.0f} |")
    print(f"core / reference speed-up: {ref_s / statistics.median(core):,.0f}x")


if __name__ == "__main__":
    main()
