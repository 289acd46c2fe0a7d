// The batch loop over position-ordered node columns (dense.cpp): same results as run_batch's generic
// loop, bit for bit, for batches without explain output and without GPU sharing.
//
// Why a second loop: the generic loop visits nodes through the node-tree order, so every column read
// is a random access, and it evaluates one node at a time with integer divisions. Here the columns
// the Fit filter and the two resource scores read are copied once per batch into arrays indexed by
// position in the visiting order, and a block of consecutive positions is filtered and scored with
// straight-line loops the compiler vectorises. Integer formulas are computed in double precision
// where that is exact (every operand an integer below 2^50 and quotients of such integers, checked
// before the loop runs; see dense.cpp), so totals and ties are identical to the integer ones.
//
// Replicas (pods of one equivalence class, at least 4 in the batch) keep per position their total,
// and per block of 64 positions their verdicts and best-total positions as bits, the feasible count,
// the best total and its tie count. A replica's window reads whole blocks from their summaries and
// its two end pieces from their block's bits (DenseBatch::equiv_blocks). Binds keep the caches
// current in one of two ways, chosen per batch: when classes take turns in the queue (Deployments
// interleaved), a bind scores its node for every live class at once, vectorised across classes, and
// a block a bind touched has its summary computed again when next read (DenseBatch::bind_eager);
// when each class's replicas come together, a bind marks its position dirty for the live classes,
// and a window re-filters and re-scores the dirty positions it covers and updates their block
// summaries in place (refilter_block, score_pending).
#pragma once
#include <cstdint>

#include "schedule.hpp"

namespace ks {

// Runs the batch if its inputs qualify (no explain, no GPU sharing, Fit strategy LeastAllocated or
// MostAllocated, magnitudes small enough to be exact in double) and returns true; returns false
// without touching `out` or any state otherwise.
bool run_batch_dense(const BatchInput& in, int32_t reason_base, BatchOutput& out);

// The dense loop also exists compiled for CPUs with POPCNT and BMI2 (dense_bmi2.cpp; GCC on x86-64),
// which run_batch_dense picks at run time. Same results; Baseline forces the other copy (tests).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(KS_NO_CLONES)
#define KS_HAS_DENSE_BMI2 1
#else
#define KS_HAS_DENSE_BMI2 0
#endif
enum class DenseVariant { Auto, Baseline };
extern DenseVariant dense_variant;
// Whether this build has the POPCNT/BMI2 copy and this CPU can run it.
bool dense_bmi2_available();

}  // namespace ks
