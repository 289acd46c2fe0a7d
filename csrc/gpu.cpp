#include "gpu.hpp"

#include <algorithm>
#include <cmath>

namespace ks {
namespace gpu {

namespace {

inline const int32_t* free_of(const Nodes& nd, int32_t node) { return nd.gpu_free + static_cast<size_t>(node) * kMaxGpus; }

inline int64_t free_total(const int32_t* free, int32_t count) {
    int64_t t = 0;
    for (int32_t d = 0; d < count; ++d) t += free[d];
    return t;
}

inline int tag_of(const Shape& s) {  // -1 = no-gpu
    if (s.num_gpu == 0) return -1;
    if (s.num_gpu == 1 && s.gpu_milli < kMilli) return 0;
    return s.num_gpu;  // "<n>-gpu" (whole GPUs; partial multi-GPU shapes are rejected upstream of here)
}

// Stable ascending order of devices by free milli (Go sort.SliceStable).
inline int sorted_devices(const int32_t* free, int32_t count, int* idx) {
    for (int d = 0; d < count; ++d) idx[d] = d;
    std::stable_sort(idx, idx + count, [free](int a, int b) { return free[a] < free[b]; });
    return count;
}

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

uint32_t exclusive(const int32_t* free, int32_t count, const Shape& s) {
    int64_t need = static_cast<int64_t>(s.gpu_milli) * s.num_gpu;
    uint32_t out = 0;
    for (int32_t d = 0; d < count && need > 0; ++d) {
        if (free[d] == kMilli) {
            out |= 1u << d;
            need -= kMilli;
        }
    }
    return out;
}

int64_t fgd(const Nodes& nd, int32_t node, const Shape& s, const Typical& t, uint32_t* devices) {
    const int32_t count = nd.gpu_count[node];
    const int32_t* free = free_of(nd, node);
    const int64_t cpu = nd.cpu_free[node];
    const double before = node_frag(nd, node, t, cpu, free);
    int32_t trial[kMaxGpus];
    if (s.num_gpu == 1 && s.gpu_milli < kMilli) {
        int64_t best = 0;
        int best_dev = -1;
        for (int32_t d = 0; d < count; ++d) {
            if (free[d] < s.gpu_milli) continue;
            std::copy(free, free + kMaxGpus, trial);
            trial[d] -= s.gpu_milli;
            double after = node_frag(nd, node, t, cpu - s.cpu, trial);
            int64_t sc = static_cast<int64_t>(sigmoid((before - after) / 1000) * 100.0);
            if (best_dev < 0 || sc > best) {
                best = sc;
                best_dev = d;
            }
        }
        *devices = best_dev < 0 ? 0u : (1u << best_dev);
        return best;
    }
    // NodeResource.Sub: unchanged copy when the CPU or the device count does not suffice.
    std::copy(free, free + kMaxGpus, trial);
    int64_t cpu_after = cpu;
    if (!(cpu < s.cpu || count < s.num_gpu)) {
        cpu_after = cpu - s.cpu;
        int need = s.num_gpu;
        if (need > 0) {
            int idx[kMaxGpus];
            sorted_devices(free, count, idx);
            for (int k = 0; k < count && need > 0; ++k) {
                int d = idx[k];
                if (s.gpu_milli <= trial[d]) {
                    --need;
                    trial[d] -= s.gpu_milli;
                }
            }
        }
    }
    double after = node_frag(nd, node, t, cpu_after, trial);
    *devices = s.num_gpu ? exclusive(free, count, s) : 0u;
    return static_cast<int64_t>(sigmoid((before - after) / 1000) * 100.0);
}

}  // namespace

bool accessible(const Nodes& nd, int32_t node, const Shape& s) {
    if (s.spec_any) return true;
    const int32_t m = nd.gpu_model[node];
    if (m < 0) return false;
    return m < 64 && ((s.spec_mask >> m) & 1u);
}

int category(const Nodes& nd, int32_t node, const Shape& s, int64_t cpu_free, const int32_t* free) {
    const bool cpu_ok = cpu_free >= s.cpu;
    if (s.gpu_milli == 0) return cpu_ok ? XLSatisfied : XRLackCpu;
    if (!accessible(nd, node, s)) return NoAccess;
    int need = s.num_gpu;
    bool gpu_ok = false;
    const int32_t count = nd.gpu_count[node];
    for (int32_t d = 0; d < count; ++d) {
        if (free[d] >= s.gpu_milli && --need <= 0) {
            gpu_ok = true;
            break;
        }
    }
    if (gpu_ok) return cpu_ok ? Q3Satisfied : Q4LackCpu;
    return cpu_ok ? Q2LackGpu : Q1LackBoth;
}

double node_frag(const Nodes& nd, int32_t node, const Typical& t, int64_t cpu_free, const int32_t* free) {
    double data[7] = {0, 0, 0, 0, 0, 0, 0};
    const int32_t count = nd.gpu_count[node];
    const int64_t total_i = free_total(free, count);
    const double total = static_cast<double>(total_i);
    for (size_t k = 0; k < t.shapes.size(); ++k) {
        const double p = t.prob[k];
        if (p < 0 || p > 1) continue;
        const Shape& s = t.shapes[k];
        int c = category(nd, node, s, cpu_free, free);
        if (c == Q3Satisfied) {
            int64_t frag = 0;
            for (int32_t d = 0; d < count; ++d)
                if (free[d] < s.gpu_milli) frag += free[d];
            data[Q2LackGpu] += p * static_cast<double>(frag);
            data[Q3Satisfied] += p * static_cast<double>(total_i - frag);
        } else {
            data[c] += p * total;
        }
    }
    double out = 0;
    for (int i = 0; i < 7; ++i)
        if (i != Q3Satisfied) out += data[i];
    return out;
}

bool fits(const Nodes& nd, int32_t node, const Shape& s, int64_t mem_mib) {
    if (s.cpu > nd.cpu_free[node] || mem_mib > nd.mem_free[node]) return false;
    if (s.gpu_milli <= 0) return true;
    const int32_t count = nd.gpu_count[node];
    if (count == 0 || !accessible(nd, node, s)) return false;
    const int32_t* free = free_of(nd, node);
    if (s.num_gpu == 1) {
        for (int32_t d = 0; d < count; ++d)
            if (free[d] >= s.gpu_milli) return true;
        return false;
    }
    // AllocateGpuId's two pointers: a device may take several of the pod's GPUs.
    int32_t idle[kMaxGpus];
    std::copy(free, free + kMaxGpus, idle);
    int taken = 0;
    int32_t d = 0;
    while (d < count && taken < s.num_gpu) {
        if (idle[d] >= s.gpu_milli) {
            ++taken;
            idle[d] -= s.gpu_milli;
        } else {
            ++d;
        }
    }
    return taken == s.num_gpu;
}

uint32_t select_best(const Nodes& nd, int32_t node, const Shape& s) {
    if (s.num_gpu == 0) return 0;
    const int32_t count = nd.gpu_count[node];
    const int32_t* free = free_of(nd, node);
    if (s.gpu_milli < kMilli) {
        int best = -1;
        for (int32_t d = 0; d < count; ++d)
            if (free[d] >= s.gpu_milli && (best < 0 || free[d] < free[best])) best = d;
        return best < 0 ? 0u : (1u << best);
    }
    return exclusive(free, count, s);
}

int64_t score(Policy p, const Nodes& nd, int32_t node, const Shape& s, const Typical& t, uint32_t* devices,
              int64_t mem_mib) {
    const int32_t count = nd.gpu_count[node];
    const int32_t* free = free_of(nd, node);
    const int64_t cpu = nd.cpu_free[node];
    const int64_t gfree = free_total(free, count);
    const int64_t greq = static_cast<int64_t>(s.gpu_milli) * s.num_gpu;
    *devices = 0;
    switch (p) {
        case Policy::Random:
            return 0;  // decided at PreScore (replay)
        case Policy::DotProduct: {
            if (cpu < s.cpu) return 0;
            double nv0 = static_cast<double>(cpu) / static_cast<double>(kMaxSpecCpu);
            double nv1 = static_cast<double>(gfree) / static_cast<double>(kMaxSpecGpu);
            double pv0 = static_cast<double>(s.cpu) / static_cast<double>(kMaxSpecCpu);
            double pv1 = static_cast<double>(greq) / static_cast<double>(kMaxSpecGpu);
            double dot = 0.0;
            dot += nv0 * pv0;
            dot += nv1 * pv1;
            double cur = 1 - dot / 2.0;
            *devices = select_best(nd, node, s);
            return static_cast<int64_t>(100.0 * cur);
        }
        case Policy::GpuClustering: {
            int tag = tag_of(s);
            if (tag < 0) return 0;
            const int32_t* tg = nd.tags + static_cast<size_t>(node) * kNumTags;
            int distinct = 0;
            for (int k = 0; k < kNumTags; ++k) distinct += tg[k] > 0;
            int64_t used = (100 / 4) * (kMaxSpecGpu - gfree) / kMaxSpecGpu;
            int64_t base;
            if (tg[tag] > 0)
                base = distinct == 1 ? 100 * 3 / 4 : 100 * 2 / 4;
            else
                base = distinct == 0 ? 100 / 4 : 0;
            *devices = select_best(nd, node, s);
            return used + base;
        }
        case Policy::GpuPacking: {
            if (s.gpu_milli <= 0) return 0;
            int full = 0;
            for (int32_t d = 0; d < count; ++d) full += free[d] == kMilli;
            int64_t sc;
            if (full == count) {
                sc = std::max<int64_t>(100 / 3 - full, full);
            } else {
                int idx[kMaxGpus];
                sorted_devices(free, count, idx);
                int need = s.num_gpu, use_full = 0, used_n = 0;
                int to_use[kMaxGpus];
                for (int k = 0; k < count && need > 0; ++k) {
                    int d = idx[k];
                    if (s.gpu_milli <= free[d]) {
                        --need;
                        to_use[used_n++] = d;
                        if (free[d] == kMilli) ++use_full;
                    }
                }
                if (need != 0) return 0;  // Error upstream; filtered before
                if (use_full > 0) {
                    sc = std::max<int64_t>(100 / 2 - use_full, 100 / 3);
                } else {
                    int64_t ratio = 0;
                    for (int k = 0; k < used_n; ++k) ratio += static_cast<int64_t>(free[to_use[k]]) * 100 / kMilli;
                    sc = std::max<int64_t>(100 - ratio / 10, 100 / 2);
                }
            }
            *devices = select_best(nd, node, s);
            return sc;
        }
        case Policy::BestFit: {
            double fr[2] = {static_cast<double>(cpu), static_cast<double>(gfree)};
            double rq[2] = {static_cast<double>(s.cpu), static_cast<double>(greq)};
            double sp[2] = {static_cast<double>(kMaxSpecCpu), static_cast<double>(kMaxSpecGpu)};
            double v = 0.0;
            for (int i = 0; i < 2; ++i) {
                if (fr[i] < rq[i]) return 0;
                v += (fr[i] - rq[i]) / sp[i] * 0.5;
            }
            v = (1.0 - v) * 100.0;
            *devices = select_best(nd, node, s);
            return static_cast<int64_t>(v);
        }
        case Policy::FGD:
            if (s.cpu == 0 && s.num_gpu == 0 && mem_mib == 0) return 100;  // PodRequestsAndLimits is empty
            return fgd(nd, node, s, t, devices);
        case Policy::Default: {
            // LeastAllocated: (alloc - req) * 100 / alloc per resource, integer mean; BalancedAllocation:
            // int((1 - |f_cpu - f_mem| / 2) * 100) with f = min(1, req / alloc).
            const int64_t alloc[2] = {nd.cpu_total[node], nd.mem_total[node]};
            const int64_t req[2] = {nd.cpu_total[node] - cpu + s.cpu, nd.mem_total[node] - nd.mem_free[node] + mem_mib};
            int64_t least = 0, wsum = 0;
            double f[2];
            int nf = 0;
            for (int i = 0; i < 2; ++i) {
                if (alloc[i] == 0) continue;
                least += req[i] > alloc[i] ? 0 : (alloc[i] - req[i]) * 100 / alloc[i];
                ++wsum;
                double x = static_cast<double>(req[i]) / static_cast<double>(alloc[i]);
                f[nf++] = x > 1 ? 1 : x;
            }
            int64_t fit = wsum ? least / wsum : 0;
            double sd = nf == 2 ? std::fabs((f[0] - f[1]) / 2) : 0.0;
            int64_t bal = (s.cpu == 0 && mem_mib == 0) ? 0 : static_cast<int64_t>((1 - sd) * 100.0);
            *devices = select_best(nd, node, s);
            return fit + bal;
        }
    }
    return 0;
}

namespace {

void bind(Nodes& nd, int32_t node, const Shape& s, int64_t mem, uint32_t devices) {
    nd.cpu_free[node] -= s.cpu;
    nd.mem_free[node] -= mem;
    int32_t* free = nd.gpu_free + static_cast<size_t>(node) * kMaxGpus;
    for (int d = 0; d < kMaxGpus; ++d)
        if ((devices >> d) & 1u) free[d] -= s.gpu_milli;
    int tag = tag_of(s);
    if (tag >= 0) ++nd.tags[static_cast<size_t>(node) * kNumTags + tag];
    ++nd.epoch[node];
}

}  // namespace

double cluster_frag(const Nodes& nd, const Typical& t, double* frag, uint32_t* frag_epoch) {
    double total = 0;
    for (int32_t i = 0; i < nd.n; ++i) {
        if (frag_epoch[i] != nd.epoch[i]) {
            frag[i] = node_frag(nd, i, t, nd.cpu_free[i], free_of(nd, i));
            frag_epoch[i] = nd.epoch[i];
        }
        total += frag[i];
    }
    return total;
}

void release(Nodes& nd, int32_t node, const Shape& s, int64_t mem, uint32_t devices) {
    nd.cpu_free[node] += s.cpu;
    nd.mem_free[node] += mem;
    int32_t* free = nd.gpu_free + static_cast<size_t>(node) * kMaxGpus;
    for (int d = 0; d < kMaxGpus; ++d)
        if ((devices >> d) & 1u) free[d] += s.gpu_milli;
    int tag = tag_of(s);
    if (tag >= 0) --nd.tags[static_cast<size_t>(node) * kNumTags + tag];
    ++nd.epoch[node];
}

void replay(Policy p, Nodes& nd, const std::vector<Shape>& shapes, const Pods& pods, const Typical& t,
            const int32_t* order, SplitMix64& rng, ScoreCache& cache, double* frag, uint32_t* frag_epoch,
            ReplayOut& out) {
    const int32_t N = nd.n;
    out.chosen.assign(pods.count, -1);
    out.devices.assign(pods.count, 0);
    out.frag_after.assign(pods.count, 0);
    out.used_after.assign(pods.count, 0);
    // Current totals: F per node (cached by epoch) and allocated GPU milli.
    double frag_total = 0;
    int64_t used = 0;
    for (int32_t i = 0; i < N; ++i) {
        if (frag_epoch[i] != nd.epoch[i]) {
            frag[i] = node_frag(nd, i, t, nd.cpu_free[i], free_of(nd, i));
            frag_epoch[i] = nd.epoch[i];
        }
        frag_total += frag[i];
        used += static_cast<int64_t>(nd.gpu_count[i]) * kMilli - free_total(free_of(nd, i), nd.gpu_count[i]);
    }
    std::vector<int32_t> feasible;
    std::vector<int64_t> raw;
    std::vector<uint32_t> devs;
    feasible.reserve(N);
    for (int32_t q = 0; q < pods.count; ++q) {
        const int32_t sid = pods.shape[q];
        const Shape& s = shapes[sid];
        const int64_t mem = pods.mem[q];
        uint32_t* c_epoch = cache.epoch + static_cast<size_t>(sid) * N;
        uint8_t* c_ok = cache.feasible + static_cast<size_t>(sid) * N;
        int64_t* c_score = cache.score + static_cast<size_t>(sid) * N;
        uint32_t* c_dev = cache.devices + static_cast<size_t>(sid) * N;
        feasible.clear();
        raw.clear();
        devs.clear();
        // Default scores memory; FGD treats a pod with no CPU and no GPU by whether it requests memory.
        const bool per_pod = p == Policy::Default || (p == Policy::FGD && s.cpu == 0 && s.num_gpu == 0);
        for (int32_t k = 0; k < N; ++k) {
            const int32_t node = order[k];
            if (c_epoch[node] != nd.epoch[node]) {
                // The shape's verdict and score on this node (memory is per pod, checked below).
                bool ok = fits(nd, node, s, 0);
                c_ok[node] = ok;
                if (ok && !per_pod) c_score[node] = score(p, nd, node, s, t, &c_dev[node]);
                c_epoch[node] = nd.epoch[node];
            }
            if (!c_ok[node] || mem > nd.mem_free[node]) continue;
            feasible.push_back(node);
            if (per_pod) {  // the score reads the pod's memory, which the shape does not hold
                uint32_t d0;
                raw.push_back(score(p, nd, node, s, t, &d0, mem));
            } else {
                raw.push_back(c_score[node]);
            }
            devs.push_back(c_dev[node]);
        }
        const size_t F = feasible.size();
        if (F == 0) {
            out.frag_after[q] = frag_total;
            out.used_after[q] = used;
            continue;
        }
        size_t pick = 0;
        if (F > 1) {
            if (p == Policy::Random) {
                // random_score.go PreScore: one feasible node drawn uniformly gets 100.
                size_t r = static_cast<size_t>(rng.below(F));
                for (size_t i = 0; i < F; ++i) raw[i] = i == r ? 100 : 0;
            } else if (p == Policy::BestFit) {
                int64_t hi = *std::max_element(raw.begin(), raw.end());
                int64_t lo = *std::min_element(raw.begin(), raw.end());
                for (size_t i = 0; i < F; ++i) raw[i] = hi == lo ? 0 : (raw[i] - lo) * 100 / (hi - lo);
            }
            int64_t best = raw[0] * 1000;
            uint64_t cnt = 1;
            for (size_t i = 1; i < F; ++i) {
                int64_t v = raw[i] * 1000;
                if (v > best) {
                    best = v;
                    pick = i;
                    cnt = 1;
                } else if (v == best) {
                    ++cnt;
                    if (rng.below(cnt) == 0) pick = i;
                }
            }
        }
        const int32_t host = feasible[pick];
        uint32_t dev;
        if (p == Policy::Random) {
            if (s.num_gpu && s.gpu_milli < kMilli) {
                // gpusel "random": reservoir sampling over the devices that fit.
                const int32_t* free = free_of(nd, host);
                int chosen = -1;
                uint64_t k = 0;
                for (int32_t d = 0; d < nd.gpu_count[host]; ++d) {
                    if (free[d] >= s.gpu_milli) {
                        ++k;
                        if (rng.below(k) == 0) chosen = d;
                    }
                }
                dev = chosen < 0 ? 0u : (1u << chosen);
            } else {
                dev = s.num_gpu ? exclusive(free_of(nd, host), nd.gpu_count[host], s) : 0u;
            }
        } else if (p == Policy::FGD) {
            // gpusel "FGDScore": the device FGD scored best (recomputed when scoring was skipped).
            if (F == 1 || per_pod) {
                uint32_t d2 = 0;
                score(p, nd, host, s, t, &d2, mem);
                dev = d2;
            } else {
                dev = devs[pick];
            }
        } else {
            dev = select_best(nd, host, s);  // gpusel "best"
        }
        frag_total -= frag[host];
        bind(nd, host, s, mem, dev);
        frag[host] = node_frag(nd, host, t, nd.cpu_free[host], free_of(nd, host));
        frag_epoch[host] = nd.epoch[host];
        frag_total += frag[host];
        used += static_cast<int64_t>(s.gpu_milli) * __builtin_popcount(dev);
        out.chosen[q] = host;
        out.devices[q] = dev;
        out.frag_after[q] = frag_total;
        out.used_after[q] = used;
    }
}

}  // namespace gpu
}  // namespace ks
