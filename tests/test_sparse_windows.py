"""Windows of pods whose static filters pass few nodes (csrc/dense.cpp DenseBatch::sparse_window: the
walk visits only those nodes) against the generic loop: same placements, FailedScheduling messages,
node columns and generator state, bit for bit. The clusters have a label few nodes carry, so a
nodeSelector on it leaves 1-25% of the nodes; windows wrap, stop at numFeasibleNodesToFind or run
out of nodes, and the nodes fill up."""
import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings

import kschedule as ks
from kschedule.framework.profile import Profile


def workload(seed, n_nodes, share, n_pods, replicas):
    rng = np.random.default_rng(seed)
    nodes = []
    for i in range(n_nodes):
        labels = {"pool": "rare" if rng.random() < share else "common"}
        taints = [{"key": "spot", "value": "1", "effect": "PreferNoSchedule"}] if rng.random() < 0.2 else []
        nodes.append({"kind": "Node", "metadata": {"name": f"n{i:03d}", "labels": labels}, "spec": {"taints": taints},
                      "status": {"allocatable": {"cpu": f"{int(rng.integers(1, 9)) * 500}m",
                                                 "memory": f"{int(rng.integers(1, 17))}Gi",
                                                 "pods": str(int(rng.integers(1, 9)))}}})
    pending = []
    for k in range(n_pods):
        j = k % 7 if replicas else k  # replicas: seven templates
        spec = {"containers": [{"name": "c", "resources": {"requests": {
            "cpu": f"{100 + (j * 37) % 900}m", "memory": f"{128 + (j * 53) % 1500}Mi"}}}]}
        if j % 3 != 2:
            spec["nodeSelector"] = {"pool": "rare"}
        pending.append({"kind": "Pod", "metadata": {"name": f"p{k:04d}"}, "spec": spec})
    return nodes, pending


def run(nodes, pending, seed, percentage, dense):
    cluster = ks.Cluster.from_objects(nodes=nodes)
    s = ks.Scheduler(cluster, Profile.default(), seed=seed, percentage_of_nodes_to_score=percentage,
                     dense_path=dense, equivalence_cache=dense)
    out = [(r.node, r.message) for r in s.schedule(pending)]
    return out, cluster.nodes._requested.copy(), (s.start_index, s.rng_state), s.last_batch_dense


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(100, 1500), st.sampled_from([0.01, 0.05, 0.12, 0.24]),
       st.integers(20, 400), st.booleans(), st.sampled_from([None, 5, 30, 100]), st.integers(0, 2**63))
def test_sparse_windows_equal_the_generic_loop(wseed, n_nodes, share, n_pods, replicas, percentage, seed):
    nodes, pending = workload(wseed, n_nodes, share, n_pods, replicas)
    dense = run(nodes, pending, seed, percentage, True)
    generic = run(nodes, pending, seed, percentage, False)
    assert dense[3] and not generic[3]
    assert dense[0] == generic[0]
    assert np.array_equal(dense[1], generic[1])
    assert dense[2] == generic[2]


def test_sparse_windows_fill_the_rare_nodes():
    nodes, pending = workload(3, 500, 0.05, 600, False)
    dense = run(nodes, pending, 9, None, True)
    assert dense[0] == run(nodes, pending, 9, None, False)[0]
    rare_failures = [m for (node, m), p in zip(dense[0], pending) if node is None and "nodeSelector" in p["spec"]]
    assert rare_failures and all(m.startswith("0/500 nodes are available") for m in rare_failures)


def test_sparse_windows_that_stop_at_the_nodes_to_find():
    # 1,500 nodes, ~20% rare, 5%: windows stop at the 100th feasible rare node, inside the ring, so
    # the next start index depends on where they stop.
    nodes, pending = workload(8, 1500, 0.2, 300, False)
    dense = run(nodes, pending, 4, 5, True)
    generic = run(nodes, pending, 4, 5, False)
    assert dense[0] == generic[0] and dense[2] == generic[2]
    assert dense[2][0] not in (0, 1500)
