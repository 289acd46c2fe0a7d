"""kschedule.report: summary rows, CSV, text table, per-pod series, plots (synthetic and real replays)."""
from __future__ import annotations

import csv
import importlib.util
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kschedule import report
from kschedule.gpu.replay import ReplayResult, paper_replay
from kschedule.traces import load_openb_nodes, load_openb_pods

HAS_MPL = importlib.util.find_spec("matplotlib") is not None
HAS_PANDAS = importlib.util.find_spec("pandas") is not None


def synthetic(used_pct_per_pod, policy="P", seed=1, total_gpus=10, frag_milli=None, wall=0.5):
    """A ReplayResult with one pod per arrived % (each pod requests 1% of capacity): pod i (0-based) makes
    arrived = i+1 %; ``used_pct_per_pod[i]`` is the allocation % after it."""
    n = len(used_pct_per_pod)
    cap = total_gpus * 1000
    arrived = np.arange(1, n + 1, dtype=np.int64) * cap // 100
    used = (np.asarray(used_pct_per_pod, np.float64) * cap / 100).astype(np.int64)
    frag = np.zeros(n) if frag_milli is None else np.asarray(frag_milli, np.float64)
    node = np.where(np.diff(np.concatenate([[0], used])) > 0, 0, -1).astype(np.int32)
    return ReplayResult(policy, seed, node, np.zeros(n, np.uint32), arrived, used, frag, total_gpus, wall)


def ramp(unalloc_at_100: float, n: int = 130):
    """Allocation follows arrival up to 100 - unalloc, then stays flat."""
    return [min(i + 1, 100 - unalloc_at_100) for i in range(n)]


def test_synthetic_curves_are_what_the_helper_says():
    r = synthetic(ramp(10))
    c = r.curves()
    assert c["gpu_allocation_pct"][50] == 50.0
    assert c["gpu_allocation_pct"][100] == 90.0
    assert r.unallocated_at(100) == 10.0
    # arrived 0 has no pod: the ±1 window takes pod 0 (arrived 1%)
    assert c["gpu_allocation_pct"][0] == 1.0


def test_summary_rows_shape_and_values():
    a, b = synthetic(ramp(10), seed=1), synthetic(ramp(20), policy="Q", seed=7)
    rows = report.summary_rows([("w1", "P", 1, a), ("w2", "Q", 7, b)])
    assert len(rows) == 2 * 131
    assert list(rows[0]) == list(report.SUMMARY_COLUMNS)
    assert [r["arrived_pct"] for r in rows[:131]] == list(range(131))
    assert rows[131] == {"workload": "w2", "policy": "Q", "seed": 7, "arrived_pct": 0, "gpu_allocation_pct": 1.0,
                         "frag_pct": 0.0, "frag_ratio_pct": 0.0}
    assert rows[100]["gpu_allocation_pct"] == 90.0 and rows[131 + 100]["gpu_allocation_pct"] == 80.0
    assert isinstance(rows[0]["seed"], int) and isinstance(rows[0]["arrived_pct"], int)


def test_summary_rows_nan_where_no_pod_is_near():
    r = synthetic(ramp(0, n=60))  # arrived stops at 60%: levels 62.. have no pod even within ±1
    rows = report.summary_rows([("w", "P", 1, r)])
    assert rows[61]["gpu_allocation_pct"] == 60.0
    assert math.isnan(rows[62]["gpu_allocation_pct"]) and math.isnan(rows[130]["frag_pct"])


def test_write_summary_csv_header_and_nan_cells(tmp_path):
    rows = report.summary_rows([("w", "P", 3, synthetic(ramp(0, n=60)))])
    path = report.write_summary_csv(rows, tmp_path / "s.csv")
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[0] == "workload,policy,seed,arrived_pct,gpu_allocation_pct,frag_pct,frag_ratio_pct"
    assert lines[1] == "w,P,3,0,1.0,0.0,0.0"
    assert lines[51] == "w,P,3,50,50.0,0.0,0.0"
    assert lines[1 + 130] == "w,P,3,130,,,"
    assert len(lines) == 132


def test_summary_table_single_seed():
    text = report.summary_table([("default", "FGD", 42, synthetic(ramp(9.5), wall=0.25))])
    lines = text.splitlines()
    assert lines[0].split() == ["WORKLOAD", "POLICY", "SEEDS", "UNALLOCATED_GPU_%@100", "FRAG_%@100",
                                "PLACED/PODS", "WALL_S"]
    cells = lines[1].split()
    assert cells[:5] == ["default", "FGD", "42", "9.50", "0.00"]
    assert cells[6] == "0.25"


def test_summary_table_mean_and_sample_std_over_seeds():
    runs = [("w", "FGD", s, synthetic(ramp(u), seed=s)) for s, u in [(42, 10.0), (43, 14.0)]]
    runs.append(("w", "BestFit", 42, synthetic(ramp(3.0))))
    lines = report.summary_table(runs).splitlines()
    assert "(mean)" in lines[0] and "WALL_S/RUN" in lines[0]
    fgd = lines[1]
    assert "42-43 (n=2)" in fgd
    assert "12.00 ± 2.83" in fgd  # mean 12, sample std sqrt(8)
    assert lines[2].split()[:4] == ["w", "BestFit", "42", "3.00"]
    stats = report.summary_stats(runs)
    assert stats[0]["unallocated_pct"] == [10.0, 14.0] and stats[0]["seeds"] == [42, 43]


def test_seed_text():
    assert report._seed_text([42, 43, 44]) == "42-44 (n=3)"
    assert report._seed_text([1, 5]) == "1,5"


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=200), st.integers(1, 50))
@settings(max_examples=60, deadline=None)
def test_rows_stay_in_range_and_match_curves(steps, gpus):
    """Any monotone allocation within capacity gives curve values in [0, 100] and rows that equal curves()."""
    n = len(steps)
    cap = gpus * 1000
    arrived = np.cumsum(np.full(n, max(1, cap * 130 // 100 // n)))
    used = np.minimum(np.cumsum(steps), np.minimum(arrived, cap))
    frag = (cap - used) * 0.5
    r = ReplayResult("P", 0, np.zeros(n, np.int32), np.zeros(n, np.uint32), arrived, used, frag, gpus, 0.0)
    rows = report.summary_rows([("w", "P", 0, r)])
    c = r.curves()
    assert [x["arrived_pct"] for x in rows] == list(range(131))
    for k in (0, 50, 100, 130):
        for col in report.CURVE_COLUMNS:
            v = rows[k][col]
            assert (math.isnan(v) and np.isnan(c[col][k])) or v == float(c[col][k])
            assert math.isnan(v) or -1e-9 <= v <= 100.0 + 1e-9


def test_pod_series_columns(tmp_path):
    r = synthetic(ramp(10, n=130), frag_milli=np.linspace(0, 1000, 130))
    s = report.pod_series(r)
    assert list(s) == list(report.SERIES_COLUMNS)
    assert s["arrived_pct"][0] == 1.0 and s["arrived_pct"][99] == 100.0
    assert s["gpu_allocation_pct"][-1] == 90.0
    assert s["frag_pct"][-1] == 10.0  # 1000 milli of a 10-GPU cluster
    assert s["node"][-1] == -1 and s["node"][0] == 0
    path = report.write_table(s, tmp_path / "p.csv")
    with open(path) as f:
        got = list(csv.reader(f))
    assert got[0] == list(report.SERIES_COLUMNS)
    assert len(got) == 131 and got[100][0] == "99" and float(got[100][6]) == 100.0


def test_write_table_rejects_unknown_format(tmp_path):
    with pytest.raises(report.KScheduleError, match="csv or parquet"):
        report.write_table({"a": np.arange(3)}, tmp_path / "x", "xlsx")


@pytest.mark.skipif(report.parquet_available(), reason="a Parquet engine is installed")
def test_parquet_without_engine_is_a_clear_error(tmp_path):
    with pytest.raises(report.OptionalDependencyMissing):
        report.write_table({"a": np.arange(3)}, tmp_path / "x.parquet", "parquet")


@pytest.mark.skipif(not report.parquet_available(), reason="pandas + pyarrow/fastparquet not installed")
def test_parquet_roundtrip(tmp_path):
    import pandas as pd
    path = report.write_table({"a": np.arange(3), "b": np.array([0.5, 1.5, 2.5])}, tmp_path / "x.parquet", "parquet")
    df = pd.read_parquet(path)
    assert df["a"].tolist() == [0, 1, 2] and df["b"].tolist() == [0.5, 1.5, 2.5]


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas not installed")
def test_to_pandas():
    rows = report.summary_rows([("w", "P", 1, synthetic(ramp(10)))])
    df = report.to_pandas(rows)
    assert list(df.columns) == list(report.SUMMARY_COLUMNS)
    assert len(df) == 131
    assert df.loc[df.arrived_pct == 100, "gpu_allocation_pct"].item() == 90.0


def test_optional_imports_missing(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(report.OptionalDependencyMissing, match="research"):
        report.to_pandas([])
    with pytest.raises(report.OptionalDependencyMissing, match="matplotlib"):
        report.plot_allocation([("w", "P", 1, synthetic(ramp(1)))], tmp_path / "a.png")


@pytest.mark.skipif(not HAS_MPL, reason="matplotlib not installed")
def test_plots_are_png(tmp_path):
    runs = [("w", "FGD", s, synthetic(ramp(u))) for s, u in [(1, 5), (2, 8)]]
    runs += [("v", "BestFit", 1, synthetic(ramp(3)))]
    for fn, name in [(report.plot_allocation, "a.png"), (report.plot_fragmentation, "f.png")]:
        path = fn(runs, tmp_path / name)
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(report.KScheduleError, match="no runs"):
        report.plot_allocation([], tmp_path / "e.png")


def test_real_replay_rows_agree_with_result():
    nodes, pods = load_openb_nodes(), load_openb_pods()
    r = paper_replay(nodes, pods, "BestFit", seed=42)
    rows = report.summary_rows([("default", "BestFit", 42, r)])
    assert len(rows) == 131
    assert rows[100]["gpu_allocation_pct"] == pytest.approx(100 - r.unallocated_at(100), abs=1e-9)
    assert all(0 <= x[c] <= 100 for x in rows for c in report.CURVE_COLUMNS)
    s = report.pod_series(r)
    assert len(s["pod"]) == len(r.node) and int((s["node"] >= 0).sum()) == r.placed
    assert s["arrived_gpu_milli"][-1] == r.arrived_milli[-1]
