"""FailedScheduling message (kschedule.framework.messages) vs upstream FitError.Error()."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from kschedule.framework.messages import failed_scheduling_message, reasons_histogram
from kschedule.framework.status import Status
from kschedule.plugins.cases import node_cases as C


def statuses(raw):
    return {n: Status(s["code"], "", tuple(s["reasons"])) for n, s in raw.items()}


# pkg/scheduler/framework/types_test.go: TestFitError_Error
@pytest.mark.parametrize("case", C.FIT_ERROR_CASES, ids=[c["name"] for c in C.FIT_ERROR_CASES])
def test_fit_error_upstream_table(case):
    got = failed_scheduling_message(case["num_nodes"], statuses(case["node_statuses"]), case["pre_filter_msg"],
                                    case["post_filter_msg"], absent_reasons=case["absent_reasons"])
    assert got == case["want"]


def test_absent_nodes_and_preemption_message():
    # A DaemonSet-style pod pinned by NodeAffinity matchFields (PreFilterResult = {n1}) on a full node,
    # with DefaultPreemption finding no victims: the shape of real FailedScheduling events.
    filt = {"n1": Status("Unschedulable", "NodeResourcesFit", ("Insufficient cpu",))}
    absent = ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]
    preemption = "preemption: " + failed_scheduling_message(
        4, {"n1": Status("Unschedulable", "DefaultPreemption", ("No preemption victims found for incoming pod",))},
        absent_reasons=["Preemption is not helpful for scheduling"])
    got = failed_scheduling_message(4, filt, post_filter_msg=preemption, absent_reasons=absent)
    assert got == ("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
                   "preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, "
                   "3 Preemption is not helpful for scheduling.")


def test_histogram_sorts_as_strings_and_counts_every_reason():
    st_ = {f"n{i}": Status("Unschedulable", "NodeResourcesFit", ("Insufficient cpu", "Insufficient memory"))
           for i in range(10)}
    st_["x"] = Status("UnschedulableAndUnresolvable", "TaintToleration", ("node(s) had untolerated taint(s)",))
    st_["y"] = Status("UnschedulableAndUnresolvable", "TaintToleration", ("node(s) had untolerated taint(s)",))
    assert failed_scheduling_message(12, st_) == (
        "0/12 nodes are available: 10 Insufficient cpu, 10 Insufficient memory, "
        "2 node(s) had untolerated taint(s).")


def test_no_reasons_gives_bare_prefix_and_prefilter_message_hides_node_reasons():
    assert failed_scheduling_message(0, {}) == "0/0 nodes are available:"
    st_ = {"a": Status("UnschedulableAndUnresolvable", "NodeAffinity", ("pod affinity terms conflict",))}
    assert failed_scheduling_message(1, st_, "pod affinity terms conflict") == \
        "0/1 nodes are available: pod affinity terms conflict."


@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4),
                       st.lists(st.sampled_from(["r1", "r2", "Insufficient cpu", "é"]), min_size=1, max_size=3),
                       max_size=12))
def test_histogram_counts_sum_to_reason_occurrences(raw):
    sts = {n: Status("Unschedulable", "P", tuple(rs)) for n, rs in raw.items()}
    entries = reasons_histogram(sts, len(sts))
    assert entries == sorted(entries)
    assert sum(int(e.split(" ", 1)[0]) for e in entries) == sum(len(rs) for rs in raw.values())
    # Go sort.Strings compares UTF-8 bytes; Python's str order is the same order.
    assert entries == sorted(entries, key=lambda e: e.encode())
