// The dense loop (dense.cpp) compiled a second time, for x86-64 CPUs with POPCNT and BMI2: the block
// walk counts and selects bits of 64-bit masks for every pod, which these instructions do in one step
// each (select_bit: PDEP, then TZCNT). run_batch_dense checks the CPU once and calls
// run_batch_dense_bmi2 when it can.
//
// Only dense.cpp's own loop code is compiled for those CPUs (its `#pragma GCC target` region): its
// vector kernels keep their per-CPU clones, and the header functions it shares with the other files
// are compiled before the pragma, for any x86-64.
#include "dense.hpp"

#if KS_HAS_DENSE_BMI2
#define KS_DENSE_BMI2 1
#include "dense.cpp"
#endif
