// pybind11 module definition: glue only, no algorithms (DESIGN.md §2).
#include <pybind11/pybind11.h>

#ifndef KSCHEDULE_BUILD_INFO
#define KSCHEDULE_BUILD_INFO "{}"
#endif

namespace py = pybind11;

void bind_status(py::module_& m);
void bind_schedule(py::module_& m);
void bind_gpu(py::module_& m);
void bind_load(py::module_& m);
void bind_lists(py::module_& m);
void bind_equiv_groups(py::module_& m);

PYBIND11_MODULE(_core, m) {
    m.doc() = "kschedule C++ core";
    m.attr("build_info") = py::module_::import("json").attr("loads")(KSCHEDULE_BUILD_INFO);
    bind_status(m);
    bind_schedule(m);
    bind_gpu(m);
    bind_load(m);
    bind_lists(m);
    bind_equiv_groups(m);
}
