// glibc 2.35 gave hypotf and hypot new symbol versions (GLIBC_2.35); the static Swift stdlib
// and swift-numerics reference them, which would make the binary refuse to load on glibc 2.34
// (RHEL 9). The link wraps both (`--wrap=hypotf --wrap=hypot` in Package.swift) and lands here.
// hypotf32 and hypotf64 are the same implementations under the older GLIBC_2.27 version,
// present on every glibc Saker supports. `make packages` checks the binary's symbol versions.
#include "saker_glibc_compat.h"

extern float hypotf32(float x, float y);
extern double hypotf64(double x, double y);

float __wrap_hypotf(float x, float y) {
    return hypotf32(x, y);
}

double __wrap_hypot(double x, double y) {
    return hypotf64(x, y);
}
