// Position-ordered batch loop; see dense.hpp for why it exists.
//
// Exactness of the double-precision formulas. Every column value and request is an integer below 2^46
// (checked in `eligible`, including the growth of every column by the whole batch) and static raw
// scores fit in int32, so sums and the products by 100 or 101 below stay exact integers in double
// (< 2^53). Upstream's integer divisions here all have quotients in [0, 100]: floor_div computes them
// from a multiplication by the divisor's reciprocal, whose relative error (< 2^-52) leaves the
// truncated estimate within one of the true quotient, then corrects it with two exact products.
// BalancedAllocation is a double formula upstream already: its divisions stay divisions, and its
// operations run in the same order. A total is a sum of weights times scores, a whole number; the
// replica caches store totals as float, which `eligible` allows only while every total's magnitude
// stays below 2^24 (exact in float, compared as exactly as in double).
#include "dense.hpp"

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "block_cache.hpp"
#include "kernels.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(KS_NO_CLONES)
#include <immintrin.h>
#define KS_HAS_TOP64_AVX512 1
#elif defined(KS_DENSE_BMI2)
#include <immintrin.h>
#endif
#ifndef KS_HAS_TOP64_AVX512
#define KS_HAS_TOP64_AVX512 0
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(KS_NO_CLONES)
// One copy of each block kernel per instruction set, chosen at load time: the default build targets
// baseline x86-64 (no -march), where double-to-integer truncation and 4/8-wide division do not
// vectorise. Results do not depend on the copy: no FMA contraction (-ffp-contract=off), IEEE
// division and square root are correctly rounded in every instruction set. The AVX-512 copy targets
// x86-64-v4 rather than bare avx512f: with AVX512VL the 256-bit loops GCC emits get 32 registers
// instead of 16, and the fused kernels stop spilling (about 9% on the distinct-pods bench). The
// gathered fused kernels (KS_GATHER) keep the avx512f copy, which measured a few percent faster for them.
#define KS_VECTOR __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#define KS_GATHER __attribute__((target_clones("avx512f", "avx2", "default")))
#define KS_SCALAR __attribute__((target_clones("avx2", "default"), optimize("no-tree-vectorize")))
#else
#define KS_GATHER __attribute__((noinline))
#define KS_SCALAR __attribute__((noinline))
#define KS_VECTOR __attribute__((noinline))
#endif

namespace ks {

namespace {

using namespace detail;

constexpr int32_t kBlock = 256;
constexpr size_t kMaxNorm = 4;      // normalized plugins an equivalence-class cache handles
constexpr int32_t kMinReplicas = 4;  // pods an equivalence class needs in a batch to get a cache
constexpr int64_t kMaxSlots = 1024;  // equivalence-class caches per batch
constexpr int32_t kIncremental = 16;
// Up to this many gathered positions, totals are computed by scalar code (fused22_few).
constexpr int32_t kFew = 4;
constexpr int64_t kTurnsForEager = 8;  // eager classes when the class changes more often than every 8th pod  // stale positions up to which a block summary is updated in place
constexpr int32_t kBindSummaries = 8;  // at most this many eager classes: summaries kept at bind time
constexpr int32_t kSum = 64;        // positions per block summary of an equivalence class (one dirty mask)
static_assert(kSum == 64, "a block's dirty positions are the bits of one uint64_t");
constexpr double kLimit = 70368744177664.0;  // 2^46: 101 * kLimit < 2^53

// A dense score column of NodeResourcesFit or BalancedAllocation: one scoring resource.
struct Column {
    int32_t row;
    bool nonzero;                 // reads the non-zero-defaulted request (cpu, memory in Fit scoring)
    int64_t weight;
    kvec<double> alloc;    // per position; zero allocatable stored as 1 (such nodes are irregular)
    kvec<double> inv;      // 1 / alloc
    kvec<double> used;     // per position
};

struct ClassData {
    bool built = false;
    kvec<uint8_t> ok;      // static filters (pre and post) pass
    kvec<double> fixed;    // weighted raw scores of the non-normalized static plugins
    kvec<int32_t> norm;    // normalized plugins with a non-zero raw score somewhere
    kvec<kvec<int32_t>> norm_raw;  // their raw scores per position (int32: eligible)
    // For FailedScheduling diagnoses: static filters ordered before Fit pass; the first failing static
    // filter ordered after Fit (-1 none); per reason id, the nodes failing before Fit.
    kvec<uint8_t> pre_ok;
    kvec<int32_t> post_id;
    kvec<int32_t> post_pos;  // the positions with a post_id
    kvec<std::pair<int32_t, int64_t>> pre_hist;
    // Per normalized plugin, its largest raw score over the positions the static filters pass: the
    // window maximum of nearly every window (equivalence-class caches normalize with it).
    kvec<int32_t> norm_top;
    // The positions the static filters pass, ascending; sparse: fewer than a quarter of all, so
    // windows walk this list instead of every position (a narrow nodeSelector, say).
    kvec<int32_t> static_pos;
    bool sparse = false;
};

// Equivalence-class cache: per position the weighted total (-inf where infeasible), its normalized
// plugins normalized by the class-wide maximum (ClassData::norm_top); per block of kSum positions the
// filter verdicts (static filters and Fit) as bits, the feasible count, the largest total, the
// positions that have it (bits) and their count. A block's positions that binds changed since the
// class last read it are the set bits of its dirty mask (DenseBatch::dirty_).
struct EquivData {
    int32_t slot = -1;  // column in dirty_; -1 not yet used; -2 no cache (see DenseBatch::setup): scans
    // Totals and verdicts kept current by every bind (DenseBatch::bind_eager), so a block a bind
    // touched only needs its summary again; otherwise binds mark positions dirty for the walk.
    bool eager = false;
    int32_t left = 0;   // pods of the class not yet scheduled in the batch
    kvec<float> val;  // whole numbers below 2^24 (DenseBatch::eligible), exact in float
    kvec<uint64_t> okm;
    kvec<int32_t> bfeas;
    kvec<double> bmax;    // -inf: no feasible position
    kvec<uint64_t> bmaxm;
    kvec<int32_t> bcnt;
    kvec<uint32_t> seen;  // per block, DenseBatch::block_binds_ when the class last read it
    // Some normalized plugin has a raw score strictly between 0 and its class-wide maximum at a position
    // the static filters pass; otherwise every window's maximum is 0 or that maximum, and windows need
    // no check.
    bool norm_check = false;
    // Per block and normalized plugin q, static bits: [(block * Q + q) * 2] positions whose raw score is
    // the class-wide maximum norm_top[q], [... + 1] positions whose raw score is not 0.
    kvec<uint64_t> normm;
    // The last FailedScheduling diagnosis of the class: the bind count it was made at, and its records
    // in BatchOutput::failures (no bind since: the next replica fails the same way).
    int64_t failed_at = -1;
    size_t diag_begin = 0, diag_end = 0;
    // A class that keeps failing while other classes bind is diagnosed again only at the positions bound
    // since (DenseBatch::diagnose_class): per position its Fit failures (bit 0: no free pod slot, bit
    // 1 + f: the f-th requested resource short), per bit the count over the positions the static
    // filters before Fit pass, per reason id of a filter after Fit the count over the positions that
    // pass Fit, and the length of DenseBatch::bind_log_ they reflect. Empty: not kept.
    kvec<uint8_t> diag_bits;
    kvec<int64_t> diag_counts;
    kvec<int64_t> diag_post;
    size_t diag_log = 0;
};

struct Active {
    const double* alloc;
    const double* used;
    const double* inv;  // 1 / alloc
    double q;
    double w;
};

// floor(x / a) for integers 0 <= x <= 100 * a (a > 0) given inv = fl(1 / a); see the top of the file.
// The estimate q is within one of the quotient, and the remainder x - q * a is exact (integers below
// 2^53), so one comparison each way corrects it; both at once keeps the dependency chain short.
inline double floor_div(double x, double a, double inv) {
    const double q = std::trunc(x * inv);
    const double r = x - q * a;
    return (q - (r < 0 ? 1.0 : 0.0)) + (r >= a ? 1.0 : 0.0);
}

// The Fit filter (with the static verdicts sok) over a block of positions (arrays offset to it): a free
// pod slot and every requested resource fits.
KS_VECTOR void filter_block(int32_t len, const uint8_t* __restrict sok, const int64_t* __restrict free_pods,
                            bool fit_filter, int32_t nf, const int64_t* const* __restrict fr,
                            const int64_t* __restrict fq, uint8_t* __restrict ok) {
    for (int32_t t = 0; t < len; ++t) ok[t] = sok[t];
    if (!fit_filter) return;
    for (int32_t t = 0; t < len; ++t) ok[t] &= static_cast<uint8_t>(free_pods[t] >= 1);
    for (int32_t f = 0; f < nf; ++f) {
        const int64_t* __restrict col = fr[f];
        const int64_t q = fq[f];
        for (int32_t t = 0; t < len; ++t) ok[t] &= static_cast<uint8_t>(q <= col[t]);
    }
}

// The score kernels read the feasible positions P[0..n) of the window (mostly consecutive, so the
// gathers stay in cache lines already loaded by the filter).

// Upstream leastResourceScorer / mostResourceScorer for one scoring resource, weighted, accumulated
// into num. max(a - r, 0) is the "requested > allocatable => 0" rule; min(r, a) is mostRequestedScore's.
KS_VECTOR void fit_add(int32_t n, const int32_t* __restrict P, const double* __restrict A,
                       const double* __restrict I, const double* __restrict U, double q, double w, bool most,
                       double* __restrict num) {
    for (int32_t t = 0; t < n; ++t) {
        const double a = A[P[t]];
        const double r = U[P[t]] + q;
        num[t] += w * floor_div((most ? std::min(r, a) : std::max(a - r, 0.0)) * 100.0, a, I[P[t]]);
    }
}

// The weighted-sum division of NodeResourcesFit's score (integer division by the weight sum), times
// the plugin weight, into tot.
KS_VECTOR void fit_total(int32_t n, const double* __restrict num, double wsum, double weight,
                         double* __restrict tot) {
    const double inv = 1.0 / wsum;
    for (int32_t t = 0; t < n; ++t) tot[t] += weight * floor_div(num[t], wsum, inv);
}

// Upstream balancedResourceScorer's fraction: requested / allocatable capped at 1.
KS_VECTOR void fraction(int32_t n, const int32_t* __restrict P, const double* __restrict A,
                        const double* __restrict U, double q, double* __restrict x) {
    for (int32_t t = 0; t < n; ++t) x[t] = std::min((U[P[t]] + q) / A[P[t]], 1.0);
}

// Two resources: sd = |f0 - f1| / 2; score = trunc((1 - sd) * 100), times the weight into tot.
KS_VECTOR void balanced2_total(int32_t n, const double* __restrict x0, const double* __restrict x1,
                               double weight, double* __restrict tot) {
    for (int32_t t = 0; t < n; ++t) tot[t] += weight * std::trunc((1 - std::fabs((x0[t] - x1[t]) / 2)) * 100.0);
}

// Three or more resources: the population standard deviation, summed in resource order as upstream.
KS_VECTOR void balanced_n_total(int32_t n, int32_t k, const double* __restrict x, size_t stride,
                                double* __restrict mean, double* __restrict sum, double weight,
                                double* __restrict tot) {
    for (int32_t t = 0; t < n; ++t) mean[t] = 0;
    for (int32_t e = 0; e < k; ++e)
        for (int32_t t = 0; t < n; ++t) mean[t] += x[e * stride + t];
    const double kd = static_cast<double>(k);
    for (int32_t t = 0; t < n; ++t) mean[t] = mean[t] / kd;
    for (int32_t t = 0; t < n; ++t) sum[t] = 0;
    for (int32_t e = 0; e < k; ++e)
        for (int32_t t = 0; t < n; ++t) {
            const double d = x[e * stride + t] - mean[t];
            sum[t] = sum[t] + d * d;
        }
    for (int32_t t = 0; t < n; ++t) tot[t] += weight * std::trunc((1 - std::sqrt(sum[t] / kd)) * 100.0);
}

KS_VECTOR void gather(int32_t n, const int32_t* __restrict P, const double* __restrict v, double* __restrict out) {
    for (int32_t t = 0; t < n; ++t) out[t] = v[P[t]];
}

// NodeAffinity (forward) / TaintToleration (reverse) DefaultNormalizeScore over the window, weighted.
KS_VECTOR void normalized_add(int32_t n, const int32_t* __restrict raw, double mx, bool reverse, double w,
                              double* __restrict tot) {
    const double inv = 1.0 / mx;
    for (int32_t t = 0; t < n; ++t) {
        const double v = floor_div(100.0 * static_cast<double>(raw[t]), mx, inv);  // 0 <= raw <= mx (eligible)
        tot[t] += w * (reverse ? 100.0 - v : v);
    }
}

// selectHost over the window's totals (kernels.hpp select_host, vectorised): the maximum, the number
// of tied maxima, then the r-th of them for one draw r. The maxima are written with vector types:
// compilers do not vectorise a floating-point max reduction themselves (it would reorder -0 and NaN
// cases, which cannot occur here: totals are integers or -inf).
typedef double v8d __attribute__((vector_size(64)));
// The helpers below are inlined into each clone; a v8d never crosses a call boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

// A vector of V's width from p (unaligned).
template <class V, class T>
__attribute__((always_inline)) inline V loadv(const T* p) {
    V x;
    std::memcpy(&x, p, sizeof x);
    return x;
}

__attribute__((always_inline)) inline v8d load8(const double* p) { return loadv<v8d>(p); }

template <class V>
__attribute__((always_inline)) inline V vmax(V a, V b) { return a > b ? a : b; }

// The largest lane, as a tree of lane swaps (three steps, not a chain of seven): a block summary's
// maximum is on the walk's critical path. The order does not matter: no value is NaN.
__attribute__((always_inline)) inline double hmax(v8d a) {
    a = vmax(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3));
    a = vmax(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5));
    a = vmax(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6));
    return a[0];
}

__attribute__((always_inline)) inline double max_impl(int32_t n, const double* __restrict v) {
    if (n == 64) {
        // A whole block (kSum positions): a tree over its eight vectors.
        v8d x[8];
        for (int k = 0; k < 8; ++k) x[k] = load8(v + 8 * k);
        return hmax(vmax(vmax(vmax(x[0], x[1]), vmax(x[2], x[3])), vmax(vmax(x[4], x[5]), vmax(x[6], x[7]))));
    }
    const double ninf = -std::numeric_limits<double>::infinity();
    v8d acc = {ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf};
    int32_t t = 0;
    for (; t + 8 <= n; t += 8) acc = vmax(load8(v + t), acc);
    double m = hmax(acc);
    for (; t < n; ++t) m = std::max(m, v[t]);
    return m;
}

KS_VECTOR double max_of(int32_t n, const double* __restrict v) { return max_impl(n, v); }

KS_VECTOR int32_t count_eq(int32_t n, const double* __restrict v, double x) {
    int32_t c = 0;
    for (int32_t t = 0; t < n; ++t) c += v[t] == x;
    return c;
}

int32_t select_in(int32_t n, const double* v, SplitMix64& rng) {
    const double best = max_of(n, v);
    const int32_t ties = count_eq(n, v, best);
    int32_t r = ties > 1 ? static_cast<int32_t>(rng.below(static_cast<uint64_t>(ties))) : 0;
    int32_t t = 0;
    for (; t + 64 <= n; t += 64) {  // skip whole chunks by their tie counts
        const int32_t c = count_eq(64, v + t, best);
        if (r < c) break;
        r -= c;
    }
    for (; t < n; ++t)
        if (v[t] == best && r-- == 0) return t;
    return 0;
}

KS_VECTOR int32_t count_ok(int32_t n, const uint8_t* __restrict ok) {
    int32_t c = 0;
    for (int32_t j = 0; j < n; ++j) c += ok[j];
    return c;
}

// The smallest and largest of v[0..n) (0 included), the or of the values (0: none requested) and the
// sum, into 8 accumulators each (lane k: values k, k + 8, ...; folded by the caller), which the caller
// starts at 0. Eight independent lanes vectorise; one running sum would not (a double sum's order).
KS_VECTOR void row_stats(int32_t n, const int64_t* __restrict v, int64_t* __restrict lo, int64_t* __restrict hi,
                         int64_t* __restrict any, double* __restrict sum) {
    int32_t p = 0;
    for (; p + 8 <= n; p += 8)
        for (int32_t k = 0; k < 8; ++k) {
            lo[k] = std::min(lo[k], v[p + k]);
            hi[k] = std::max(hi[k], v[p + k]);
            any[k] |= v[p + k];
            sum[k] += static_cast<double>(v[p + k]);
        }
    for (int32_t k = 0; p < n; ++p, ++k) {
        lo[k] = std::min(lo[k], v[p]);
        hi[k] = std::max(hi[k], v[p]);
        any[k] |= v[p];
        sum[k] += static_cast<double>(v[p]);
    }
}

// The smallest and largest of v[0..n) and of lo, hi.
KS_VECTOR void min_max(int32_t n, const int64_t* __restrict v, int64_t& lo, int64_t& hi) {
    int64_t a = lo, b = hi;
    for (int32_t i = 0; i < n; ++i) {
        a = std::min(a, v[i]);
        b = std::max(b, v[i]);
    }
    lo = a;
    hi = b;
}


// The block of a position (positions are not negative: a shift, not a signed division).
inline int32_t block_of(int32_t j) { return static_cast<int32_t>(static_cast<uint32_t>(j) / kSum); }

// Bits [lo, hi) of a block, 0 <= lo <= hi <= 64.
inline uint64_t range_mask(int32_t lo, int32_t hi) {
    const uint64_t upto = hi >= 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
    return upto & ~((uint64_t{1} << lo) - 1);
}

// The largest value so far m and how many times it occurs c, taking a value x that occurs cx times.
// Written with masks and a max instead of conditions: which value is the largest is data, and the
// compiler turns nested conditionals into branches.
template <class C>
inline void take_max(double x, C cx, double& m, C& c) {
    const C keep = -static_cast<C>(!(x > m));  // x is not a new maximum: the count goes on
    const C join = -static_cast<C>(x >= m);    // x is (or ties) the maximum
    c = (c & keep) + (cx & join);
    m = std::max(m, x);
}

// A block's summary after some of its positions changed: the best total and its positions so far
// (top, tie; the changed positions' old bits cleared) take a changed position's new total x (bit).
inline void take_total(double x, uint64_t bit, double& top, uint64_t& tie) {
    if (x > top) {
        top = x;
        tie = bit;
    } else if (x == top) {
        tie |= bit;
    }
}

// The largest of v[0..n) (n <= 64; -inf if n is 0) and the positions that have it, as bits (none when
// it is -inf: no feasible position). Totals are stored as float (whole numbers below 2^24, which
// DenseBatch::eligible checks): sixteen to a vector.
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));

__attribute__((always_inline)) inline v16f load16(const float* p) { return loadv<v16f>(p); }

// The largest lane, by four steps of lane swaps (see hmax).
__attribute__((always_inline)) inline float hmax16(v16f a) {
    a = vmax(a, __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    a = vmax(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    a = vmax(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
    a = vmax(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    return a[0];
}

// The or of the lanes.
__attribute__((always_inline)) inline uint32_t hor16(v16i a) {
    a |= __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    a |= __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
    a |= __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    a |= __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    return static_cast<uint32_t>(a[0]);
}

// WithOk: also the positions whose total is above -inf (ok, bits).
// N: the number of positions when it is known (a whole block: the loops unroll), else 0 (n).
template <bool WithOk, int N>
__attribute__((always_inline)) inline double top_body(int32_t n_, const float* __restrict v, uint64_t* __restrict tie,
                                                      uint64_t* __restrict ok) {
    const int32_t n = N > 0 ? N : n_;
    const float ninf = -std::numeric_limits<float>::infinity();
    const v16f iv = {ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf, ninf};
    float m;
    int32_t t = 0;
    if (N == 64) {
        m = hmax16(vmax(vmax(load16(v), load16(v + 16)), vmax(load16(v + 32), load16(v + 48))));
        t = 64;
    } else {
        v16f acc = iv;
        for (; t + 16 <= n; t += 16) acc = vmax(load16(v + t), acc);
        m = hmax16(acc);
        for (int32_t u = t; u < n; ++u) m = std::max(m, v[u]);
    }
    // The equal lanes of each 16 positions as bits, weighted in vector registers and or-ed at the
    // end (compilers do not turn the scalar form into vector compares).
    const v16f mv = {m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m};
    const v16i w = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
    // Positions 0..31 weighted into one vector, 32..63 into another: two reductions at the end.
    v16i lo = {}, hi = {}, flo = {}, fhi = {};
    int32_t c = 0;
    for (; c + 16 <= n; c += 16) {
        const v16f x = load16(v + c);
        const v16i wc = w << (c & 16);
        const v16i e = (x == mv) & wc, f = (x != iv) & wc;
        if (c < 32) {
            lo |= e;
            if (WithOk) flo |= f;
        } else {
            hi |= e;
            if (WithOk) fhi |= f;
        }
    }
    uint64_t bits = hor16(lo) | static_cast<uint64_t>(hor16(hi)) << 32, fb = 0;
    if (WithOk) fb = hor16(flo) | static_cast<uint64_t>(hor16(fhi)) << 32;
    for (; c < n; ++c) {
        bits |= static_cast<uint64_t>(v[c] == m) << c;
        if (WithOk) fb |= static_cast<uint64_t>(v[c] != ninf) << c;
    }
    *tie = m == ninf ? 0 : bits;
    if (WithOk) *ok = fb;
    return static_cast<double>(m);
}

template <bool WithOk>
__attribute__((always_inline)) inline double top_impl(int32_t n, const float* __restrict v, uint64_t* __restrict tie,
                                                      uint64_t* __restrict ok) {
    return n == kSum ? top_body<WithOk, kSum>(n, v, tie, ok) : top_body<WithOk, 0>(n, v, tie, ok);
}

KS_VECTOR double top_of_any(int32_t n, const float* __restrict v, uint64_t* __restrict tie) {
    return top_impl<false>(n, v, tie, nullptr);
}

KS_VECTOR double top_ok_of_any(int32_t n, const float* __restrict v, uint64_t* __restrict tie,
                               uint64_t* __restrict ok) {
    return top_impl<true>(n, v, tie, ok);
}

#if KS_HAS_TOP64_AVX512
// A whole block with AVX-512 compares straight into mask registers, each one 16 of the block's bits:
// the generic vector form above weights and or-reduces lanes instead. The same values: the maximum
// of the same floats, ordered equality (no value is NaN) and "above -inf".
#define KS_TOP64_MASK(x, y, pred) static_cast<uint64_t>(_cvtmask16_u32(_mm512_cmp_ps_mask(x, y, pred)))
template <bool WithOk>
__attribute__((target("avx512f"))) double top64_avx512(const float* __restrict v, uint64_t* __restrict tie,
                                                       uint64_t* __restrict ok) {
    // The maximum in vector types (GCC 12's masked max intrinsics warn of an uninitialized operand).
    const v16f va = load16(v), vb = load16(v + 16), vc = load16(v + 32), vd = load16(v + 48);
    const float m = hmax16(vmax(vmax(va, vb), vmax(vc, vd)));
    const __m512 a = va, b = vb, c = vc, d = vd, mv = _mm512_set1_ps(m);
    const uint64_t bits = KS_TOP64_MASK(a, mv, _CMP_EQ_OQ) | KS_TOP64_MASK(b, mv, _CMP_EQ_OQ) << 16 |
                          KS_TOP64_MASK(c, mv, _CMP_EQ_OQ) << 32 | KS_TOP64_MASK(d, mv, _CMP_EQ_OQ) << 48;
    const float ninf = -std::numeric_limits<float>::infinity();
    *tie = m == ninf ? 0 : bits;
    if (WithOk) {
        const __m512 iv = _mm512_set1_ps(ninf);
        *ok = KS_TOP64_MASK(a, iv, _CMP_NEQ_UQ) | KS_TOP64_MASK(b, iv, _CMP_NEQ_UQ) << 16 |
              KS_TOP64_MASK(c, iv, _CMP_NEQ_UQ) << 32 | KS_TOP64_MASK(d, iv, _CMP_NEQ_UQ) << 48;
    }
    return static_cast<double>(m);
}
#undef KS_TOP64_MASK

// Whole blocks take top64_avx512 on CPUs with AVX-512, unless the baseline copy of the loop is forced
// (set_dense_variant("baseline"), which tests compare against).
inline bool top64_fast() {
    static const bool cpu = (__builtin_cpu_init(), __builtin_cpu_supports("avx512f"));
    return cpu && dense_variant != DenseVariant::Baseline;
}
#endif

// A block's best total and the positions that have it (bits); n positions from v.
inline double top_of(int32_t n, const float* __restrict v, uint64_t* __restrict tie) {
#if KS_HAS_TOP64_AVX512
    if (n == kSum && top64_fast()) return top64_avx512<false>(v, tie, nullptr);
#endif
    return top_of_any(n, v, tie);
}

// top_of, and the positions whose total is above -inf (ok, bits).
inline double top_ok_of(int32_t n, const float* __restrict v, uint64_t* __restrict tie, uint64_t* __restrict ok) {
#if KS_HAS_TOP64_AVX512
    if (n == kSum && top64_fast()) return top64_avx512<true>(v, tie, ok);
#endif
    return top_ok_of_any(n, v, tie, ok);
}

// Integer copies of the raw scores, so the maximum is a vectorised integer reduction.
KS_VECTOR int32_t masked_max(int32_t n, const uint8_t* __restrict ok, const int32_t* __restrict v, int32_t m) {
    for (int32_t j = 0; j < n; ++j) m = std::max(m, ok[j] ? v[j] : 0);
    return m;
}

// A normalized static plugin with its window maximum (mx > 0), as normalized_add applies it.
struct NormTerm {
    const int32_t* raw;  // per position
    double mx, inv, w;   // inv = 1 / mx
    bool reverse;
};

// The default shape in one pass: Fit on two resources (LeastAllocated or MostAllocated) and
// BalancedAllocation on two, plus the fixed static part, then NQ normalized plugins; the same
// operations, in the same order, as fit_add + fit_total + fraction + balanced2_total + normalized_add.
template <bool Most, bool Contig, int NQ = 0>  // NQ <= 2
inline void fused22(int32_t n, const int32_t* __restrict P, const uint8_t* __restrict ok,
                    const double* __restrict fixed, const Active* fa,
                    double wsum, double wf, const Active* ba, double wb, double* __restrict T,
                    const NormTerm* nt = nullptr) {
    const double* __restrict A0 = fa[0].alloc;
    const double* __restrict I0 = fa[0].inv;
    const double* __restrict U0 = fa[0].used;
    const double* __restrict A1 = fa[1].alloc;
    const double* __restrict I1 = fa[1].inv;
    const double* __restrict U1 = fa[1].used;
    const double* __restrict B0 = ba[0].alloc;
    const double* __restrict V0 = ba[0].used;
    const double* __restrict B1 = ba[1].alloc;
    const double* __restrict V1 = ba[1].used;
    const double q0 = fa[0].q, w0 = fa[0].w, q1 = fa[1].q, w1 = fa[1].w, bq0 = ba[0].q, bq1 = ba[1].q;
    const double iw = 1.0 / wsum;
    // The normalized terms in locals, so the loop does not reload them after each store to T.
    const int32_t* __restrict R0 = NQ > 0 ? nt[0].raw : nullptr;
    const int32_t* __restrict R1 = NQ > 1 ? nt[1].raw : nullptr;
    const double m0 = NQ > 0 ? nt[0].mx : 1, i0 = NQ > 0 ? nt[0].inv : 1, nw0 = NQ > 0 ? nt[0].w : 0;
    const double m1 = NQ > 1 ? nt[1].mx : 1, i1 = NQ > 1 ? nt[1].inv : 1, nw1 = NQ > 1 ? nt[1].w : 0;
    // reverse ? 100 - v : v as a + s * v (exact on these integers), so the loop has no branch.
    const double a0n = NQ > 0 && nt[0].reverse ? 100.0 : 0.0, s0n = NQ > 0 && nt[0].reverse ? -1.0 : 1.0;
    const double a1n = NQ > 1 && nt[1].reverse ? 100.0 : 0.0, s1n = NQ > 1 && nt[1].reverse ? -1.0 : 1.0;
    for (int32_t t = 0; t < n; ++t) {
        const int32_t j = Contig ? t : P[t];
        const double a0 = A0[j], r0 = U0[j] + q0, a1 = A1[j], r1 = U1[j] + q1;
        double s0, s1;
        if (Most) {
            s0 = floor_div(std::min(r0, a0) * 100.0, a0, I0[j]);
            s1 = floor_div(std::min(r1, a1) * 100.0, a1, I1[j]);
        } else {
            s0 = floor_div(std::max(a0 - r0, 0.0) * 100.0, a0, I0[j]);
            s1 = floor_div(std::max(a1 - r1, 0.0) * 100.0, a1, I1[j]);
        }
        const double num = (0.0 + w0 * s0) + w1 * s1;
        const double x0 = std::min((V0[j] + bq0) / B0[j], 1.0);
        const double x1 = std::min((V1[j] + bq1) / B1[j], 1.0);
        const double bal = std::trunc((1 - std::fabs((x0 - x1) / 2)) * 100.0);
        double v = (fixed[j] + wf * floor_div(num, wsum, iw)) + wb * bal;
        if (NQ > 0) {
            const double nv = floor_div(100.0 * static_cast<double>(R0[j]), m0, i0);
            v += nw0 * (a0n + s0n * nv);
        }
        if (NQ > 1) {
            const double nv = floor_div(100.0 * static_cast<double>(R1[j]), m1, i1);
            v += nw1 * (a1n + s1n * nv);
        }
        T[t] = Contig ? (ok[t] ? v : -std::numeric_limits<double>::infinity()) : v;
    }
}

KS_GATHER void fused22_least(int32_t n, const int32_t* __restrict P, const double* __restrict fixed, const Active* fa,
                             double wsum, double wf, const Active* ba, double wb, double* __restrict T) {
    fused22<false, false>(n, P, nullptr, fixed, fa, wsum, wf, ba, wb, T);
}

KS_GATHER void fused22_most(int32_t n, const int32_t* __restrict P, const double* __restrict fixed, const Active* fa,
                            double wsum, double wf, const Active* ba, double wb, double* __restrict T) {
    fused22<true, false>(n, P, nullptr, fixed, fa, wsum, wf, ba, wb, T);
}

// The same totals at a few gathered positions (a bind's own rescoring: usually one), where the vector
// loops' set-up costs more than the positions; scalar code, the same operations in the same order.
KS_SCALAR void fused22_few(bool most, int32_t n, const int32_t* P,
                                                                         const double* fixed, const Active* fa,
                                                                         double wsum, double wf, const Active* ba,
                                                                         double wb, double* T) {
    if (most)
        fused22<true, false>(n, P, nullptr, fixed, fa, wsum, wf, ba, wb, T);
    else
        fused22<false, false>(n, P, nullptr, fixed, fa, wsum, wf, ba, wb, T);
}

// One position's totals for n equivalence classes at once (bind time, see DenseBatch::bind_eager): the
// default shape of fused22 with the node's columns as scalars and the classes' requests as vectors;
// cf[t] is class t's static part (fixed and normalized plugins, -inf where a static filter fails), its
// Fit filter requests are fq[f * stride + t] against the node's free amounts fv[f] (INT64_MIN: not
// requested). -inf where infeasible (a static part of -inf stays -inf through the sums).
struct NodeAt {
    double a0, i0, u0, a1, i1, u1, b0, v0, b1, v1;
};

template <bool Most>
inline void eager_totals(int32_t n, const double* __restrict cf, const double* __restrict q0,
                         const double* __restrict q1, const double* __restrict bq0, const double* __restrict bq1,
                         const int64_t* __restrict fq, size_t stride, int32_t nf, const int64_t* __restrict fv,
                         const NodeAt& x, double w0, double w1, double wsum, double wf, double wb,
                         double* __restrict out) {
    const double iw = 1.0 / wsum;
    const double ninf = -std::numeric_limits<double>::infinity();
    for (int32_t t = 0; t < n; ++t) {
        const double r0 = x.u0 + q0[t], r1 = x.u1 + q1[t];
        double s0, s1;
        if (Most) {
            s0 = floor_div(std::min(r0, x.a0) * 100.0, x.a0, x.i0);
            s1 = floor_div(std::min(r1, x.a1) * 100.0, x.a1, x.i1);
        } else {
            s0 = floor_div(std::max(x.a0 - r0, 0.0) * 100.0, x.a0, x.i0);
            s1 = floor_div(std::max(x.a1 - r1, 0.0) * 100.0, x.a1, x.i1);
        }
        const double num = (0.0 + w0 * s0) + w1 * s1;
        const double f0 = std::min((x.v0 + bq0[t]) / x.b0, 1.0);
        const double f1 = std::min((x.v1 + bq1[t]) / x.b1, 1.0);
        const double bal = std::trunc((1 - std::fabs((f0 - f1) / 2)) * 100.0);
        out[t] = (cf[t] + wf * floor_div(num, wsum, iw)) + wb * bal;
    }
    for (int32_t f = 0; f < nf; ++f) {
        const int64_t* __restrict r = fq + f * stride;
        const int64_t v = fv[f];
        for (int32_t t = 0; t < n; ++t) out[t] = r[t] <= v ? out[t] : ninf;
    }
}

// The two strategies' entry points (one vector-kernel copy set each).
#define KS_EAGER(NAME, MOST)                                                                                     \
    KS_VECTOR void NAME(int32_t n, const double* __restrict cf, const double* __restrict q0,                    \
                        const double* __restrict q1, const double* __restrict bq0, const double* __restrict bq1, \
                        const int64_t* __restrict fq, size_t stride, int32_t nf, const int64_t* __restrict fv,   \
                        const NodeAt& x, double w0, double w1, double wsum, double wf, double wb,               \
                        double* __restrict out) {                                                               \
        eager_totals<MOST>(n, cf, q0, q1, bq0, bq1, fq, stride, nf, fv, x, w0, w1, wsum, wf, wb, out);          \
    }
KS_EAGER(eager_least, false)
KS_EAGER(eager_most, true)
#undef KS_EAGER

// Contiguous windows, with 0-2 normalized plugins folded in.
#define KS_FUSED_CONTIG(NAME, MOST, NQ)                                                                       \
    KS_VECTOR void NAME(int32_t n, const uint8_t* __restrict ok, const double* __restrict fixed, const Active* fa, \
                        double wsum, double wf, const Active* ba, double wb, double* __restrict T,            \
                        const NormTerm* nt) {                                                                  \
        fused22<MOST, true, NQ>(n, nullptr, ok, fixed, fa, wsum, wf, ba, wb, T, nt);                         \
    }
KS_FUSED_CONTIG(fused22_least_contig0, false, 0)
KS_FUSED_CONTIG(fused22_least_contig1, false, 1)
KS_FUSED_CONTIG(fused22_least_contig2, false, 2)
KS_FUSED_CONTIG(fused22_most_contig0, true, 0)
KS_FUSED_CONTIG(fused22_most_contig1, true, 1)
KS_FUSED_CONTIG(fused22_most_contig2, true, 2)
#undef KS_FUSED_CONTIG

using FusedContig = void (*)(int32_t, const uint8_t*, const double*, const Active*, double, double, const Active*,
                             double, double*, const NormTerm*);
const FusedContig kFusedContig[2][3] = {{fused22_least_contig0, fused22_least_contig1, fused22_least_contig2},
                                        {fused22_most_contig0, fused22_most_contig1, fused22_most_contig2}};

// Filter kernels specialised for one to three requested resources (cpu, memory, ephemeral storage:
// the common pods), in one pass.
template <int N>
inline void filter_n(int32_t len, const uint8_t* __restrict sok, const int64_t* __restrict free_pods,
                     const int64_t* const* __restrict fr, const int64_t* __restrict fq, uint8_t* __restrict ok) {
    const int64_t* __restrict f0 = fr[0];
    const int64_t* __restrict f1 = N > 1 ? fr[1] : fr[0];
    const int64_t* __restrict f2 = N > 2 ? fr[2] : fr[0];
    const int64_t q0 = fq[0], q1 = N > 1 ? fq[1] : fq[0], q2 = N > 2 ? fq[2] : fq[0];
    for (int32_t j = 0; j < len; ++j)
        ok[j] = static_cast<uint8_t>(sok[j] & (free_pods[j] >= 1) & (q0 <= f0[j]) & (q1 <= f1[j]) & (q2 <= f2[j]));
}

KS_VECTOR void filter_block1(int32_t len, const uint8_t* __restrict sok, const int64_t* __restrict free_pods,
                             const int64_t* const* __restrict fr, const int64_t* __restrict fq, uint8_t* __restrict ok) {
    filter_n<1>(len, sok, free_pods, fr, fq, ok);
}

KS_VECTOR void filter_block2(int32_t len, const uint8_t* __restrict sok, const int64_t* __restrict free_pods,
                             const int64_t* const* __restrict fr, const int64_t* __restrict fq, uint8_t* __restrict ok) {
    filter_n<2>(len, sok, free_pods, fr, fq, ok);
}

KS_VECTOR void filter_block3(int32_t len, const uint8_t* __restrict sok, const int64_t* __restrict free_pods,
                             const int64_t* const* __restrict fr, const int64_t* __restrict fq, uint8_t* __restrict ok) {
    filter_n<3>(len, sok, free_pods, fr, fq, ok);
}

// FailedScheduling counts over positions [0, n) where the static filters before Fit pass (pre), with
// each position's Fit failures as bits: bits[j] set to bit 0 where no pod slot is free / the given
// bit ORed in where the request q is above the free amount col[j].
KS_VECTOR int64_t pods_short_bits(int32_t n, const uint8_t* __restrict pre, const int64_t* __restrict free_pods,
                                  uint8_t* __restrict bits) {
    int64_t c = 0;
    for (int32_t j = 0; j < n; ++j) {
        const uint8_t bad = free_pods[j] < 1;
        bits[j] = bad;
        c += pre[j] & bad;
    }
    return c;
}

KS_VECTOR int64_t resource_short_bits(int32_t n, const uint8_t* __restrict pre, const int64_t* __restrict col,
                                      int64_t q, uint8_t bit, uint8_t* __restrict bits) {
    int64_t c = 0;
    for (int32_t j = 0; j < n; ++j) {
        const uint8_t bad = q > col[j];
        bits[j] |= static_cast<uint8_t>(-bad) & bit;
        c += pre[j] & bad;
    }
    return c;
}

// The position a walk over m positions starts at (start < m in the usual case: no division).
inline int32_t start_position(int64_t start, int32_t m) {
    return m > 0 ? static_cast<int32_t>(start < m ? start : start % m) : 0;
}

// From here on, the dense_bmi2.cpp copy is compiled for CPUs with POPCNT and BMI2. The vector
// kernels above keep their own per-CPU copies (a target pragma would drop their clones).
#ifdef KS_DENSE_BMI2
#pragma GCC push_options
#pragma GCC target("popcnt,bmi,bmi2")
#endif

// Bit helpers over a block's 64 positions (bit k: position block * kSum + k). The variant for CPUs
// with POPCNT and BMI2 (dense_bmi2.cpp) uses the instructions; the baseline build writes them out,
// because there __builtin_popcountll is a library call.
#ifdef KS_DENSE_BMI2
inline int32_t popcount64(uint64_t m) { return __builtin_popcountll(m); }
// The index of the k-th (from 0) set bit of m; k < popcount64(m): deposit bit k into m's set bits.
inline int32_t select_bit(uint64_t m, int32_t k) { return __builtin_ctzll(_pdep_u64(uint64_t{1} << k, m)); }
#else
inline int32_t popcount64(uint64_t m) {
    m = m - ((m >> 1) & 0x5555555555555555ULL);
    m = (m & 0x3333333333333333ULL) + ((m >> 2) & 0x3333333333333333ULL);
    m = (m + (m >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return static_cast<int32_t>((m * 0x0101010101010101ULL) >> 56);
}

// The position of the k-th (from 0) set bit of each byte value, for select_bit.
struct ByteSelect {
    uint8_t at[256][8];
};
constexpr ByteSelect make_byte_select() {
    ByteSelect t{};
    for (int v = 0; v < 256; ++v)
        for (int bit = 0, c = 0; bit < 8; ++bit)
            if ((v >> bit) & 1) t.at[v][c++] = static_cast<uint8_t>(bit);
    return t;
}
constexpr ByteSelect kByteSelect = make_byte_select();

// The index of the k-th (from 0) set bit of m; k < popcount64(m). Branch-free: which byte holds the
// bit is unpredictable (it picks a window's end and a drawn tie).
inline int32_t select_bit(uint64_t m, int32_t k) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    uint64_t s = m - ((m >> 1) & 0x5555555555555555ULL);
    s = (s & 0x3333333333333333ULL) + ((s >> 2) & 0x3333333333333333ULL);
    s = (s + (s >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    const uint64_t prefix = s * kOnes;  // byte i: set bits in bytes 0..i (at most 64)
    // High bit of byte i: prefix_i >= k + 1 (prefix_i + 128 - (k + 1) stays within the byte).
    const uint64_t past = ((prefix | kHigh) - static_cast<uint64_t>(k + 1) * kOnes) & kHigh;
    // The bytes before the bit's byte are those with prefix_i <= k (prefix_7 > k: at most 7).
    const int32_t byte = 8 - static_cast<int32_t>(((past >> 7) * kOnes) >> 56);
    const int32_t before = static_cast<int32_t>(((prefix << 8) >> (8 * byte)) & 0xff);
    return 8 * byte + kByteSelect.at[(m >> (8 * byte)) & 0xff][k - before];
}
#endif

// findNodesThatPassFilters' rotating walk over positions, a block at a time: it stops at the
// to_find-th feasible position, and what it visited is at most two contiguous segments of positions
// (the walk wraps once at most); offsets into the visited positions ("window order") run over the
// segments in order.
struct Window {
    struct Seg { int32_t a, b; };
    Seg segs[2];
    int nseg = 0;
    int64_t found = 0, processed = 0;
    int32_t width = 0, pos = 0, M = 0;

    Window(int64_t start, int32_t m) : pos(start_position(start, m)), M(m) {}
    bool more(int64_t to_find) const { return processed < M && found < to_find; }
    int32_t block() const {
        return static_cast<int32_t>(std::min<int64_t>({kBlock, static_cast<int64_t>(M - pos), M - processed}));
    }
    // Takes the verdicts ok[0..len) of the block at pos.
    void take(const uint8_t* ok, int32_t len, int64_t to_find) {
        int32_t cnt = count_ok(len, ok);
        int32_t cut = len;
        if (found + cnt >= to_find) {
            int64_t need = to_find - found;
            cut = 0;
            while (need > 0) need -= ok[cut++];
            cnt = static_cast<int32_t>(to_find - found);
        }
        if (nseg > 0 && segs[nseg - 1].b == pos)
            segs[nseg - 1].b = pos + cut;
        else
            segs[nseg++] = {pos, pos + cut};
        found += cnt;
        processed += cut;
        width += cut;
        pos += cut;
        if (pos == M) pos = 0;
    }
    int32_t position(int32_t w) const {
        for (int k = 0; k < nseg; ++k) {
            const int32_t len = segs[k].b - segs[k].a;
            if (w < len) return segs[k].a + w;
            w -= len;
        }
        return -1;
    }
};

// A part of an equivalence-class window: positions [a, b) of one block, or (whole) a run of entire
// blocks. Once read: its largest total m, the number of positions that have it, and for a part of one
// block those positions (tie, bits of the block).
struct Piece {
    int32_t a, b;
    bool whole;
    double m;
    int32_t cnt;
    uint64_t tie;
};

class DenseBatch {
public:
    DenseBatch(const BatchInput& in, int32_t reason_base, BatchOutput& out)
        : in_(in), reason_base_(reason_base), out_(out) {}

    bool eligible();
    void run();

private:
    const BatchInput& in_;
    int32_t reason_base_;
    BatchOutput& out_;
    int32_t M_ = 0, N_ = 0, R_ = 0, K_ = 0;
    kvec<uint8_t> requested_any_;  // per resource row: some pod of the batch requests it (eligible)
    kvec<int32_t> slot_of_row_;
    kvec<kvec<int64_t>> free_;  // per filter slot, per position: allocatable - requested
    kvec<int32_t> slot_row_;
    kvec<int64_t> free_pods_;
    kvec<Column> fit_cols_, bal_cols_;
    kvec<uint8_t> irregular_;         // a scoring resource has zero allocatable: scalar kernels
    bool any_irregular_ = false;
    // The node columns (in_.nodes) take the batch's binds at its end: nothing reads them during the
    // batch but the scalar kernels of irregular positions, and the sums are the same in any order.
    // Binding in the loop waited on the chosen node's columns, out of cache, for every pod.
    bool defer_nodes_ = false;
    kvec<int32_t> pos_of_;
    kvec<ClassData> classes_;
    kvec<EquivData> equiv_;
    // Per block of kSum positions and equivalence-class slot, the positions binds changed since the
    // class last read the block (bit k: position block * kSum + k); [block * slots_ + slot].
    kvec<uint64_t> dirty_;
    int32_t slots_ = 0, slots_used_ = 0;
    // The slots binds mark: classes with pods left in the batch (live_slot_at_: index in live_slots_, -1).
    kvec<int32_t> live_slots_, live_slot_at_;
    // Binds per block of kSum positions so far (modulo 2^32): a class's walk reads a block's dirty mask
    // only when this moved since the class last read the block (a contiguous array per class, where
    // the masks of one class lie a row apart).
    kvec<uint32_t> block_binds_;
    // Eager classes with pods left, by live index i (see bind_eager): their slot, requests (Fit
    // scoring: q0, q1; BalancedAllocation: bq0, bq1; Fit filter per filter slot f: fq[f * slots_ + i],
    // INT64_MIN where not requested) and per position their static part (fixed and normalized plugins
    // at the class-wide maximum, -inf where a static filter fails): cf[j * slots_ + i].
    int32_t nle_ = 0;
    bool eager_ok_ = false;  // the batch's shape allows eager classes (see setup)
    kvec<int32_t> le_at_;  // per slot: live index, -1
    kvec<int32_t> le_slot_;
    kvec<EquivData*> le_ed_;  // per live index, the class
    kvec<float*> le_val_;  // the class's val.data(), in a flat list for bind_eager's loop
    kvec<double> le_q0_, le_q1_, le_bq0_, le_bq1_, le_cf_, le_out_;
    kvec<int64_t> le_fq_, le_fv_;
    int64_t binds_ = 0;
    kvec<int32_t> bind_log_;  // the position of every bind so far, in order
    kvec<Piece> pieces_;   // equiv_blocks' window
    kvec<kvec<float>> val_pool_;  // totals arrays of classes with no pod left
    // Positions refilter_block took in the current window, and their blocks.
    struct PendBlock {
        int32_t b, begin, end;
        bool whole;
        uint64_t bits;  // the block's positions taken
    };
    kvec<int32_t> pend_;
    kvec<PendBlock> pend_blocks_;
    int32_t npend_ = 0;

    // The pod being scheduled.
    PodPlan plan_;
    bool want_fit_ = false, want_bal_ = false;
    double wf_ = 0, wb_ = 0, wsum_ = 0;
    kvec<const int64_t*> fr_;
    kvec<const int64_t*> frw_;  // window(): fr_ offset to the block
    kvec<int64_t> fq_;
    kvec<Active> fact_, bact_;

    // Scratch, sized in run().
    size_t cap_ = 0;
    kvec<uint8_t> ok_;
    kvec<int32_t> P_;
    kvec<double> tot_, num_, mean_, sum_, xs_, wscratch_;
    kvec<int32_t> nraw_;

    void setup();
    // nextStartNodeIndex = (nextStartNodeIndex + processedNodes) % len(allNodes), with one subtraction
    // instead of a division in the usual case (start < N, processed <= N).
    int64_t next_start(int64_t start, int64_t processed) const {
        if (N_ == 0) return start;
        start += processed;
        if (start >= N_) start = start < 2 * static_cast<int64_t>(N_) ? start - N_ : start % N_;
        return start;
    }
    ClassData& class_data(int32_t s);
    void filter_range(const ClassData& cd, int32_t pos, int32_t len, uint8_t* ok);
    bool contiguous_shape() const {
        return want_fit_ && want_bal_ && fact_.size() == 2 && bact_.size() == 2 && wsum_ != 0;
    }
    // filter_block's Fit verdict at one position (the static verdict aside).
    bool fits(int32_t j) const {
        if (!in_.fit.filter_enabled) return true;
        if (free_pods_[j] < 1) return false;
        for (size_t f = 0; f < fr_.size(); ++f)
            if (fq_[f] > fr_[f][j]) return false;
        return true;
    }
    void add_normalized_at(int32_t n, const int32_t* P, const ClassData& cd, size_t q, int32_t mx, double* T);
    void summarize(EquivData& ed, int32_t b);
    void set_summary(EquivData& ed, int32_t b, double top, uint64_t tie);
    // Block b's best total and the positions that have it (none when top is -inf).
    static void store_summary(EquivData& ed, int32_t b, double top, uint64_t tie) {
        ed.bmax[b] = top;
        ed.bmaxm[b] = tie;
        ed.bcnt[b] = popcount64(tie);
    }
    void summarize_eager(EquivData& ed, int32_t b);
    void retire(EquivData& ed);
    void rescore_own(EquivData& ed, const ClassData& cd, int32_t j);
    bool make_eager(EquivData& ed, const ClassData& cd);
    void bind_eager(int32_t j);
    void bind(int32_t p, int32_t pos);
    void prepare_pod(int32_t p);
    void diagnose_dense(int32_t p, const ClassData& cd);
    void diagnose_class(int32_t p, const ClassData& cd, EquivData& ed);
    void fit_failures(const ClassData& cd, uint8_t* bits, int64_t* counts);
    void emit_diagnosis(int32_t p, const ClassData& cd, const int64_t* fit_counts,
                        kvec<std::pair<int32_t, int64_t>>& hist);
    bool norm_term(const ClassData& cd, size_t q, int32_t mx, NormTerm& nt) const;
    void contig_totals(const ClassData& cd, int32_t a, int32_t len, const uint8_t* ok, const NormTerm* nt, int32_t nq,
                       double* S);
    void add_normalized(const Window& win, const ClassData& cd, const uint8_t* ok, double* S);
    void totals_at(int32_t n, const int32_t* P, const ClassData& cd, double* T);
    int64_t window(const ClassData& cd, int64_t start, int64_t to_find, int64_t& processed, int32_t& host_pos,
                   SplitMix64& rng);
    int64_t sparse_window(const ClassData& cd, int64_t start, int64_t to_find, int64_t& processed,
                          int32_t& host_pos, SplitMix64& rng);
    int32_t select_from(int32_t F, const ClassData& cd, SplitMix64& rng);
    void activate(EquivData& ed, const ClassData& cd);
    void add_pods_to_nodes();
    void refilter_block(EquivData& ed, const ClassData& cd, int32_t b);
    // Block b of a class made current for its walk when a bind touched it since the class last read it:
    // an eager class's summary computed again, a lazy class's dirty positions filtered again.
    void refresh_block(EquivData& ed, const ClassData& cd, int32_t b) {
        if (ed.seen[b] == block_binds_[b]) return;
        ed.seen[b] = block_binds_[b];
        if (ed.eager) {
            summarize_eager(ed, b);
        } else {
            refilter_block(ed, cd, b);
        }
    }
    void score_pending(EquivData& ed, const ClassData& cd);
    int64_t equiv_blocks(EquivData& ed, const ClassData& cd, int64_t start, int64_t to_find, int64_t& processed,
                         int32_t& host_pos, SplitMix64& rng);
};

bool DenseBatch::eligible() {
    const BatchInput& in = in_;
    if (in.fit.strategy != FitStrategy::LeastAllocated && in.fit.strategy != FitStrategy::MostAllocated) return false;
    const int32_t N = in.nodes.n, R = in.nodes.num_resources;
    // How far a column can grow during the batch. With the Fit filter on, a node takes at most as many
    // more pods as it has free pod slots, so a column grows by at most slots * the largest request;
    // otherwise by the whole batch.
    // Per column over the batch: the smallest and largest request and the sum (loops without exits,
    // so they vectorise; the checks follow).
    kvec<double> grow(static_cast<size_t>(R) + 2, 0.0), top(static_cast<size_t>(R) + 2, 0.0);
    kvec<int64_t> low(static_cast<size_t>(R) + 2, 0), high(static_cast<size_t>(R) + 2, 0);
    requested_any_.assign(static_cast<size_t>(R), 0);
    auto scan = [&](const int64_t* v, int32_t c) {
        int64_t lo[8] = {}, hi[8] = {}, any[8] = {};
        double sum[8] = {};
        row_stats(in.num_pods, v, lo, hi, any, sum);
        for (int k = 0; k < 8; ++k) {
            low[c] = std::min(low[c], lo[k]);
            high[c] = std::max(high[c], hi[k]);
            grow[c] += sum[k];
            if (c < R) requested_any_[c] |= any[k] != 0;
        }
        top[c] = static_cast<double>(high[c]);
    };
    for (int32_t r = 0; r < R; ++r) scan(in.pod_requests.row(r), r);
    for (int32_t r = 0; r < 2; ++r) scan(in.pod_nonzero.row(r), R + r);
    for (int32_t c = 0; c < R + 2; ++c)
        if (low[c] < 0 || static_cast<double>(high[c]) >= kLimit) return false;
    auto growth = [&](int32_t r, int32_t i) {
        if (!in.fit.filter_enabled) return grow[r];
        const double slots = static_cast<double>(in.nodes.allocatable.at(RES_PODS, i)) -
                             static_cast<double>(in.nodes.requested.at(RES_PODS, i));
        return std::min(grow[r], std::max(slots, 0.0) * top[r]);
    };
    for (int32_t r = 0; r < R; ++r) {
        const int64_t* a = in.nodes.allocatable.row(r);
        const int64_t* q = in.nodes.requested.row(r);
        for (int32_t i = 0; i < N; ++i) {
            if (std::fabs(static_cast<double>(a[i])) >= kLimit) return false;
            if (std::fabs(static_cast<double>(q[i])) + growth(r, i) >= kLimit) return false;
        }
    }
    for (int32_t r = 0; r < 2; ++r) {
        const int64_t* q = in.nodes.nonzero.row(r);
        for (int32_t i = 0; i < N; ++i)
            if (std::fabs(static_cast<double>(q[i])) + growth(R + r, i) >= kLimit) return false;
    }
    const int32_t K = static_cast<int32_t>(in.static_scores_meta.size());
    for (int32_t k = 0; k < K; ++k)
        if (std::abs(in.static_scores_meta[k].weight) > (1 << 20)) return false;
    if (std::abs(in.fit.weight) > (1 << 20) || std::abs(in.balanced.weight) > (1 << 20)) return false;
    for (int64_t w : in.fit.weights)
        if (w < 0 || w > (1 << 20)) return false;
    // A total is a sum of whole numbers, each a weight times a score: NodeResourcesFit and
    // BalancedAllocation score 0..100, so do normalized static plugins; the others their raw scores.
    // Totals are kept as float (EquivData::val), exact while below 2^24 in magnitude.
    double bound = 100.0 * (std::fabs(static_cast<double>(in.fit.weight)) +
                            std::fabs(static_cast<double>(in.balanced.weight)));
    for (int32_t k = 0; k < K; ++k) {
        const bool normalized = in.static_scores_meta[k].normalize != Normalize::None;
        double largest = 0;
        for (int32_t c = 0; c < in.num_static; ++c) {
            const int64_t* sc = in.static_score(c, k);
            if (sc == nullptr) continue;  // not active
            int64_t lo = 0, hi = 0;
            min_max(N, sc, lo, hi);
            if (hi > INT32_MAX || lo < -INT32_MAX) return false;  // int32 copies (masked_max)
            if (normalized && lo < 0) return false;               // floor_div's domain
            largest = std::max(largest, normalized ? 100.0 : static_cast<double>(std::max(hi, -lo)));
        }
        bound += std::fabs(static_cast<double>(in.static_scores_meta[k].weight)) * largest;
    }
    return bound < 16777216.0;
}

void DenseBatch::setup() {
    const BatchInput& in = in_;
    N_ = in.nodes.n;
    M_ = in.num_order;
    R_ = in.nodes.num_resources;
    K_ = static_cast<int32_t>(in.static_scores_meta.size());
    pos_of_.assign(N_, -1);
    for (int32_t j = 0; j < M_; ++j) pos_of_[in.order[j]] = j;

    // Filter slots: the rows some pod of the batch requests (the Fit filter skips zero requests).
    slot_of_row_.assign(R_, -1);
    for (int32_t r = 0; r < R_; ++r) {
        if (r != RES_PODS && requested_any_[r]) {
            slot_of_row_[r] = static_cast<int32_t>(slot_row_.size());
            slot_row_.push_back(r);
        }
    }
    free_.resize(slot_row_.size());
    for (size_t f = 0; f < slot_row_.size(); ++f) {
        const int32_t r = slot_row_[f];
        free_[f].resize(M_);
        for (int32_t j = 0; j < M_; ++j) {
            const int32_t i = in.order[j];
            free_[f][j] = in.nodes.allocatable.at(r, i) - in.nodes.requested.at(r, i);
        }
    }
    free_pods_.resize(M_);
    for (int32_t j = 0; j < M_; ++j) {
        const int32_t i = in.order[j];
        free_pods_[j] = in.nodes.allocatable.at(RES_PODS, i) - in.nodes.requested.at(RES_PODS, i);
    }
    irregular_.assign(M_, 0);
    auto make = [&](int32_t r, bool nz, int64_t w) {
        Column c;
        c.row = r;
        c.nonzero = nz;
        c.weight = w;
        c.alloc.resize(M_);
        c.inv.resize(M_);
        c.used.resize(M_);
        for (int32_t j = 0; j < M_; ++j) {
            const int32_t i = in.order[j];
            const int64_t a = in.nodes.allocatable.at(r, i);
            if (a == 0) irregular_[j] = 1;
            c.alloc[j] = a == 0 ? 1.0 : static_cast<double>(a);
            c.inv[j] = 1.0 / c.alloc[j];
            c.used[j] = static_cast<double>(nz ? in.nodes.nonzero.at(r, i) : in.nodes.requested.at(r, i));
        }
        return c;
    };
    for (size_t e = 0; e < in.fit.rows.size(); ++e) {
        const int32_t r = in.fit.rows[e];
        if (r < 0 || r >= R_ || r == RES_PODS) continue;  // as PodPlan: never scored
        fit_cols_.push_back(make(r, r == RES_CPU || r == RES_MEMORY, in.fit.weights[e]));
    }
    for (int32_t r : in.balanced.rows) {
        if (r < 0 || r >= R_ || r == RES_PODS) continue;
        bal_cols_.push_back(make(r, false, 1));
    }
    classes_.resize(in.num_static);
    if (in.pod_equiv) {
        equiv_.resize(in.num_equiv);
        // Caches for classes of at least kMinReplicas pods (a cache pays off from the second window
        // on, and every bind marks every cache), at most kMaxSlots of them and at most ~2^25 (class,
        // position) pairs: about 300 MiB of verdicts and totals.
        kvec<int32_t> pods_in(in.num_equiv, 0);
        for (int32_t p = 0; p < in.num_pods; ++p)
            if (in.pod_equiv[p] >= 0) ++pods_in[in.pod_equiv[p]];
        int64_t wanted = 0;
        for (int32_t e = 0; e < in.num_equiv; ++e) {
            equiv_[e].left = pods_in[e];
            if (pods_in[e] < kMinReplicas) equiv_[e].slot = -2;
            else ++wanted;
        }
        slots_ = static_cast<int32_t>(std::min<int64_t>({wanted, kMaxSlots, std::max<int64_t>(1, (int64_t{1} << 25) / std::max(M_, 1))}));
        dirty_.assign(static_cast<size_t>((M_ + kSum - 1) / kSum) * slots_, 0);
        live_slot_at_.assign(slots_, -1);
        le_at_.assign(slots_, -1);
        // Eager classes pay off when classes take turns (Deployments interleaved in the queue): a
        // bind is scored for every class at once, not once per class that later reads the position.
        // Replicas arriving together leave a class's own binds to its lazy in-place updates. They
        // need the default shape for every pod (cpu and memory in Fit scoring and in
        // BalancedAllocation, no zero allocatable) and a table of slots x positions static parts.
        int64_t turns = 0;
        for (int32_t p = 1; p < in.num_pods; ++p) turns += in.pod_equiv[p] != in.pod_equiv[p - 1];
        eager_ok_ = turns * kTurnsForEager > in.num_pods && fit_cols_.size() == 2 && bal_cols_.size() == 2 &&
                    in.fit.score_enabled && in.balanced.enabled &&
                    static_cast<int64_t>(M_) * slots_ <= (int64_t{1} << 23);
        for (uint8_t v : irregular_) eager_ok_ = eager_ok_ && !v;
    }
    block_binds_.assign((M_ + kSum - 1) / kSum, 0);
}

ClassData& DenseBatch::class_data(int32_t s) {
    ClassData& cd = classes_[s];
    if (cd.built) return cd;
    cd.built = true;
    const BatchInput& in = in_;
    const int32_t* pre = in.pre_reason.row(s);
    const int32_t* post = in.post_reason.row(s);
    cd.ok.resize(M_);
    cd.fixed.assign(M_, 0.0);
    cd.pre_ok.resize(M_);
    cd.post_id.resize(M_);
    // The position lists written without branches (which positions pass is data), then trimmed.
    cd.static_pos.resize(M_);
    cd.post_pos.resize(M_);
    kvec<int32_t> pre_ids(M_);
    int32_t nstatic = 0, npost = 0, npre = 0;
    for (int32_t j = 0; j < M_; ++j) {
        const int32_t i = in.order[j];
        const int32_t r0 = pre[i], r1 = post[i];
        const bool pass_pre = r0 < 0, ok = pass_pre && r1 < 0;
        cd.ok[j] = ok;
        cd.pre_ok[j] = pass_pre;
        cd.post_id[j] = pass_pre ? r1 : -1;
        cd.static_pos[nstatic] = j;
        nstatic += ok;
        cd.post_pos[npost] = j;
        npost += pass_pre && r1 >= 0;
        pre_ids[npre] = r0;
        npre += !pass_pre;
    }
    cd.static_pos.resize(nstatic);
    cd.post_pos.resize(npost);
    pre_ids.resize(npre);
    cd.sparse = static_cast<int64_t>(cd.static_pos.size()) * 4 < M_;
    std::sort(pre_ids.begin(), pre_ids.end());
    for (size_t a = 0; a < pre_ids.size();) {
        size_t b = a;
        while (b < pre_ids.size() && pre_ids[b] == pre_ids[a]) ++b;
        cd.pre_hist.push_back({pre_ids[a], static_cast<int64_t>(b - a)});
        a = b;
    }
    const uint8_t* active = in.static_active + static_cast<size_t>(s) * K_;
    for (int32_t k = 0; k < K_; ++k) {
        if (!active[k]) continue;
        const StaticScoreMeta& meta = in.static_scores_meta[k];
        const int64_t* sc = in.static_score(s, k);
        const double w = static_cast<double>(meta.weight);
        if (meta.normalize == Normalize::None) {
            for (int32_t j = 0; j < M_; ++j) cd.fixed[j] += w * static_cast<double>(sc[in.order[j]]);
            continue;
        }
        bool any = false;
        for (int32_t j = 0; j < M_ && !any; ++j) any = sc[in.order[j]] > 0;
        if (!any) {
            // The window maximum is 0 wherever the window falls: a constant score for every node.
            if (meta.normalize == Normalize::Reverse)
                for (int32_t j = 0; j < M_; ++j) cd.fixed[j] += w * 100.0;
            continue;
        }
        cd.norm.push_back(k);
        kvec<int32_t> raw(M_);
        int32_t top = 0;
        for (int32_t j = 0; j < M_; ++j) {
            raw[j] = static_cast<int32_t>(sc[in.order[j]]);
            if (cd.ok[j]) top = std::max(top, raw[j]);
        }
        cd.norm_raw.push_back(std::move(raw));
        cd.norm_top.push_back(top);
    }
    return cd;
}

void DenseBatch::bind(int32_t p, int32_t j) {
    const BatchInput& in = in_;
    if (!defer_nodes_) add_pod_to_node(in, p, in.order[j]);
    ++binds_;
    bind_log_.push_back(j);
    for (size_t f = 0; f < slot_row_.size(); ++f) free_[f][j] -= in.request(p, slot_row_[f]);
    free_pods_[j] -= 1;
    for (Column& c : fit_cols_)
        c.used[j] += static_cast<double>(c.nonzero ? in.nonzero_request(p, c.row) : in.request(p, c.row));
    for (Column& c : bal_cols_) c.used[j] += static_cast<double>(in.request(p, c.row));
    ++block_binds_[j / kSum];
    if (nle_ > 0) bind_eager(j);
    if (!live_slots_.empty()) {
        uint64_t* row = dirty_.data() + static_cast<size_t>(j / kSum) * slots_;
        const uint64_t bit = uint64_t{1} << (j % kSum);
        for (int32_t c : live_slots_) row[c] |= bit;
    }
}

// The batch's binds in the node columns at its end (defer_nodes_), row by row: add_pod_to_node's
// sums, over only the resource rows some pod requests, with sequential reads of each request row.
void DenseBatch::add_pods_to_nodes() {
    const BatchInput& in = in_;
    const NodeColumns& nc = in.nodes;
    const int32_t* chosen = out_.chosen.data();
    auto add = [&](int64_t* col, auto amount) {
        for (int32_t p = 0; p < in.num_pods; ++p)
            if (chosen[p] >= 0) col[chosen[p]] += amount(p);
    };
    for (int32_t r = 0; r < nc.num_resources; ++r) {
        if (r == RES_PODS || !requested_any_[r]) continue;
        const int64_t* q = in.pod_requests.row(r);
        add(nc.requested.row(r), [q](int32_t p) { return q[p]; });
    }
    add(nc.requested.row(RES_PODS), [](int32_t) { return int64_t{1}; });
    for (int32_t r = 0; r < 2; ++r) {
        const int64_t* q = in.pod_nonzero.row(r);
        add(nc.nonzero.row(r), [q](int32_t p) { return q[p]; });
    }
}

void DenseBatch::prepare_pod(int32_t p) {
    const BatchInput& in = in_;
    plan_.build(in, p);
    want_fit_ = in.fit.score_enabled;
    want_bal_ = in.balanced.enabled && !plan_.balanced_skip;
    wf_ = static_cast<double>(in.fit.weight);
    wb_ = static_cast<double>(in.balanced.weight);
    fr_.clear();
    fq_.clear();
    for (size_t i = 0; i < plan_.f_row.size(); ++i) {
        fr_.push_back(free_[slot_of_row_[plan_.f_row[i]]].data());
        fq_.push_back(plan_.f_req[i]);
    }
    fact_.clear();
    wsum_ = 0;
    for (Column& c : fit_cols_) {
        const int64_t q = c.nonzero ? in.nonzero_request(p, c.row) : in.request(p, c.row);
        if (c.row > RES_PODS && q == 0) continue;  // as PodPlan: unrequested scalar resources drop out
        fact_.push_back({c.alloc.data(), c.used.data(), c.inv.data(), static_cast<double>(q),
                         static_cast<double>(c.weight)});
        wsum_ += static_cast<double>(c.weight);
    }
    bact_.clear();
    for (Column& c : bal_cols_) {
        if (c.row > RES_PODS && in.request(p, c.row) == 0) continue;
        bact_.push_back({c.alloc.data(), c.used.data(), c.inv.data(), static_cast<double>(in.request(p, c.row)), 1.0});
    }
}

void DenseBatch::totals_at(int32_t n, const int32_t* P, const ClassData& cd, double* T) {
    const BatchInput& in = in_;
    if (contiguous_shape() && !any_irregular_) {
        const bool most = in.fit.strategy == FitStrategy::MostAllocated;
        if (n <= kFew)
            fused22_few(most, n, P, cd.fixed.data(), fact_.data(), wsum_, wf_, bact_.data(), wb_, T);
        else
            (most ? fused22_most : fused22_least)(n, P, cd.fixed.data(), fact_.data(), wsum_, wf_, bact_.data(), wb_, T);
        return;
    }
    gather(n, P, cd.fixed.data(), T);
    if (want_fit_) {
        std::fill(num_.begin(), num_.begin() + n, 0.0);
        const bool most = in.fit.strategy == FitStrategy::MostAllocated;
        for (const Active& a : fact_) fit_add(n, P, a.alloc, a.inv, a.used, a.q, a.w, most, num_.data());
        if (wsum_ != 0) fit_total(n, num_.data(), wsum_, wf_, T);
    }
    if (want_bal_ && bact_.size() >= 2) {
        for (size_t e = 0; e < bact_.size(); ++e)
            fraction(n, P, bact_[e].alloc, bact_[e].used, bact_[e].q, xs_.data() + e * cap_);
        if (bact_.size() == 2)
            balanced2_total(n, xs_.data(), xs_.data() + cap_, wb_, T);
        else
            balanced_n_total(n, static_cast<int32_t>(bact_.size()), xs_.data(), cap_, mean_.data(), sum_.data(), wb_, T);
    } else if (want_bal_) {
        for (int32_t t = 0; t < n; ++t) T[t] += wb_ * 100.0;  // fewer than two resources: sd = 0
    }
    if (any_irregular_) {
        // Nodes with a zero allocatable scoring resource leave it out: the scalar kernels.
        for (int32_t t = 0; t < n; ++t) {
            if (!irregular_[P[t]]) continue;
            const int32_t node = in.order[P[t]];
            double v = cd.fixed[P[t]];
            if (want_fit_) v += wf_ * static_cast<double>(fit_score_plan(in, plan_, node));
            if (want_bal_) v += wb_ * static_cast<double>(balanced_score_plan(in, plan_, node));
            T[t] = v;
        }
    }
}

// The largest raw score of a feasible position of the window (0 if none); ok in window order.
int32_t window_max(const Window& win, const uint8_t* ok, const int32_t* raw) {
    int32_t mx = 0;
    for (int k = 0, w = 0; k < win.nseg; w += win.segs[k].b - win.segs[k].a, ++k)
        mx = masked_max(win.segs[k].b - win.segs[k].a, ok + w, raw + win.segs[k].a, mx);
    return mx;
}

// NodeAffinity / TaintToleration normalization over a window's totals S (window order): each plugin's
// maximum raw score over the feasible positions, then its normalized, weighted score added. ok is in
// window order.
void DenseBatch::add_normalized(const Window& win, const ClassData& cd, const uint8_t* ok, double* S) {
    for (size_t q = 0; q < cd.norm.size(); ++q) {
        const StaticScoreMeta& meta = in_.static_scores_meta[cd.norm[q]];
        const int32_t mx = window_max(win, ok, cd.norm_raw[q].data());
        if (mx == 0) continue;  // the same normalized score on every node: the choice does not change
        for (int k = 0, w = 0; k < win.nseg; w += win.segs[k].b - win.segs[k].a, ++k)
            normalized_add(win.segs[k].b - win.segs[k].a, cd.norm_raw[q].data() + win.segs[k].a,
                           static_cast<double>(mx), meta.normalize == Normalize::Reverse,
                           static_cast<double>(meta.weight), S + w);
    }
}

// The filter verdicts (static filters and Fit) of positions [pos, pos + len) into ok.
void DenseBatch::filter_range(const ClassData& cd, int32_t pos, int32_t len, uint8_t* ok) {
    kvec<const int64_t*>& fr = frw_;
    fr.resize(fr_.size());
    for (size_t f = 0; f < fr.size(); ++f) fr[f] = fr_[f] + pos;
    const size_t nf = fr.size();
    if (in_.fit.filter_enabled && nf >= 1 && nf <= 3)
        (nf == 1 ? filter_block1 : nf == 2 ? filter_block2 : filter_block3)(len, cd.ok.data() + pos,
                                                                         free_pods_.data() + pos, fr.data(),
                                                                         fq_.data(), ok);
    else
        filter_block(len, cd.ok.data() + pos, free_pods_.data() + pos, in_.fit.filter_enabled,
                     static_cast<int32_t>(nf), fr.data(), fq_.data(), ok);
}

int64_t DenseBatch::window(const ClassData& cd, int64_t start, int64_t to_find, int64_t& processed,
                           int32_t& host_pos, SplitMix64& rng) {
    // The verdicts are kept in window order (okw) for the scoring below.
    uint8_t* okw = ok_.data();
    Window win(start, M_);
    while (win.more(to_find)) {
        const int32_t len = win.block(), pos = win.pos, W = win.width;
        filter_range(cd, pos, len, okw + W);
        win.take(okw + W, len, to_find);
    }
    processed = win.processed;
    const int64_t found = win.found;
    const int32_t W = win.width;
    const int nseg = win.nseg;
    const Window::Seg* segs = win.segs;
    if (found == 0) return 0;
    auto position = [&](int32_t w) { return win.position(w); };
    if (found == 1) {
        // "When only one node after predicate, just use it."
        int32_t w = 0;
        while (!okw[w]) ++w;
        host_pos = position(w);
        return 1;
    }
    if (contiguous_shape() && found * 2 >= W) {
        // The default shape in a mostly feasible window: totals straight from the contiguous columns,
        // -inf where infeasible (a sparse window, e.g. a narrow node selector, gathers instead).
        double* S = wscratch_.data();
        // Normalized plugins fold into the same pass once their window maxima are known (not where
        // the scalar kernels overwrite irregular positions: add_normalized runs after those).
        const bool fold = !any_irregular_ && cd.norm.size() <= 2;
        NormTerm nt[2];
        int32_t nq = 0;
        if (fold)
            for (size_t q = 0; q < cd.norm.size(); ++q)
                if (norm_term(cd, q, window_max(win, okw, cd.norm_raw[q].data()), nt[nq])) ++nq;
        for (int k = 0, w = 0; k < nseg; w += segs[k].b - segs[k].a, ++k)
            contig_totals(cd, segs[k].a, segs[k].b - segs[k].a, okw + w, nt, nq, S + w);
        if (!fold) add_normalized(win, cd, okw, S);
        host_pos = position(select_in(W, S, rng));
        return found;
    }
    // Any other shape, or a sparse window: compact the feasible positions, score them through gathers.
    int32_t F = 0;
    for (int k = 0, w = 0; k < nseg; ++k)
        for (int32_t j = segs[k].a; j < segs[k].b; ++j, ++w) {
            P_[F] = j;
            F += okw[w];
        }
    host_pos = select_from(F, cd, rng);
    return found;
}

// Normalized plugin q of the class with maximum mx as a folded term (raw from position 0); false for
// mx 0 (the same normalized score on every node: the choice does not change).
bool DenseBatch::norm_term(const ClassData& cd, size_t q, int32_t mx, NormTerm& nt) const {
    if (mx == 0) return false;
    const StaticScoreMeta& meta = in_.static_scores_meta[cd.norm[q]];
    nt = {cd.norm_raw[q].data(), static_cast<double>(mx), 1.0 / static_cast<double>(mx),
          static_cast<double>(meta.weight), meta.normalize == Normalize::Reverse};
    return true;
}

// The default shape's totals of positions [a, a + len) (ok: their verdicts) into S, -inf where
// infeasible, straight from the contiguous columns, with nq normalized terms folded in (none where
// irregular positions exist: the scalar kernels overwrite those here).
void DenseBatch::contig_totals(const ClassData& cd, int32_t a, int32_t len, const uint8_t* ok, const NormTerm* nt,
                               int32_t nq, double* S) {
    const BatchInput& in = in_;
    Active fa[2], ba[2];
    for (int e = 0; e < 2; ++e) {
        fa[e] = {fact_[e].alloc + a, fact_[e].used + a, fact_[e].inv + a, fact_[e].q, fact_[e].w};
        ba[e] = {bact_[e].alloc + a, bact_[e].used + a, bact_[e].inv + a, bact_[e].q, bact_[e].w};
    }
    NormTerm at[2];
    for (int32_t t = 0; t < nq; ++t) {
        at[t] = nt[t];
        at[t].raw = nt[t].raw + a;
    }
    kFusedContig[in.fit.strategy == FitStrategy::MostAllocated][nq](len, ok, cd.fixed.data() + a, fa, wsum_, wf_,
                                                                     ba, wb_, S, at);
    if (any_irregular_)
        for (int32_t t = 0; t < len; ++t) {
            if (!ok[t] || !irregular_[a + t]) continue;
            // A zero allocatable scoring resource leaves it out: the scalar kernels.
            const int32_t node = in.order[a + t];
            S[t] = cd.fixed[a + t] + wf_ * static_cast<double>(fit_score_plan(in, plan_, node)) +
                   wb_ * static_cast<double>(balanced_score_plan(in, plan_, node));
        }
}

// selectHost among the feasible positions P_[0..F) of a window (F >= 2), in window order: their totals
// through gathers, the normalized plugins over them, one draw among the tied maxima.
int32_t DenseBatch::select_from(int32_t F, const ClassData& cd, SplitMix64& rng) {
    double* T = tot_.data();
    totals_at(F, P_.data(), cd, T);
    for (size_t q = 0; q < cd.norm.size(); ++q) {
        const int32_t* raw = cd.norm_raw[q].data();
        int32_t mx = 0;
        for (int32_t t = 0; t < F; ++t) mx = std::max(mx, raw[P_[t]]);
        add_normalized_at(F, P_.data(), cd, q, mx, T);
    }
    return P_[select_in(F, T, rng)];
}

// Normalized plugin q of the class at positions P[0..n), with maximum mx, added to T as normalized_add
// does; nothing for mx 0 (the same normalized score on every node: the choice does not change).
void DenseBatch::add_normalized_at(int32_t n, const int32_t* P, const ClassData& cd, size_t q, int32_t mx,
                                   double* T) {
    if (mx == 0) return;
    const StaticScoreMeta& meta = in_.static_scores_meta[cd.norm[q]];
    const int32_t* raw = cd.norm_raw[q].data();
    if (n <= kFew) {
        // normalized_add's operations, in place (a bind's own rescoring: one or a few positions).
        const double m = static_cast<double>(mx), inv = 1.0 / m, w = static_cast<double>(meta.weight);
        const bool reverse = meta.normalize == Normalize::Reverse;
        for (int32_t t = 0; t < n; ++t) {
            const double v = floor_div(100.0 * static_cast<double>(raw[P[t]]), m, inv);
            T[t] += w * (reverse ? 100.0 - v : v);
        }
        return;
    }
    for (int32_t t = 0; t < n; ++t) nraw_[t] = raw[P[t]];
    normalized_add(n, nraw_.data(), static_cast<double>(mx), meta.normalize == Normalize::Reverse,
                   static_cast<double>(meta.weight), T);
}

// `window` for a class whose static filters pass few positions: the same walk from start over the
// positions in order, visiting only those of ClassData::static_pos (the others fail anyway), the Fit
// filter on each; processed counts every position up to the to_find-th feasible one, as the walk does.
int64_t DenseBatch::sparse_window(const ClassData& cd, int64_t start, int64_t to_find, int64_t& processed,
                                  int32_t& host_pos, SplitMix64& rng) {
    const int32_t s = start_position(start, M_);
    const kvec<int32_t>& list = cd.static_pos;
    const size_t L = list.size();
    const size_t first = static_cast<size_t>(std::lower_bound(list.begin(), list.end(), s) - list.begin());
    int32_t F = 0;
    processed = M_;
    for (size_t k = 0; k < L; ++k) {
        const int32_t j = list[first + k < L ? first + k : first + k - L];
        if (!fits(j)) continue;
        P_[F++] = j;
        if (F == to_find) {
            processed = (j >= s ? j - s : j + M_ - s) + 1;
            break;
        }
    }
    if (F == 0) return 0;
    // "When only one node after predicate, just use it."
    host_pos = F == 1 ? P_[0] : select_from(F, cd, rng);
    return F;
}

// Gives an equivalence class its caches, computed for every position now (one vectorised pass over the
// contiguous columns where the shape allows); or none (slot -2: its windows are scanned) when all
// slots are taken or it has more normalized plugins than a window summary tracks.
void DenseBatch::activate(EquivData& ed, const ClassData& cd) {
    if (slots_used_ == slots_ || cd.norm.size() > kMaxNorm) {
        ed.slot = -2;
        return;
    }
    ed.slot = slots_used_++;
    const int32_t nb = (M_ + kSum - 1) / kSum;
    const size_t Q = cd.norm.size();
    if (!val_pool_.empty()) {
        ed.val = std::move(val_pool_.back());
        val_pool_.pop_back();
    }
    ed.val.resize(M_);
    ed.okm.assign(nb, 0);
    ed.bfeas.assign(nb, 0);
    ed.bmax.assign(nb, 0.0);
    ed.bmaxm.assign(nb, 0);
    ed.bcnt.assign(nb, 0);
    ed.seen = block_binds_;
    ed.normm.assign(static_cast<size_t>(nb) * Q * 2, 0);
    ed.norm_check = false;
    for (size_t q = 0; q < Q; ++q)
        for (int32_t j : cd.static_pos) {
            const int32_t r = cd.norm_raw[q][j];
            ed.norm_check = ed.norm_check || (r != 0 && r != cd.norm_top[q]);
        }
    uint8_t* ok = ok_.data();
    filter_range(cd, 0, M_, ok);
    float* val = ed.val.data();
    double* T = tot_.data();
    if (contiguous_shape() && Q <= 2 && !any_irregular_) {
        NormTerm nt[2];
        int32_t nq = 0;
        for (size_t q = 0; q < Q; ++q)
            if (norm_term(cd, q, cd.norm_top[q], nt[nq])) ++nq;
        contig_totals(cd, 0, M_, ok, nt, nq, T);
        for (int32_t j = 0; j < M_; ++j) val[j] = static_cast<float>(T[j]);
    } else {
        // Any other shape, or irregular positions (totals_at's scalar kernels): through gathers.
        int32_t F = 0;
        for (int32_t j = 0; j < M_; ++j) {
            P_[F] = j;
            F += ok[j];
        }
        totals_at(F, P_.data(), cd, T);
        for (size_t q = 0; q < Q; ++q) add_normalized_at(F, P_.data(), cd, q, cd.norm_top[q], T);
        std::fill(val, val + M_, -std::numeric_limits<float>::infinity());
        for (int32_t j = 0; j < F; ++j) val[P_[j]] = static_cast<float>(T[j]);
    }
    for (int32_t b = 0; b < nb; ++b) {
        const int32_t a = b * kSum, len = std::min(kSum, M_ - a);
        uint64_t m = 0;
        for (int32_t t = 0; t < len; ++t) m |= static_cast<uint64_t>(ok[a + t]) << t;
        ed.okm[b] = m;
        ed.bfeas[b] = popcount64(m);
        summarize(ed, b);
        dirty_[static_cast<size_t>(b) * slots_ + ed.slot] = 0;
        for (size_t q = 0; q < Q; ++q) {
            const int32_t* raw = cd.norm_raw[q].data() + a;
            uint64_t top = 0, nz = 0;
            for (int32_t t = 0; t < len; ++t) {
                top |= static_cast<uint64_t>(raw[t] == cd.norm_top[q]) << t;
                nz |= static_cast<uint64_t>(raw[t] != 0) << t;
            }
            ed.normm[(b * Q + q) * 2] = top;
            ed.normm[(b * Q + q) * 2 + 1] = nz;
        }
    }
    if (!make_eager(ed, cd)) {
        live_slot_at_[ed.slot] = static_cast<int32_t>(live_slots_.size());
        live_slots_.push_back(ed.slot);
    }
}

// Makes an activated class eager when the batch and the class's pods have the default shape.
bool DenseBatch::make_eager(EquivData& ed, const ClassData& cd) {
    if (!eager_ok_ || !contiguous_shape()) return false;
    const size_t S = static_cast<size_t>(slots_);
    if (le_slot_.empty()) {
        le_slot_.assign(S, -1);
        le_ed_.assign(S, nullptr);
        le_val_.assign(S, nullptr);
        for (auto* v : {&le_q0_, &le_q1_, &le_bq0_, &le_bq1_, &le_out_}) v->assign(S, 0.0);
        le_cf_.assign(static_cast<size_t>(M_) * S, 0.0);
        le_fq_.assign(slot_row_.size() * S, 0);
        le_fv_.assign(slot_row_.size(), 0);
    }
    ed.eager = true;
    const int32_t i = nle_++;
    le_at_[ed.slot] = i;
    le_slot_[i] = ed.slot;
    le_ed_[i] = &ed;
    le_val_[i] = ed.val.data();
    le_q0_[i] = fact_[0].q;
    le_q1_[i] = fact_[1].q;
    le_bq0_[i] = bact_[0].q;
    le_bq1_[i] = bact_[1].q;
    for (size_t f = 0; f < slot_row_.size(); ++f) le_fq_[f * S + i] = INT64_MIN;
    for (size_t k = 0; k < plan_.f_row.size(); ++k) le_fq_[slot_of_row_[plan_.f_row[k]] * S + i] = plan_.f_req[k];
    // The static part at the positions the static filters pass: the same operations as score_pending's
    // (fixed, then each normalized plugin).
    const int32_t F = static_cast<int32_t>(cd.static_pos.size());
    const int32_t* P = cd.static_pos.data();
    double* T = tot_.data();
    gather(F, P, cd.fixed.data(), T);
    for (size_t q = 0; q < cd.norm.size(); ++q) add_normalized_at(F, P, cd, q, cd.norm_top[q], T);
    for (int32_t j = 0; j < M_; ++j) le_cf_[j * S + i] = -std::numeric_limits<double>::infinity();
    for (int32_t t = 0; t < F; ++t) le_cf_[P[t] * S + i] = T[t];
    return true;
}

// A bind at position j: the totals and verdicts of every eager class there, computed across the classes
// in one vector pass (the node's columns are the same for all of them).
void DenseBatch::bind_eager(int32_t j) {
    const size_t S = static_cast<size_t>(slots_);
    const int32_t n = nle_;
    double* out = le_out_.data();
    const bool filter = in_.fit.filter_enabled;
    if (filter && free_pods_[j] < 1) {
        std::fill(out, out + n, -std::numeric_limits<double>::infinity());
    } else {
        const Column &f0 = fit_cols_[0], &f1 = fit_cols_[1], &b0 = bal_cols_[0], &b1 = bal_cols_[1];
        const NodeAt x{f0.alloc[j], f0.inv[j], f0.used[j], f1.alloc[j], f1.inv[j], f1.used[j],
                       b0.alloc[j], b0.used[j], b1.alloc[j], b1.used[j]};
        const int32_t nf = filter ? static_cast<int32_t>(slot_row_.size()) : 0;
        for (int32_t f = 0; f < nf; ++f) le_fv_[f] = free_[f][j];
        const double w0 = static_cast<double>(f0.weight), w1 = static_cast<double>(f1.weight);
        (in_.fit.strategy == FitStrategy::MostAllocated ? eager_most : eager_least)(
            n, le_cf_.data() + static_cast<size_t>(j) * S, le_q0_.data(), le_q1_.data(), le_bq0_.data(),
            le_bq1_.data(), le_fq_.data(), S, nf, le_fv_.data(), x, w0, w1, w0 + w1, wf_, wb_, out);
    }
    // The totals (-inf: infeasible). A class's verdict bits and summary of the block are derived from
    // them when it next reads the block (summarize_eager), a store per class and no load; with few
    // classes (Deployments rolling out a few at a time) the summaries are kept current here instead.
    float* const* val = le_val_.data();
    for (int32_t i = 0; i < n; ++i) val[i][j] = static_cast<float>(out[i]);
    if (n <= kBindSummaries) {
        const int32_t b = j / kSum;
        const uint64_t bit = uint64_t{1} << (j % kSum);
        const double ninf = -std::numeric_limits<double>::infinity();
        for (int32_t i = 0; i < n; ++i) {
            EquivData& ed = *le_ed_[i];
            if (ed.seen[b] + 1 != block_binds_[b]) continue;  // other changes unseen: left to the read
            const double x = out[i];
            double top = ed.bmax[b];
            uint64_t tie = ed.bmaxm[b] & ~bit, okm = ed.okm[b] & ~bit;
            if (x != ninf) {
                okm |= bit;
                take_total(x, bit, top, tie);
            }
            if (tie == 0 && okm != 0) continue;  // the best total left j: computed again when read
            ed.okm[b] = okm;
            ed.bfeas[b] = popcount64(okm);
            store_summary(ed, b, okm == 0 ? ninf : top, tie);
            ed.seen[b] = block_binds_[b];
        }
    }
}

// A class's last pod is being scheduled: binds stop marking its caches.
void DenseBatch::retire(EquivData& ed) {
    if (ed.slot < 0) return;
    if (ed.eager) {
        // The last live class moves into the retired one's live index.
        const size_t S = static_cast<size_t>(slots_);
        const int32_t i = le_at_[ed.slot], last = --nle_;
        le_at_[ed.slot] = -1;
        if (i == last) return;
        le_slot_[i] = le_slot_[last];
        le_ed_[i] = le_ed_[last];
        le_val_[i] = le_val_[last];
        le_at_[le_slot_[i]] = i;
        for (auto* v : {&le_q0_, &le_q1_, &le_bq0_, &le_bq1_}) (*v)[i] = (*v)[last];
        for (size_t f = 0; f < slot_row_.size(); ++f) le_fq_[f * S + i] = le_fq_[f * S + last];
        for (int32_t j = 0; j < M_; ++j) le_cf_[j * S + i] = le_cf_[j * S + last];
        return;
    }
    const int32_t at = live_slot_at_[ed.slot];
    if (at < 0) return;
    const int32_t last = live_slots_.back();
    live_slots_[at] = last;
    live_slot_at_[last] = at;
    live_slots_.pop_back();
    live_slot_at_[ed.slot] = -1;
}

// A lazy class's own bind at position j, taken into its cache now rather than when its walk next reads
// the block (a replica that follows reads it within a few windows): the result does not wait on the
// walk, and the node's columns are in cache. Only when j is the block's one pending position, which is
// what refilter_block and score_pending would then do for it; otherwise the block stays for them.
void DenseBatch::rescore_own(EquivData& ed, const ClassData& cd, int32_t j) {
    const int32_t b = block_of(j);
    const uint64_t bit = uint64_t{1} << (j % kSum);
    uint64_t& mask = dirty_[static_cast<size_t>(b) * slots_ + ed.slot];
    if (mask != bit) return;
    mask = 0;
    ed.seen[b] = block_binds_[b];
    const double ninf = -std::numeric_limits<double>::infinity();
    double x = ninf;
    if (fits(j)) {  // j passes the class's static filters: its pod was just placed there
        ed.okm[b] |= bit;
        totals_at(1, &j, cd, &x);
        for (size_t q = 0; q < cd.norm.size(); ++q) add_normalized_at(1, &j, cd, q, cd.norm_top[q], &x);
    } else {
        ed.okm[b] &= ~bit;
    }
    ed.bfeas[b] = popcount64(ed.okm[b]);
    ed.val[j] = static_cast<float>(x);
    // The summary as score_pending updates it for a few changes.
    double top = ed.bmax[b];
    uint64_t tie = ed.bmaxm[b] & ~bit;
    if (x != ninf) take_total(x, bit, top, tie);
    set_summary(ed, b, top, tie);
}

// Brings block b of an equivalence class up to date, in two steps: here the positions a bind changed
// since the class last read them are filtered again (the walk needs the block's feasible count now),
// and their totals and the block's summary wait for score_pending, which scores every such position
// of the window in one pass.
void DenseBatch::refilter_block(EquivData& ed, const ClassData& cd, int32_t b) {
    uint64_t& mask = dirty_[static_cast<size_t>(b) * slots_ + ed.slot];
    if (mask == 0) return;
    const int32_t a = b * kSum;
    const int32_t begin = npend_;
    uint64_t okm = ed.okm[b];
    for (uint64_t m = mask; m; m &= m - 1) {
        const int32_t k = __builtin_ctzll(m);
        const int32_t j = a + k;
        const uint64_t bit = uint64_t{1} << k;
        pend_[npend_++] = j;
        okm = cd.ok[j] && fits(j) ? okm | bit : okm & ~bit;
    }
    const int32_t ns = npend_ - begin;
    const bool whole = ns > kIncremental || mask == range_mask(0, std::min(kSum, M_ - a));
    pend_blocks_.push_back({b, begin, npend_, whole, mask});
    mask = 0;
    ed.okm[b] = okm;
    ed.bfeas[b] = popcount64(okm);
}

// The totals of the positions refilter_block took in this window, then their blocks' summaries.
void DenseBatch::score_pending(EquivData& ed, const ClassData& cd) {
    if (npend_ == 0) return;
    int32_t* P = P_.data();
    int32_t n = 0;
    for (int32_t t = 0; t < npend_; ++t) {
        const int32_t j = pend_[t];
        P[n] = j;
        n += static_cast<int32_t>((ed.okm[j / kSum] >> (j % kSum)) & 1);
    }
    double* T = tot_.data();
    const size_t Q = cd.norm.size();
    totals_at(n, P, cd, T);
    // The normalized plugins for the class-wide maximum.
    for (size_t q = 0; q < Q; ++q) add_normalized_at(n, P, cd, q, cd.norm_top[q], T);
    const double ninf = -std::numeric_limits<double>::infinity();
    for (const PendBlock& pb : pend_blocks_) {
        const int32_t b = pb.b;
        const uint64_t okm = ed.okm[b];
        if (pb.whole) {
            // Many changes (or the block's first summary): the summary again from scratch.
            for (int32_t t = pb.begin; t < pb.end; ++t) {
                const int32_t j = pend_[t];
                ed.val[j] = static_cast<float>((okm >> (j % kSum)) & 1 ? *T++ : ninf);
            }
            summarize(ed, b);
            continue;
        }
        // A few changes: the old entries out, then the new ones in; when the last position at the
        // maximum left, the summary is computed again over the block.
        double top = ed.bmax[b];
        uint64_t tie = ed.bmaxm[b] & ~pb.bits;
        for (int32_t t = pb.begin; t < pb.end; ++t) {
            const int32_t j = pend_[t];
            const uint64_t bit = uint64_t{1} << (j % kSum);
            if (!(okm & bit)) {
                ed.val[j] = static_cast<float>(ninf);
                continue;
            }
            const double x = *T++;
            ed.val[j] = static_cast<float>(x);
            take_total(x, bit, top, tie);
        }
        set_summary(ed, b, top, tie);
    }
    npend_ = 0;
    pend_blocks_.clear();
}

// The summary of block b is (top, tie) unless no position is left at top (the best total moved to
// positions that did not change): then it is computed again over the block.
void DenseBatch::set_summary(EquivData& ed, int32_t b, double top, uint64_t tie) {
    if (tie == 0) {
        summarize(ed, b);
        return;
    }
    store_summary(ed, b, top, tie);
}

// An eager class's block b from its totals: the verdicts (a total above -inf), the feasible count and
// the summary.
void DenseBatch::summarize_eager(EquivData& ed, int32_t b) {
    const int32_t a = b * kSum, len = std::min(kSum, M_ - a);
    uint64_t tie, ok;
    const double top = top_ok_of(len, ed.val.data() + a, &tie, &ok);
    ed.okm[b] = ok;
    ed.bfeas[b] = popcount64(ok);
    store_summary(ed, b, top, tie);
}

// Block b's best total and the positions that have it, computed again over its positions.
void DenseBatch::summarize(EquivData& ed, int32_t b) {
    const int32_t a = b * kSum, len = std::min(kSum, M_ - a);
    uint64_t tie;
    const double top = top_of(len, ed.val.data() + a, &tie);
    store_summary(ed, b, top, tie);
}

// The window of a replica from block summaries: the same walk, verdicts, totals and draw as `window`,
// with whole blocks of kSum positions taken from their summaries, and the pieces at the window's ends
// from their block's bits where they hold the block's best total (read position by position only
// where they do not). Returns -1 (nothing drawn) when the window must be scanned instead.
//
// Why this is exact: the cached totals normalize each normalized plugin by its class-wide maximum. A
// window whose feasible maximum raw score equals it has exactly the scan's totals (same operations,
// same order). A window where that maximum is 0 has the raw score 0 at every feasible position: the
// scan adds nothing for the plugin, the cache the same constant everywhere, so the order of the
// totals, hence the maxima, their ties and the draw, is the same. Any other window returns -1.
int64_t DenseBatch::equiv_blocks(EquivData& ed, const ClassData& cd, int64_t start, int64_t to_find,
                                 int64_t& processed_out, int32_t& host_pos, SplitMix64& rng) {
    Piece* pieces = pieces_.data();  // sized in run(): a window has at most one piece per block, plus one
    int32_t np = 0;
    int32_t pos = start_position(start, M_);
    int64_t processed = 0, found = 0;
    const int32_t whole_end = M_ / kSum * kSum;  // blocks below it are full
    while (processed < M_ && found < to_find) {
        if ((pos & (kSum - 1)) == 0 && pos < whole_end && M_ - processed >= kSum) {
            // A run of whole blocks (the common case after the window's first piece), taken while the
            // window goes on past them: one piece, whose summaries are merged below.
            const int32_t b0 = block_of(pos);
            const int32_t bend = static_cast<int32_t>(
                std::min<int64_t>(whole_end / kSum, b0 + (M_ - processed) / kSum));
            int32_t b = b0;
            for (; b < bend; ++b) {
                refresh_block(ed, cd, b);
                const int32_t cnt = ed.bfeas[b];
                if (found + cnt >= to_find) break;
                found += cnt;
            }
            if (b > b0) {
                pieces[np++] = {b0 * kSum, b * kSum, true, 0.0, 0, 0};
                processed += static_cast<int64_t>(b - b0) * kSum;
                pos = b * kSum == M_ ? 0 : b * kSum;
                continue;
            }
            // Block b0 holds the window's end: cut below.
        }
        const int32_t b = block_of(pos), base = b * kSum, be = std::min(base + kSum, M_);
        const int32_t end = static_cast<int32_t>(std::min<int64_t>(be, pos + (M_ - processed)));
        refresh_block(ed, cd, b);
        const int32_t len = end - pos;
        const uint64_t okb = ed.okm[b] & range_mask(pos - base, end - base);
        const int32_t cnt = popcount64(okb);
        if (found + cnt >= to_find) {
            const int32_t cut = base + select_bit(okb, static_cast<int32_t>(to_find - found - 1)) + 1 - pos;
            pieces[np++] = {pos, pos + cut, false, 0.0, 0, 0};
            found = to_find;
            processed += cut;
            break;
        }
        pieces[np++] = {pos, end, false, 0.0, 0, 0};
        found += cnt;
        processed += len;
        pos = end == M_ ? 0 : end;
    }
    processed_out = processed;
    score_pending(ed, cd);
    if (found == 0) return 0;
    if (found == 1) {
        // "When only one node after predicate, just use it."
        for (const Piece* pc = pieces; pc < pieces + np; ++pc)
            for (int32_t b = block_of(pc->a); b * kSum < pc->b; ++b) {
                const int32_t base = b * kSum;
                const uint64_t okb = ed.okm[b] & range_mask(std::max(pc->a, base) - base, std::min(pc->b - base, kSum));
                if (okb) {
                    host_pos = base + __builtin_ctzll(okb);
                    return 1;
                }
            }
    }
    const double ninf = -std::numeric_limits<double>::infinity();
    // Normalized plugins whose windows need the check below (see EquivData::norm_check).
    const size_t Q = ed.norm_check ? cd.norm.size() : 0;
    double best = ninf;
    int64_t ties = 0;
    // Per normalized plugin: a feasible position of the window has the class-wide maximum raw score
    // (top) / a raw score other than 0 (nonzero).
    uint64_t top[kMaxNorm] = {}, nonzero[kMaxNorm] = {};
    for (Piece* pc = pieces; pc < pieces + np; ++pc) {
        if (pc->whole) {
            // A run of whole blocks: the largest of their best totals and its tie count. Branch-free:
            // which block holds the best total is unpredictable. A block without a feasible position
            // has -inf and no ties.
            double m = ninf;
            int32_t c = 0;
            for (int32_t b = block_of(pc->a), bend = block_of(pc->b); b < bend; ++b) {
                take_max(ed.bmax[b], ed.bcnt[b], m, c);
                for (size_t q = 0; q < Q; ++q) {
                    top[q] |= ed.okm[b] & ed.normm[(b * Q + q) * 2];
                    nonzero[q] |= ed.okm[b] & ed.normm[(b * Q + q) * 2 + 1];
                }
            }
            pc->m = m;
            pc->cnt = c;
        } else {
            const int32_t b = block_of(pc->a), base = b * kSum;
            const uint64_t range = range_mask(pc->a - base, pc->b - base);
            const uint64_t okb = ed.okm[b] & range;
            const uint64_t tie = ed.bmaxm[b] & range;
            if (tie) {
                pc->m = ed.bmax[b];
                pc->tie = tie;
            } else if (okb) {
                // The block's best totals lie outside the piece: its own maximum and ties.
                const float* v = ed.val.data() + pc->a;
                pc->m = top_of(pc->b - pc->a, v, &pc->tie);
                pc->tie <<= pc->a - base;
            } else {
                pc->m = ninf;
                pc->tie = 0;
            }
            pc->cnt = popcount64(pc->tie);
            for (size_t q = 0; q < Q; ++q) {
                top[q] |= okb & ed.normm[(b * Q + q) * 2];
                nonzero[q] |= okb & ed.normm[(b * Q + q) * 2 + 1];
            }
        }
        take_max(pc->m, static_cast<int64_t>(pc->cnt), best, ties);
    }
    for (size_t q = 0; q < Q; ++q)
        if (nonzero[q] && !top[q]) return -1;
    int64_t r = ties > 1 ? static_cast<int64_t>(rng.below(static_cast<uint64_t>(ties))) : 0;
    for (const Piece* pc = pieces; pc < pieces + np; ++pc) {
        const int64_t c = pc->cnt & -static_cast<int64_t>(pc->m == best);
        if (r >= c) {
            r -= c;
            continue;
        }
        if (!pc->whole) {
            host_pos = block_of(pc->a) * kSum + select_bit(pc->tie, static_cast<int32_t>(r));
            return found;
        }
        for (int32_t b = block_of(pc->a);; ++b) {
            const int64_t cb = ed.bcnt[b] & -static_cast<int64_t>(ed.bmax[b] == best);
            if (r < cb) {
                host_pos = b * kSum + select_bit(ed.bmaxm[b], static_cast<int32_t>(r));
                return found;
            }
            r -= cb;
        }
    }
    host_pos = pieces[0].a;  // unreachable: the draw is below the number of tied maxima
    return found;
}

// detail::diagnose over the position-ordered columns, with the same output: the static reasons
// (before Fit: precomputed per class; after Fit: nodes that pass Fit) merged and sorted by reason id,
// then the Fit reasons in resource order, each counted once per node.
void DenseBatch::diagnose_dense(int32_t p, const ClassData& cd) {
    const int32_t nf = static_cast<int32_t>(fr_.size());
    kvec<int64_t> counts(static_cast<size_t>(nf) + 1, 0);
    uint8_t* bits = ok_.data();  // scratch: Fit passes where 0
    if (in_.fit.filter_enabled)
        fit_failures(cd, bits, counts.data());
    else
        std::fill(bits, bits + M_, uint8_t{0});
    kvec<int32_t> post_ids;
    for (int32_t j : cd.post_pos)
        if (bits[j] == 0) post_ids.push_back(cd.post_id[j]);
    std::sort(post_ids.begin(), post_ids.end());
    kvec<std::pair<int32_t, int64_t>> hist;
    for (size_t a = 0; a < post_ids.size();) {
        size_t b = a;
        while (b < post_ids.size() && post_ids[b] == post_ids[a]) ++b;
        hist.push_back({post_ids[a], static_cast<int64_t>(b - a)});
        a = b;
    }
    emit_diagnosis(p, cd, counts.data(), hist);
}

// Per position its Fit failures as bits (bit 0: no free pod slot, bit 1 + f: the plan's f-th requested
// resource short; resources past the seventh share bit 7, so 0 still means Fit passes) and per reason
// (counts: [0] pod slots, [1 + f] resource f) the failing positions where the static filters before
// Fit pass: one vector pass per reason.
void DenseBatch::fit_failures(const ClassData& cd, uint8_t* bits, int64_t* counts) {
    const uint8_t* pre = cd.pre_ok.data();
    counts[0] = pods_short_bits(M_, pre, free_pods_.data(), bits);
    for (size_t f = 0; f < fr_.size(); ++f)
        counts[1 + f] = resource_short_bits(M_, pre, fr_[f], fq_[f], static_cast<uint8_t>(2u << std::min<size_t>(f, 6)),
                                            bits);
}

// diagnose_dense for a replica class, from the state of its last diagnosis (EquivData::diag_bits):
// binds only change the positions they bind, so only those are derived again. Classes with more than 7
// requested resources (one bit each) or no Fit filter take diagnose_dense.
void DenseBatch::diagnose_class(int32_t p, const ClassData& cd, EquivData& ed) {
    const int32_t nf = static_cast<int32_t>(fr_.size());
    if (!in_.fit.filter_enabled || nf > 7) {
        diagnose_dense(p, cd);
        return;
    }
    const uint8_t* pre = cd.pre_ok.data();
    if (ed.diag_bits.empty()) {
        ed.diag_bits.resize(M_);
        uint8_t* bits = ed.diag_bits.data();
        ed.diag_counts.assign(static_cast<size_t>(nf) + 1, 0);
        fit_failures(cd, bits, ed.diag_counts.data());
        int32_t top = -1;
        for (int32_t j : cd.post_pos) top = std::max(top, cd.post_id[j]);
        ed.diag_post.assign(static_cast<size_t>(top + 1), 0);
        for (int32_t j : cd.post_pos)
            if (bits[j] == 0) ++ed.diag_post[cd.post_id[j]];
    } else {
        uint8_t* bits = ed.diag_bits.data();
        for (size_t k = ed.diag_log; k < bind_log_.size(); ++k) {
            const int32_t j = bind_log_[k];
            uint8_t nb = free_pods_[j] < 1;
            for (int32_t f = 0; f < nf; ++f) nb |= static_cast<uint8_t>((fq_[f] > fr_[f][j]) << (1 + f));
            const uint8_t ob = bits[j];
            if (nb == ob) continue;
            bits[j] = nb;
            if (pre[j])
                for (uint32_t d = ob ^ nb; d; d &= d - 1) {
                    const int32_t b = __builtin_ctz(d);
                    ed.diag_counts[b] += (nb >> b) & 1 ? 1 : -1;
                }
            const int32_t id = cd.post_id[j];
            if (id >= 0 && (ob == 0) != (nb == 0)) ed.diag_post[id] += nb == 0 ? 1 : -1;
        }
    }
    ed.diag_log = bind_log_.size();
    kvec<std::pair<int32_t, int64_t>> hist;
    for (size_t id = 0; id < ed.diag_post.size(); ++id)
        if (ed.diag_post[id]) hist.push_back({static_cast<int32_t>(id), ed.diag_post[id]});
    emit_diagnosis(p, cd, ed.diag_counts.data(), hist);
}

// A diagnosis's records: the static reasons (before Fit: precomputed per class; after Fit: hist, per
// reason id the nodes that pass Fit and fail it) merged and sorted by reason id, then the Fit reasons
// (fit_counts: [0] no pod slot, [1 + f] the plan's f-th requested resource) in resource order, each
// counted once per node.
void DenseBatch::emit_diagnosis(int32_t p, const ClassData& cd, const int64_t* fit_counts,
                                kvec<std::pair<int32_t, int64_t>>& hist) {
    hist.insert(hist.end(), cd.pre_hist.begin(), cd.pre_hist.end());
    std::sort(hist.begin(), hist.end());
    for (size_t a = 0; a < hist.size();) {
        int64_t c = 0;
        size_t b = a;
        for (; b < hist.size() && hist[b].first == hist[a].first; ++b) c += hist[b].second;
        out_.failures.insert(out_.failures.end(), {p, hist[a].first, c});
        a = b;
    }
    kvec<int64_t> by_row(static_cast<size_t>(R_) + 1, 0);
    if (in_.fit.filter_enabled) {
        by_row[0] = fit_counts[0];
        for (size_t f = 0; f < fr_.size(); ++f) by_row[1 + plan_.f_row[f]] += fit_counts[1 + f];
    }
    for (int32_t r = 0; r <= R_; ++r)
        if (by_row[r]) out_.failures.insert(out_.failures.end(), {p, reason_base_ + r, by_row[r]});
}

void DenseBatch::run() {
    const BatchInput& in = in_;
    setup();
    SplitMix64 rng(in.rng_state);
    int64_t start = in.start_index;
    out_.chosen.assign(in.num_pods, -1);
    bind_log_.clear();
    bind_log_.reserve(static_cast<size_t>(in.num_pods));
    out_.feasible_count.assign(in.num_pods, 0);
    out_.gpu_devices.assign(in.num_pods, 0);

    const int64_t to_find = std::max<int64_t>(in.num_to_find, 1);
    cap_ = static_cast<size_t>(M_) + kBlock + 1;
    ok_.assign(cap_, 0);
    P_.assign(cap_, 0);
    tot_.assign(cap_, 0.0);
    num_.assign(cap_, 0.0);
    mean_.assign(cap_, 0.0);
    sum_.assign(cap_, 0.0);
    nraw_.assign(cap_, 0);
    xs_.assign(std::max<size_t>(bal_cols_.size(), 1) * cap_, 0.0);
    wscratch_.assign(cap_, 0.0);
    pieces_.assign(static_cast<size_t>(M_ / kSum) + 3, Piece{0, 0, false, 0.0, 0, 0});
    pend_.assign(M_, 0);
    any_irregular_ = false;
    for (uint8_t v : irregular_) any_irregular_ |= v != 0;
    defer_nodes_ = !any_irregular_;
    int32_t prepared = -1;  // the equivalence class prepare_pod last ran for (replicas share it)
    EquivData* done = nullptr;  // a class whose last pod was the previous one
    for (int32_t p = 0; p < in.num_pods; ++p) {
        if (done) {
            // Its totals array goes to the next class activated (replicas arriving together: one
            // array for the whole batch, not one per Deployment).
            val_pool_.push_back(std::move(done->val));
            done = nullptr;
        }
        ClassData& cd = class_data(in.pod_class[p]);
        const int32_t eq = in.pod_equiv ? in.pod_equiv[p] : -1;
        EquivData* eqd = eq >= 0 ? &equiv_[eq] : nullptr;
        if (eqd && --eqd->left == 0) {
            retire(*eqd);  // its own window still reads its caches below
            if (eqd->slot >= 0) done = eqd;
        }
        // The pod's plan (requests, active scoring columns): shared by a run of replicas, and not
        // needed by an eager class's window (only if it is scanned or fails).
        auto prepare = [&] {
            if (eq < 0 || eq != prepared) prepare_pod(p);
            prepared = eq;
        };
        if (eqd && eqd->failed_at >= 0) {
            // The class found no node earlier in the batch, and binds only take resources: it finds
            // none again, after a walk over every node (the start index moves by all of them).
            start = next_start(start, M_);
            if (eqd->failed_at == binds_) {
                // No bind since: the same diagnosis.
                for (size_t k = eqd->diag_begin; k < eqd->diag_end; k += 3)
                    out_.failures.insert(out_.failures.end(), {p, out_.failures[k + 1], out_.failures[k + 2]});
                continue;
            }
            prepare();
            const size_t begin = out_.failures.size();
            diagnose_class(p, cd, *eqd);
            eqd->failed_at = binds_;
            eqd->diag_begin = begin;
            eqd->diag_end = out_.failures.size();
            continue;
        }
        if (!eqd || !eqd->eager) prepare();
        int64_t processed = 0, found;
        int32_t host_pos = -1;
        if (eqd && eqd->slot == -1) activate(*eqd, cd);
        // Replicas: cached verdicts and totals per position and summaries per block, refreshed where a
        // bind changed them; a window they cannot answer is scanned.
        found = eqd && eqd->slot >= 0 ? equiv_blocks(*eqd, cd, start, to_find, processed, host_pos, rng) : -1;
        if (found < 0) {
            prepare();
            found = cd.sparse ? sparse_window(cd, start, to_find, processed, host_pos, rng)
                              : window(cd, start, to_find, processed, host_pos, rng);
        }
        // nextStartNodeIndex = (nextStartNodeIndex + processedNodes) % len(allNodes)
        start = next_start(start, processed);
        out_.feasible_count[p] = found;
        if (found == 0) {
            prepare();
            const size_t begin = out_.failures.size();
            if (eqd)
                diagnose_class(p, cd, *eqd);
            else
                diagnose_dense(p, cd);
            if (eqd) {
                eqd->failed_at = binds_;
                eqd->diag_begin = begin;
                eqd->diag_end = out_.failures.size();
            }
            continue;
        }
        const int32_t host = in.order[host_pos];
        out_.chosen[p] = host;
        if (in.dry_run) continue;
        bind(p, host_pos);
        if (eqd && eqd->slot >= 0 && !eqd->eager && eqd->left > 0) rescore_own(*eqd, cd, host_pos);
    }
    if (defer_nodes_ && !in.dry_run) add_pods_to_nodes();
    out_.start_index = start;
    out_.rng_state = rng.state;
}

}  // namespace

#if defined(KS_DENSE_BMI2)
bool run_batch_dense_bmi2(const BatchInput& in, int32_t reason_base, BatchOutput& out) {
#else
#if KS_HAS_DENSE_BMI2
bool run_batch_dense_bmi2(const BatchInput& in, int32_t reason_base, BatchOutput& out);  // dense_bmi2.cpp
#endif

DenseVariant dense_variant = DenseVariant::Auto;

bool dense_bmi2_available() {
#if KS_HAS_DENSE_BMI2
    static const bool has = __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi2");
    return has;
#else
    return false;
#endif
}

bool run_batch_dense(const BatchInput& in, int32_t reason_base, BatchOutput& out) {
#if KS_HAS_DENSE_BMI2
    if (dense_variant != DenseVariant::Baseline && dense_bmi2_available())
        return run_batch_dense_bmi2(in, reason_base, out);
#endif
#endif
    DenseBatch b(in, reason_base, out);
    if (!b.eligible()) return false;
    b.run();
    out.dense = true;
    return true;
}

#ifdef KS_DENSE_BMI2
#pragma GCC pop_options
#endif

}  // namespace ks
