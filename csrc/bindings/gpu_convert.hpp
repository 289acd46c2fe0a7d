// Conversions from numpy columns to csrc/gpu.hpp structures, shared by the binding files. Glue only.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "gpu.hpp"

namespace ksbind {

namespace py = pybind11;
using ks::gpu::Shape;
using ks::gpu::Typical;
using ks::gpu::kMaxGpus;
using ks::gpu::kMilli;

template <typename T>
inline T* column(const py::dict& d, const char* name, py::ssize_t rows, py::ssize_t cols = -1) {
    if (!d.contains(name)) throw std::invalid_argument(std::string("missing column ") + name);
    py::object o = d[name];
    if (!py::isinstance<py::array_t<T>>(o)) throw std::invalid_argument(std::string(name) + ": wrong dtype");
    auto a = o.cast<py::array>();
    if (!(a.flags() & py::array::c_style)) throw std::invalid_argument(std::string(name) + ": not C-contiguous");
    if (a.dtype().itemsize() != sizeof(T) || !py::isinstance<py::array_t<T>>(a))
        throw std::invalid_argument(std::string(name) + ": wrong dtype");
    if (cols < 0) {
        if (a.ndim() != 1 || a.shape(0) < rows) throw std::invalid_argument(std::string(name) + ": wrong shape");
    } else {
        if (a.ndim() != 2 || a.shape(0) < rows || a.shape(1) != cols)
            throw std::invalid_argument(std::string(name) + ": wrong shape");
    }
    return static_cast<T*>(a.mutable_data());
}

inline std::vector<Shape> shapes_from(const py::dict& d, const char* prefix) {
    std::string p(prefix);
    py::ssize_t m = d[(p + "count").c_str()].cast<py::ssize_t>();
    auto* cpu = column<int64_t>(d, (p + "cpu_milli").c_str(), m);
    auto* ng = column<int32_t>(d, (p + "num_gpu").c_str(), m);
    auto* gm = column<int32_t>(d, (p + "gpu_milli").c_str(), m);
    auto* any = column<uint8_t>(d, (p + "spec_any").c_str(), m);
    auto* mask = column<uint64_t>(d, (p + "spec_mask").c_str(), m);
    std::vector<Shape> out(static_cast<size_t>(m));
    for (py::ssize_t i = 0; i < m; ++i) {
        if (ng[i] < 0 || ng[i] > kMaxGpus || gm[i] < 0 || gm[i] > kMilli || cpu[i] < 0)
            throw std::invalid_argument("shape out of range");
        if (ng[i] > 1 && gm[i] < kMilli) throw std::invalid_argument("several partial GPUs are not supported");
        out[i] = Shape{cpu[i], ng[i], gm[i], any[i] != 0, mask[i]};
    }
    return out;
}

inline Typical typical_from(const py::dict& d) {
    Typical t;
    t.shapes = shapes_from(d, "typical_");
    auto* prob = column<double>(d, "typical_prob", static_cast<py::ssize_t>(t.shapes.size()));
    t.prob.assign(prob, prob + t.shapes.size());
    return t;
}


}  // namespace ksbind
