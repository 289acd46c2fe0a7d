"""Scheduling throughput: ``Scheduler(cluster).schedule(pods)`` with the default profile.

Clusters come from ``synth``: ``n_nodes`` nodes (``--bench-nodes``, default 1k/5k/10k/100k) with
about 2 bound background pods per node (varied starting utilisation), and ``--bench-pods`` (default
100,000) pending pods of four kinds: ``distinct`` (every pod its own request pair), ``replicas``
(100 Deployments, identical templates, uniformly interleaved in arrival order), ``grouped`` (the same
Deployments, each one's replicas arriving together) and ``rollout`` (the same Deployments in the order
the ReplicaSet controller creates their pods: five ReplicaSets at a time, slow-start batches;
``synth.rollout_order``). Every round starts from a fresh cluster built in the
untimed setup; the timed part is creating the Scheduler and one ``schedule`` call. Two sources:

* ``dicts`` -- the pods are passed as Pod dicts (end to end: parsing and adding them to the cluster
  are timed, as in an extender or a trace replay from objects);
* ``pending`` -- the pods were added to the cluster in setup and are scheduled by key (the
  scheduling path alone).

``test_three_way`` runs the same smaller workload (``--bench-ref-nodes`` 5,000 nodes,
``--bench-ref-pods`` 1,000 pods) through the engine, the numpy baseline and the pure-Python reference
loop of ``numpy_scheduler.py`` (pods as dicts for all three). ``extra_info`` holds pods/s (from the
median round), placed and unschedulable counts. No timing is asserted.
"""
from __future__ import annotations

import gc

import pytest

import synth
from kschedule.cluster import Cluster
from kschedule.scheduler import Scheduler
from numpy_scheduler import IMPLEMENTATIONS

KINDS = ("distinct", "replicas", "grouped", "rollout")


def _record(benchmark, n_nodes: int, n_pods: int, placements: list) -> None:
    placed = sum(p is not None for p in placements)
    benchmark.extra_info.update({"nodes": n_nodes, "pods": n_pods, "placed": placed,
                                 "unschedulable": n_pods - placed})
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["pods_per_s"] = round(n_pods / stats.stats.median, 1)


@pytest.mark.parametrize("source", ["dicts", "pending"])
@pytest.mark.parametrize("kind", KINDS)
def test_schedule_engine(benchmark, bench_opts, n_nodes, kind, source):
    n_pods = bench_opts["pods"]
    nodes = synth.cached_nodes(n_nodes)
    background = synth.cached_background(n_nodes)
    pods = synth.cached_pods(kind, n_pods)
    batch = pods if source == "dicts" else synth.pod_keys(pods)

    def setup():
        gc.collect()
        cluster = Cluster.from_objects(nodes, background + pods if source == "pending" else background)
        return (cluster,), {}

    kernel = []

    def run(cluster):
        s = Scheduler(cluster)
        out = s.schedule(batch)
        kernel.append(s.last_kernel_seconds)
        return out

    benchmark.group = f"schedule-{kind}-{source}"
    result = benchmark.pedantic(run, setup=setup, rounds=bench_opts["rounds"], iterations=1)
    _record(benchmark, n_nodes, n_pods, [p.node for p in result])
    kernel.sort()
    benchmark.extra_info["kernel_s"] = kernel[len(kernel) // 2]


@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
@pytest.mark.parametrize("kind", KINDS)
def test_three_way(benchmark, bench_opts, kind, impl):
    n_nodes, n_pods = bench_opts["ref_nodes"], bench_opts["ref_pods"]
    nodes = synth.cached_nodes(n_nodes)
    background = synth.cached_background(n_nodes)
    pods = synth.cached_pods(kind, n_pods)
    cls = IMPLEMENTATIONS[impl]

    def setup():
        gc.collect()
        return (cls(nodes, background),), {}

    benchmark.group = f"three-way-{kind}-{n_nodes}nodes-{n_pods}pods"
    result = benchmark.pedantic(lambda s: s.schedule(pods), setup=setup, rounds=bench_opts["rounds"], iterations=1)
    _record(benchmark, n_nodes, n_pods, result)
