// Seeded generator for tie-breaks. splitmix64: tiny, fast, and easy to reproduce bit for bit in the
// Python reference (kschedule/framework/rng.py).
#pragma once
#include <cstdint>

namespace ks {

struct SplitMix64 {
    uint64_t state;
    explicit SplitMix64(uint64_t seed = 0) : state(seed) {}
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) for n >= 1 (modulo bias is below 2^-40 for the counts used here).
    uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace ks
