"""Loaders for PAI 2020, DLRM 2025, spot 2026 (heads of the real files), Alibaba v2018 and Google 2011
(fixture rows written in the published schemas: alibaba/clusterdata cluster-trace-v2018/schema.txt and
the Google clusterdata-2011-2 format + schema document), and kubectl snapshots."""
import math
from pathlib import Path

import numpy as np
import pytest

import kschedule.traces as tr
from kschedule.errors import InvalidObject

DATA = Path(__file__).resolve().parent / "data"
GIB = 2**30


def test_pai_machines():
    n = tr.load_pai_machines(DATA / "pai" / "pai_machine_spec_head.csv")
    assert len(n) == 9
    assert n.gpu_model == [""] * 6 + ["T4", "T4", "MISC"]
    assert n.gpu_count.tolist() == [0] * 6 + [2, 2, 8]
    assert (n.cpu_milli == 96_000).all() and (n.memory_bytes == 512 * GIB).all()
    assert n.name[0] == "7399a758eb02bae1a3621236"


def test_pai_bad_rows(tmp_path):
    for row, col in [("x,T4,96,512,0", "cap_gpu"), ("x,CPU,96,512,2", "cap_gpu"), ("x,T4,ninety,512,2", "cap_cpu"),
                     ("x,T4,96,512", "")]:
        p = tmp_path / "pai.csv"
        p.write_text("a,CPU,96,512,0\n" + row + "\n")
        with pytest.raises(InvalidObject) as ei:
            tr.load_pai_machines(p)
        assert ei.value.name == f"{p}:2" and ei.value.field == col


def test_dlrm_instances():
    p = tr.load_dlrm(DATA / "dlrm" / "dlrm_head.csv")
    assert len(p) == 6
    assert p.cpu_milli.tolist() == [12000, 12000, 12000, 64000, 96000, 192000]
    assert p.memory_bytes.tolist() == [120 * GIB] * 3 + [320 * GIB, 480 * GIB, int(937.5 * GIB)]
    assert p.num_gpu.tolist() == [1, 1, 1, 0, 0, 0] and p.gpu_milli.tolist() == [1000, 1000, 1000, 0, 0, 0]
    assert p.qos == ["Guaranteed"] * 6 and p.phase == [""] * 6
    assert np.isnan(p.creation_time[:3]).all() and np.isnan(p.deletion_time[:3]).all()
    assert p.creation_time[3] == 610.0 and p.scheduled_time[3] == 683.0 and p.deletion_time[3] == 91730.0
    assert p.extra["app"].tolist() == ["app_0"] * 3 + ["app_88", "app_46", "app_42"]
    assert p.extra["role"].tolist() == ["HN"] * 3 + ["CN"] * 3
    assert p.extra["max_instance_per_node"].tolist() == [8, 8, 8, -1, -1, -1]
    assert p.extra["rdma"].tolist() == [25, 25, 25, 1, 1, 51]
    assert p.extra["disk_bytes"].tolist() == [640 * GIB, 680 * GIB, 680 * GIB, 255 * GIB, 255 * GIB, 510 * GIB]
    assert p.extra["disk_limit_bytes"][0] == 800 * GIB


def test_dlrm_bad_rows(tmp_path):
    src = (DATA / "dlrm" / "dlrm_head.csv").read_text().splitlines()
    cases = [(src[1].replace(",25,25,", ",101,101,"), "rdma_request"),
             (src[1].replace("HN,", "XN,"), "role"),
             (src[1].replace(",12,12,", ",12,8,"), "cpu_limit"),
             (src[4].replace("91730.0", "600.0"), "deletion_time"),
             (src[1].replace(",8,,,", ",0,,,"), "max_instance_per_node")]
    for row, col in cases:
        p = tmp_path / "d.csv"
        p.write_text("\n".join([src[0], src[2], row]) + "\n")
        with pytest.raises(InvalidObject) as ei:
            tr.load_dlrm(p)
        assert ei.value.name == f"{p}:3" and ei.value.field == col, (row, ei.value)


def test_spot_nodes_have_no_memory():
    n = tr.load_spot_nodes(DATA / "spot" / "node_info_head.csv")
    assert len(n) == 7
    assert n.name == ["0", "1", "2", "3", "4", "27", "38"]
    assert n.gpu_count.tolist() == [4, 1, 1, 8, 1, 8, 8]
    assert n.cpu_milli.tolist() == [192000, 192000, 128000, 128000, 192000, 192000, 192000]
    assert (n.memory_bytes == 0).all()
    assert n.gpu_model[3] == "A100-SXM4-80GB"


def test_alibaba2018_machines():
    n = tr.load_alibaba2018_machines(DATA / "alibaba2018" / "machine_meta.csv", machine_memory_bytes=512 * GIB)
    assert n.name == ["m_1", "m_2", "m_3"]
    assert n.cpu_milli.tolist() == [96000, 96000, 64000]
    assert n.memory_bytes.tolist() == [512 * GIB, 256 * GIB, 128 * GIB]
    assert n.extra["status"].tolist() == ["USING", "WAITING", "USING"]
    assert n.extra["records"].tolist() == [2, 2, 1]
    assert n.extra["failure_domain_2"].tolist() == ["h", "b", "c"]
    with pytest.raises(InvalidObject, match="machine_memory_bytes"):
        tr.load_alibaba2018_machines(DATA / "alibaba2018" / "machine_meta.csv", machine_memory_bytes=0)


def test_alibaba2018_containers():
    p = tr.load_alibaba2018_containers(DATA / "alibaba2018" / "container_meta.csv", machine_memory_bytes=100 * GIB)
    assert p.name == ["c_1", "c_2", "c_3"]
    assert p.cpu_milli.tolist() == [4000, 8000, 500]  # 100 = 1 core
    assert p.memory_bytes.tolist() == [round(1.56 * GIB), round(3.13 * GIB), GIB // 2]
    assert p.creation_time.tolist() == [0.0, 0.0, 10.0]
    assert p.phase == ["started", "started", "allocated"]
    assert p.extra["app"].tolist() == ["app_5052", "app_5052", "app_42"]
    assert p.extra["cpu_limit_milli"].tolist() == [4000, 8000, 1000]
    assert p.extra["records"].tolist() == [2, 1, 1]


def test_alibaba2018_batch_tasks_expanded():
    p = tr.load_alibaba2018_batch(DATA / "alibaba2018" / "batch_task.csv", machine_memory_bytes=100 * GIB)
    assert p.name == ["j_1/M1/0", "j_1/M1/1", "j_1/R2_1/0", "j_1/R2_1/1", "j_1/R2_1/2", "j_2/M1/0"]
    assert p.cpu_milli.tolist() == [1000, 1000, 500, 500, 500, 2000]
    assert p.memory_bytes.tolist() == [round(0.3 * GIB)] * 2 + [GIB // 2] * 3 + [GIB]
    assert p.creation_time.tolist() == [157213.0] * 2 + [157300.0] * 3 + [157500.0]
    assert math.isnan(p.deletion_time[5]) and p.deletion_time[0] == 157295.0
    assert len(p.skipped) == 1 and p.skipped[0][0].endswith("batch_task.csv:4") and "plan_cpu" in p.skipped[0][1]


def test_alibaba2018_batch_instances():
    p = tr.load_alibaba2018_batch(DATA / "alibaba2018" / "batch_task.csv", DATA / "alibaba2018" / "batch_instance.csv",
                                  machine_memory_bytes=100 * GIB)
    assert p.name == ["j_1/M1/ins_1", "j_1/M1/ins_2", "j_1/R2_1/ins_3", "j_2/M1/ins_4"]
    assert p.cpu_milli.tolist() == [1000, 1000, 500, 2000]
    assert p.extra["machine_id"].tolist() == ["m_1", "m_2", "m_1", "m_3"]
    assert p.deletion_time[1] == 157295.0 and math.isnan(p.deletion_time[3])
    assert p.phase == ["Terminated", "Terminated", "Terminated", "Running"]
    assert [s[0].rsplit(":", 1)[1] for s in p.skipped] == ["4", "5"]


def test_alibaba2018_bad_rows(tmp_path):
    p = tmp_path / "container_meta.csv"
    p.write_text("c_1,m_1,0,app_1,started,400,400,1.5\nc_2,m_1,0,app_1,started,400,400,150\n")
    with pytest.raises(InvalidObject) as ei:
        tr.load_alibaba2018_containers(p, machine_memory_bytes=GIB)
    assert (ei.value.name, ei.value.field) == (f"{p}:2", "mem_size")
    inst = tmp_path / "batch_instance.csv"
    inst.write_text("ins_9,M9,j_9,1,Terminated,1,2,m_1,1,1,1,1,0.1,0.1\n")
    with pytest.raises(InvalidObject) as ei:
        tr.load_alibaba2018_batch(DATA / "alibaba2018" / "batch_task.csv", inst, machine_memory_bytes=GIB)
    assert (ei.value.name, ei.value.field) == (f"{inst}:1", "task_name") and "not in" in ei.value.message


def test_google2011_machines():
    n = tr.load_google2011_machines(DATA / "google2011" / "machine_events.csv", machine_cpu_cores=64,
                                    machine_memory_bytes=256 * GIB)
    assert n.name == ["5", "6", "7"]
    assert n.cpu_milli.tolist() == [32000, 32000, 64000]
    assert n.memory_bytes.tolist() == [round(0.4995 * 256 * GIB), round(0.2493 * 256 * GIB), 256 * GIB]
    assert n.extra["add_time"].tolist() == [0.0, 0.0, 0.0]
    assert math.isnan(n.extra["remove_time"][0]) and n.extra["remove_time"][2] == 835.150655
    assert len(n.skipped) == 1 and n.skipped[0][0].endswith("machine_events.csv:5") and "machine 8" in n.skipped[0][1]


@pytest.mark.parametrize("name", ["task_events.csv", "part-00000-of-00500.csv.gz"])
def test_google2011_tasks(name):
    p = tr.load_google2011_tasks(DATA / "google2011" / name, machine_cpu_cores=64, machine_memory_bytes=256 * GIB)
    assert p.name == ["3418309-0", "3418309-1", "6251812952-0", "6251812954-3"]
    assert p.cpu_milli.tolist() == [8000, 8000, 4000, 32000]
    assert p.memory_bytes.tolist() == [round(0.07446 * 256 * GIB), round(0.07446 * 256 * GIB),
                                       round(0.03198 * 256 * GIB), 64 * GIB]
    assert p.phase == ["Pending", "Pending", "Succeeded", "Failed"]
    assert p.creation_time[2] == 5611.824441 and p.scheduled_time[2] == 5611.8248
    assert p.deletion_time[2] == 5700.0
    assert math.isnan(p.deletion_time[3])  # killed "after the end of the trace window" (2**63-1)
    assert p.extra["priority"].tolist() == [9, 9, 0, 11]
    assert p.extra["machine_id"].tolist() == [4155527081, 329150663, 1000, 2000]
    assert p.extra["submits"].tolist() == [1, 1, 1, 1]
    assert len(p.skipped) == 1 and "6251812953-0" in p.skipped[0][1]


def test_google2011_bad_rows(tmp_path):
    good = "0,,1,0,,0,u,0,0,0.5,0.5,0.1,0"
    for row, col in [("0,,1,1,,9,u,0,0,0.5,0.5,0.1,0", "event_type"),
                     ("0,,1,1,,0,u,0,12,0.5,0.5,0.1,0", "priority"),
                     ("0,,1,1,,0,u,0,0,1.5,0.5,0.1,0", "cpu_request"),
                     ("-1,,1,1,,0,u,0,0,0.5,0.5,0.1,0", "time"),
                     ("0,,1,1,,0,u,7,0,0.5,0.5,0.1,0", "scheduling_class")]:
        p = tmp_path / "task_events.csv"
        p.write_text(good + "\n" + row + "\n")
        with pytest.raises(InvalidObject) as ei:
            tr.load_google2011_tasks(p, machine_cpu_cores=1, machine_memory_bytes=GIB)
        assert (ei.value.name, ei.value.field) == (f"{p}:2", col)
    with pytest.raises(InvalidObject, match="machine_cpu_cores"):
        tr.load_google2011_tasks(p, machine_cpu_cores=0, machine_memory_bytes=GIB)


def test_kubectl_snapshot():
    c = tr.load_kubectl_snapshot(DATA / "kubectl_snapshot.yaml")
    assert type(c).__name__ == "Cluster"
    assert list(c.nodes.index) == ["node-a"]
    assert len(c.pods.index) == 2


def test_kubectl_snapshot_bad_object_loads_nothing(tmp_path):
    text = (DATA / "kubectl_snapshot.yaml").read_text().replace("cpu: 500m", "cpu: 1.5.0")
    p = tmp_path / "snap.yaml"
    p.write_text(text)
    with pytest.raises(InvalidObject, match="web-1"):
        tr.load_kubectl_snapshot(p)
