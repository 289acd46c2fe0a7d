// GPU sharing and the FGD paper's placement policies (Weng et al., ATC '23; artifact
// hkust-adsl/kubernetes-scheduler-simulator). Specification: docs/fgd.md; Python reference:
// kschedule/gpu/reference.py (the C++ must agree with it bit for bit).
//
// Nodes have up to kMaxGpus devices of 1000 milli each; a pod asks num_gpu devices of gpu_milli each.
// Node state is struct-of-arrays owned by numpy (kschedule/gpu/state.py).
#pragma once
#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace ks {
namespace gpu {

constexpr int kMaxGpus = 8;          // MaxNumGpuPerNode
constexpr int64_t kMilli = 1000;
constexpr int64_t kMaxSpecCpu = 128000;
constexpr int64_t kMaxSpecGpu = 8000;
constexpr int kNumTags = 9;          // GpuClustering affinity tags: [0] share-gpu, [n] "n-gpu" (n = 1..8)

// Default: the Kubernetes default profile's node-local scores on CPU and memory (NodeResourcesFit
// LeastAllocated + NodeResourcesBalancedAllocation, weight 1 each; the other default scores are equal on
// every node of a trace cluster) with the Open-Gpu-Share filter and "best" GPU selection.
enum class Policy : int32_t { Random = 0, DotProduct = 1, GpuClustering = 2, GpuPacking = 3, BestFit = 4, FGD = 5, Default = 6 };

// Frag categories (frag.go FragRatioDataMap order; the float sums follow this order).
enum Cat { Q1LackBoth = 0, Q2LackGpu = 1, Q3Satisfied = 2, Q4LackCpu = 3, XLSatisfied = 4, XRLackCpu = 5, NoAccess = 6 };

struct Nodes {
    int32_t n = 0;
    int64_t* cpu_free = nullptr;      // milli
    const int64_t* cpu_total = nullptr;
    int64_t* mem_free = nullptr;      // MiB
    const int64_t* mem_total = nullptr;  // MiB
    const int32_t* gpu_count = nullptr;
    const int32_t* gpu_model = nullptr;  // model id, -1 = none (CPU node)
    int32_t* gpu_free = nullptr;      // (n, kMaxGpus) free milli per device (0 beyond gpu_count)
    int32_t* tags = nullptr;          // (n, kNumTags) GPU pods per affinity tag
    uint32_t* epoch = nullptr;        // (n) bumped on every change of the node
};

struct Shape {  // what the policies see of a pod (simontype.PodResource): no memory
    int64_t cpu = 0;
    int32_t num_gpu = 0;
    int32_t gpu_milli = 0;            // per device
    bool spec_any = true;             // gpu_spec empty (or only empty entries): any model
    uint64_t spec_mask = 0;           // allowed model ids otherwise
};

struct Typical {
    std::vector<Shape> shapes;
    std::vector<double> prob;
};

// --- per-node functions (exposed for reference-vs-core tests) -------------------------------------
bool accessible(const Nodes& nd, int32_t node, const Shape& s);
int category(const Nodes& nd, int32_t node, const Shape& s, int64_t cpu_free, const int32_t* free);
double node_frag(const Nodes& nd, int32_t node, const Typical& t, int64_t cpu_free, const int32_t* free);
// Open-Gpu-Share + NodeResourcesFit (cpu, memory) feasibility.
bool fits(const Nodes& nd, int32_t node, const Shape& s, int64_t mem_mib);
// Policy score before normalization and the devices the Reserve step takes (bitmask). `mem_mib` is the
// pod's memory request (only the Default policy scores memory).
int64_t score(Policy p, const Nodes& nd, int32_t node, const Shape& s, const Typical& t, uint32_t* devices,
              int64_t mem_mib = 0);
uint32_t select_best(const Nodes& nd, int32_t node, const Shape& s);

// --- the replay kernel -------------------------------------------------------------------------------
struct Pods {
    int32_t count = 0;
    const int32_t* shape = nullptr;   // shape id (index into shapes)
    const int64_t* mem = nullptr;     // MiB, per pod (filter only)
};

struct ScoreCache {                   // per (shape, node): valid while epoch matches the node's
    int32_t num_shapes = 0;
    uint32_t* epoch = nullptr;        // (S, n)
    uint8_t* feasible = nullptr;      // (S, n) GPU part of the filter (cpu too; memory is per pod)
    int64_t* score = nullptr;         // (S, n)
    uint32_t* devices = nullptr;      // (S, n)
};

struct ReplayOut {
    std::vector<int32_t> chosen;      // node or -1
    std::vector<uint32_t> devices;    // bitmask of devices taken
    std::vector<double> frag_after;   // cluster fragmentation (milli GPU) after each pod
    std::vector<int64_t> used_after;  // allocated GPU milli after each pod
};

// Schedules pods one by one with the paper's profile (filter, one policy at weight 1000, select,
// bind). `order` is the node visiting order (ties: reservoir sampling in this order). `frag` holds each
// node's F for the typical workload, kept current (`frag_epoch` marks validity).
void replay(Policy p, Nodes& nd, const std::vector<Shape>& shapes, const Pods& pods, const Typical& t,
            const int32_t* order, SplitMix64& rng, ScoreCache& cache, double* frag, uint32_t* frag_epoch,
            ReplayOut& out);

// Brings every node's cached F up to date (entries whose epoch differs) and returns their sum.
double cluster_frag(const Nodes& nd, const Typical& t, double* frag, uint32_t* frag_epoch);

// Frees a departed pod's resources (bumps the node epoch).
void release(Nodes& nd, int32_t node, const Shape& s, int64_t mem_mib, uint32_t devices);

}  // namespace gpu
}  // namespace ks
