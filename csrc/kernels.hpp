// Scalar per-node kernels of NodeResourcesFit and NodeResourcesBalancedAllocation, shared by the
// generic batch loop (schedule.cpp) and the position-ordered one (dense.cpp). Internal header.
// Upstream: pkg/scheduler/framework/plugins/noderesources/{fit,least_allocated,most_allocated,
// requested_to_capacity_ratio,balanced_allocation}.go (formulas in kschedule/plugins/*.py).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "rng.hpp"
#include "schedule.hpp"

namespace ks {
namespace detail {

constexpr int64_t kMaxNodeScore = 100;

inline bool is_scalar_row(int32_t r) { return r > RES_PODS; }

// The pod's side of the node-local kernels, prepared once per pod: the non-zero requests the Fit
// filter checks, and the (row, pod request) pairs the two scorers read, with the rules of
// calculateResourceAllocatableRequest applied (scalar resources the pod does not request are dropped).
struct PodPlan {
    std::vector<int32_t> f_row;
    std::vector<int64_t> f_req;
    struct Res { int32_t row; bool nonzero; int64_t req; int64_t weight; };
    std::vector<Res> fit;
    std::vector<Res> bal;
    bool balanced_skip = true;

    void build(const BatchInput& in, int32_t pod) {
        const int32_t R = in.nodes.num_resources;
        f_row.clear();
        f_req.clear();
        fit.clear();
        bal.clear();
        auto req = [&](int32_t r) { return in.request(pod, r); };
        for (int32_t r = 0; r < R; ++r) {
            if (r == RES_PODS || req(r) == 0) continue;  // zero requests never fail
            if (is_scalar_row(r) && in.fit.ignored.size() > static_cast<size_t>(r) && in.fit.ignored[r]) continue;
            f_row.push_back(r);
            f_req.push_back(req(r));
        }
        for (size_t i = 0; i < in.fit.rows.size(); ++i) {
            const int32_t r = in.fit.rows[i];
            if (r < 0 || r >= R || r == RES_PODS) continue;
            const bool nz = r == RES_CPU || r == RES_MEMORY;
            const int64_t q = nz ? in.nonzero_request(pod, r) : req(r);
            if (is_scalar_row(r) && q == 0) continue;
            fit.push_back({r, nz, q, in.fit.weights[i]});
        }
        balanced_skip = true;
        for (int32_t r : in.balanced.rows) {
            if (r < 0 || r >= R || r == RES_PODS) continue;
            if (req(r) != 0) balanced_skip = false;
            if (is_scalar_row(r) && req(r) == 0) continue;
            bal.push_back({r, false, req(r), 1});
        }
    }
};

// Upstream noderesources/fit.go fitsRequest; fills `fail` (R+1 flags) and returns whether it fits.
inline bool fit_filter_plan(const BatchInput& in, const PodPlan& pl, int32_t node, uint8_t* fail, bool* unresolvable) {
    const NodeColumns& nc = in.nodes;
    bool ok = true;
    *unresolvable = false;
    if (nc.requested.at(RES_PODS, node) + 1 > nc.allocatable.at(RES_PODS, node)) {
        ok = false;
        if (fail) fail[0] = 1;
    }
    for (size_t i = 0; i < pl.f_row.size(); ++i) {
        const int32_t r = pl.f_row[i];
        const int64_t q = pl.f_req[i];
        const int64_t alloc = nc.allocatable.at(r, node);
        if (q > alloc - nc.requested.at(r, node)) {
            ok = false;
            if (fail) fail[1 + r] = 1;
            if (q > alloc) *unresolvable = true;
        }
    }
    return ok;
}

inline int64_t fit_score_plan(const BatchInput& in, const PodPlan& pl, int32_t node) {
    const FitArgs& a = in.fit;
    const NodeColumns& nc = in.nodes;
    int64_t num = 0, wsum = 0;
    for (const PodPlan::Res& e : pl.fit) {
        const int64_t alloc = nc.allocatable.at(e.row, node);
        if (alloc == 0) continue;
        const int64_t req = (e.nonzero ? nc.nonzero.at(e.row, node) : nc.requested.at(e.row, node)) + e.req;
        int64_t s;
        switch (a.strategy) {
            case FitStrategy::LeastAllocated:
                s = req > alloc ? 0 : (alloc - req) * kMaxNodeScore / alloc;
                break;
            case FitStrategy::MostAllocated:
                s = std::min(req, alloc) * kMaxNodeScore / alloc;
                break;
            default: {
                int64_t p = req > alloc ? kMaxNodeScore : req * kMaxNodeScore / alloc;
                s = broken_linear(a.shape_utilization, a.shape_score, p);
                if (s <= 0) continue;  // RTCR: resources scoring 0 leave the weight sum
            }
        }
        num += s * e.weight;
        wsum += e.weight;
    }
    if (wsum == 0) return 0;
    if (a.strategy == FitStrategy::RequestedToCapacityRatio)
        return static_cast<int64_t>(std::round(static_cast<double>(num) / static_cast<double>(wsum)));
    return num / wsum;
}

inline int64_t balanced_score_plan(const BatchInput& in, const PodPlan& pl, int32_t node) {
    const NodeColumns& nc = in.nodes;
    double total = 0;
    double small[16];
    std::vector<double> big;
    double* f = small;
    if (pl.bal.size() > 16) {
        big.resize(pl.bal.size());
        f = big.data();
    }
    size_t k = 0;
    for (const PodPlan::Res& e : pl.bal) {
        const int64_t alloc = nc.allocatable.at(e.row, node);
        if (alloc == 0) continue;
        double x = static_cast<double>(nc.requested.at(e.row, node) + e.req) / static_cast<double>(alloc);
        if (x > 1) x = 1;
        total += x;
        f[k++] = x;
    }
    double sd = 0;
    if (k == 2) {
        sd = std::fabs((f[0] - f[1]) / 2);
    } else if (k > 2) {
        const double mean = total / static_cast<double>(k);
        double sum = 0;
        for (size_t i = 0; i < k; ++i) {
            const double d = f[i] - mean;
            sum = sum + d * d;
        }
        sd = std::sqrt(sum / static_cast<double>(k));
    }
    return static_cast<int64_t>((1 - sd) * static_cast<double>(kMaxNodeScore));
}

}  // namespace detail
}  // namespace ks

namespace ks {
namespace detail {
// selectHost: the index of the highest total; among T > 1 tied maxima the r-th in order, r drawn once
// as rng.below(T) (uniform, as upstream; see kschedule/framework/reference.py select_host).
template <typename T>
inline size_t select_host(const T* totals, size_t n, SplitMix64& rng) {
    T best = totals[0];
    for (size_t i = 1; i < n; ++i) best = totals[i] > best ? totals[i] : best;
    size_t ties = 0;
    for (size_t i = 0; i < n; ++i) ties += totals[i] == best;
    size_t r = ties > 1 ? static_cast<size_t>(rng.below(ties)) : 0;
    for (size_t i = 0; i < n; ++i)
        if (totals[i] == best && r-- == 0) return i;
    return 0;
}

// Binds pod p to node `host` in the node columns: requested resources, pod count, non-zero requests.
inline void add_pod_to_node(const BatchInput& in, int32_t p, int32_t host) {
    const NodeColumns& nc = in.nodes;
    for (int32_t r = 0; r < nc.num_resources; ++r) {
        const int64_t q = in.request(p, r);
        if (r != RES_PODS && q != 0) nc.requested.at(r, host) += q;  // unrequested rows untouched
    }
    nc.requested.at(RES_PODS, host) += 1;
    nc.nonzero.at(0, host) += in.nonzero_request(p, 0);
    nc.nonzero.at(1, host) += in.nonzero_request(p, 1);
}

// Counts the reasons of every node in the order for a pod that fits nowhere (failure triples into out).
void diagnose(const BatchInput& in, const PodPlan& plan, int32_t p, int32_t reason_base, bool gpu_filter,
              const gpu::Nodes& gn, const gpu::Shape& gfilter, BatchOutput& out);
}  // namespace detail
}  // namespace ks
