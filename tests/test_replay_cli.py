"""``kschedule replay``: the FGD paper-mode replay from the command line, its table, files and errors."""
from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import sys
import types

import numpy as np
import pytest

from kschedule.cli import main
from kschedule.gpu.replay import paper_replay
from kschedule.gpu.state import POLICIES
from kschedule.replay_cli import parse_seeds
from kschedule.report import parquet_available
from kschedule.traces import OPENB_WORKLOADS, TraceFileNotFound, load_openb_nodes, load_openb_pods
from kschedule.traces.paths import find_openb_pod_list

HAS_MPL = importlib.util.find_spec("matplotlib") is not None
HEADER = ["workload", "policy", "seed", "arrived_pct", "gpu_allocation_pct", "frag_pct", "frag_ratio_pct"]


def read_csv(path):
    with open(path) as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def two_by_two(tmp_path_factory):
    """One CLI run: FGD and BestFit, seeds 42 and 43, with --out."""
    out = tmp_path_factory.mktemp("replay")
    o, e = io.StringIO(), io.StringIO()  # capsys is function-scoped: capture by hand
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        rc = main(["replay", "--policy", "FGD", "--policy", "BestFit", "--seeds", "42-43", "--out", str(out)])
    return rc, o.getvalue(), e.getvalue(), out


def test_summary_csv_shape(two_by_two):
    rc, _, _, out = two_by_two
    assert rc == 0
    rows = read_csv(out / "summary.csv")
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == 2 * 2 * 131
    keys = [(r[1], int(r[2])) for r in body[::131]]
    assert keys == [("FGD", 42), ("FGD", 43), ("BestFit", 42), ("BestFit", 43)]
    assert all(r[0] == "default" for r in body)
    for i in range(4):
        assert [int(r[3]) for r in body[131 * i:131 * (i + 1)]] == list(range(131))
    vals = np.array([[float(x) for x in r[4:]] for r in body])
    assert np.isfinite(vals).all()
    assert (vals >= 0).all() and (vals <= 100).all()


def test_summary_csv_matches_library_replay(two_by_two):
    _, _, _, out = two_by_two
    body = read_csv(out / "summary.csv")[1:]
    r = paper_replay(load_openb_nodes(), load_openb_pods(), "BestFit", seed=43)
    row = body[3 * 131 + 100]
    assert row[:4] == ["default", "BestFit", "43", "100"]
    assert float(row[4]) == pytest.approx(100 - r.unallocated_at(100), abs=1e-9)
    assert float(row[5]) == r.curves()["frag_pct"][100]


def test_printed_table_and_progress(two_by_two):
    _, stdout, stderr, _ = two_by_two
    table = [ln for ln in stdout.splitlines() if ln.startswith("default ")]
    assert [ln.split()[1] for ln in table] == ["FGD", "BestFit"]
    assert all("42-43 (n=2)" in ln and " ± " in ln for ln in table)
    assert "UNALLOCATED_GPU_%@100" in stdout
    progress = [ln for ln in stderr.splitlines() if ln.startswith("[")]
    assert len(progress) == 4 and progress[-1].startswith("[4/4] openb/default BestFit seed 43")


def test_per_pod_series_files(two_by_two):
    _, _, _, out = two_by_two
    files = sorted(p.name for p in (out / "pods" / "default").iterdir())
    assert files == ["BestFit-seed42.csv", "BestFit-seed43.csv", "FGD-seed42.csv", "FGD-seed43.csv"]
    rows = read_csv(out / "pods" / "default" / "FGD-seed42.csv")
    r = paper_replay(load_openb_nodes(), load_openb_pods(), "FGD", seed=42)
    assert len(rows) - 1 == len(r.node)
    assert sum(1 for x in rows[1:] if int(x[1]) >= 0) == r.placed


@pytest.mark.skipif(not HAS_MPL, reason="matplotlib not installed")
def test_plots_written(two_by_two):
    _, _, _, out = two_by_two
    for name in ("allocation-default.png", "fragmentation.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_arguments_runs_every_policy_once(capsys):
    assert main(["replay"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("WORKLOAD"))
    table = lines[start + 1:start + 1 + len(POLICIES)]
    assert [ln.split()[1] for ln in table] == list(POLICIES)
    assert all(ln.split()[2] == "42" for ln in table)
    assert len([ln for ln in err.splitlines() if ln.startswith("[")]) == len(POLICIES)


def test_comma_separated_policies_and_no_plots_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["replay", "--policy", "Random,GpuPacking", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "plots skipped" in err
    assert not list(tmp_path.glob("*.png"))
    body = read_csv(tmp_path / "summary.csv")[1:]
    assert [r[1] for r in body[::131]] == ["Random", "GpuPacking"]


def test_parquet_format(tmp_path, capsys):
    assert main(["replay", "--policy", "BestFit", "--out", str(tmp_path), "--format", "parquet"]) == 0
    _, err = capsys.readouterr()
    if parquet_available():
        assert (tmp_path / "pods" / "default" / "BestFit-seed42.parquet").exists()
    else:
        assert "writing the per-pod series as CSV" in err
        assert (tmp_path / "pods" / "default" / "BestFit-seed42.csv").exists()


@pytest.mark.parametrize("policy", ["fgd", "Kubernetes", "FGD,Best"])
def test_unknown_policy_lists_valid_names(policy, capsys):
    assert main(["replay", "--policy", policy]) == 2
    err = capsys.readouterr().err
    assert "unknown policy" in err
    assert all(p in err for p in POLICIES)


def test_unknown_workload_lists_valid_names(capsys):
    assert main(["replay", "--workload", "gpushare41", "--policy", "FGD"]) == 2
    err = capsys.readouterr().err
    assert "unknown workload 'gpushare41'" in err
    assert all(w in err for w in OPENB_WORKLOADS)


def test_other_trace_is_an_error(capsys):
    assert main(["replay", "--trace", "alibaba2018", "--policy", "FGD"]) == 2
    assert "only openb" in capsys.readouterr().err


@pytest.mark.parametrize("seeds", ["x", "44-42", ",", "-1"])
def test_bad_seeds(seeds, capsys):
    assert main(["replay", "--policy", "FGD", "--seeds", seeds]) == 2
    assert "--seeds" in capsys.readouterr().err


@pytest.mark.parametrize("ratio", ["0", "-1", "nan", "inf"])
def test_bad_ratio(ratio, capsys):
    assert main(["replay", "--policy", "FGD", "--ratio", ratio]) == 2
    assert "--ratio" in capsys.readouterr().err


@pytest.mark.parametrize("text,want", [
    ("42", [42]), ("42-51", list(range(42, 52))), ("42,43", [42, 43]), ("1-3,7", [1, 2, 3, 7]),
    (" 5 , 5 ", [5]), ("0", [0]),
])
def test_parse_seeds(text, want):
    assert parse_seeds(text) == want


def test_ratio_changes_the_workload(capsys):
    assert main(["replay", "--policy", "BestFit", "--ratio", "0.5"]) == 0
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if ln.startswith("default "))
    placed, pods = row.split()[5].split("/")
    # at half the capacity every pod fits and the curve never reaches arrived 100%
    assert placed == pods and row.split()[3] == "nan"


def _variant_found(name):
    try:
        find_openb_pod_list(name)
        return True
    except TraceFileNotFound:
        return False


@pytest.mark.skipif(not _variant_found("gpushare40"), reason="openb gpushare40 pod list not available")
def test_variant_workload(tmp_path, capsys):
    assert main(["replay", "--workload", "default,gpushare40", "--policy", "FGD", "--out", str(tmp_path)]) == 0
    body = read_csv(tmp_path / "summary.csv")[1:]
    assert len(body) == 2 * 131 and [r[0] for r in body[::131]] == ["default", "gpushare40"]
    out = capsys.readouterr().out
    assert any(ln.startswith("gpushare40 ") and " FGD " in ln for ln in out.splitlines())
    if HAS_MPL:
        assert (tmp_path / "allocation-gpushare40.png").exists()


def test_missing_variant_is_a_clear_error(monkeypatch, capsys):
    import kschedule.traces.paths as paths
    monkeypatch.setattr(paths, "SHARED_OPENB", paths.SHARED_OPENB / "does-not-exist")
    monkeypatch.setenv("KSCHEDULE_TRACES", "")
    assert main(["replay", "--workload", "cpu050", "--policy", "FGD"]) == 2
    err = capsys.readouterr().err
    assert "openb_pod_list_cpu050.csv" in err and "KSCHEDULE_TRACES" in err


def test_timeline_without_engine(monkeypatch, capsys):
    if importlib.util.find_spec("kschedule.sim") is not None:
        monkeypatch.setitem(sys.modules, "kschedule.sim", None)  # as if the engine were not built
    assert main(["replay", "--mode", "timeline", "--policy", "FGD"]) == 2
    err = capsys.readouterr().err
    assert "kschedule.sim" in err and "--mode paper" in err


class _FakeTimeline:
    def __init__(self, seed):
        self.columns = {"time_s": np.array([0.0, 1.0, 2.0]), "gpu_allocation_pct": np.array([0.0, 10.0, 20.0 + seed]),
                        "pending_pods": np.array([3, 1, 0])}

    def summary(self):
        return {"final_gpu_allocation_pct": float(self.columns["gpu_allocation_pct"][-1]), "pending_pods": 0}


def test_timeline_with_engine(monkeypatch, tmp_path, capsys):
    calls = []
    fake = types.ModuleType("kschedule.sim")

    def timeline_replay(nodes, pods, policy, seed):
        calls.append((len(nodes), len(pods), policy, seed))
        return _FakeTimeline(seed)

    fake.timeline_replay = timeline_replay
    monkeypatch.setitem(sys.modules, "kschedule.sim", fake)
    assert main(["replay", "--mode", "timeline", "--policy", "FGD", "--seeds", "1,2", "--out", str(tmp_path)]) == 0
    assert calls == [(1213, 8152, "FGD", 1), (1213, 8152, "FGD", 2)]
    out = capsys.readouterr().out
    assert "FINAL_GPU_ALLOCATION_PCT" in out and "22.00" in out
    rows = read_csv(tmp_path / "timeline_summary.csv")
    assert rows == [["workload", "policy", "seed", "final_gpu_allocation_pct", "pending_pods"],
                    ["default", "FGD", "1", "21.0", "0"], ["default", "FGD", "2", "22.0", "0"]]
    series = read_csv(tmp_path / "timeline" / "default" / "FGD-seed2.csv")
    assert series[0] == ["time_s", "gpu_allocation_pct", "pending_pods"] and series[3] == ["2.0", "22.0", "0"]
