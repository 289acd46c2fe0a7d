// See equiv_groups.hpp.
#include "equiv_groups.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace ks {

namespace {

// equivalence.row_hash's step for one column value.
inline uint64_t mix(uint64_t h, int64_t v) {
    h ^= static_cast<uint64_t>(v);
    h *= 0x9E3779B97F4A7C15ULL;  // wraps modulo 2^64, as numpy's uint64 multiply does
    return h ^ (h >> 29);
}

inline int64_t at(const PodColumns& m, int32_t r, int64_t p) { return m.data[r * m.row_stride + p * m.pod_stride]; }

// Whether every pod's key row equals its group's first pod's, for RC request rows (RC > 0: a
// compile-time count, so the row loops unroll; 0: req.rows) and two non-zero rows. rep, size: per
// group, its first pod (-1 before) and its pod count.
template <int RC>
bool check_groups(int64_t n, const PodColumns& req, const PodColumns& nz, const int32_t* __restrict cls,
                  const int32_t* __restrict group, int64_t* __restrict rep, int64_t* __restrict size) {
    const int32_t R = RC > 0 ? RC : req.rows;
    // Locals: the stores to rep and size would otherwise make the compiler reload the column pointers
    // and strides (int64 stores may alias int64 fields) for each value.
    const int64_t* __restrict rq = req.data;
    const int64_t* __restrict zq = nz.data;
    const int64_t rrs = req.row_stride, rps = req.pod_stride, zrs = nz.row_stride, zps = nz.pod_stride;
    bool alike = true;
    // A run of pods of one group (replicas arriving together) keeps its representative and count in
    // registers: per-pod stores to rep and size would chain each pod to the previous one's store.
    int32_t cur = -1;
    int64_t q = 0, run = 0;
    for (int64_t p = 0; p < n; ++p) {
        const int32_t g = group[p];
        if (g != cur) {
            if (cur >= 0) size[cur] += run;
            if (rep[g] < 0) rep[g] = p;
            cur = g;
            q = rep[g];
            run = 0;
        }
        ++run;
        bool eq = cls[p] == cls[q];
        for (int32_t r = 0; r < R; ++r) eq &= rq[r * rrs + p * rps] == rq[r * rrs + q * rps];
        for (int32_t c = 0; c < 2; ++c) eq &= zq[c * zrs + p * zps] == zq[c * zrs + q * zps];
        alike &= eq;
    }
    if (cur >= 0) size[cur] += run;
    return alike;
}

}  // namespace

bool factorize(int64_t n, const int64_t* values, int64_t bound, std::vector<int64_t>& uniq,
               std::vector<int64_t>& first, int64_t* inv) {
    bool in_range = bound >= 0;
    for (int64_t i = 0; i < n; ++i) in_range &= values[i] >= 0 && values[i] < bound;  // no early exit
    if (!in_range) return false;
    std::vector<int64_t> first_at(static_cast<size_t>(bound), -1);
    // Backwards, so the smallest index of each value is the one left.
    for (int64_t i = n - 1; i >= 0; --i) first_at[static_cast<size_t>(values[i])] = i;
    uniq.clear();
    first.clear();
    for (int64_t v = 0; v < bound; ++v) {
        const int64_t f = first_at[static_cast<size_t>(v)];
        if (f < 0) continue;
        first_at[static_cast<size_t>(v)] = static_cast<int64_t>(uniq.size());  // now: v's index in uniq
        uniq.push_back(v);
        first.push_back(f);
    }
    for (int64_t i = 0; i < n; ++i) inv[i] = first_at[static_cast<size_t>(values[i])];
    return true;
}

bool ascending_by_one(const int64_t* v, int64_t n) {
    bool ok = true;
    for (int64_t i = 1; i < n; ++i) ok &= v[i] == v[i - 1] + 1;  // no early exit: it vectorises
    return ok;
}

GroupedClasses grouped_classes(int64_t n, const PodColumns& req, const PodColumns& nz, const int32_t* cls,
                               const int32_t* group, int32_t* equiv) {
    const int32_t R = req.rows;
    if (nz.rows != 2) throw std::invalid_argument("grouped_classes: two non-zero request rows expected");
    if (n < 2) return GroupedClasses::NotShared;
    int32_t top = 0;
    for (int64_t p = 0; p < n; ++p) {
        if (group[p] < 0) return GroupedClasses::Undecided;
        top = std::max(top, group[p]);
    }
    const size_t G = static_cast<size_t>(top) + 1;
    std::vector<int64_t> rep(G, -1), size(G, 0);
    auto run = [&](auto rc) {
        return check_groups<decltype(rc)::value>(n, req, nz, cls, group, rep.data(), size.data());
    };
    bool alike;
    switch (R) {
        case 4: alike = run(std::integral_constant<int, 4>()); break;
        case 5: alike = run(std::integral_constant<int, 5>()); break;
        case 6: alike = run(std::integral_constant<int, 6>()); break;
        case 7: alike = run(std::integral_constant<int, 7>()); break;
        case 8: alike = run(std::integral_constant<int, 8>()); break;
        default: alike = run(std::integral_constant<int, 0>()); break;
    }
    if (!alike) return GroupedClasses::Undecided;
    auto same = [&](int64_t p, int64_t q) {
        bool eq = cls[p] == cls[q];
        for (int32_t r = 0; r < R; ++r) eq &= at(req, r, p) == at(req, r, q);
        for (int32_t c = 0; c < 2; ++c) eq &= at(nz, c, p) == at(nz, c, q);
        return eq;
    };
    // The groups' key rows by row_hash (the static class as int64, then the requests, then the
    // non-zero requests); groups in ascending id, as the reference lists them.
    struct Entry {
        uint64_t h;
        int32_t g;
    };
    std::vector<Entry> e;
    for (size_t g = 0; g < G; ++g) {
        if (rep[g] < 0) continue;
        const int64_t p = rep[g];
        uint64_t h = mix(0, cls[p]);
        for (int32_t r = 0; r < R; ++r) h = mix(h, at(req, r, p));
        for (int32_t c = 0; c < 2; ++c) h = mix(h, at(nz, c, p));
        e.push_back({h, static_cast<int32_t>(g)});
    }
    std::stable_sort(e.begin(), e.end(), [](const Entry& a, const Entry& b) { return a.h < b.h; });
    // Classes in ascending hash order (equal hashes must be equal rows); those of two or more pods
    // numbered 0.., the others -1.
    std::vector<int32_t> id_of_group(G, -1);
    int32_t next = 0;
    for (size_t a = 0; a < e.size();) {
        size_t b = a;
        int64_t pods = 0;
        for (; b < e.size() && e[b].h == e[a].h; ++b) {
            if (!same(rep[e[b].g], rep[e[a].g])) return GroupedClasses::Undecided;
            pods += size[e[b].g];
        }
        if (pods > 1) {
            for (size_t k = a; k < b; ++k) id_of_group[e[k].g] = next;
            ++next;
        }
        a = b;
    }
    if (next == 0) return GroupedClasses::NotShared;
    for (int64_t p = 0; p < n; ++p) equiv[p] = id_of_group[group[p]];
    return GroupedClasses::Shared;
}

}  // namespace ks
