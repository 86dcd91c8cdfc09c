// glibc 2.35 gave hypotf a new symbol version (GLIBC_2.35) and the static Swift stdlib
// references it, which would make the binary refuse to load on glibc 2.34 (RHEL 9).
// The link wraps hypotf (`--wrap=hypotf` in Package.swift) and lands here instead.
// hypotf32 is the same implementation under the older GLIBC_2.27 version, present on
// every glibc Saker supports. `make packages` checks the binary's symbol versions.
#include "saker_glibc_compat.h"

extern float hypotf32(float x, float y);

float __wrap_hypotf(float x, float y) {
    return hypotf32(x, y);
}
