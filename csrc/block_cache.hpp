// A per-thread cache of the large blocks behind the batch kernels' arrays (per-class caches, node
// columns, per-pod outputs). A batch frees them at its end and the next asks for the same sizes;
// through the C allocator alone they go back to the system (heap trimming, unmapping) and the next
// batch takes a page fault per 4 KiB it touches again, 2-4 ms per 100,000 pods at 5,000 nodes.
// Blocks of at least kMinCachedBytes are kept per size, up to kMaxCachedBytes per thread; memory only:
// no result depends on it.
#pragma once
#include <cstddef>
#include <vector>

namespace ks {

constexpr std::size_t kMinCachedBytes = std::size_t{16} << 10;
constexpr std::size_t kMaxCachedBytes = std::size_t{128} << 20;

void* cached_alloc(std::size_t bytes);
void cached_free(void* p, std::size_t bytes) noexcept;

template <typename T>
struct CachedAllocator {
    using value_type = T;
    CachedAllocator() = default;
    template <typename U>
    CachedAllocator(const CachedAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(cached_alloc(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { cached_free(p, n * sizeof(T)); }
    template <typename U>
    bool operator==(const CachedAllocator<U>&) const { return true; }
    template <typename U>
    bool operator!=(const CachedAllocator<U>&) const { return false; }
};

// std::vector whose large buffers come from (and return to) the thread's cache.
template <typename T>
using kvec = std::vector<T, CachedAllocator<T>>;

}  // namespace ks
