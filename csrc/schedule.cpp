#include "schedule.hpp"

#include "dense.hpp"
#include "kernels.hpp"

#include <algorithm>
#include <cmath>

namespace ks {

using namespace detail;

int64_t num_feasible_nodes_to_find(int64_t num_all_nodes, int64_t percentage) {
    // schedule_one.go numFeasibleNodesToFind (minFeasibleNodesToFind = 100, min percentage 5).
    if (num_all_nodes < 100 || percentage >= 100) return num_all_nodes;
    int64_t p = percentage;
    if (p <= 0) {
        p = 50 - num_all_nodes / 125;
        if (p < 5) p = 5;
    }
    int64_t n = num_all_nodes * p / 100;
    if (n < 100) return 100;
    return n;
}

int64_t broken_linear(const std::vector<int64_t>& util, const std::vector<int64_t>& score, int64_t p) {
    const size_t n = util.size();
    for (size_t i = 0; i < n; ++i) {
        if (p <= util[i]) {
            if (i == 0) return score[0];
            return score[i - 1] + (score[i] - score[i - 1]) * (p - util[i - 1]) / (util[i] - util[i - 1]);
        }
    }
    return n ? score[n - 1] : 0;
}

int64_t fit_score(const BatchInput& in, int32_t pod, int32_t node) {
    PodPlan pl;
    pl.build(in, pod);
    return fit_score_plan(in, pl, node);
}

int64_t balanced_score(const BatchInput& in, int32_t pod, int32_t node, bool* skip) {
    PodPlan pl;
    pl.build(in, pod);
    *skip = pl.balanced_skip;
    return pl.balanced_skip ? 0 : balanced_score_plan(in, pl, node);
}

namespace detail {
void diagnose(const BatchInput& in, const PodPlan& plan, int32_t p, int32_t reason_base, bool gpu_filter,
              const gpu::Nodes& gn, const gpu::Shape& gfilter, BatchOutput& out) {
    // Diagnosis: one status per node; count each reason once per node.
    const int32_t R = in.nodes.num_resources;
    const int32_t M = in.num_order;
    const int32_t s = in.pod_class[p];
    const int32_t* pre = in.pre_reason.row(s);
    const int32_t* post = in.post_reason.row(s);
    std::vector<uint8_t> fail(static_cast<size_t>(R) + 1);
    std::vector<int64_t> fail_counts(static_cast<size_t>(R) + 1, 0);
    std::vector<int64_t> static_hist;
    int64_t gpu_fail_count = 0;
    for (int32_t k = 0; k < M; ++k) {
        const int32_t node = in.order[k];
        if (pre[node] >= 0) {
            static_hist.push_back(pre[node]);
            continue;
        }
        if (in.fit.filter_enabled) {
            std::fill(fail.begin(), fail.end(), 0);
            bool unres;
            if (!fit_filter_plan(in, plan, node, fail.data(), &unres)) {
                for (int32_t r = 0; r <= R; ++r) fail_counts[r] += fail[r];
                continue;
            }
        }
        if (post[node] >= 0) {
            static_hist.push_back(post[node]);
        } else if (gpu_filter && !gpu::fits(gn, node, gfilter, 0)) {
            ++gpu_fail_count;
        }
    }
    std::sort(static_hist.begin(), static_hist.end());
    for (size_t i = 0; i < static_hist.size();) {
        size_t j = i;
        while (j < static_hist.size() && static_hist[j] == static_hist[i]) ++j;
        out.failures.insert(out.failures.end(), {p, static_hist[i], static_cast<int64_t>(j - i)});
        i = j;
    }
    for (int32_t r = 0; r <= R; ++r)
        if (fail_counts[r]) out.failures.insert(out.failures.end(), {p, reason_base + r, fail_counts[r]});
    if (gpu_fail_count)  // reason id after the Fit ones: Open-Gpu-Share
        out.failures.insert(out.failures.end(), {p, reason_base + R + 1, gpu_fail_count});
}

}  // namespace detail

void run_batch(const BatchInput& in, int32_t reason_base, BatchOutput& out, ExplainOutput* ex) {
    const bool gpu_used = in.gpu.enabled || !in.gpu.policies.empty();
    if (in.dense && !ex && !gpu_used && run_batch_dense(in, reason_base, out)) return;
    const int32_t N = in.nodes.n;
    const int32_t R = in.nodes.num_resources;
    const int32_t K = static_cast<int32_t>(in.static_scores_meta.size());
    SplitMix64 rng(in.rng_state);
    int64_t start = in.start_index;
    out.chosen.assign(in.num_pods, -1);
    out.feasible_count.assign(in.num_pods, 0);

    std::vector<int32_t> feasible;
    feasible.reserve(static_cast<size_t>(std::min<int64_t>(in.num_to_find, N)) + 1);
    std::vector<int64_t> totals;
    if (ex) {
        ex->evaluated.assign(N, 0);
        ex->fit_fail.assign(static_cast<size_t>(N) * (R + 1), 0);
        ex->fit_unresolvable.assign(N, 0);
    }

    // Equivalence cache: per class and node, the Fit verdict and the two dynamic scores, valid while
    // the node's epoch (bumped by every bind onto it) is unchanged.
    struct EquivCache {
        std::vector<uint32_t> epoch;
        std::vector<uint8_t> ok;
        std::vector<int64_t> fit;
        std::vector<int64_t> bal;
    };
    std::vector<EquivCache> caches(in.pod_equiv ? static_cast<size_t>(in.num_equiv) : 0);
    std::vector<uint32_t> node_epoch(static_cast<size_t>(N), 1);

    // GPU sharing view: the Cluster's device columns plus CPU left (allocatable - requested), which the
    // GPU policies read; kept current on every bind of this batch.
    const GpuExt& G = in.gpu;
    const bool gpu_on = G.enabled || !G.policies.empty();
    const int32_t NG = static_cast<int32_t>(G.policies.size());
    std::vector<int64_t> g_cpu_free, g_cpu_total, g_zero;
    gpu::Nodes gn;
    if (gpu_on) {
        g_cpu_free.resize(N);
        g_cpu_total.resize(N);
        g_zero.assign(N, 0);
        for (int32_t i = 0; i < N; ++i) {
            g_cpu_total[i] = in.nodes.allocatable.at(RES_CPU, i);
            g_cpu_free[i] = g_cpu_total[i] - in.nodes.requested.at(RES_CPU, i);
        }
        gn.n = N;
        gn.cpu_free = g_cpu_free.data();
        gn.cpu_total = g_cpu_total.data();
        gn.mem_free = g_zero.data();  // memory is NodeResourcesFit's business here
        gn.mem_total = g_zero.data();
        gn.gpu_count = G.gpu_count;
        gn.gpu_model = G.gpu_model;
        gn.gpu_free = G.gpu_free;
        gn.tags = G.tags;
        gn.epoch = node_epoch.data();
        if (ex) ex->gpu_fail.assign(N, 0);
    }
    out.gpu_devices.assign(in.num_pods, 0);
    std::vector<int64_t> graw;
    std::vector<int64_t> fit_of, bal_of;  // per feasible node, filled during the scan
    PodPlan plan;

    for (int32_t p = 0; p < in.num_pods; ++p) {
        const int32_t s = in.pod_class[p];
        const int32_t* pre = in.pre_reason.row(s);
        const int32_t* post = in.post_reason.row(s);
        const int32_t eq = (in.pod_equiv && !ex && !gpu_on) ? in.pod_equiv[p] : -1;
        gpu::Shape gshape, gfilter;
        if (gpu_on) {
            gshape = G.shapes[p];
            gfilter = gshape;
            gfilter.cpu = 0;  // Open-Gpu-Share checks devices and models; CPU is NodeResourcesFit's
        }
        const bool gpu_filter = G.enabled && gshape.num_gpu > 0;
        EquivCache* cache = nullptr;
        if (eq >= 0) {
            cache = &caches[eq];
            if (cache->epoch.empty()) {
                cache->epoch.assign(N, 0);
                cache->ok.assign(N, 0);
                cache->fit.assign(N, 0);
                cache->bal.assign(N, 0);
            }
        }
        plan.build(in, p);
        const bool want_fit = in.fit.score_enabled;
        const bool want_bal = in.balanced.enabled && !plan.balanced_skip;
        feasible.clear();
        fit_of.clear();
        bal_of.clear();
        int64_t processed = 0;
        const int64_t to_find = std::max<int64_t>(in.num_to_find, 1);
        const int32_t M = in.num_order;
        // findNodesThatPassFilters: nodes[(nextStartNodeIndex + i) % len(nodes)], walked without a
        // division per node.
        int64_t pos = M > 0 ? start % M : 0;
        for (int32_t k = 0; k < M; ++k) {
            int32_t node = in.order[pos];
            if (++pos == M) pos = 0;
            ++processed;
            if (ex) ex->evaluated[node] = 1;
            if (pre[node] >= 0) continue;
            int64_t fs = 0, bs = 0;
            if (cache) {
                if (cache->epoch[node] != node_epoch[node]) {
                    bool unres;
                    bool ok = !in.fit.filter_enabled || fit_filter_plan(in, plan, node, nullptr, &unres);
                    cache->ok[node] = ok;
                    if (ok) {
                        cache->fit[node] = want_fit ? fit_score_plan(in, plan, node) : 0;
                        cache->bal[node] = want_bal ? balanced_score_plan(in, plan, node) : 0;
                    }
                    cache->epoch[node] = node_epoch[node];
                }
                if (!cache->ok[node]) continue;
                fs = cache->fit[node];
                bs = cache->bal[node];
            } else {
                if (in.fit.filter_enabled) {
                    bool unres;
                    uint8_t* fb = ex ? &ex->fit_fail[static_cast<size_t>(node) * (R + 1)] : nullptr;
                    if (!fit_filter_plan(in, plan, node, fb, &unres)) {
                        if (ex) ex->fit_unresolvable[node] = unres && in.fit.escalate_unresolvable;
                        continue;
                    }
                }
                if (gpu_filter && post[node] < 0 && !gpu::fits(gn, node, gfilter, 0)) {
                    if (ex) ex->gpu_fail[node] = 1;
                    continue;
                }
                if (post[node] < 0) {
                    fs = want_fit ? fit_score_plan(in, plan, node) : 0;
                    bs = want_bal ? balanced_score_plan(in, plan, node) : 0;
                }
            }
            if (post[node] >= 0) continue;
            feasible.push_back(node);
            fit_of.push_back(fs);
            bal_of.push_back(bs);
            if (static_cast<int64_t>(feasible.size()) >= to_find) break;
        }
        // nextStartNodeIndex = (nextStartNodeIndex + processedNodes) % len(allNodes)
        if (N > 0) start = (start + processed) % N;
        out.feasible_count[p] = static_cast<int64_t>(feasible.size());

        if (feasible.empty()) {
            diagnose(in, plan, p, reason_base, gpu_filter, gn, gfilter, out);
            continue;
        }

        int32_t host;
        const size_t F = feasible.size();
        if (F == 1 && !ex) {
            host = feasible[0];  // "When only one node after predicate, just use it."
        } else {
            totals.assign(F, 0);
            const uint8_t* active = in.static_active + static_cast<size_t>(s) * K;
            if (ex) {
                ex->scored = feasible;
                ex->plugin_scores.assign(static_cast<size_t>(K + 2 + NG) * F, -1);
            }
            for (int32_t k = 0; k < K; ++k) {
                if (!active[k]) continue;
                const StaticScoreMeta& meta = in.static_scores_meta[k];
                const int64_t* sc = in.static_score(s, k);
                int64_t mx = 0;
                for (size_t i = 0; i < F; ++i) mx = std::max(mx, sc[feasible[i]]);
                if (mx == 0) {
                    // All raw scores zero (the common case: no PreferNoSchedule taints, no cached
                    // images): every node gets the same normalized score, no division needed.
                    const int64_t v = meta.normalize == Normalize::Reverse ? kMaxNodeScore : 0;
                    if (v)
                        for (size_t i = 0; i < F; ++i) totals[i] += v * meta.weight;
                    if (ex)
                        for (size_t i = 0; i < F; ++i) ex->plugin_scores[static_cast<size_t>(k) * F + i] = v;
                    continue;
                }
                for (size_t i = 0; i < F; ++i) {
                    int64_t v = sc[feasible[i]];
                    if (meta.normalize == Normalize::Forward) {
                        v = mx == 0 ? 0 : kMaxNodeScore * v / mx;
                    } else if (meta.normalize == Normalize::Reverse) {
                        v = mx == 0 ? kMaxNodeScore : kMaxNodeScore - kMaxNodeScore * v / mx;
                    }
                    totals[i] += v * meta.weight;
                    if (ex) ex->plugin_scores[static_cast<size_t>(k) * F + i] = v;
                }
            }
            // GPU policies (docs/fgd.md §6): Random's PreScore draw comes first, as upstream PreScore.
            for (int32_t g = 0; g < NG; ++g) {
                const gpu::Policy pol = G.policies[g];
                graw.assign(F, 0);
                if (pol == gpu::Policy::Random) {
                    if (F > 1) graw[static_cast<size_t>(rng.below(F))] = 100;
                } else {
                    for (size_t i = 0; i < F; ++i) {
                        uint32_t dv;
                        graw[i] = gpu::score(pol, gn, feasible[i], gshape, G.typical, &dv);
                    }
                    if (pol == gpu::Policy::BestFit && F > 1) {
                        const int64_t hi = *std::max_element(graw.begin(), graw.end());
                        const int64_t lo = *std::min_element(graw.begin(), graw.end());
                        for (size_t i = 0; i < F; ++i) graw[i] = hi == lo ? 0 : (graw[i] - lo) * 100 / (hi - lo);
                    }
                }
                for (size_t i = 0; i < F; ++i) {
                    totals[i] += graw[i] * G.weights[g];
                    if (ex) ex->plugin_scores[static_cast<size_t>(K + 2 + g) * F + i] = graw[i];
                }
            }
            if (want_fit) {
                for (size_t i = 0; i < F; ++i) {
                    totals[i] += fit_of[i] * in.fit.weight;
                    if (ex) ex->plugin_scores[static_cast<size_t>(K) * F + i] = fit_of[i];
                }
            }
            if (want_bal) {
                for (size_t i = 0; i < F; ++i) {
                    totals[i] += bal_of[i] * in.balanced.weight;
                    if (ex) ex->plugin_scores[static_cast<size_t>(K + 1) * F + i] = bal_of[i];
                }
            }
            if (ex) ex->totals = totals;
            if (F == 1) {
                host = feasible[0];
            } else if (gpu_on) {
                // The FGD artifact's selectHost (Kubernetes v1.20): reservoir sampling over the running
                // maximum, as the replay engine (csrc/gpu.cpp) does, so both place pods identically.
                int64_t best = totals[0];
                host = feasible[0];
                uint64_t cnt = 1;
                for (size_t i = 1; i < F; ++i) {
                    if (totals[i] > best) {
                        best = totals[i];
                        host = feasible[i];
                        cnt = 1;
                    } else if (totals[i] == best) {
                        ++cnt;
                        if (rng.below(cnt) == 0) host = feasible[i];
                    }
                }
            } else {
                host = feasible[select_host(totals.data(), F, rng)];
            }
        }
        out.chosen[p] = host;
        if (!in.dry_run) {
            add_pod_to_node(in, p, host);
            if (gpu_on) {
                g_cpu_free[host] -= in.request(p, RES_CPU);
                if (gshape.num_gpu > 0) {
                    uint32_t dev = 0;
                    if (G.gpusel == gpu::Policy::FGD) {
                        // FGD picks the device its own score prefers (computed before this bind).
                        g_cpu_free[host] += in.request(p, RES_CPU);
                        gpu::score(gpu::Policy::FGD, gn, host, gshape, G.typical, &dev);
                        g_cpu_free[host] -= in.request(p, RES_CPU);
                    } else if (G.gpusel == gpu::Policy::Random && gshape.gpu_milli < gpu::kMilli) {
                        const int32_t* fr = G.gpu_free + static_cast<size_t>(host) * gpu::kMaxGpus;
                        int chosen = -1;
                        uint64_t k = 0;
                        for (int32_t d = 0; d < G.gpu_count[host]; ++d) {
                            if (fr[d] >= gshape.gpu_milli) {
                                ++k;
                                if (rng.below(k) == 0) chosen = d;
                            }
                        }
                        dev = chosen < 0 ? 0u : (1u << chosen);
                    } else {
                        dev = gpu::select_best(gn, host, gshape);
                    }
                    int32_t* fr = G.gpu_free + static_cast<size_t>(host) * gpu::kMaxGpus;
                    for (int d = 0; d < gpu::kMaxGpus; ++d)
                        if ((dev >> d) & 1u) fr[d] -= gshape.gpu_milli;
                    const int tag = (gshape.num_gpu == 1 && gshape.gpu_milli < gpu::kMilli) ? 0 : gshape.num_gpu;
                    ++G.tags[static_cast<size_t>(host) * gpu::kNumTags + tag];
                    out.gpu_devices[p] = dev;
                }
            }
            ++node_epoch[host];
        }
    }
    out.start_index = start;
    out.rng_state = rng.state;
}

}  // namespace ks

#include <stdexcept>
#include <string>

namespace ks {

void validate_batch(const BatchInput& in) {
    const NodeColumns& nc = in.nodes;
    auto fail = [](const std::string& m) { throw std::invalid_argument(m); };
    if (nc.n < 0 || nc.num_resources < RES_PODS + 1) fail("node columns: bad shape");
    if (nc.allocatable.rows < nc.num_resources || nc.requested.rows < nc.num_resources || nc.nonzero.rows < 2)
        fail("node columns: fewer rows than resources");
    if (nc.allocatable.stride < nc.n || nc.requested.stride < nc.n || nc.nonzero.stride < nc.n)
        fail("node columns: fewer columns than nodes");
    if (in.num_order < 0 || in.num_order > nc.n) fail("node order: more entries than nodes");
    for (int32_t i = 0; i < in.num_order; ++i)
        if (in.order[i] < 0 || in.order[i] >= nc.n) fail("node order: index out of range");
    if (in.pre_reason.rows < in.num_static || in.post_reason.rows < in.num_static) fail("static classes: reason rows");
    if (in.num_static > 0 && (in.pre_reason.stride < nc.n || in.post_reason.stride < nc.n))
        fail("static classes: reason columns");
    if (in.pod_requests.rows < nc.num_resources || in.pod_requests.cols < in.num_pods ||
        in.pod_requests.stride < in.pod_requests.cols)
        fail("pod requests: bad shape");
    if (in.pod_nonzero.rows < 2 || in.pod_nonzero.cols < in.num_pods || in.pod_nonzero.stride < in.pod_nonzero.cols)
        fail("pod non-zero requests: bad shape");
    for (int32_t p = 0; p < in.num_pods; ++p)
        if (in.pod_class[p] < 0 || in.pod_class[p] >= in.num_static) fail("pod class out of range");
    if (in.pod_equiv)
        for (int32_t p = 0; p < in.num_pods; ++p)
            if (in.pod_equiv[p] < -1 || in.pod_equiv[p] >= in.num_equiv) fail("pod equivalence class out of range");
    if (in.fit.rows.size() != in.fit.weights.size()) fail("fit args: rows and weights differ in length");
    for (int32_t r : in.fit.rows) if (r >= nc.num_resources) fail("fit args: resource row out of range");
    for (int32_t r : in.balanced.rows) if (r >= nc.num_resources) fail("balanced args: resource row out of range");
    if (in.fit.shape_utilization.size() != in.fit.shape_score.size()) fail("fit args: shape");
    if (in.fit.strategy == FitStrategy::RequestedToCapacityRatio && in.fit.shape_utilization.empty())
        fail("fit args: RequestedToCapacityRatio needs a shape");
    for (size_t i = 1; i < in.fit.shape_utilization.size(); ++i)
        if (in.fit.shape_utilization[i] <= in.fit.shape_utilization[i - 1]) fail("fit args: shape not increasing");
}

}  // namespace ks
