// Glue between numpy buffers and ks::grouped_classes: shapes, strides and dtypes checked, output allocated.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "equiv_groups.hpp"

namespace py = pybind11;

namespace {

// A 2-D int64 array (any strides, whole elements) of n columns, as ks::PodColumns.
ks::PodColumns columns(const py::array& a, int64_t n, const char* what) {
    if (!py::isinstance<py::array_t<int64_t>>(a) || a.ndim() != 2 || a.shape(1) != n)
        throw std::invalid_argument(std::string(what) + ": expected an int64 array of shape (rows, pods)");
    if (a.strides(0) % 8 != 0 || a.strides(1) % 8 != 0)
        throw std::invalid_argument(std::string(what) + ": strides must be whole int64 elements");
    ks::PodColumns c;
    c.data = static_cast<const int64_t*>(a.data());
    c.row_stride = a.strides(0) / 8;
    c.pod_stride = a.strides(1) / 8;
    c.rows = static_cast<int32_t>(a.shape(0));
    return c;
}

py::object grouped_classes(const py::array& requests, const py::array& nonzero,
                           const py::array_t<int32_t, py::array::c_style>& pod_class, const py::array& groups) {
    const int64_t n = pod_class.size();
    const ks::PodColumns req = columns(requests, n, "requests"), nz = columns(nonzero, n, "nonzero");
    if (!py::isinstance<py::array_t<int32_t>>(groups) || groups.ndim() != 1 || groups.shape(0) != n)
        throw std::invalid_argument("groups: expected an int32 array of one id per pod");
    const auto g = py::array_t<int32_t, py::array::c_style>::ensure(groups);  // a copy only if strided
    py::array_t<int32_t> equiv(n);
    switch (ks::grouped_classes(n, req, nz, pod_class.data(), g.data(), equiv.mutable_data())) {
        case ks::GroupedClasses::Shared: return std::move(equiv);
        case ks::GroupedClasses::NotShared: return py::array_t<int32_t>(0);
        default: return py::none();
    }
}

py::tuple factorize(const py::array_t<int64_t, py::array::c_style>& values, int64_t bound) {
    if (values.ndim() != 1) throw std::invalid_argument("factorize: values must be one-dimensional");
    const int64_t n = values.size();
    py::array_t<int64_t> inv(n);
    std::vector<int64_t> uniq, first;
    if (!ks::factorize(n, values.data(), bound, uniq, first, inv.mutable_data()))
        throw py::value_error("factorize: values must lie in [0, " + std::to_string(bound) + ")");
    return py::make_tuple(py::array_t<int64_t>(uniq.size(), uniq.data()),
                          py::array_t<int64_t>(first.size(), first.data()), std::move(inv));
}

bool ascending_by_one(const py::array_t<int64_t, py::array::c_style>& rows) {
    return ks::ascending_by_one(rows.data(), rows.size());
}

}  // namespace

void bind_equiv_groups(py::module_& m) {
    m.def("ascending_by_one", &ascending_by_one, py::arg("rows").noconvert(),
          "Whether rows[i + 1] == rows[i] + 1 throughout (int64, contiguous).");
    m.def("factorize", &factorize, py::arg("values").noconvert(), py::arg("bound"),
          "np.unique(values, return_index=True, return_inverse=True) for int64 values in [0, bound) "
          "(contiguous), in linear time: (uniq, first, inverse), int64 arrays.");
    m.def("grouped_classes", &grouped_classes, py::arg("requests"), py::arg("nonzero"),
          py::arg("pod_class").noconvert(), py::arg("groups"),
          "Equivalence classes (kschedule.framework.equivalence) when the groups (int32 per pod, e.g. "
          "owners) decide them; an empty array when no class is shared; None when the caller must find "
          "them. requests: (resources, pods), nonzero: (2, pods) int64, any strides.");
}
