// Glue between numpy buffers and ks::run_batch. No scheduling logic here.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gpu_convert.hpp"
#include "dense.hpp"
#include "schedule.hpp"

namespace py = pybind11;

namespace {

template <typename T>
using arr = py::array_t<T, py::array::c_style>;

template <typename T>
ks::Matrix<T> mat(arr<std::remove_const_t<T>>& a, const char* what, bool writable = false) {
    if (a.ndim() != 2) throw std::invalid_argument(std::string(what) + ": expected a 2-D array");
    ks::Matrix<T> m;
    if (writable)
        m.data = a.mutable_data();
    else
        m.data = const_cast<T*>(a.data());
    m.rows = a.shape(0);
    m.stride = a.shape(1);
    return m;
}

// A 2-D int64 array whose rows are contiguous (any row stride, e.g. rows of a wider table), read in
// place: the pod table's request columns, without a per-batch copy.
ks::Matrix<const int64_t> row_views(const py::array& a, const char* what) {
    if (!py::isinstance<py::array_t<int64_t>>(a) || a.ndim() != 2)
        throw std::invalid_argument(std::string(what) + ": expected a 2-D int64 array");
    if ((a.shape(1) > 1 && a.strides(1) != 8) || a.strides(0) % 8 != 0 || a.strides(0) < 0 ||
        (a.shape(0) > 1 && a.strides(0) / 8 < a.shape(1)))
        throw std::invalid_argument(std::string(what) + ": rows must be contiguous and not overlap");
    ks::Matrix<const int64_t> m;
    m.data = static_cast<const int64_t*>(a.data());
    m.rows = a.shape(0);
    m.cols = a.shape(1);
    m.stride = a.shape(0) > 1 ? a.strides(0) / 8 : a.shape(1);
    return m;
}

// The vector as a numpy array that owns its buffer (no copy of the batch's per-pod outputs).
template <typename V>
py::array_t<typename V::value_type> take(V& v) {
    auto* held = new V(std::move(v));
    py::capsule owner(held, [](void* p) { delete static_cast<V*>(p); });
    return py::array_t<typename V::value_type>(static_cast<py::ssize_t>(held->size()), held->data(), owner);
}

template <typename T>
std::vector<T> vec(const py::handle& h) {
    return h.cast<std::vector<T>>();
}

py::dict run(arr<int64_t> allocatable, arr<int64_t> requested, arr<int64_t> nonzero, int32_t n,
             int32_t num_resources, arr<int32_t> order, int64_t num_to_find, int64_t start_index,
             uint64_t rng_state, arr<int32_t> pre_reason, arr<int32_t> post_reason, arr<int32_t> score_norm,
             arr<int64_t> score_weight, const py::sequence& static_scores, arr<uint8_t> static_active,
             arr<int32_t> pod_class, arr<int32_t> pod_equiv, const py::array& pod_requests, const py::array& pod_nonzero,
             bool dry_run,
             py::dict fit, py::dict balanced, int32_t reason_base, bool explain, py::dict gpu,
             bool dense) {
    ks::BatchInput in;
    in.nodes.n = n;
    in.dense = dense;
    in.nodes.num_resources = num_resources;
    in.nodes.allocatable = mat<const int64_t>(allocatable, "allocatable");
    in.nodes.requested = mat<int64_t>(requested, "requested", !dry_run);
    in.nodes.nonzero = mat<int64_t>(nonzero, "nonzero", !dry_run);
    if (order.ndim() != 1 || order.shape(0) > n) throw std::invalid_argument("order: expected at most n entries");
    in.order = order.data();
    in.num_order = static_cast<int32_t>(order.shape(0));
    in.num_to_find = num_to_find;
    in.start_index = n > 0 ? ((start_index % n) + n) % n : 0;
    in.rng_state = rng_state;
    in.pre_reason = mat<const int32_t>(pre_reason, "pre_reason");
    in.post_reason = mat<const int32_t>(post_reason, "post_reason");
    in.num_static = static_cast<int32_t>(pre_reason.shape(0));
    const py::ssize_t K = score_norm.size();
    if (score_weight.size() != K) throw std::invalid_argument("score weights: length");
    for (py::ssize_t k = 0; k < K; ++k) {
        ks::StaticScoreMeta m;
        int32_t nv = score_norm.data()[k];
        if (nv < 0 || nv > 2) throw std::invalid_argument("score normalize mode");
        m.normalize = static_cast<ks::Normalize>(nv);
        m.weight = score_weight.data()[k];
        in.static_scores_meta.push_back(m);
    }
    if (static_active.ndim() != 2 || static_active.shape(0) != in.num_static || static_active.shape(1) != K)
        throw std::invalid_argument("static_active: expected shape (S, K)");
    in.static_active = static_active.data();
    // One entry per (class, plugin): an int64 array of n raw scores where the plugin scores the class,
    // else None (read in place: the list keeps the arrays alive for the call).
    if (static_cast<int64_t>(py::len(static_scores)) != static_cast<int64_t>(in.num_static) * K)
        throw std::invalid_argument("static_scores: expected one entry per class and plugin");
    in.static_score_rows.assign(static_cast<size_t>(in.num_static) * K, nullptr);
    for (size_t e = 0; e < in.static_score_rows.size(); ++e) {
        const py::object h = static_scores[e];
        if (!static_active.data()[e]) continue;
        if (!py::isinstance<py::array_t<int64_t>>(h))
            throw std::invalid_argument("static_scores: an int64 array where the plugin scores the class");
        const py::array a = py::reinterpret_borrow<py::array>(h);
        if (a.ndim() != 1 || a.shape(0) < n || (a.shape(0) > 1 && a.strides(0) != 8))
            throw std::invalid_argument("static_scores: rows of n contiguous values expected");
        in.static_score_rows[e] = static_cast<const int64_t*>(a.data());
    }
    if (pod_class.ndim() != 1) throw std::invalid_argument("pod_class: expected 1-D");
    in.num_pods = static_cast<int32_t>(pod_class.shape(0));
    in.pod_class = pod_class.data();
    if (pod_equiv.size() > 0) {
        if (pod_equiv.ndim() != 1 || pod_equiv.shape(0) != in.num_pods)
            throw std::invalid_argument("pod_equiv: expected one entry per pod (or none)");
        int32_t mx = -1;
        for (py::ssize_t i = 0; i < pod_equiv.shape(0); ++i) mx = std::max(mx, pod_equiv.data()[i]);
        in.pod_equiv = pod_equiv.data();
        in.num_equiv = mx + 1;
    }
    in.pod_requests = row_views(pod_requests, "pod_requests");
    in.pod_nonzero = row_views(pod_nonzero, "pod_nonzero");
    in.dry_run = dry_run;
    in.fit.filter_enabled = fit["filter"].cast<bool>();
    in.fit.score_enabled = fit["score"].cast<bool>();
    in.fit.weight = fit["weight"].cast<int64_t>();
    in.fit.strategy = static_cast<ks::FitStrategy>(fit["strategy"].cast<int32_t>());
    in.fit.rows = vec<int32_t>(fit["rows"]);
    in.fit.weights = vec<int64_t>(fit["weights"]);
    in.fit.shape_utilization = vec<int64_t>(fit["shape_utilization"]);
    in.fit.shape_score = vec<int64_t>(fit["shape_score"]);
    in.fit.ignored = vec<uint8_t>(fit["ignored"]);
    in.fit.escalate_unresolvable = fit["escalate_unresolvable"].cast<bool>();
    in.balanced.enabled = balanced["enabled"].cast<bool>();
    in.balanced.weight = balanced["weight"].cast<int64_t>();
    in.balanced.rows = vec<int32_t>(balanced["rows"]);
    if (gpu.size() > 0) {
        ks::GpuExt& g = in.gpu;
        g.enabled = gpu["enabled"].cast<bool>();
        const py::ssize_t cap = static_cast<py::ssize_t>(n);
        g.gpu_count = ksbind::column<int32_t>(gpu, "gpu_count", cap);
        g.gpu_model = ksbind::column<int32_t>(gpu, "gpu_model", cap);
        g.gpu_free = ksbind::column<int32_t>(gpu, "gpu_free_milli", cap, ks::gpu::kMaxGpus);
        g.tags = ksbind::column<int32_t>(gpu, "gpu_tags", cap, ks::gpu::kNumTags);
        for (int32_t i = 0; i < n; ++i)
            if (g.gpu_count[i] < 0 || g.gpu_count[i] > ks::gpu::kMaxGpus)
                throw std::invalid_argument("gpu_count out of range");
        g.shapes = ksbind::shapes_from(gpu, "pod_");
        if (static_cast<int32_t>(g.shapes.size()) != in.num_pods) throw std::invalid_argument("one GPU shape per pod");
        for (auto pid : vec<int32_t>(gpu["policies"])) {
            if (pid < 0 || pid > 5) throw std::invalid_argument("unknown GPU policy");
            g.policies.push_back(static_cast<ks::gpu::Policy>(pid));
        }
        g.weights = vec<int64_t>(gpu["weights"]);
        if (g.weights.size() != g.policies.size()) throw std::invalid_argument("GPU policy weights");
        g.typical = ksbind::typical_from(gpu);
        int32_t sel = gpu["gpusel"].cast<int32_t>();
        if (sel < 0 || sel > 5) throw std::invalid_argument("unknown GPU selection");
        g.gpusel = static_cast<ks::gpu::Policy>(sel);
    }
    ks::validate_batch(in);
    if (explain && in.num_pods != 1) throw std::invalid_argument("explain takes exactly one pod");

    ks::BatchOutput out;
    ks::ExplainOutput ex;
    {
        py::gil_scoped_release release;
        ks::run_batch(in, reason_base, out, explain ? &ex : nullptr);
    }
    py::dict res;
    res["chosen"] = take(out.chosen);
    res["failures"] = take(out.failures);
    res["feasible_count"] = take(out.feasible_count);
    res["start_index"] = out.start_index;
    res["gpu_devices"] = take(out.gpu_devices);
    res["rng_state"] = out.rng_state;
    res["dense"] = out.dense;
    if (explain) {
        res["evaluated"] = py::array_t<uint8_t>(ex.evaluated.size(), ex.evaluated.data());
        res["fit_fail"] = py::array_t<uint8_t>(ex.fit_fail.size(), ex.fit_fail.data());
        res["fit_unresolvable"] = py::array_t<uint8_t>(ex.fit_unresolvable.size(), ex.fit_unresolvable.data());
        res["scored"] = py::array_t<int32_t>(ex.scored.size(), ex.scored.data());
        res["plugin_scores"] = py::array_t<int64_t>(ex.plugin_scores.size(), ex.plugin_scores.data());
        res["totals"] = py::array_t<int64_t>(ex.totals.size(), ex.totals.data());
        res["gpu_fail"] = py::array_t<uint8_t>(ex.gpu_fail.size(), ex.gpu_fail.data());
    }
    return res;
}

}  // namespace

void bind_schedule(py::module_& m) {
    m.def("run_batch", &run, "Schedule a batch of pods (see csrc/schedule.hpp).",
          py::arg("allocatable").noconvert(), py::arg("requested").noconvert(), py::arg("nonzero").noconvert(),
          py::arg("n"), py::arg("num_resources"), py::arg("order").noconvert(), py::arg("num_to_find"),
          py::arg("start_index"), py::arg("rng_state"), py::arg("pre_reason").noconvert(),
          py::arg("post_reason").noconvert(), py::arg("score_norm").noconvert(), py::arg("score_weight").noconvert(),
          py::arg("static_scores").noconvert(), py::arg("static_active").noconvert(),
          py::arg("pod_class").noconvert(), py::arg("pod_equiv").noconvert(), py::arg("pod_requests").noconvert(), py::arg("pod_nonzero").noconvert(),
          py::arg("dry_run"), py::arg("fit"), py::arg("balanced"), py::arg("reason_base"), py::arg("explain"),
          py::arg("gpu") = py::dict(), py::arg("dense") = true);
    // Which compiled copy of the dense loop runs (tests compare them): "auto" takes the POPCNT/BMI2 copy
    // where the CPU has those instructions, "baseline" the copy for any x86-64.
    m.def("set_dense_variant", [](const std::string& name) {
        if (name == "auto") ks::dense_variant = ks::DenseVariant::Auto;
        else if (name == "baseline") ks::dense_variant = ks::DenseVariant::Baseline;
        else throw py::value_error("dense variant must be 'auto' or 'baseline', not '" + name + "'");
    }, py::arg("name"));
    m.def("dense_variant", [] { return ks::dense_variant == ks::DenseVariant::Auto ? "auto" : "baseline"; });
    m.def("has_dense_bmi2", &ks::dense_bmi2_available);
    m.def("num_feasible_nodes_to_find", &ks::num_feasible_nodes_to_find, py::arg("num_all_nodes"),
          py::arg("percentage"));
    m.def("broken_linear", &ks::broken_linear, py::arg("utilization"), py::arg("score"), py::arg("p"));
}
