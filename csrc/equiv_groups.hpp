// Equivalence classes of a batch's pods (kschedule/framework/equivalence.py, the reference) when a
// hint decides them, in one pass over the pods' request columns in place: every pod of a group (its
// owner: replicas of one controller share their template) has the same key row (static class,
// requests, non-zero requests) as the group's other pods. The classes are then the groups' key rows,
// numbered as the reference numbers them: classes of two or more pods, in ascending order of
// equivalence.row_hash, -1 for a pod alone in its class.
#pragma once
#include <cstdint>
#include <vector>

namespace ks {

// Element (r, p) at data[r * row_stride + p * pod_stride] (strides in elements), r < rows.
struct PodColumns {
    const int64_t* data = nullptr;
    int64_t row_stride = 0;
    int64_t pod_stride = 1;
    int32_t rows = 0;
};

enum class GroupedClasses : int32_t {
    Shared = 0,     // equiv holds a class per pod
    NotShared = 1,  // no two pods share a class: the kernel gets no classes (equiv unspecified)
    Undecided = 2,  // a negative group, a pod unlike its group, or two different key rows with one
                    // hash: the reference decides (equiv unspecified)
};

// The classes of n pods into equiv (n entries): req (requests, a row per resource), nz (the two
// non-zero request rows), cls (static class per pod, the key's first column), group (n ids).
GroupedClasses grouped_classes(int64_t n, const PodColumns& req, const PodColumns& nz, const int32_t* cls,
                               const int32_t* group, int32_t* equiv);

// np.unique(values, return_index=True, return_inverse=True) for n ints in [0, bound) (spec ids of a
// batch's pods): uniq ascending, first[k] the index of uniq[k]'s first occurrence, inv[i] the index of
// values[i] in uniq; two linear passes instead of a sort. False, with nothing written to inv, when a
// value lies outside [0, bound).
bool factorize(int64_t n, const int64_t* values, int64_t bound, std::vector<int64_t>& uniq,
               std::vector<int64_t>& first, int64_t* inv);

// Whether v[i + 1] == v[i] + 1 for every i < n - 1: a batch's pod rows are one run of the pod table
// (then its columns are read as views, not gathered). One pass, no temporaries.
bool ascending_by_one(const int64_t* v, int64_t n);

}  // namespace ks
