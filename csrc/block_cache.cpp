// See block_cache.hpp.
#include "block_cache.hpp"

#include <new>
#include <unordered_map>

namespace ks {

namespace {

struct BlockCache {
    std::unordered_map<std::size_t, std::vector<void*>> free;  // by size (rounded to 4 KiB)
    std::size_t bytes = 0;
    ~BlockCache() {
        for (auto& kv : free)
            for (void* p : kv.second) ::operator delete(p);
    }
};

BlockCache& cache() {
    thread_local BlockCache c;
    return c;
}

inline std::size_t rounded(std::size_t bytes) { return (bytes + 4095) & ~std::size_t{4095}; }

}  // namespace

void* cached_alloc(std::size_t bytes) {
    if (bytes < kMinCachedBytes) return ::operator new(bytes);
    const std::size_t size = rounded(bytes);
    BlockCache& c = cache();
    auto it = c.free.find(size);
    if (it != c.free.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        c.bytes -= size;
        return p;
    }
    return ::operator new(size);
}

void cached_free(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    if (bytes < kMinCachedBytes) {
        ::operator delete(p);
        return;
    }
    const std::size_t size = rounded(bytes);
    BlockCache& c = cache();
    if (c.bytes + size > kMaxCachedBytes) {
        ::operator delete(p);
        return;
    }
    try {
        c.free[size].push_back(p);
        c.bytes += size;
    } catch (...) {
        ::operator delete(p);  // no room to remember it: give it back
    }
}

}  // namespace ks
