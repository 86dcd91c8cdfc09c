/* The libbpf side of Saker's probe. See include/saker_probe.h. */
#include "saker_probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "saker.skel.h"

struct saker_probe {
    struct saker_bpf *skel;
    struct ring_buffer *ring;
    saker_record_fn fn;
    void *ctx;
    int stop;
    int ncpus;
};

static int verbose_logging;

static int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
    /* Without --verbose, libbpf stays quiet: failures reach the user as one clear message from
     * saker_probe_open (the verifier log is a WARN-level message, shown with --verbose). */
    if (!verbose_logging)
        return 0;
    (void)level;
    return vfprintf(stderr, format, args);
}

/* True when the effective capability set allows loading tracing BPF programs. */
static int has_bpf_capabilities(void)
{
    struct {
        uint32_t version;
        int pid;
    } header = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
    struct {
        uint32_t effective, permitted, inheritable;
    } data[2] = {{0}};
    if (syscall(SYS_capget, &header, data) != 0)
        return geteuid() == 0;
    uint64_t eff = (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
    int sys_admin = (eff >> 21) & 1, perfmon = (eff >> 38) & 1, bpf = (eff >> 39) & 1;
    return sys_admin || (perfmon && bpf);
}

static void set_error(char *err, size_t err_len, int code, const char *what)
{
    if (!err || err_len == 0)
        return;
    if ((code == EPERM || code == EACCES) && has_bpf_capabilities()) {
        snprintf(err, err_len,
                 "%s: the kernel refused the program (%s); run with --verbose to see the verifier's log",
                 what, strerror(code));
    } else if (code == EPERM || code == EACCES) {
        snprintf(err, err_len,
                 "%s: permission denied. Saker's probe needs root, or the capabilities CAP_BPF, "
                 "CAP_PERFMON and CAP_SYS_RESOURCE (plus CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH "
                 "to read /proc), and a kernel with BTF (/sys/kernel/btf/vmlinux)", what);
    } else {
        snprintf(err, err_len, "%s: %s", what, strerror(code));
    }
}

static int on_record(void *ctx, void *data, size_t size)
{
    struct saker_probe *probe = ctx;
    if (probe->fn)
        probe->fn(probe->ctx, data, size);
    return 0;
}

int saker_probe_open(const struct saker_probe_options *options, struct saker_probe **out, char *err, size_t err_len)
{
    verbose_logging = options->verbose;
    libbpf_set_print(print_libbpf);
    *out = NULL;

    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        int code = errno ? errno : ENOENT;
        set_error(err, err_len, code, "kernel BTF (/sys/kernel/btf/vmlinux) is not readable");
        return -code;
    }
    /* BPF memory is charged to the cgroup on current kernels; a refused RLIMIT_MEMLOCK raise is
     * only a problem on old ones, so it is not fatal. */
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    (void)setrlimit(RLIMIT_MEMLOCK, &unlimited);

    struct saker_probe *probe = calloc(1, sizeof(*probe));
    if (!probe) {
        set_error(err, err_len, ENOMEM, "allocating the probe");
        return -ENOMEM;
    }
    probe->ncpus = libbpf_num_possible_cpus();

    probe->skel = saker_bpf__open();
    if (!probe->skel) {
        int code = errno ? errno : EINVAL;
        set_error(err, err_len, code, "opening the BPF object");
        free(probe);
        return -code;
    }
    struct saker_bpf *skel = probe->skel;
    skel->rodata->self_tgid = options->self_tgid;
    /* In a PID namespace of its own the agent knows its pid only there: the kernel side then
     * matches it in that namespace (the initial one has a fixed inode, PROC_PID_INIT_INO). */
    struct stat pidns;
    if (options->self_tgid && stat("/proc/self/ns/pid", &pidns) == 0 && pidns.st_ino != 0xEFFFFFFCU) {
        skel->rodata->self_pidns_dev = (uint64_t)pidns.st_dev;
        skel->rodata->self_pidns_ino = (uint64_t)pidns.st_ino;
    }
    skel->rodata->wakeup_bytes = options->wakeup_bytes ? options->wakeup_bytes : 256 * 1024;
    if (options->ring_bytes && bpf_map__set_max_entries(skel->maps.events, options->ring_bytes) != 0) {
        set_error(err, err_len, EINVAL, "sizing the ring buffer (it must be a power of two)");
        saker_bpf__destroy(skel);
        free(probe);
        return -EINVAL;
    }
    if (options->noop_only) {
        bpf_program__set_autoload(skel->progs.saker_sys_exit, false);
        bpf_program__set_autoload(skel->progs.saker_exec, false);
        bpf_program__set_autoload(skel->progs.saker_fork, false);
        bpf_program__set_autoload(skel->progs.saker_exit, false);
    } else {
        bpf_program__set_autoload(skel->progs.saker_noop, false);
    }

    int rc = saker_bpf__load(skel);
    if (rc) {
        int code = -rc;
        set_error(err, err_len, code, "loading the BPF programs");
        saker_bpf__destroy(skel);
        free(probe);
        return rc;
    }
    rc = saker_bpf__attach(skel);
    if (rc) {
        int code = -rc;
        set_error(err, err_len, code, "attaching the BPF programs");
        saker_bpf__destroy(skel);
        free(probe);
        return rc;
    }
    if (!options->noop_only) {
        probe->ring = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, probe, NULL);
        if (!probe->ring) {
            int code = errno ? errno : ENOMEM;
            set_error(err, err_len, code, "opening the ring buffer");
            saker_bpf__destroy(skel);
            free(probe);
            return -code;
        }
    }
    *out = probe;
    return 0;
}

int saker_probe_set_syscall(struct saker_probe *probe, unsigned int nr, const struct saker_syscall_desc *desc)
{
    if (!probe || nr >= SAKER_MAX_SYSCALLS || !probe->skel->bss)
        return -EINVAL;
    struct saker_syscall_desc *slot = &probe->skel->bss->syscall_descs[nr];
    /* Turn the slot off while its fields change, then on: the kernel side never reads a
     * half-written descriptor as interesting. */
    __atomic_store_n(&slot->interesting, 0, __ATOMIC_SEQ_CST);
    struct saker_syscall_desc copy = *desc;
    copy.interesting = 0;
    memcpy(slot, &copy, sizeof(copy));
    __atomic_store_n(&slot->interesting, desc->interesting, __ATOMIC_SEQ_CST);
    return 0;
}

int saker_probe_poll(struct saker_probe *probe, int timeout_ms, saker_record_fn fn, void *ctx)
{
    if (!probe || !probe->ring)
        return -EINVAL;
    /* The ring's sample callback is fixed at creation; route through the probe. */
    probe->fn = fn;
    probe->ctx = ctx;
    int rc = ring_buffer__poll(probe->ring, timeout_ms);
    if (rc < 0 && rc != -EINTR)
        return rc;
    /* Records written with BPF_RB_NO_WAKEUP do not wake epoll: drain them after the timeout. */
    int more = ring_buffer__consume(probe->ring);
    if (more < 0 && more != -EINTR)
        return more;
    return (rc > 0 ? rc : 0) + (more > 0 ? more : 0);
}

int saker_probe_counters(struct saker_probe *probe, struct saker_counters *out)
{
    memset(out, 0, sizeof(*out));
    if (!probe || probe->ncpus <= 0)
        return -EINVAL;
    struct saker_counters *values = calloc((size_t)probe->ncpus, sizeof(*values));
    if (!values)
        return -ENOMEM;
    __u32 zero = 0;
    int rc = bpf_map__lookup_elem(probe->skel->maps.counters, &zero, sizeof(zero), values,
                                  sizeof(*values) * (size_t)probe->ncpus, 0);
    if (rc == 0) {
        for (int i = 0; i < probe->ncpus; i++) {
            out->emitted += values[i].emitted;
            out->dropped += values[i].dropped;
            out->truncated += values[i].truncated;
            out->compat += values[i].compat;
        }
    }
    free(values);
    return rc;
}

void saker_probe_close(struct saker_probe *probe)
{
    if (!probe)
        return;
    if (probe->ring)
        ring_buffer__free(probe->ring);
    saker_bpf__destroy(probe->skel);
    free(probe);
}
