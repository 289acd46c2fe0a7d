// Upstream framework status codes (pkg/scheduler/framework/interface.go, type Code).
// Mirrored by kschedule.framework.status.Code; tests check both agree.
#pragma once
#include <cstdint>

namespace ks {

enum class Code : int8_t {
    Success = 0,
    Error = 1,
    Unschedulable = 2,
    UnschedulableAndUnresolvable = 3,
    Wait = 4,
    Skip = 5,
    Pending = 6,
};

inline const char* code_name(Code c) {
    switch (c) {
        case Code::Success: return "Success";
        case Code::Error: return "Error";
        case Code::Unschedulable: return "Unschedulable";
        case Code::UnschedulableAndUnresolvable: return "UnschedulableAndUnresolvable";
        case Code::Wait: return "Wait";
        case Code::Skip: return "Skip";
        case Code::Pending: return "Pending";
    }
    return "?";
}

}  // namespace ks
