/*
 * A thin C API over libbpf for Saker's probe: load and attach, update the per-syscall capture
 * descriptors in place, drain the ring buffer, read the counters. Swift calls only these.
 */
#ifndef SAKER_PROBE_H
#define SAKER_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include "saker_record.h"
#include "saker_privileges.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An attached probe. */
struct saker_probe;

/** What to load. */
struct saker_probe_options {
    /** Ring buffer size in bytes (a power of two, at least one page). */
    uint32_t ring_bytes;
    /** Thread group whose syscalls the kernel side skips (the agent itself, as getpid() gives it:
     *  in the agent's own PID namespace when it runs in one); 0 for none. */
    uint32_t self_tgid;
    /** Fill level in bytes past which the kernel side wakes the reader. */
    uint64_t wakeup_bytes;
    /** Non-zero: attach only a do-nothing sys_exit program (the benchmark floor). */
    int noop_only;
    /** Non-zero: let libbpf's debug messages through to stderr. */
    int verbose;
};

/** Called for every record drained from the ring buffer (the return value is ignored). */
typedef int (*saker_record_fn)(void *ctx, const void *data, size_t size);

/**
 * Opens, loads and attaches the probe. On failure returns a negative errno and writes a message
 * for a person into `err` (for EPERM it names the capabilities needed).
 */
int saker_probe_open(const struct saker_probe_options *options, struct saker_probe **out, char *err, size_t err_len);

/** Sets what is captured for syscall `nr` (takes effect on the next syscall; no reload). */
int saker_probe_set_syscall(struct saker_probe *probe, unsigned int nr, const struct saker_syscall_desc *desc);

/** Waits up to `timeout_ms` for records, then drains everything available. Returns the number
 * of records handled or a negative errno. */
int saker_probe_poll(struct saker_probe *probe, int timeout_ms, saker_record_fn fn, void *ctx);

/** Sums the per-CPU counters. */
int saker_probe_counters(struct saker_probe *probe, struct saker_counters *out);

/** Detaches and frees everything. */
void saker_probe_close(struct saker_probe *probe);

#ifdef __cplusplus
}
#endif
#endif
