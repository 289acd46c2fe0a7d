"""openb loaders on the shipped files (traces/openb/, kschedule/traces/data/openb/) and on bad rows.

Expected numbers: /work/shared/traces/alibaba-gpu-v2023-openb/README.md (computed from the origin CSVs)
and the FGD paper (1213 GPU nodes, 6212 GPUs; default list requests 6086.8 GPUs).
"""
import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

import kschedule.traces as tr
from kschedule.errors import InvalidObject

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SHIPPED = REPO / "traces" / "openb"
POD_HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time"
GOOD = "openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0"


def test_gpu_node_list_shape():
    n = tr.load_openb_nodes()
    assert len(n) == 1213
    assert int(n.gpu_count.sum()) == 6212
    assert int(n.cpu_milli.sum()) == 107_018_000
    assert int(n.memory_bytes.sum()) == 503_828_480 * 2**20
    assert n.cpu_milli.dtype == np.int64 and n.memory_bytes.dtype == np.int64 and n.gpu_count.dtype == np.int32
    models, counts = np.unique(np.array(n.gpu_model), return_counts=True)
    assert dict(zip(models.tolist(), counts.tolist())) == {
        "G2": 549, "T4": 404, "P100": 134, "G3": 39, "V100M16": 55, "V100M32": 30, "A10": 2}
    per_model = {m: int(n.gpu_count[np.array(n.gpu_model) == m].sum()) for m in models.tolist()}
    assert per_model == {"G2": 4392, "T4": 842, "P100": 265, "G3": 312, "V100M16": 195, "V100M32": 204, "A10": 2}
    assert n.name[0] == "openb-node-0000" and n.gpu_model[0] == "P100" and n.cpu_milli[0] == 64000


def test_all_node_list_has_cpu_only_nodes():
    n = tr.load_openb_nodes(which="all")
    assert len(n) == 1523
    assert int((n.gpu_count == 0).sum()) == 310
    assert all(m == "" for m, g in zip(n.gpu_model, n.gpu_count) if g == 0)
    assert int(n.gpu_count.sum()) == 6212


def test_default_pod_list_facts():
    p = tr.load_openb_pods()
    assert len(p) == 8152
    assert p.total_gpu_milli() == 6_086_800  # 6086.8 GPUs
    assert dict(zip(*np.unique(p.num_gpu, return_counts=True))) == {0: 1088, 1: 6989, 2: 16, 4: 15, 8: 44}
    share = (p.num_gpu == 1) & (p.gpu_milli < 1000)
    assert int(share.sum()) == 3078
    assert {q: p.qos.count(q) for q in set(p.qos)} == {"LS": 4647, "BE": 3398, "Burstable": 100, "Guaranteed": 7}
    assert {q: p.phase.count(q) for q in set(p.phase)} == {"Running": 5193, "Failed": 1870, "Pending": 897,
                                                            "Succeeded": 192}
    pending = np.array([ph == "Pending" for ph in p.phase])
    assert np.isnan(p.scheduled_time).sum() == 897
    assert np.array_equal(np.isnan(p.scheduled_time), pending)
    assert p.creation_time.max() == 12_901_761 and p.deletion_time.max() == 12_902_960
    assert all(s == () for s in p.gpu_spec)
    assert p.name[1] == "openb-pod-0001" and p.gpu_milli[1] == 460 and p.memory_bytes[1] == 12288 * 2**20
    assert p.skipped == []
    assert p.cpu_milli.dtype == np.int64 and p.gpu_milli.dtype == np.int32 and p.creation_time.dtype == np.float64


def test_packaged_copies_match_repo_copies():
    for name in ("openb_node_list_gpu_node.csv", "openb_node_list_all_node.csv", "openb_pod_list_default.csv"):
        packaged = REPO / "kschedule" / "traces" / "data" / "openb" / (name + ".gz")
        with gzip.open(packaged, "rb") as fh:
            assert hashlib.sha256(fh.read()).digest() == hashlib.sha256((SHIPPED / name).read_bytes()).digest()
        # The installed package's copy (site-packages after `pip install .`, the checkout when editable).
        installed = Path(tr.__file__).parent / "data" / "openb" / (name + ".gz")
        assert tr.bundled_path(name) == installed and installed.read_bytes() == packaged.read_bytes()
    a = tr.load_openb_pods(SHIPPED / "openb_pod_list_default.csv")
    b = tr.load_openb_pods()
    assert a.name == b.name and np.array_equal(a.cpu_milli, b.cpu_milli)
    assert np.array_equal(a.scheduled_time, b.scheduled_time, equal_nan=True)


def test_workload_names_are_file_stems():
    assert len(tr.OPENB_WORKLOADS) == 24 and tr.OPENB_WORKLOADS[0] == "default"
    assert {"cpu050", "gpushare40", "multigpu20", "gpuspec33", "cpu0"} <= set(tr.OPENB_WORKLOADS)
    assert tr.load_openb_pods("default").total_gpu_milli() == 6_086_800
    with pytest.raises(InvalidObject, match="unknown workload"):
        tr.load_openb_pods(workload="gpushare41")


def test_variant_found_through_env(monkeypatch, tmp_path):
    # A variant file in $KSCHEDULE_TRACES (the 5-column multigpu format, gzip).
    (tmp_path / "openb_pod_list_multigpu20.csv.gz").write_bytes(
        (DATA / "openb" / "openb_pod_list_multigpu20_head.csv.gz").read_bytes())
    monkeypatch.setenv("KSCHEDULE_TRACES", str(tmp_path))
    p = tr.load_openb_pods(workload="multigpu20")
    assert len(p) == 5
    assert p.num_gpu.tolist() == [1, 1, 1, 8, 8] and p.gpu_milli.tolist() == [1000, 460, 1000, 1000, 1000]
    assert p.total_gpu_milli() == 18_460
    assert p.qos == [""] * 5 and p.phase == [""] * 5 and p.gpu_spec == [()] * 5
    assert np.isnan(p.creation_time).all() and np.isnan(p.deletion_time).all()


def test_missing_variant_error_says_where(monkeypatch, tmp_path):
    from kschedule.traces import paths
    monkeypatch.setenv("KSCHEDULE_TRACES", str(tmp_path))
    monkeypatch.setattr(paths, "SHARED_OPENB", tmp_path / "nowhere")
    with pytest.raises(tr.TraceFileNotFound) as ei:
        tr.load_openb_pods(workload="gpushare40")
    msg = str(ei.value)
    assert "openb_pod_list_gpushare40.csv" in msg and "KSCHEDULE_TRACES" in msg and "alibaba/clusterdata" in msg
    assert isinstance(ei.value, FileNotFoundError)


def test_gpu_spec_split_and_deduplicated():
    p = tr.load_openb_pods(DATA / "openb" / "openb_pod_list_gpuspec33_head.csv")
    assert p.gpu_spec == [("V100M16", "V100M32"), ("T4",)]
    assert np.isnan(p.scheduled_time[0]) and p.scheduled_time[1] == 6595531
    assert p.qos == ["BE", "LS"] and p.phase == ["Pending", "Running"]


def test_to_pandas_and_take():
    pd = pytest.importorskip("pandas")
    p = tr.load_openb_pods()
    df = p.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 8152
    assert int(df["gpu_milli"].mul(df["num_gpu"]).sum()) == 6_086_800
    sub = p.take([1, 1, 8151])
    assert sub.name == ["openb-pod-0001", "openb-pod-0001", p.name[8151]]
    assert sub.gpu_milli.tolist() == [460, 460, p.gpu_milli[8151]]
    mask = p.num_gpu == 8
    assert len(p.take(mask)) == 44 and (p.take(mask).num_gpu == 8).all()
    assert len(tr.load_openb_nodes().to_pandas()) == 1213


def _write(tmp_path, rows, header=POD_HEADER, gz=False):
    text = header + "\n" + "\n".join(rows) + "\n"
    if gz:
        path = tmp_path / "pods.csv.gz"
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path = tmp_path / "pods.csv"
        path.write_text(text)
    return path


BAD_ROWS = [
    # (bad row, column named in the error, words in the message)
    ("openb-pod-0001,12x00,16384,1,1000,,LS,Running,0,10,0", "cpu_milli", "not an integer"),
    ("openb-pod-0001,-5,16384,1,1000,,LS,Running,0,10,0", "cpu_milli", "out of range"),
    ("openb-pod-0001,1000,-1,1,1000,,LS,Running,0,10,0", "memory_mib", "out of range"),
    ("openb-pod-0001,1000,1024,1,1500,,LS,Running,0,10,0", "gpu_milli", "out of range"),
    ("openb-pod-0001,1000,1024,3,1000,,LS,Running,0,10,0", "num_gpu", "not one of"),
    ("openb-pod-0001,1000,1024,2,500,,LS,Running,0,10,0", "gpu_milli", "fractional"),
    ("openb-pod-0001,1000,1024,0,500,,LS,Running,0,10,0", "gpu_milli", "needs a GPU"),
    ("openb-pod-0001,1000,1024,1,0,,LS,Running,0,10,0", "gpu_milli", "needs a share"),
    ("openb-pod-0001,1000,1024,1,1000,,XX,Running,0,10,0", "qos", "unknown value 'XX'"),
    ("openb-pod-0001,1000,1024,1,1000,,LS,Sleeping,0,10,0", "pod_phase", "unknown value"),
    ("openb-pod-0001,1000,1024,1,1000,T4||P100,LS,Running,0,10,0", "gpu_spec", "empty GPU model"),
    ("openb-pod-0001,1000,1024,1,1000,,LS,Running,,10,0", "creation_time", "not a number"),
    ("openb-pod-0001,1000,1024,1,1000,,LS,Running,20,10,20", "deletion_time", "before creation_time"),
    ("openb-pod-0001,1000,1024,1,1000,,LS,Running,0,nan,0", "deletion_time", "not a finite number"),
    ("openb-pod-0000,1000,1024,1,1000,,LS,Running,0,10,0", "name", "duplicate"),
    (",1000,1024,1,1000,,LS,Running,0,10,0", "name", "empty name"),
]


@pytest.mark.parametrize("row,column,words", BAD_ROWS)
@pytest.mark.parametrize("gz", [False, True])
def test_bad_pod_row_names_file_line_column(tmp_path, row, column, words, gz):
    path = _write(tmp_path, [GOOD, row, GOOD.replace("0000", "0002")], gz=gz)
    with pytest.raises(InvalidObject) as ei:
        tr.load_openb_pods(path)
    e = ei.value
    assert e.kind == "trace row"
    assert e.name == f"{path}:3"  # header is line 1, the bad row line 3
    assert e.field == column
    assert words in e.message
    assert isinstance(e, ValueError)


def test_wrong_field_count_and_header(tmp_path):
    path = _write(tmp_path, [GOOD, GOOD.replace("0000", "0001") + ",extra"])
    with pytest.raises(InvalidObject, match=r"pods.csv:3: expected 11 fields, got 12"):
        tr.load_openb_pods(path)
    path = _write(tmp_path, [GOOD, ""])
    with pytest.raises(InvalidObject, match=r"pods.csv:3: expected 11 fields, got 0"):
        tr.load_openb_pods(path)
    path = _write(tmp_path, [GOOD], header=POD_HEADER.replace("qos", "q"))
    with pytest.raises(InvalidObject, match=r"pods.csv:1: unexpected header"):
        tr.load_openb_pods(path)


def test_bad_node_rows(tmp_path):
    header = "sn,cpu_milli,memory_mib,gpu,model"
    cases = [("n2,64000,262144,2,", "model", "no GPU model"),
             ("n2,64000,262144,0,T4", "model", "no GPU but"),
             ("n2,64000.5,262144,2,T4", "cpu_milli", "not an integer"),
             ("n2,64000,262144,-2,T4", "gpu", "out of range")]
    for row, col, words in cases:
        path = tmp_path / "nodes.csv"
        path.write_text(f"{header}\nn1,32000,1024,0,\n{row}\n")
        with pytest.raises(InvalidObject) as ei:
            tr.load_openb_nodes(path)
        assert (ei.value.name, ei.value.field) == (f"{path}:3", col) and words in ei.value.message


def test_nothing_returned_on_error_and_first_bad_row_reported(tmp_path):
    rows = [GOOD] + [f"openb-pod-{i:04d},1000,1024,1,1000,,LS,Running,0,10,0" for i in range(1, 50)]
    rows[30] = rows[30].replace(",1000,,", ",2000,,")
    rows[40] = rows[40].replace("1000,1024", "x,1024")
    path = _write(tmp_path, rows)
    result = None
    with pytest.raises(InvalidObject) as ei:
        result = tr.load_openb_pods(path)
    assert result is None
    # Columns are checked in schema order: cpu_milli (row 41 → line 42) before gpu_milli.
    assert ei.value.name.endswith(":42") and ei.value.field == "cpu_milli"


def test_load_openb_trace_bundle():
    t = tr.load_openb()
    assert t.name == "openb/default" and len(t.nodes) == 1213 and len(t.pods) == 8152
