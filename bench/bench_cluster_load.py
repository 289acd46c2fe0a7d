"""Cluster loading: ``Cluster.from_objects(nodes, pods)`` at 10,000 nodes / 300,000 bound pods.

Measures the Python control plane's loading path end to end from Kubernetes dicts (parse, validate,
intern, fill the SoA columns, bind). The objects are generated beforehand (``synth``: half replicas
of 100 Deployments, half distinct pods, each bound to a node drawn uniformly) and are not part of
the timed region. Memory, measured in a separate untimed load (tracemalloc slows allocation):

* ``tracemalloc_peak_bytes`` -- peak of Python-traced allocations during the load (numpy buffers
  included), on top of the input objects;
* ``retained_bytes`` -- traced memory still held once the load returns (the cluster);
* ``numpy_buffer_bytes`` -- bytes of the cluster's node and pod column buffers (allocated capacity);
  ``numpy_used_bytes`` -- the part holding rows in use.

pytest: ``pytest bench/bench_cluster_load.py --benchmark-only`` (sizes: ``--bench-load-nodes``,
``--bench-load-pods``, ``--bench-rounds``). Script: ``python bench/bench_cluster_load.py [--nodes N
--pods P --rounds R]`` prints the load seconds and the memory figures.
"""
from __future__ import annotations

import gc
import os
import statistics
import sys
import time
import tracemalloc

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kschedule.cluster import Cluster  # noqa: E402


def cluster_buffer_bytes(cluster: Cluster) -> dict:
    """Bytes of the numpy column buffers of ``cluster`` (allocated and in use)."""
    allocated = used = 0
    for table in (cluster.nodes, cluster.pods):
        for name in table._columns:
            buf = getattr(table, "_" + name)
            allocated += buf.nbytes
            used += getattr(table, name).nbytes
    return {"numpy_buffer_bytes": int(allocated), "numpy_used_bytes": int(used)}


def measure_memory(nodes, pods) -> dict:
    """One untimed load under tracemalloc: peak and retained traced bytes, plus buffer sizes."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    cluster = Cluster.from_objects(nodes, pods)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out = {"tracemalloc_peak_bytes": int(peak - base), "retained_bytes": int(current - base)}
    out.update(cluster_buffer_bytes(cluster))
    del cluster
    gc.collect()
    return out


def load_objects(n_nodes: int, n_pods: int, seed: int = 0):
    import synth
    nodes = synth.cached_nodes(n_nodes, seed)
    pods = synth.cached_pods("mixed", n_pods, seed, n_nodes)
    return nodes, pods


# ------------------------------------------------------------------------------------------ pytest

def test_cluster_load(benchmark, bench_opts):
    n_nodes, n_pods = bench_opts["load_nodes"], bench_opts["load_pods"]
    nodes, pods = load_objects(n_nodes, n_pods)

    def setup():
        gc.collect()
        return (nodes, pods), {}

    benchmark.group = "cluster-load"
    cluster = benchmark.pedantic(Cluster.from_objects, setup=setup, rounds=bench_opts["rounds"], iterations=1)
    assert len(cluster.nodes) == n_nodes and len(cluster.pods) == n_pods
    del cluster
    benchmark.extra_info.update({"nodes": n_nodes, "pods": n_pods})
    benchmark.extra_info.update(measure_memory(nodes, pods))
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["objects_per_s"] = (n_nodes + n_pods) / stats.stats.median


# ------------------------------------------------------------------------------------------ script

def _mib(b: int) -> str:
    return f"{b / 2**20:,.1f} MiB"


def main(argv=None) -> int:
    import argparse
    import platform

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--pods", type=int, default=300_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    print(f"# Cluster.from_objects: {a.nodes:,} nodes, {a.pods:,} bound pods (synth 'mixed', seed {a.seed})")
    print(f"# machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"cpu_count={os.cpu_count()}, python {platform.python_version()}")
    t = time.perf_counter()
    nodes, pods = load_objects(a.nodes, a.pods, a.seed)
    print(f"generated objects in {time.perf_counter() - t:.1f} s (not timed)")
    times = []
    for r in range(a.rounds):
        gc.collect()
        t = time.perf_counter()
        cluster = Cluster.from_objects(nodes, pods)
        times.append(time.perf_counter() - t)
        print(f"round {r + 1}: {times[-1]:.2f} s  {cluster!r}")
        del cluster
    med = statistics.median(times)
    print(f"load seconds: median {med:.2f} s, min {min(times):.2f} s over {a.rounds} rounds "
          f"({(a.nodes + a.pods) / med:,.0f} objects/s)")
    m = measure_memory(nodes, pods)
    print(f"tracemalloc peak during load: {_mib(m['tracemalloc_peak_bytes'])}")
    print(f"traced memory retained by the cluster: {_mib(m['retained_bytes'])}")
    print(f"cluster numpy buffers: {_mib(m['numpy_buffer_bytes'])} allocated, "
          f"{_mib(m['numpy_used_bytes'])} in use")
    return 0


if __name__ == "__main__":
    sys.exit(main())
