"""The C++ GPU kernels (csrc/gpu.cpp) against the Python reference (kschedule/gpu/reference.py):
fragmentation, every policy's score and device choice, and whole replays, bit for bit."""
import numpy as np
import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

import kschedule.traces as T
from kschedule.framework.reference import SplitMix64
from kschedule.gpu import reference as ref
from kschedule.gpu.replay import Workload, paper_replay, reference_run, run
from kschedule.gpu.state import POLICIES, GpuCluster, Typical, build_shapes, node_frag, score
from kschedule.traces.schema import NodeList

MODELS = ["T4", "P100", "V100M16", "A10"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def clusters(draw, max_nodes=6):
    n = draw(st.integers(1, max_nodes))
    gpus = [draw(st.sampled_from([0, 1, 2, 4, 8])) for _ in range(n)]
    nodes = NodeList([f"n{i}" for i in range(n)],
                     np.array([draw(st.integers(1, 8)) * 8000 for _ in range(n)], np.int64),
                     np.array([draw(st.integers(8, 128)) << 30 for _ in range(n)], np.int64),
                     np.array(gpus, np.int32), [draw(st.sampled_from(MODELS)) if g else "" for g in gpus])
    c = GpuCluster.from_node_list(nodes)
    # Random partial usage of devices and CPU.
    for i in range(n):
        for d in range(gpus[i]):
            c.gpu_free_milli[i, d] = draw(st.sampled_from([1000, 1000, 500, 190, 0, 730]))
        c.cpu_free_milli[i] = draw(st.integers(0, int(c.cpu_milli[i])))
        c.memory_free_mib[i] = draw(st.integers(0, int(c.memory_mib[i])))
    return c


@st.composite
def pod_shapes(draw):
    ng = draw(st.sampled_from([0, 1, 1, 1, 2, 4, 8]))
    milli = draw(st.sampled_from([100, 250, 470, 500, 810, 1000])) if ng == 1 else (1000 if ng else 0)
    spec = tuple(draw(st.lists(st.sampled_from(MODELS), max_size=2, unique=True))) if ng and draw(st.booleans()) else ()
    return (draw(st.integers(0, 16)) * 1000 + draw(st.sampled_from([0, 500])), ng, milli, spec,
            draw(st.integers(0, 64)) * 1024)


def typical_of(shapes_list, models):
    pods = [ref.PodShape(c, 0, n, g, "|".join(s)) for c, n, g, s, _ in shapes_list]
    return Typical.from_reference(ref.typical_pods(pods), models)


@SETTINGS
@given(clusters(), st.lists(pod_shapes(), min_size=1, max_size=12), st.sampled_from(POLICIES))
def test_scores_and_frag_match_reference(c, pods, policy):
    typ = typical_of(pods, c.models)
    shapes, shape_of = build_shapes([p[0] for p in pods], [p[1] for p in pods], [p[2] for p in pods],
                                    [p[3] for p in pods], c.models)
    rnodes = c.reference_nodes()
    for i in range(len(c)):
        assert node_frag(c, typ, i) == ref.node_fragmentation_for_workload(rnodes[i], typ.reference)
    for j, (cpu, ng, milli, spec, mem) in enumerate(pods):
        pod = ref.PodShape(cpu, mem, ng, milli, "|".join(spec))
        for i in range(len(c)):
            ok, s, dev = score(policy, c, shapes, int(shape_of[j]), typ, i, mem)
            assert ok == ref.fits(rnodes[i], pod)
            if not ok or policy == "Random":
                continue
            want, devices = ref.score(policy, rnodes[i], pod, ref.PolicyContext(typical=typ.reference))
            assert s == want
            assert dev == sum(1 << d for d in devices)


@SETTINGS
@given(clusters(max_nodes=8), st.lists(pod_shapes(), min_size=1, max_size=30), st.sampled_from(POLICIES),
       st.integers(0, 2**63))
def test_replay_matches_reference(c, pods, policy, seed):
    typ = typical_of(pods, c.models)
    wl = Workload([f"p{i}" for i in range(len(pods))], np.array([p[0] for p in pods], np.int64),
                  np.array([p[4] for p in pods], np.int64), np.array([p[1] for p in pods], np.int32),
                  np.array([p[2] for p in pods], np.int32), [p[3] for p in pods])
    order = np.random.default_rng(seed % 1000).permutation(len(c)).astype(np.int32)
    c2 = c.copy()
    got = run(c, wl, policy, typ, order, SplitMix64(seed))
    chosen, devices, frag, used = reference_run(c2, wl, policy, typ, order, SplitMix64(seed))
    assert got.node.tolist() == chosen
    assert got.devices.tolist() == devices
    assert got.used_milli.tolist() == used
    assert np.allclose(got.frag_milli, frag, rtol=0, atol=1e-6)
    # Free milli never goes below zero and the columns hold what the placements took.
    assert (c.gpu_free_milli >= 0).all() and c.used_gpu_milli == int(got.used_milli[-1])
    assert (c.cpu_free_milli >= 0).all() and (c.memory_free_mib >= 0).all()


def test_hand_computed_fragmentation():
    # One 4-GPU node with devices free [1000, 500, 190, 0], 8 CPUs free; typical workload:
    # 50% pods of 1 x 500 milli (fits: fragment = devices with free < 500 -> 190 + 0),
    # 50% CPU-only pods (count every free milli: 1690).  F = 0.5*190 + 0.5*1690 = 940.
    nodes = NodeList(["a"], np.array([8000], np.int64), np.array([64 << 30], np.int64), np.array([4], np.int32), ["T4"])
    c = GpuCluster.from_node_list(nodes)
    c.gpu_free_milli[0, :4] = [1000, 500, 190, 0]
    typ = Typical.from_reference([(ref.PodShape(1000, 0, 1, 500), 0.5), (ref.PodShape(1000, 0, 0, 0), 0.5)], c.models)
    assert node_frag(c, typ, 0) == 940.0
    # FGD for a 1 x 500 pod: on device 1 (500 -> 0) F becomes 0.5*190 + 0.5*1190 = 690, on device 0
    # (1000 -> 500) F stays 0.5*190 + 0.5*1190 = 690 as well; the first maximum (device 0) wins:
    # score = int(100 * sigmoid((940 - 690) / 1000)) = int(100 * 0.5622) = 56.
    shapes, _ = build_shapes([1000], [1], [500], [()], c.models)
    ok, s, dev = score("FGD", c, shapes, 0, typ, 0)
    assert (ok, s, dev) == (True, 56, 0b1)


def test_openb_paper_replay_runs_every_policy():
    nodes, pods = T.load_openb_nodes(), T.load_openb_pods()
    for policy in POLICIES:
        r = paper_replay(nodes, pods, policy, seed=42)
        curves = r.curves()
        # The inflated workload reaches 130% of the 6,212 GPUs, and allocation can only grow.
        assert r.total_gpus == 6212 and round(float(r.arrived_milli[-1]) / 6212 / 10) == 130
        assert np.all(np.diff(r.used_milli) >= 0)
        assert 0 < curves["gpu_allocation_pct"][100] <= 100
        assert r.placed > 7000
