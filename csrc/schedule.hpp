// One scheduling batch: pods in queue order, each filtered over a window of nodes, scored, and bound
// before the next pod is evaluated (exact sequential semantics of kube-scheduler's scheduleOne).
//
// Node-local plugins whose result does not change when pods are bound (NodeUnschedulable,
// NodeName, TaintToleration, NodeAffinity, ImageLocality, NodePorts for a pod evaluated alone,
// research plugins) arrive pre-evaluated per "static class" of pods: a reason id per node for
// filters and a raw score per node for scores. NodeResourcesFit and BalancedAllocation, which
// depend on what is bound, are evaluated here. Upstream files: see kschedule/plugins/*.py.
#pragma once
#include <cstdint>
#include <vector>

#include "block_cache.hpp"
#include "gpu.hpp"
#include "rng.hpp"
#include "state.hpp"

namespace ks {

enum class FitStrategy : int32_t { LeastAllocated = 0, MostAllocated = 1, RequestedToCapacityRatio = 2 };
enum class Normalize : int32_t { None = 0, Forward = 1, Reverse = 2 };

struct FitArgs {
    bool filter_enabled = true;
    bool score_enabled = true;
    int64_t weight = 1;
    FitStrategy strategy = FitStrategy::LeastAllocated;
    std::vector<int32_t> rows;      // scoring resources (row id, -1 = resource no object mentions)
    std::vector<int64_t> weights;   // per scoring resource
    std::vector<int64_t> shape_utilization;  // RTCR shape, utilization 0..100
    std::vector<int64_t> shape_score;        // RTCR shape, score already scaled to 0..100
    std::vector<uint8_t> ignored;   // per resource row: skipped by the filter (ignoredResources[Groups])
    bool escalate_unresolvable = true;  // request > node's total allocatable => UnschedulableAndUnresolvable
};

struct BalancedArgs {
    bool enabled = true;
    int64_t weight = 1;
    std::vector<int32_t> rows;
};

struct StaticScoreMeta {
    Normalize normalize = Normalize::None;
    int64_t weight = 1;
};

// GPU sharing inside a profile (out-of-tree plugins Open-Gpu-Share and the FGD paper's score
// plugins, csrc/gpu.cpp). The node GPU columns are the Cluster's, updated in place on bind.
struct GpuExt {
    bool enabled = false;               // the Open-Gpu-Share filter runs
    int32_t* gpu_count = nullptr;       // (n)
    int32_t* gpu_model = nullptr;       // (n)
    int32_t* gpu_free = nullptr;        // (n, 8)
    int32_t* tags = nullptr;            // (n, 9)
    std::vector<gpu::Shape> shapes;     // per pod (cpu is the pod's request; num_gpu 0 = no GPU)
    std::vector<gpu::Policy> policies;  // GPU score plugins, in profile order
    std::vector<int64_t> weights;
    gpu::Typical typical;
    gpu::Policy gpusel = gpu::Policy::BestFit;  // device choice: FGD, Random, or "best" for the others
};

struct BatchInput {
    NodeColumns nodes;
    const int32_t* order = nullptr;     // nodes to visit, in upstream node-tree order: all n nodes, or the
    int32_t num_order = 0;              // PreFilterResult's subset (num_order <= n)
    int64_t num_to_find = 0;            // numFeasibleNodesToFind
    int64_t start_index = 0;            // nextStartNodeIndex
    uint64_t rng_state = 0;

    int32_t num_static = 0;             // S
    Matrix<const int32_t> pre_reason;   // (S, n): first failing static filter ordered before Fit, -1 none
    Matrix<const int32_t> post_reason;  // (S, n): first failing static filter ordered after Fit, -1 none
    std::vector<StaticScoreMeta> static_scores_meta;  // K
    // Raw scores of static class s for plugin k at index s * K + k: n values, or nullptr where the plugin
    // does not score the class (static_active 0). Rows, not an (S, K, n) array: classes share rows.
    std::vector<const int64_t*> static_score_rows;
    const int64_t* static_score(int32_t s, int32_t k) const {
        return static_score_rows[static_cast<size_t>(s) * static_scores_meta.size() + static_cast<size_t>(k)];
    }
    const uint8_t* static_active = nullptr;  // (S, K): 0 = the plugin skipped at PreScore for the class

    int32_t num_pods = 0;               // P
    const int32_t* pod_class = nullptr; // (P) static class
    // (P) equivalence class: pods of one class have the same static class and requests, so
    // NodeResourcesFit/BalancedAllocation results per node are reused until a bind changes the node.
    // -1 (or nullptr) = evaluate without the cache.
    const int32_t* pod_equiv = nullptr;
    int32_t num_equiv = 0;
    // Per resource row, a column per pod (the pod table's layout: no per-batch transpose); rows may be
    // views into wider tables (stride >= cols >= P).
    Matrix<const int64_t> pod_requests; // (>= num_resources, P) plain requests
    Matrix<const int64_t> pod_nonzero;  // (2, P): cpu, memory with non-zero defaults
    int64_t request(int32_t p, int32_t r) const { return pod_requests.at(r, p); }
    int64_t nonzero_request(int32_t p, int32_t r) const { return pod_nonzero.at(r, p); }
    bool dry_run = false;               // do not bind (explain)
    bool dense = true;                  // allow the position-ordered loop (dense.hpp) when it qualifies

    FitArgs fit;
    BalancedArgs balanced;
    GpuExt gpu;
};

struct ExplainOutput {
    std::vector<uint8_t> evaluated;      // (n) the filter ran on the node
    std::vector<uint8_t> fit_fail;       // (n, R+1): [0] Too many pods, [1+r] Insufficient resource r
    std::vector<uint8_t> fit_unresolvable;  // (n)
    std::vector<int32_t> scored;         // nodes scored, in window order
    std::vector<int64_t> plugin_scores;  // (K + 2 + G, |scored|): static plugins, Fit, BalancedAllocation,
                                         // GPU score plugins (normalized, unweighted; -1 = skipped)
    std::vector<uint8_t> gpu_fail;       // (n) Open-Gpu-Share rejected the node
    std::vector<int64_t> totals;         // (|scored|)
};

// Per-pod outputs in cached blocks (block_cache.hpp): they become numpy arrays without a copy, and
// their memory serves the next batch when Python drops them.
struct BatchOutput {
    kvec<int32_t> chosen;                // (P) node row or -1
    kvec<int64_t> failures;              // triples (pod, reason id, node count); reason ids: static ids,
                                         // then fit_base + 0 (Too many pods), fit_base + 1 + r (Insufficient r)
    kvec<int64_t> feasible_count;        // (P) feasible nodes found in the window
    kvec<uint32_t> gpu_devices;          // (P) devices taken (GPU sharing), bitmask
    int64_t start_index = 0;
    uint64_t rng_state = 0;
    bool dense = false;                  // the position-ordered loop (dense.hpp) ran the batch
};

// Runs the batch; `reason_base` is the first reason id for Fit reasons. When `explain` is not null the
// batch must hold one pod and per-node details are recorded.
void run_batch(const BatchInput& in, int32_t reason_base, BatchOutput& out, ExplainOutput* explain);

// Kernels shared with tests and the batch loop (exposed for reference-vs-core property tests).
int64_t fit_score(const BatchInput& in, int32_t pod, int32_t node);
int64_t balanced_score(const BatchInput& in, int32_t pod, int32_t node, bool* skip);
int64_t broken_linear(const std::vector<int64_t>& util, const std::vector<int64_t>& score, int64_t p);
int64_t num_feasible_nodes_to_find(int64_t num_all_nodes, int64_t percentage);

}  // namespace ks

namespace ks {
// Checks every index the batch will follow (node order, classes, row counts); throws
// std::invalid_argument naming the problem, so bad input never reaches an out-of-bounds access.
void validate_batch(const BatchInput& in);
}  // namespace ks
