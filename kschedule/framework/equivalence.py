"""Equivalence classes of a batch: pods with the same static class and the same requests.

The C++ batch kernel reuses its NodeResourcesFit / BalancedAllocation work across the pods of one
class (csrc/schedule.hpp ``pod_equiv``); a pod alone in its class gets -1, and the shared classes are
numbered 0.. so that the kernel allocates caches for them only. The numbering is an input of the
kernel, so both functions here give the same array: classes in ascending order of a 64-bit hash of
their key row, or, when two different rows share a hash, in the byte order of the rows.

:func:`equivalence_classes` finds the rows that share a hash in linear time (a bincount over hash
buckets), sorting only the few pods whose bucket holds several hash values;
:func:`equivalence_classes_sorted` sorts every hash (the reference, and the path taken on a collision).

The scheduler first asks ``_core.grouped_classes`` (csrc/equiv_groups.cpp): one C pass that gives this
module's numbering when the pods' owners decide the classes, and None (this module decides) otherwise;
tests/framework/test_equiv_groups.py holds the two to the same answers.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)
#: log2 of the hash buckets per row, at least: with 1 (2 to 4 buckets per row), between a fifth and
#: two fifths of a batch of distinct rows share their bucket with another hash value (those rows are
#: sorted), and the bucket tables stay small.
BUCKET_BITS_PER_ROW = 2


def row_hash(columns: list) -> np.ndarray:
    """A 64-bit hash per row of the int64 key columns (xor, multiply, xor-shift per column)."""
    n = len(columns[0])
    h = np.zeros(n, np.uint64)
    tmp = np.empty(n, np.uint64)
    for col in columns:
        np.bitwise_xor(h, np.ascontiguousarray(col, np.int64).view(np.uint64), out=h)
        np.multiply(h, _MULTIPLIER, out=h)  # wraps modulo 2**64, as intended
        np.right_shift(h, _SHIFT, out=tmp)
        np.bitwise_xor(h, tmp, out=h)
    return h


def _number_shared(counts: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    shared = counts[inverse] > 1
    if not shared.any():
        return np.zeros(0, np.int32)
    ids = np.full(len(counts), -1, np.int64)
    multi = np.nonzero(counts > 1)[0]
    ids[multi] = np.arange(len(multi))
    return ids[inverse].astype(np.int32)


def equivalence_classes_sorted(columns: list) -> np.ndarray:
    """Class per row of the key columns (-1: a row no other row equals); an empty array when no two
    rows are equal or there are fewer than two rows."""
    if len(columns[0]) < 2:
        return np.zeros(0, np.int32)
    key = np.ascontiguousarray(np.stack([np.asarray(c, np.int64) for c in columns], axis=1))
    h = row_hash(columns)
    _, first, inverse, counts = np.unique(h, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    if not (key == key[first[inverse]]).all():
        rows = key.view(np.dtype((np.void, key.shape[1] * key.itemsize))).reshape(-1)
        _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
    return _number_shared(counts, inverse)


def _by_group(columns: list, groups: np.ndarray) -> Optional[np.ndarray]:
    """equivalence_classes when every row equals a representative row of its group, else None."""
    groups = groups.astype(np.intp, copy=False)  # numpy indexes with intp fastest (int32 converts per use)
    n = len(groups)
    size = int(groups.max()) + 1
    rep = np.empty(size, np.intp)
    rep[groups] = np.arange(n)  # some row of each group
    varying = _varying(columns)
    if not _equal_rows(varying, None, rep[groups]):
        return None
    group_size = np.bincount(groups, minlength=size)
    present = np.flatnonzero(group_size)
    reps = rep[present]
    h = row_hash([np.asarray(col)[reps] for col in columns])
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if not _equal_rows(varying, reps, reps[first[inverse]]):
        return None  # two different rows share a hash: the general path sorts it out
    # _number_shared of the rows' classes, worked out per group: one gather over the rows at the end.
    rows_of_class = np.zeros(len(first), np.int64)
    np.add.at(rows_of_class, inverse, group_size[present])
    multi = rows_of_class > 1
    if not multi.any():
        return np.zeros(0, np.int32)
    ids = np.full(len(first), -1, np.int32)
    ids[multi] = np.arange(int(multi.sum()), dtype=np.int32)
    id_of_group = np.full(size, -1, np.int32)
    id_of_group[present] = ids[inverse]
    return id_of_group[groups]


def equivalence_classes(columns: list, groups: Optional[np.ndarray] = None) -> np.ndarray:
    """:func:`equivalence_classes_sorted`, the same array, mostly without sorting. ``groups``
    (non-negative ints per row, e.g. the pods' owner) is a hint: when every row equals the other rows
    of its group, one row per group is hashed. Otherwise rows are counted per hash bucket: a row alone
    in its bucket is alone in its class; the other ("crowded") rows are sorted by hash when they are
    few, else grouped by bucket, sorting only the buckets that hold several hash values."""
    n = len(columns[0])
    if n < 2:
        return np.zeros(0, np.int32)
    if groups is not None and groups.min() >= 0:
        out = _by_group(columns, groups)
        if out is not None:
            return out
    h = row_hash(columns)
    bucket, count = _buckets(h)
    rows = np.flatnonzero(count[bucket] > 1)
    if len(rows) == n:  # every row shares its bucket (batches of replicas): no gathers
        ids, ref = _by_bucket(h, bucket, count)
    elif 2 * len(rows) > n:
        ids, ref = _by_bucket(h[rows], bucket[rows], count)
    else:
        ids, ref = _sorted_among(h[rows])
    if ids is None:
        return np.zeros(0, np.int32)
    out = np.full(n, -1, np.int32)
    out[rows] = ids
    keep = np.flatnonzero(ids >= 0)  # rows (among ``rows``) in a shared class, and a row equal to each
    if not _equal_rows(_varying(columns), rows[keep], rows[ref[keep]]):
        return equivalence_classes_sorted(columns)  # two different rows share a hash
    return out


def _varying(columns: list) -> list:
    """The columns (as arrays) that are not constant: the others hold equal rows anyway."""
    return [c for c in map(np.asarray, columns) if c.min() != c.max()]


def _equal_rows(columns: list, rows: Optional[np.ndarray], ref: np.ndarray) -> bool:
    """Whether row ``rows[i]`` (``i`` itself when rows is None) equals row ``ref[i]`` in every column."""
    return all(np.array_equal(c if rows is None else c[rows], c[ref]) for c in columns)


def _buckets(h: np.ndarray) -> tuple:
    """(bucket of each hash: its top bits, rows per bucket)."""
    bits = max(8, len(h).bit_length() + BUCKET_BITS_PER_ROW)
    bucket = np.right_shift(h, np.uint64(64 - bits)).astype(np.intp)
    return bucket, np.bincount(bucket, minlength=1 << bits)


def _sorted_among(h: np.ndarray) -> tuple:
    """(class per hash, -1 alone, or None when no class is shared; index of a hash equal to each)."""
    _, first, inverse, counts = np.unique(h, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    ids = _number_shared(counts, inverse)
    return (ids if len(ids) else None), first[inverse]


def _by_bucket(h: np.ndarray, bucket: np.ndarray, count: np.ndarray) -> tuple:
    """_sorted_among for hashes mostly repeated: in a bucket that holds one hash value (clean) the
    bucket is the class; only the hashes of the other (dirty) buckets are sorted."""
    size = len(count)
    # np.empty: only the entries of ``bucket`` are written, and only those are read.
    bucket_hash = np.empty(size, np.uint64)
    bucket_hash[bucket] = h
    bucket_row = np.empty(size, np.intp)
    bucket_row[bucket] = np.arange(len(h))
    dirty_bucket = np.zeros(size, bool)
    dirty_bucket[bucket[h != bucket_hash[bucket]]] = True
    in_dirty = dirty_bucket[bucket]
    dirty = np.flatnonzero(in_dirty)
    clean_shared = np.flatnonzero(count > 1)
    clean_shared = clean_shared[~dirty_bucket[clean_shared]]
    d_hash, d_first, d_inverse, d_count = np.unique(h[dirty], return_index=True, return_inverse=True,
                                                    return_counts=True)
    d_inverse = d_inverse.reshape(-1)
    d_shared = np.flatnonzero(d_count > 1)
    # Shared classes, numbered in ascending hash order across both kinds of bucket.
    rank = np.empty(len(clean_shared) + len(d_shared), np.int64)
    rank[np.argsort(np.concatenate([bucket_hash[clean_shared], d_hash[d_shared]]), kind="stable")] = \
        np.arange(len(rank))
    if not len(rank):
        return None, None
    bucket_id = np.empty(size, np.int64)
    bucket_id[clean_shared] = rank[:len(clean_shared)]
    d_id = np.full(len(d_hash), -1, np.int64)
    d_id[d_shared] = rank[len(clean_shared):]
    # Every row reads its bucket's entries; those of dirty rows (not written above) are replaced.
    ids = bucket_id[bucket]
    ref = bucket_row[bucket]
    if len(dirty):
        ids[dirty] = d_id[d_inverse]
        ref[dirty] = dirty[d_first[d_inverse]]
    return ids, ref
