// Glue between numpy columns (kschedule/gpu/state.py) and csrc/gpu.cpp. No policy logic here.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

#include "gpu.hpp"
#include "gpu_convert.hpp"

namespace py = pybind11;
using namespace ks::gpu;
using ksbind::column;
using ksbind::shapes_from;
using ksbind::typical_from;

namespace {

Nodes nodes_from(const py::dict& d) {
    Nodes nd;
    nd.n = d["n"].cast<int32_t>();
    if (nd.n < 0) throw std::invalid_argument("n < 0");
    nd.cpu_free = column<int64_t>(d, "cpu_free_milli", nd.n);
    nd.cpu_total = column<int64_t>(d, "cpu_milli", nd.n);
    nd.mem_free = column<int64_t>(d, "memory_free_mib", nd.n);
    nd.mem_total = column<int64_t>(d, "memory_mib", nd.n);
    nd.gpu_count = column<int32_t>(d, "gpu_count", nd.n);
    nd.gpu_model = column<int32_t>(d, "gpu_model", nd.n);
    nd.gpu_free = column<int32_t>(d, "gpu_free_milli", nd.n, kMaxGpus);
    nd.tags = column<int32_t>(d, "tags", nd.n, kNumTags);
    nd.epoch = column<uint32_t>(d, "epoch", nd.n);
    for (int32_t i = 0; i < nd.n; ++i) {
        if (nd.gpu_count[i] < 0 || nd.gpu_count[i] > kMaxGpus) throw std::invalid_argument("gpu_count out of range");
        for (int k = 0; k < kMaxGpus; ++k) {
            int32_t f = nd.gpu_free[static_cast<size_t>(i) * kMaxGpus + k];
            if (f < 0 || f > kMilli || (k >= nd.gpu_count[i] && f != 0))
                throw std::invalid_argument("gpu_free_milli out of range");
        }
    }
    return nd;
}

Policy policy_from(int32_t p) {
    if (p < 0 || p > 6) throw std::invalid_argument("unknown policy id");
    return static_cast<Policy>(p);
}

}  // namespace

void bind_gpu(py::module_& m) {
    m.def("gpu_node_frag", [](py::dict nodes, py::dict typ, int32_t node) {
        Nodes nd = nodes_from(nodes);
        if (node < 0 || node >= nd.n) throw std::invalid_argument("node out of range");
        Typical t = typical_from(typ);
        return node_frag(nd, node, t, nd.cpu_free[node], nd.gpu_free + static_cast<size_t>(node) * kMaxGpus);
    });
    m.def("gpu_score", [](int32_t policy, py::dict nodes, py::dict shapes, int32_t shape, py::dict typ, int32_t node,
                          int64_t mem_mib) {
        Nodes nd = nodes_from(nodes);
        std::vector<Shape> sh = shapes_from(shapes, "");
        if (node < 0 || node >= nd.n || shape < 0 || shape >= static_cast<int32_t>(sh.size()))
            throw std::invalid_argument("index out of range");
        Typical t = typical_from(typ);
        uint32_t dev = 0;
        int64_t sc = score(policy_from(policy), nd, node, sh[shape], t, &dev, mem_mib);
        bool ok = fits(nd, node, sh[shape], mem_mib);
        return py::make_tuple(ok, sc, dev);
    });
    m.def("gpu_replay", [](int32_t policy, py::dict nodes, py::dict shapes, py::dict pods, py::dict typ,
                           py::array_t<int32_t, py::array::c_style> order, uint64_t rng_state, py::dict cache) {
        Nodes nd = nodes_from(nodes);
        std::vector<Shape> sh = shapes_from(shapes, "");
        Typical t = typical_from(typ);
        Pods pd;
        pd.count = pods["count"].cast<int32_t>();
        pd.shape = column<int32_t>(pods, "shape", pd.count);
        pd.mem = column<int64_t>(pods, "memory_mib", pd.count);
        for (int32_t i = 0; i < pd.count; ++i)
            if (pd.shape[i] < 0 || pd.shape[i] >= static_cast<int32_t>(sh.size()))
                throw std::invalid_argument("pod shape out of range");
        if (order.ndim() != 1 || order.shape(0) != nd.n) throw std::invalid_argument("order: expected n entries");
        for (int32_t i = 0; i < nd.n; ++i)
            if (order.data()[i] < 0 || order.data()[i] >= nd.n) throw std::invalid_argument("order out of range");
        ScoreCache c;
        c.num_shapes = static_cast<int32_t>(sh.size());
        const py::ssize_t S = c.num_shapes;
        c.epoch = column<uint32_t>(cache, "epoch", S, nd.n);
        c.feasible = column<uint8_t>(cache, "feasible", S, nd.n);
        c.score = column<int64_t>(cache, "score", S, nd.n);
        c.devices = column<uint32_t>(cache, "devices", S, nd.n);
        double* frag = column<double>(cache, "frag", nd.n);
        uint32_t* frag_epoch = column<uint32_t>(cache, "frag_epoch", nd.n);
        ks::SplitMix64 rng(rng_state);
        ReplayOut out;
        {
            py::gil_scoped_release release;
            replay(policy_from(policy), nd, sh, pd, t, order.data(), rng, c, frag, frag_epoch, out);
        }
        py::dict r;
        r["chosen"] = py::array_t<int32_t>(out.chosen.size(), out.chosen.data());
        r["devices"] = py::array_t<uint32_t>(out.devices.size(), out.devices.data());
        r["frag_after"] = py::array_t<double>(out.frag_after.size(), out.frag_after.data());
        r["used_after"] = py::array_t<int64_t>(out.used_after.size(), out.used_after.data());
        r["rng_state"] = rng.state;
        return r;
    });
    m.def("gpu_fits_node", [](py::dict nodes, py::dict shapes, py::array_t<int32_t, py::array::c_style> shape,
                              py::array_t<int64_t, py::array::c_style> mem, int32_t node) {
        Nodes nd = nodes_from(nodes);
        std::vector<Shape> sh = shapes_from(shapes, "");
        if (node < 0 || node >= nd.n) throw std::invalid_argument("node out of range");
        if (shape.ndim() != 1 || mem.ndim() != 1 || shape.shape(0) != mem.shape(0))
            throw std::invalid_argument("shape and mem: one entry per pod");
        py::array_t<uint8_t> out(shape.shape(0));
        auto* o = out.mutable_data();
        for (py::ssize_t i = 0; i < shape.shape(0); ++i) {
            int32_t s_id = shape.data()[i];
            if (s_id < 0 || s_id >= static_cast<int32_t>(sh.size())) throw std::invalid_argument("shape out of range");
            o[i] = fits(nd, node, sh[s_id], mem.data()[i]);
        }
        return out;
    });
    m.def("gpu_cluster_frag", [](py::dict nodes, py::dict typ, py::dict cache) {
        Nodes nd = nodes_from(nodes);
        Typical t = typical_from(typ);
        double* frag = column<double>(cache, "frag", nd.n);
        uint32_t* frag_epoch = column<uint32_t>(cache, "frag_epoch", nd.n);
        return cluster_frag(nd, t, frag, frag_epoch);
    });
    m.def("gpu_release", [](py::dict nodes, py::dict shapes, int32_t shape, int32_t node, int64_t mem, uint32_t devices) {
        Nodes nd = nodes_from(nodes);
        std::vector<Shape> sh = shapes_from(shapes, "");
        if (node < 0 || node >= nd.n || shape < 0 || shape >= static_cast<int32_t>(sh.size()))
            throw std::invalid_argument("index out of range");
        if (devices >> nd.gpu_count[node]) throw std::invalid_argument("device out of range");
        release(nd, node, sh[shape], mem, devices);
    });
}
