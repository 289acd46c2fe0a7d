"""kschedule.framework.equivalence: the bucketed grouping gives the very array the sorted reference
gives (the kernel's cache slots are numbered by it), including when hashes collide or crowd into
few buckets."""
import numpy as np
import pytest

from kschedule.framework import equivalence as eq


def expected(columns):
    """Pure-Python statement of the contract: rows equal in every column share a class; classes of
    one row get -1; shared classes are numbered by ascending row hash (no collisions here)."""
    rows = list(zip(*[np.asarray(c).tolist() for c in columns]))
    h = eq.row_hash(columns).tolist()
    members = {}
    for i, row in enumerate(rows):
        members.setdefault(row, []).append(i)
    shared = sorted((h[m[0]], row) for row, m in members.items() if len(m) > 1)
    if not shared:
        return []
    out = [-1] * len(rows)
    for k, (_, row) in enumerate(shared):
        for i in members[row]:
            out[i] = k
    return out


def test_explicit_rows():
    cols = [np.array([0, 0, 1, 0, 1, 2]), np.array([5, 5, 5, 5, 5, 7]), np.array([1, 2, 1, 2, 1, 1])]
    got = eq.equivalence_classes(cols)
    assert got.dtype == np.int32
    assert got.tolist() == expected(cols)
    # rows 1 and 3 are (0, 5, 2); rows 2 and 4 are (1, 5, 1); rows 0 and 5 are alone.
    assert got[0] == got[5] == -1 and got[1] == got[3] >= 0 and got[2] == got[4] >= 0 and got[1] != got[2]


@pytest.mark.parametrize("columns", [[np.zeros(0, np.int64)], [np.array([3])], [np.arange(50), np.arange(50)]])
def test_nothing_shared_gives_an_empty_array(columns):
    assert eq.equivalence_classes(columns).tolist() == []
    assert eq.equivalence_classes_sorted(columns).tolist() == []


@pytest.mark.parametrize("seed", range(40))
def test_random_batches_match_the_sorted_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 3000))
    distinct = int(rng.integers(1, n + 1))  # from one repeated row to (nearly) all rows distinct
    pool = rng.integers(-3, 1 << 40, (distinct, int(rng.integers(1, 8))))
    key = pool[rng.integers(0, distinct, n)]
    columns = [np.asarray(rng.integers(0, 3, n), np.int32)] + list(key.T)  # int32 class id first, as the scheduler
    got = eq.equivalence_classes(columns)
    assert np.array_equal(got, eq.equivalence_classes_sorted(columns))
    assert got.tolist() == expected(columns)


@pytest.mark.parametrize("seed", range(20))
def test_colliding_hashes_group_rows_by_value(seed, monkeypatch):
    # A hash of 2 bits: different rows share hashes; both functions fall back to comparing rows.
    rng = np.random.default_rng(seed)
    real = eq.row_hash
    monkeypatch.setattr(eq, "row_hash", lambda cols: real(cols) & np.uint64(3))
    n = int(rng.integers(2, 200))
    columns = [rng.integers(0, 4, n), rng.integers(0, 3, n)]
    got = eq.equivalence_classes(columns)
    assert np.array_equal(got, eq.equivalence_classes_sorted(columns))
    rows = list(zip(*[c.tolist() for c in columns]))
    for i in range(n):
        for j in range(n):
            if rows[i] == rows[j] and rows.count(rows[i]) > 1:
                assert got[i] == got[j] >= 0
            elif rows[i] != rows[j] and got[i] >= 0:
                assert got[i] != got[j]


@pytest.mark.parametrize("seed", range(20))
def test_distinct_hashes_in_one_bucket(seed, monkeypatch):
    # Equal top bits: every row lands in bucket 0, whose rows are then sorted by hash.
    rng = np.random.default_rng(seed)
    real = eq.row_hash
    monkeypatch.setattr(eq, "row_hash", lambda cols: real(cols) >> np.uint64(20))
    n = int(rng.integers(2, 500))
    columns = [rng.integers(0, 6, n), rng.integers(0, 6, n)]
    got = eq.equivalence_classes(columns)
    assert np.array_equal(got, eq.equivalence_classes_sorted(columns))
    assert got.tolist() == expected(columns)


@pytest.mark.parametrize("seed", range(30))
def test_group_hint_never_changes_the_result(seed):
    """Rows equal within their group (the fast case), nearly so (one row differs), or not at all."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 2000))
    g = int(rng.integers(1, n + 1))
    groups = rng.integers(0, g, n) * 3  # sparse ids, as spec ids are
    pool = rng.integers(0, 4, (g * 3, 3))  # few values: groups often share rows
    key = pool[groups]
    cls = (groups % 2).astype(np.int32)
    if seed % 3 == 1:
        key[int(rng.integers(0, n))] += 1
    elif seed % 3 == 2:
        key = rng.integers(0, 3, (n, 3))
    columns = [cls, *key.T]
    got = eq.equivalence_classes(columns, groups)
    assert np.array_equal(got, eq.equivalence_classes_sorted(columns))
    assert np.array_equal(got, eq.equivalence_classes(columns))
    assert got.tolist() == expected(columns)


def test_group_hint_with_colliding_hashes(monkeypatch):
    real = eq.row_hash
    monkeypatch.setattr(eq, "row_hash", lambda cols: real(cols) & np.uint64(1))
    groups = np.array([0, 0, 1, 1, 2, 5, 5])
    columns = [np.array([1, 1, 2, 2, 3, 1, 1]), np.array([0, 0, 0, 0, 0, 9, 9])]
    got = eq.equivalence_classes(columns, groups)
    assert np.array_equal(got, eq.equivalence_classes_sorted(columns))
    assert got[0] == got[1] and got[2] == got[3] and got[5] == got[6] and got[4] == -1
    assert len({int(got[0]), int(got[2]), int(got[5])}) == 3
