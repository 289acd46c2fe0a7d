// Column spans over the cluster's struct-of-arrays state (owned by numpy on the Python side).
// No Python here: the bindings build these from numpy buffers and keep the owners alive.
#pragma once
#include <cstdint>
#include <cstddef>

namespace ks {

// Resource rows shared with kschedule.cluster: cpu (millicores), memory, ephemeral-storage, pods.
constexpr int RES_CPU = 0;
constexpr int RES_MEMORY = 1;
constexpr int RES_EPHEMERAL = 2;
constexpr int RES_PODS = 3;

// A (rows x stride) int64 matrix, row-major; element (r, i) at data[r * stride + i]. cols: the columns
// in use when the rows are views into wider ones (stride > cols), else stride.
template <typename T>
struct Matrix {
    T* data = nullptr;
    int64_t rows = 0;
    int64_t stride = 0;
    int64_t cols = 0;
    T* row(int64_t r) const { return data + r * stride; }
    T& at(int64_t r, int64_t i) const { return data[r * stride + i]; }
};

// The node side of the scheduler's view: allocatable, requested (plain) and non-zero requested.
// ``requested`` and ``nonzero`` are written when a pod is bound.
struct NodeColumns {
    int32_t n = 0;                 // number of nodes (columns in use)
    int32_t num_resources = 0;     // resource rows in use
    Matrix<const int64_t> allocatable;  // (>= num_resources, stride)
    Matrix<int64_t> requested;          // (>= num_resources, stride); row RES_PODS counts pods
    Matrix<int64_t> nonzero;            // (2, stride): cpu_milli, memory_bytes with non-zero defaults
};

}  // namespace ks
