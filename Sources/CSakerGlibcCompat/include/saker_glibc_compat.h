// CSakerGlibcCompat: keeps the release binary loadable on older glibc (RHEL 9 has 2.34).
// Nothing to call from Swift; the target only has to be linked. See glibc_compat.c.
#ifndef SAKER_GLIBC_COMPAT_H
#define SAKER_GLIBC_COMPAT_H
float __wrap_hypotf(float x, float y);
double __wrap_hypot(double x, double y);
#endif
