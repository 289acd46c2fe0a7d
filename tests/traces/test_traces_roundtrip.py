"""Property: any valid openb pod row written in the origin format loads back to exactly its values."""
import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings, strategies as st

import kschedule.traces as tr

HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time"
MODELS = ["T4", "P100", "V100M16", "V100M32", "G2", "G3", "A10"]


@st.composite
def pod_row(draw):
    num_gpu = draw(st.sampled_from([0, 1, 2, 4, 8]))
    gpu_milli = 0 if num_gpu == 0 else (draw(st.integers(1, 1000)) if num_gpu == 1 else 1000)
    spec = tuple(draw(st.lists(st.sampled_from(MODELS), unique=True, max_size=3)))
    created = draw(st.integers(0, 10**8))
    deleted = created + draw(st.integers(0, 10**7))
    scheduled = draw(st.one_of(st.none(), st.integers(created, created + 1000)))
    return (draw(st.integers(0, 10**6)), draw(st.integers(0, 10**7)), num_gpu, gpu_milli, spec,
            draw(st.sampled_from(["LS", "BE", "Burstable", "Guaranteed"])),
            draw(st.sampled_from(["Running", "Succeeded", "Failed", "Pending"])), created, deleted, scheduled)


@settings(max_examples=60, deadline=None)
@given(st.lists(pod_row(), min_size=1, max_size=30))
def test_valid_rows_round_trip(rows):
    lines = [HEADER]
    for i, (cpu, mem, ng, gm, spec, qos, ph, c, d, s) in enumerate(rows):
        lines.append(f"p-{i},{cpu},{mem},{ng},{gm},{'|'.join(spec)},{qos},{ph},{c},{d},{'' if s is None else s}")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "pods.csv"
        path.write_text("\n".join(lines) + "\n")
        p = tr.load_openb_pods(path)
    assert len(p) == len(rows)
    assert p.cpu_milli.tolist() == [r[0] for r in rows]
    assert p.memory_bytes.tolist() == [r[1] << 20 for r in rows]
    assert p.num_gpu.tolist() == [r[2] for r in rows] and p.gpu_milli.tolist() == [r[3] for r in rows]
    assert p.gpu_spec == [r[4] for r in rows]
    assert p.qos == [r[5] for r in rows] and p.phase == [r[6] for r in rows]
    assert p.creation_time.tolist() == [float(r[7]) for r in rows]
    assert p.deletion_time.tolist() == [float(r[8]) for r in rows]
    for got, r in zip(p.scheduled_time.tolist(), rows):
        assert (math.isnan(got) and r[9] is None) or got == r[9]
    assert p.total_gpu_milli() == sum(r[2] * r[3] for r in rows)
    idx = np.arange(len(rows))[::-1]
    assert p.take(idx).name == p.name[::-1]
