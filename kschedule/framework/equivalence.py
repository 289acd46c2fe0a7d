"""Equivalence classes of a batch: pods with the same static class and the same requests.

The C++ batch kernel reuses its NodeResourcesFit / BalancedAllocation work across the pods of one
class (csrc/schedule.hpp ``pod_equiv``); a pod alone in its class gets -1, and the shared classes are
numbered 0.. so that the kernel allocates caches for them only. The numbering is an input of the
kernel, so both functions here give the same array: classes in ascending order of a 64-bit hash of
their key row, or, when two different rows share a hash, in the byte order of the rows.

:func:`equivalence_classes` finds the rows that share a hash in linear time (a bincount over hash
buckets), sorting only the few pods whose bucket holds several hash values;
:func:`equivalence_classes_sorted` sorts every hash (the reference, and the path taken on a collision).
"""
from __future__ import annotations

import numpy as np

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)
#: log2 of the hash buckets per row, at least: with 1 (2 to 4 buckets per row), between a fifth and
#: two fifths of a batch of distinct rows share their bucket with another hash value (those rows are
#: sorted), and the bucket tables stay small.
BUCKET_BITS_PER_ROW = 1


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


def equivalence_classes(columns: list) -> np.ndarray:
    """:func:`equivalence_classes_sorted`, the same array, mostly without sorting: rows are counted
    per hash bucket; a row alone in its bucket is alone in its class, the rows of a bucket that holds
    one hash value form one class, and only the rows of buckets holding several hash values are
    sorted."""
    n = len(columns[0])
    if n < 2:
        return np.zeros(0, np.int32)
    h = row_hash(columns)
    bits = max(8, n.bit_length() + BUCKET_BITS_PER_ROW)
    size = 1 << bits
    bucket = (h >> np.uint64(64 - bits)).astype(np.intp)
    count = np.bincount(bucket, minlength=size)
    rows = np.flatnonzero(count[bucket] > 1)
    if not len(rows):
        return np.zeros(0, np.int32)
    hr, br = h[rows], bucket[rows]
    # np.empty: only the entries of the buckets of ``rows`` are written, and only those are read.
    bucket_hash = np.empty(size, np.uint64)
    bucket_hash[br] = hr
    bucket_row = np.empty(size, np.intp)
    bucket_row[br] = rows
    dirty_bucket = np.zeros(size, bool)
    dirty_bucket[br[hr != bucket_hash[br]]] = True
    dirty = dirty_bucket[br]
    clean_rows, clean_buckets = rows[~dirty], br[~dirty]
    clean_shared = np.flatnonzero(count > 1)
    clean_shared = clean_shared[~dirty_bucket[clean_shared]]
    dirty_rows = rows[dirty]
    d_hash, d_first, d_inverse, d_count = np.unique(hr[dirty], return_index=True, return_inverse=True,
                                                    return_counts=True)
    d_inverse = d_inverse.reshape(-1)
    d_shared = np.flatnonzero(d_count > 1)
    # Shared classes, numbered in ascending hash order across both kinds of bucket.
    rank = np.empty(len(clean_shared) + len(d_shared), np.int64)
    rank[np.argsort(np.concatenate([bucket_hash[clean_shared], d_hash[d_shared]]), kind="stable")] = \
        np.arange(len(rank))
    if not len(rank):
        return np.zeros(0, np.int32)
    bucket_id = np.empty(size, np.int64)
    bucket_id[clean_shared] = rank[:len(clean_shared)]
    d_id = np.full(len(d_hash), -1, np.int64)
    d_id[d_shared] = rank[len(clean_shared):]
    ids = np.full(n, -1, np.int64)
    ref = np.empty(n, np.intp)  # a row with the same hash, to check that the key rows are equal
    ids[clean_rows] = bucket_id[clean_buckets]
    ref[clean_rows] = bucket_row[clean_buckets]
    ids[dirty_rows] = d_id[d_inverse]
    ref[dirty_rows] = dirty_rows[d_first[d_inverse]]
    shared = np.flatnonzero(ids >= 0)
    ref = ref[shared]
    for col in columns:
        col = np.asarray(col)
        if col.min() != col.max() and not np.array_equal(col[shared], col[ref]):
            return equivalence_classes_sorted(columns)  # two different rows share a hash
    return ids.astype(np.int32)
