"""csrc/equiv_groups.cpp (``_core.grouped_classes``) against kschedule/framework/equivalence.py, the
reference: the same classes, numbered the same way, whenever the groups decide them; None only when a
pod differs from its group or two different key rows share a row hash."""
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from kschedule import _core
from kschedule.framework.equivalence import equivalence_classes, row_hash


@st.composite
def batches(draw):
    n = draw(st.integers(0, 80))
    R = draw(st.integers(1, 9))  # 4..8 take the unrolled copies, the others the generic loop
    G = draw(st.integers(1, 10))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    group = rng.integers(0, G, n).astype(np.int32)
    t_cls = rng.integers(0, 3, G).astype(np.int32)
    t_req = rng.integers(0, 3, (R, G)) * 1000
    t_nz = rng.integers(0, 3, (2, G))
    cls, req, nz = t_cls[group], t_req[:, group], t_nz[:, group]
    if n and draw(st.booleans()):  # a pod unlike its group
        k = int(rng.integers(0, n))
        which = draw(st.integers(0, 2))
        if which == 0:
            cls[k] += 1
        elif which == 1:
            req[int(rng.integers(0, R)), k] += 1
        else:
            nz[int(rng.integers(0, 2)), k] += 1
    layout = draw(st.sampled_from(["contiguous", "wide rows", "by pod"]))
    return group, cls, req, nz, layout


def laid_out(a: np.ndarray, layout: str) -> np.ndarray:
    if layout == "wide rows":  # rows of a wider table, as the pod table's columns are viewed
        wide = np.full((a.shape[0] + 1, a.shape[1] + 7), -5, np.int64)
        wide[:-1, 3:3 + a.shape[1]] = a
        return wide[:-1, 3:3 + a.shape[1]]
    if layout == "by pod":  # what fancy indexing returns: the pod axis outermost in memory
        return np.asfortranarray(a)
    return np.ascontiguousarray(a)


@settings(max_examples=300, deadline=None)
@given(batches())
def test_grouped_classes_equal_the_reference(batch):
    group, cls, req, nz, layout = batch
    got = _core.grouped_classes(laid_out(req, layout), laid_out(nz, layout), cls, group)
    ref = equivalence_classes([cls, *req, *nz], group if len(group) else None)
    alike = all(np.array_equal(col, col[np.unique(group, return_index=True)[1]][np.unique(group, return_inverse=True)[1]])
                for col in [cls, *req, *nz]) if len(group) else True
    if alike:
        assert got is not None
        assert np.array_equal(got, ref)
    else:
        assert got is None


def test_two_rows_with_one_hash_are_left_to_the_reference():
    # Rows (0, a, 0, 0) and (0, b, x, 0) collide when x cancels the state after the first two columns:
    # row_hash(state ^ v) only sees state ^ v, so choose x = h_a ^ h_b (the states after column 2).
    def state(vals):
        return int(row_hash([np.array([v], np.int64) for v in vals])[0])
    a, b = 1000, 2000
    x = np.int64(np.uint64(state([0, a]) ^ state([0, b])).view(np.int64))
    cls = np.zeros(4, np.int32)
    req = np.array([[a, a, b, b], [0, 0, x, x]], np.int64)
    nz = np.zeros((2, 4), np.int64)
    rows = [cls, *req, *nz]
    h = row_hash(rows)
    assert h[0] == h[2] and not np.array_equal(req[:, 0], req[:, 2])  # a real collision
    group = np.array([0, 0, 1, 1], np.int32)
    assert _core.grouped_classes(req, nz, cls, group) is None
    assert np.array_equal(equivalence_classes(rows, group), [0, 0, 1, 1]) or \
        np.array_equal(equivalence_classes(rows, group), [1, 1, 0, 0])


def test_no_shared_class_gives_an_empty_array():
    cls = np.array([0, 1, 2], np.int32)
    req = np.zeros((4, 3), np.int64)
    nz = np.zeros((2, 3), np.int64)
    out = _core.grouped_classes(req, nz, cls, np.array([0, 1, 2], np.int32))
    assert out is not None and len(out) == 0


@pytest.mark.parametrize("bad", ["dtype", "shape", "groups", "negative"])
def test_bad_input(bad):
    cls = np.zeros(3, np.int32)
    req = np.zeros((4, 3), np.int64)
    nz = np.zeros((2, 3), np.int64)
    group = np.zeros(3, np.int32)
    if bad == "dtype":
        with pytest.raises(ValueError):
            _core.grouped_classes(req.astype(np.int32), nz, cls, group)
    elif bad == "shape":
        with pytest.raises(ValueError):
            _core.grouped_classes(req[:, :2], nz, cls, group)
    elif bad == "groups":
        with pytest.raises(ValueError):
            _core.grouped_classes(req, nz, cls, group.astype(np.int64))
    else:
        assert _core.grouped_classes(req, nz, cls, np.array([0, -1, 0], np.int32)) is None


def test_arrays_with_equal_but_distinct_dtype_objects_are_accepted():
    # Unpickled arrays carry their own dtype instances (not numpy's canonical int64 / int32 objects).
    import pickle
    cls = np.zeros(4, np.int32)
    req = np.array([[1, 1, 2, 2]] * 4, np.int64)
    nz = np.zeros((2, 4), np.int64)
    group = np.array([0, 0, 1, 1], np.int32)
    req2, nz2, group2 = pickle.loads(pickle.dumps((req, nz, group)))
    out = _core.grouped_classes(req2, nz2, cls, group2)
    assert np.array_equal(out, equivalence_classes([cls, *req, *nz], group))


@settings(deadline=None)
@given(st.lists(st.integers(-5, 5), max_size=12), st.one_of(st.integers(0, 900), st.integers(-10**12, 10**12)))
def test_ascending_by_one_and_row_selector(steps, start):
    from kschedule.scheduler import _row_selector
    rows = np.array(np.cumsum([start] + steps), np.int64)
    want = all(d == 1 for d in steps)
    assert _core.ascending_by_one(rows) == want
    sel = _row_selector(rows)
    assert isinstance(sel, slice) == want
    if want and 0 <= rows.min() and rows.max() < 1000:
        table = np.arange(1000) * 3  # the selector picks the same elements
        assert np.array_equal(table[sel], table[rows])


@settings(max_examples=200)
@given(st.integers(1, 40), st.lists(st.integers(0, 39), max_size=300), st.booleans())
def test_factorize_equals_numpy_unique(bound, raw, runs):
    # The spec ids of a batch's pods (kschedule/scheduler.py _plan): any order, or in runs of replicas.
    values = np.array(sorted(raw) if runs else raw, np.int64) % bound
    uniq, first, inv = _core.factorize(values, bound)
    u, f, i = np.unique(values, return_index=True, return_inverse=True)
    assert np.array_equal(uniq, u) and np.array_equal(first, f) and np.array_equal(inv, i.reshape(-1))
    assert uniq.dtype == first.dtype == inv.dtype == np.int64


def test_factorize_rejects_values_out_of_range_and_wrong_arrays():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        _core.factorize(np.array([0, 3], np.int64), 3)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        _core.factorize(np.array([-1], np.int64), 3)
    with pytest.raises(TypeError):
        _core.factorize(np.array([0, 1], np.int32), 3)  # int64 only: no silent conversion
    uniq, first, inv = _core.factorize(np.zeros(0, np.int64), 5)
    assert len(uniq) == len(first) == len(inv) == 0
