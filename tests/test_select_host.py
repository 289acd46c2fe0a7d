"""selectHost: the highest weighted total wins; tied maxima are broken uniformly at random by one draw
of the seeded generator (kschedule.framework.reference.select_host; csrc/kernels.hpp select_host).
Upstream breaks ties uniformly too (schedule_one.go selectHost / nodeScoreHeap)."""
from collections import Counter

import kschedule as ks
from kschedule.framework.reference import SplitMix64, select_host


def test_unique_maximum_draws_nothing():
    rng = SplitMix64(123)
    before = rng.state
    assert select_host([3, 9, 4, 8], rng) == 1
    assert rng.state == before


def test_ties_pick_the_drawn_one_among_the_maxima_in_order():
    totals = [5, 7, 7, 3, 7]
    for seed in range(50):
        rng, probe = SplitMix64(seed), SplitMix64(seed)
        r = probe.below(3)
        assert select_host(totals, rng) == [1, 2, 4][r]
        assert rng.state == probe.state  # exactly one draw


def test_ties_are_uniform():
    counts = Counter(select_host([1, 4, 4, 4, 0, 4], SplitMix64(s)) for s in range(8000))
    assert set(counts) == {1, 2, 3, 5}
    for k in (1, 2, 3, 5):
        assert abs(counts[k] / 8000 - 0.25) < 0.025


def _cluster():
    nodes = [{"kind": "Node", "metadata": {"name": f"n{i}"},
              "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "10"}}} for i in range(3)]
    nodes.append({"kind": "Node", "metadata": {"name": "small"},
                  "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "10"}}})
    return ks.Cluster.from_objects(nodes=nodes)


POD = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
    {"name": "c", "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}}}]}}


def test_core_breaks_ties_uniformly_and_deterministically():
    seen = Counter()
    for seed in range(600):
        got = {dense: ks.Scheduler(_cluster(), seed=seed, dense_path=dense).schedule([POD])[0].node
               for dense in (True, False)}
        assert got[True] == got[False]
        assert got[True] == ks.Scheduler(_cluster(), seed=seed).schedule([POD])[0].node  # same seed, same node
        seen[got[True]] += 1
    assert set(seen) == {"n0", "n1", "n2"}  # the smaller node scores lower, never chosen
    for k in ("n0", "n1", "n2"):
        assert abs(seen[k] / 600 - 1 / 3) < 0.07
