"""Tests of kschedule.gpu.reference against hand-computed cases and the FGD artifact's Go tests.

Ported tables come from hkust-adsl/kubernetes-scheduler-simulator (commit 29a1e4c4): each is cited above
it. Hand-computed expectations are derived in the comments from docs/fgd.md.
"""
import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from kschedule.errors import FieldError
from kschedule.gpu import reference as ref
from kschedule.gpu.reference import GpuNode, PodShape, PolicyContext


def node(free, cpu_free=32000, cpu_total=None, model="T4", mem_total=100000, mem_free=None, name="n",
         affinity=None):
    return GpuNode(name, cpu_total if cpu_total is not None else max(cpu_free, 32000), mem_total, list(free),
                   model, cpu_free, mem_free, dict(affinity or {}))


def shape(cpu=1000, ngpu=0, milli=0, spec="", mem=0):
    return PodShape(cpu, mem, ngpu, milli, spec)


# ------------------------------------------------------------------ hand-computed fragmentation

def test_frag_devices_1000_500_0_half_gpu_pod():
    n = node([1000, 500, 0])
    # 0.5 GPU fits (Q3); devices with free < 500: only the empty one -> 0 milli
    assert ref.frag_category(n, shape(ngpu=1, milli=500)) == ref.Q3_SATISFIED
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=500)) == 0
    # 0.6 GPU fits on device 0; device 1 (500 < 600) and device 2 are fragment -> 500
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=600)) == 500
    # 2 whole GPUs do not fit (one fully free device): lack GPU -> all 1500 free milli
    assert ref.frag_category(n, shape(ngpu=2, milli=1000)) == ref.Q2_LACK_GPU
    assert ref.node_fragmentation(n, shape(ngpu=2, milli=1000)) == 1500


def test_frag_fully_free_node():
    n = node([1000] * 8, cpu_free=64000)
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=1000)) == 0
    assert ref.node_fragmentation(n, shape(ngpu=8, milli=1000)) == 0
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=300)) == 0
    # a CPU-only shape counts every free GPU as fragment (XL_SATISFIED is summed)
    assert ref.frag_category(n, shape(cpu=1000)) == ref.XL_SATISFIED
    assert ref.node_fragmentation(n, shape(cpu=1000)) == 8000


def test_frag_no_cpu_left():
    n = node([1000, 500, 0], cpu_free=0)
    assert ref.frag_category(n, shape(ngpu=1, milli=500)) == ref.Q4_LACK_CPU
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=500)) == 1500
    assert ref.frag_category(n, shape(ngpu=2, milli=1000)) == ref.Q1_LACK_BOTH
    assert ref.frag_category(n, shape(cpu=1)) == ref.XR_LACK_CPU
    # a shape requesting 0 CPU still fits on 0 free CPU (test is free >= request)
    assert ref.frag_category(n, shape(cpu=0, ngpu=1, milli=500)) == ref.Q3_SATISFIED


def test_frag_model_constraint():
    n = node([1000, 1000], model="T4")
    assert ref.frag_category(n, shape(ngpu=1, milli=500, spec="V100M16|V100M32")) == ref.NO_ACCESS
    assert ref.node_fragmentation(n, shape(ngpu=1, milli=500, spec="V100M16|V100M32")) == 2000
    assert ref.frag_category(n, shape(ngpu=1, milli=500, spec="P100|T4")) == ref.Q3_SATISFIED
    assert ref.is_node_accessible("", "T4") is False
    assert ref.is_node_accessible("", "") is True
    assert ref.is_node_accessible("T4", "|") is True  # only empty entries: no constraint


def test_workload_fragmentation_weighted():
    n = node([1000, 500, 0])
    typical = [(shape(ngpu=1, milli=600), 0.5), (shape(cpu=1000), 0.25), (shape(ngpu=1, milli=500), 0.25)]
    # 0.5*500 (Q2 part of a Q3 shape) + 0.25*1500 (XL) + 0.25*0
    assert ref.node_fragmentation_for_workload(n, typical) == 625.0
    amount = ref.node_frag_amount(n, typical)
    assert amount[ref.Q2_LACK_GPU] == 250.0
    assert amount[ref.Q3_SATISFIED] == 0.5 * 1000 + 0.25 * 1500
    assert amount[ref.XL_SATISFIED] == 375.0


def test_cluster_fragmentation():
    nodes = [node([1000, 500, 0]), node([1000, 1000], name="m")]
    typical = [(shape(ngpu=1, milli=600), 1.0)]
    out = ref.cluster_fragmentation(nodes, typical)
    assert out["frag_milli"] == 500.0
    assert out["idle_milli"] == 3500.0
    assert out["frag_ratio_pct"] == pytest.approx(100 * 500 / 3500)
    assert out["frag_pct_of_capacity"] == pytest.approx(100 * 500 / 1000 / 5)


# ------------------------------------------------------------------ ported: pkg/utils/frag_test.go

# pkg/utils/frag_test.go TestingGenerateGetTypicalPods (cpu, milli, ngpu, type, percent)
GO_TYPICAL = [
    (6000, 465, 1, "", 9.33), (8000, 440, 1, "2080", 9.15), (8000, 475, 1, "T4", 8.76),
    (8000, 440, 1, "P100", 8.72), (2000, 465, 1, "", 8.68), (12000, 900, 1, "", 8.65),
    (4000, 900, 1, "", 8.43), (16000, 678, 1, "T4", 8.36), (8000, 500, 1, "", 8.29),
    (6000, 511, 1, "", 8.11), (14000, 1000, 2, "2080", 0.54), (4000, 1000, 1, "2080", 0.43),
    (32000, 1000, 2, "T4", 0.43), (16000, 1000, 1, "V100M16", 0.40), (64000, 1000, 2, "", 0.40),
    (10000, 1000, 2, "", 0.40), (11400, 1000, 1, "T4", 0.36), (16000, 1000, 1, "T4", 0.36),
    (4000, 1000, 2, "", 0.36), (14000, 1000, 2, "V100M16", 0.36), (8000, 1000, 4, "", 0.36),
    (16000, 1000, 2, "", 0.32), (2000, 1000, 1, "T4", 0.32), (6000, 1000, 1, "", 0.32),
    (4000, 1000, 1, "", 0.32), (5000, 1000, 1, "", 0.32), (32000, 1000, 4, "V100M16", 0.32),
    (32000, 1000, 2, "", 0.32), (24000, 1000, 8, "2080", 0.32), (40000, 1000, 4, "", 0.29),
    (32000, 1000, 8, "", 0.29), (32000, 1000, 1, "T4", 0.29), (16000, 1000, 1, "", 0.25),
    (7000, 1000, 1, "V100M16", 0.25), (24000, 1000, 1, "T4", 0.25),
]
# pkg/utils/frag_test.go TestingGenerateGetTypicalPodsWithNonGpu
GO_TYPICAL_NONGPU = [
    (15700, 1000, 1, 28.69), (11900, 1000, 1, 18.93), (11400, 1000, 1, 12.27), (1000, 0, 0, 7.36),
    (18710, 1000, 1, 4.85), (8200, 1000, 1, 3.79), (16400, 1000, 1, 3.31), (9810, 1000, 1, 1.97),
    (15200, 1000, 1, 1.87), (11200, 1000, 1, 1.81), (14200, 1000, 1, 1.76), (12000, 0, 0, 1.65),
    (14900, 1000, 1, 1.39), (60200, 1000, 4, 1.23), (64200, 1000, 8, 1.07), (32200, 1000, 4, 1.01),
    (17400, 1000, 2, 0.91), (30200, 1000, 2, 0.69), (16000, 1000, 1, 0.64), (15000, 1000, 1, 0.59),
    (64000, 1000, 8, 0.53), (15000, 0, 0, 0.53), (11910, 1000, 1, 0.53), (120200, 1000, 8, 0.48),
    (11300, 1000, 1, 0.37), (30000, 1000, 2, 0.32), (9800, 1000, 1, 0.32), (8000, 1000, 1, 0.32),
    (2000, 1000, 1, 0.27), (2000, 80, 1, 0.27), (1000, 1000, 1, 0.27),
]


def _go_typical():
    return [(PodShape(c, 0, g, m, t), pct / 100) for c, m, g, t, pct in GO_TYPICAL]


def _go_typical_nongpu():
    return [(PodShape(c, 0, g, m, ""), pct / 100) for c, m, g, pct in GO_TYPICAL_NONGPU]


# pkg/utils/frag_test.go TestNodeGpuShareFragAmount / TestNodeGpuShareFragAmountScore
@pytest.mark.parametrize("free,expected", [
    ([200, 1000, 1000, 500], 2566.62),
    ([1000, 1000, 1000, 1000], 3802.40),
    ([1000] * 8, 7604.80),
])
def test_go_node_gpu_share_frag_amount(free, expected):
    n = GpuNode("x", 64000, 0, free, "1080", 1000)
    assert ref.node_fragmentation_for_workload(n, _go_typical()) == pytest.approx(expected, abs=0.01)


def test_go_node_gpu_share_frag_amount_lack_cpu():
    n = GpuNode("x", 64000, 0, [200, 1000, 1000, 500], "1080", 1000)
    one = [(PodShape(6000, 0, 1, 465, ""), 9.33 / 100)]
    assert ref.frag_category(n, one[0][0]) == ref.Q4_LACK_CPU
    assert n.gpu_free_total == 2700
    assert ref.node_fragmentation_for_workload(n, one) == pytest.approx(251.91, abs=0.01)


# pkg/utils/frag_test.go TestNodeGpuShareFragAmountWithNonGpu
@pytest.mark.parametrize("cpu_free,free,expected", [
    (64000, [1000] * 8, 887.20),
    (32000, [1000] * 4 + [0] * 4, 554.4),
    (0, [1000] * 4 + [0] * 4, 4000),
])
def test_go_node_gpu_share_frag_amount_with_non_gpu(cpu_free, free, expected):
    n = GpuNode("x", 64000, 0, free, "P100", cpu_free)
    assert ref.node_fragmentation_for_workload(n, _go_typical_nongpu()) == pytest.approx(expected, abs=0.01)


# pkg/utils/frag_test.go TestGetGpuFragMilliByNodeResAndPodRes (all four pods fit: Q3)
@pytest.mark.parametrize("free,pod,expected", [
    ([200, 1000, 1000, 500], PodShape(100, 0, 2, 1000, "1080"), 700),
    ([1000] * 4, PodShape(100, 0, 2, 1000, "1080"), 0),
    ([1000] * 8, PodShape(100, 0, 2, 1000, "1080"), 0),
    ([200, 1000, 1000, 500], PodShape(100, 0, 2, 200, "1080"), 0),
])
def test_go_gpu_frag_milli(free, pod, expected):
    n = GpuNode("x", 64000, 0, free, "1080", 1000)
    assert ref.node_fragmentation(n, pod) == expected


# pkg/simulator/plugin/gpu_packing_score_test.go TestGpuPackingScorePlugin_Score
@pytest.mark.parametrize("free,pod,expected", [
    ([200, 1000, 1000, 500], PodShape(100, 0, 2, 1000, "1080"), 48),   # case 2
    ([1000] * 4, PodShape(100, 0, 2, 1000, "1080"), 29),               # case 3, 4 GPUs
    ([1000] * 8, PodShape(100, 0, 2, 1000, "1080"), 25),               # case 3, 8 GPUs
    ([200, 1000, 1000, 500], PodShape(100, 0, 2, 200, "1080"), 93),    # case 1
])
def test_go_gpu_packing(free, pod, expected):
    n = GpuNode("x", 96000, 0, free, "1080", 1000)
    assert ref.gpu_packing_raw(n, pod) == expected
    assert n.gpu_free_milli == free  # the device order is not changed


# ------------------------------------------------------------------ typical pods

def test_typical_pods_threshold_and_tie_break():
    a, b = shape(4000, 1, 1000), shape(8000, 1, 500)
    c, d = shape(2000, 1, 500), shape(1000)  # count 1 each: C before D (cpu 2000 > 1000)
    pods = [a] * 5 + [b] * 3 + [c, d]
    # 95%: 5, 8, 9, 10 -> the list is exhausted: all four, p = count / total, not renormalized
    assert ref.typical_pods(pods) == [(a, 0.5), (b, 0.3), (c, 0.1), (d, 0.1)]
    # 80%: 5, 8 >= 8 -> two shapes renormalized by 0.8
    assert ref.typical_pods(pods, 80) == [(a, 0.5 / 0.8), (b, 0.3 / 0.8)]
    # 85%: the crossing shape (C by the tie-break) is included
    got = ref.typical_pods(pods, 85)
    assert [s for s, _ in got] == [a, b, c]
    assert sum(p for _, p in got) == pytest.approx(1.0)
    # without CPU-only pods D disappears from the counts (total 9)
    assert [s for s, _ in ref.typical_pods(pods, include_cpu_pods=False)] == [a, b, c]


def test_typical_pods_ignore_memory_and_keep_spec():
    pods = [shape(1000, 1, 500, mem=10), shape(1000, 1, 500, mem=20), shape(1000, 1, 500, spec="T4")]
    got = ref.typical_pods(pods, 100)
    assert got[0] == (shape(1000, 1, 500), 2 / 3)
    assert got[1][0].gpu_spec == "T4"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1000, 2000, 4000]), st.sampled_from([(0, 0), (1, 300), (1, 1000), (2, 1000)])),
                min_size=1, max_size=40))
def test_typical_pods_probabilities_sum_to_one(rows):
    pods = [shape(c, g, m) for c, (g, m) in rows]
    got = ref.typical_pods(pods)
    assert sum(p for _, p in got) == pytest.approx(1.0)
    counts = [p for _, p in got]
    assert counts == sorted(counts, reverse=True)


# ------------------------------------------------------------------ filter

def test_fits():
    a = node([1000, 1000], name="A")
    b = node([600, 1000], cpu_free=16000, name="B")
    assert ref.fits(a, shape(4000, 1, 500))
    assert ref.fits(b, shape(4000, 2, 600))  # two devices with >= 600
    assert not ref.fits(b, shape(4000, 2, 1000))
    assert not ref.fits(b, shape(17000, 1, 500))          # CPU
    assert not ref.fits(a, shape(1000, 1, 500, mem=200000))  # memory
    assert not ref.fits(a, shape(1000, 1, 500, spec="V100M16"))
    full = node([0, 0], name="F")
    assert ref.fits(full, shape(1000))                     # CPU-only pods ignore GPUs
    assert not ref.fits(full, shape(1000, 1, 100))
    assert not ref.fits(GpuNode("cpu", 32000, 1000, [], ""), shape(1000, 1, 100))
    # Open-Gpu-Share's multi-GPU two pointers pack partial GPUs onto one device
    assert ref.open_gpu_share_allocate(node([1000, 0]), shape(1000, 2, 400)) == (0, 0)
    assert ref.open_gpu_share_allocate(node([300, 600, 1000]), shape(1000, 1, 500)) == (1,)


# ------------------------------------------------------------------ GPU selection

def test_gpu_selection():
    n = node([1000, 300, 600, 300])
    assert ref.select_devices_best(n, shape(1000, 1, 300)) == (1,)  # tightest, lowest index
    assert ref.select_devices_best(n, shape(1000, 1, 500)) == (2,)
    assert ref.select_devices_best(n, shape(1000, 1, 1000)) == (0,)
    assert ref.exclusive_devices(node([0, 1000, 1000, 1000]), shape(1000, 2, 1000)) == (1, 2)
    picks = {ref.select_devices_random(n, shape(1000, 1, 300), random.Random(s)) for s in range(40)}
    assert picks == {(0,), (1,), (2,), (3,)}
    with pytest.raises(FieldError):
        ref.exclusive_devices(node([0, 1000]), shape(1000, 2, 1000))


# ------------------------------------------------------------------ policies on a 3-node toy cluster
# A: T4 [1000,1000], CPU 32000 free; B: T4 [600,1000], CPU 16000/32000 free, one share pod;
# C: V100M16 [1000]*4, CPU 64000 free. P = 4 CPU + 0.5 GPU; Q = 2 CPU + 1 GPU.

def toy():
    return [node([1000, 1000], name="A"),
            node([600, 1000], cpu_free=16000, cpu_total=32000, name="B", affinity={"share-gpu": 1}),
            node([1000] * 4, cpu_free=64000, model="V100M16", name="C")]


P = shape(4000, 1, 500, mem=1000)
Q = shape(2000, 1, 1000, mem=1000)
TYPICAL_P = [(shape(1000, 1, 1000), 0.5), (shape(1000, 1, 500), 0.5)]


def raw(policy, pod, typical=()):
    ctx = PolicyContext(typical=typical)
    return [ref.score(policy, n, pod, ctx)[0] for n in toy()]


def test_dot_product_scores():
    # A: 1 - (0.25*0.03125 + 0.25*0.0625)/2 = 0.98828 -> 98; B: 1 - (0.125*0.03125 + 0.2*0.0625)/2 -> 99
    # C: 1 - (0.5*0.03125 + 0.5*0.0625)/2 = 0.97656 -> 97
    assert raw("DotProduct", P) == [98, 99, 97]
    assert ref.score("DotProduct", node([1000], cpu_free=1000), P, PolicyContext())[0] == 0  # CPU short


def test_best_fit_scores_and_normalization():
    # A: 100*(1 - 0.5*28000/128000 - 0.5*1500/8000) = 79.69 -> 79; B: 88.44 -> 88; C: 54.69 -> 54
    assert raw("BestFit", P) == [79, 88, 54]
    assert ref.normalize_min_max([79, 88, 54]) == [73, 100, 0]  # (79-54)*100/34 = 73
    assert ref.normalize_min_max([5, 5]) == [0, 0]


def test_gpu_packing_scores():
    assert raw("GpuPacking", P) == [31, 94, 29]  # idle 2-GPU: 33-2; B: 100 - 60/10; idle 4-GPU: 33-4
    assert raw("GpuPacking", Q) == [31, 49, 29]  # B must open its free device: 50 - 1
    assert raw("GpuPacking", shape(1000)) == [0, 0, 0]


def test_gpu_clustering_scores():
    # share-gpu: A idle 25 + 25*6000/8000=18; B same tag only 75 + 20; C idle 25 + 12
    assert raw("GpuClustering", P) == [43, 95, 37]
    # 1-gpu: B holds another tag -> 0 + 20
    assert raw("GpuClustering", Q) == [43, 20, 37]
    assert raw("GpuClustering", shape(1000)) == [0, 0, 0]


def test_fgd_scores():
    # A: F 0 -> 250 (0.5 * 500 for the 1-GPU shape) -> int(100*sigmoid(-0.25)) = 43
    # B: F 300 -> 100 on device 0 (54), 550 on device 1 (43): best device 0
    # C: F 0 -> 250 -> 43
    ctx = PolicyContext(typical=TYPICAL_P)
    got = [ref.score("FGD", n, P, ctx) for n in toy()]
    assert got == [(43, (0,)), (54, (0,)), (43, (0,))]
    assert int(100 / (1 + math.exp(0.25))) == 43 and int(100 / (1 + math.exp(-0.2))) == 54
    # a whole-GPU pod leaves F unchanged on all three: sigmoid(0) -> 50
    assert raw("FGD", Q, TYPICAL_P) == [50, 50, 50]


@pytest.mark.parametrize("policy,pod,expected_node,expected_devices", [
    ("DotProduct", P, 1, (0,)),
    ("BestFit", P, 1, (0,)),
    ("GpuPacking", P, 1, (0,)),
    ("GpuClustering", P, 1, (0,)),
    ("FGD", P, 1, (0,)),
    ("GpuPacking", Q, 1, (1,)),
    ("GpuClustering", Q, 0, (0,)),
    ("BestFit", Q, 1, (1,)),
])
def test_policy_choice(policy, pod, expected_node, expected_devices):
    nodes = toy()
    ctx = PolicyContext(typical=TYPICAL_P, rng=random.Random(1))
    chosen, devices = ref.schedule_one(nodes, pod, policy, ctx)
    assert (chosen, devices) == (expected_node, expected_devices)
    assert nodes[chosen].gpu_free_milli[devices[0]] == toy()[chosen].gpu_free_milli[devices[0]] - pod.gpu_milli


def test_random_policy_uniform_over_feasible():
    seen = set()
    for seed in range(60):
        chosen, _ = ref.schedule_one(toy(), P, "Random", PolicyContext(rng=random.Random(seed)))
        seen.add(chosen)
    assert seen == {0, 1, 2}
    # a pod only C can host (V100M16) is placed there whatever the policy
    for policy in ref.POLICIES:
        assert ref.schedule_one(toy(), shape(1000, 1, 500, spec="V100M16"), policy,
                                PolicyContext(typical=TYPICAL_P))[0] == 2
    assert ref.schedule_one(toy(), shape(1000, 8, 1000), "FGD", PolicyContext(typical=TYPICAL_P)) == (None, ())


def test_bad_input_raises_field_error():
    with pytest.raises(FieldError):
        PodShape("1000")
    with pytest.raises(FieldError):
        PodShape(1000, 0, 1, 1500)
    with pytest.raises(FieldError):
        GpuNode("n", 1000, 0, "1000,1000")
    with pytest.raises(FieldError):
        GpuNode("n", 1000, 0, [1200])
    with pytest.raises(FieldError):
        ref.score("Nope", toy()[0], P, PolicyContext())
    with pytest.raises(FieldError):
        ref.typical_pods([{"cpu_milli": 1}])
    assert PodShape.from_row({"cpu_milli": "12000", "memory_mib": "16384", "num_gpu": "1",
                              "gpu_milli": "460", "gpu_spec": ""}) == PodShape(12000, 16384, 1, 460, "")
