#include <pybind11/pybind11.h>
#include "status.hpp"

namespace py = pybind11;

void bind_status(py::module_& m) {
    py::dict codes;
    for (int i = 0; i <= 6; ++i) {
        auto c = static_cast<ks::Code>(i);
        codes[py::str(ks::code_name(c))] = i;
    }
    m.attr("STATUS_CODES") = codes;
}
