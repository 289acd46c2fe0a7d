"""pytest setup for the benchmark suites in ``bench/`` (``pytest bench/ --benchmark-only``).

* ``bench_*.py`` files are collected from this folder (pytest's default pattern is ``test_*.py``,
  and ``pyproject.toml``'s ``testpaths`` keep ``bench/`` out of the normal test run);
* ``bench/`` goes on ``sys.path`` so the suites import the shared ``synth`` and
  ``numpy_scheduler`` modules (pytest runs with ``--import-mode=importlib``);
* command-line options choose the sizes (defaults: the full sizes of the benchmark plan)::

    --bench-nodes 1000,5000,10000,100000   cluster sizes of the engine throughput benchmark
    --bench-pods 100000                     pods scheduled per round
    --bench-rounds 3                        rounds per benchmark (each on a fresh cluster)
    --bench-ref-nodes 5000 --bench-ref-pods 1000   the engine vs numpy vs pure-Python workload
    --bench-load-nodes 10000 --bench-load-pods 300000   Cluster.from_objects benchmark

Generated objects are memoised for the session (``synth.cached_*``), outside every timed part.
"""
from __future__ import annotations

import os
import sys

import pytest

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)


def pytest_addoption(parser):
    g = parser.getgroup("kschedule-bench")
    g.addoption("--bench-nodes", default="1000,5000,10000,100000",
                help="comma-separated node counts for the engine throughput benchmark")
    g.addoption("--bench-pods", type=int, default=100_000, help="pods scheduled per round")
    g.addoption("--bench-rounds", type=int, default=3, help="rounds per benchmark")
    g.addoption("--bench-ref-nodes", type=int, default=5000, help="nodes of the three-way workload")
    g.addoption("--bench-ref-pods", type=int, default=1000, help="pods of the three-way workload")
    g.addoption("--bench-load-nodes", type=int, default=10_000, help="nodes of the load benchmark")
    g.addoption("--bench-load-pods", type=int, default=300_000, help="bound pods of the load benchmark")


def pytest_collect_file(file_path, parent):
    # Explicit paths on the command line are collected by pytest's python plugin already.
    if (file_path.suffix == ".py" and file_path.name.startswith("bench_")
            and str(file_path.parent) == BENCH_DIR
            and not parent.session.isinitpath(file_path)):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_generate_tests(metafunc):
    if "n_nodes" in metafunc.fixturenames:
        sizes = [int(s) for s in metafunc.config.getoption("--bench-nodes").split(",") if s.strip()]
        metafunc.parametrize("n_nodes", sizes, ids=[f"{s}nodes" for s in sizes])


@pytest.fixture(scope="session")
def bench_opts(request):
    o = request.config.getoption
    return {
        "pods": o("--bench-pods"), "rounds": o("--bench-rounds"),
        "ref_nodes": o("--bench-ref-nodes"), "ref_pods": o("--bench-ref-pods"),
        "load_nodes": o("--bench-load-nodes"), "load_pods": o("--bench-load-pods"),
    }


@pytest.fixture(scope="session")
def synth():
    import synth as module
    return module
