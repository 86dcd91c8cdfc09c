/*
 * The layout of the records the eBPF probe writes to its ring buffer, shared by the kernel side
 * (bpf/saker.bpf.c) and the Swift decoder (SakerCapture/RecordDecoder.swift, which mirrors the
 * offsets asserted below).
 *
 * A record is a fixed header followed by zero or more blobs. A blob is a 4-byte blob header
 * (tag, flags, length) followed by `len` bytes of data. Multi-byte fields are little endian.
 */
#ifndef SAKER_RECORD_H
#define SAKER_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Record kinds. */
enum saker_record_kind {
    SAKER_REC_SYSCALL = 1, /* a completed syscall, from tp_btf/sys_exit */
    SAKER_REC_EXEC = 2,    /* a successful exec, from tp_btf/sched_process_exec */
    SAKER_REC_FORK = 3,    /* a new task, from tp_btf/sched_process_fork (child side) */
    SAKER_REC_EXIT = 4,    /* a task ended, from tp_btf/sched_process_exit */
};

/* Blob tags. */
enum saker_blob_tag {
    SAKER_BLOB_STR0 = 1,      /* user string from the syscall argument named by str_args[0] */
    SAKER_BLOB_STR1 = 2,
    SAKER_BLOB_STR2 = 3,
    SAKER_BLOB_SOCKADDR = 4,  /* a struct sockaddr copied from user memory */
    SAKER_BLOB_TUPLE = 5,     /* struct saker_tuple read from the kernel socket of an fd */
    SAKER_BLOB_FDPAIR = 6,    /* int[2] written by pipe/pipe2/socketpair */
    SAKER_BLOB_STRUCT = 7,    /* the leading bytes of a struct argument (open_how, clone_args) */
    SAKER_BLOB_PROC = 8,      /* struct saker_proc_info */
    SAKER_BLOB_EXE_PATH = 9,  /* path components, leaf first, each NUL-terminated */
    SAKER_BLOB_CWD = 10,      /* path components, leaf first, each NUL-terminated */
    SAKER_BLOB_ARGS = 11,     /* argv, NUL-separated, as in /proc/PID/cmdline */
    SAKER_BLOB_ENV = 12,      /* environment, NUL-separated */
    SAKER_BLOB_CGROUP = 13,   /* cgroup v2 path components, leaf first, each NUL-terminated */
    SAKER_BLOB_FILENAME = 14, /* the path given to exec (bprm->filename) */
};

/* Blob flags. */
#define SAKER_BLOB_TRUNCATED 0x1

/* Per-syscall capture descriptor: what the probe records for syscall number `nr`. Userspace
 * fills the array (a mmapped global) before and while the probe runs. Argument indices are
 * stored plus one, so zero means "none". */
struct saker_syscall_desc {
    __u8 interesting;   /* non-zero: emit a record for this syscall */
    __u8 str_args[3];   /* user string arguments (1-based index) */
    __u8 sockaddr_arg;  /* user sockaddr argument (1-based) */
    __u8 sockaddr_len_arg; /* its length argument (1-based, by value) */
    __u8 tuple_fd;      /* 1: tuple of the socket whose fd is the result, 2: of the fd in arg 0 */
    __u8 fdpair_arg;    /* user int[2] argument (1-based) */
    __u8 struct_arg;    /* user struct argument (1-based) */
    __u8 struct_len;    /* bytes of it to copy (<= 64) */
    __u8 reserved[6];
};

#define SAKER_MAX_SYSCALLS 512

/* The fixed record header (80 bytes). */
struct saker_record_header {
    __u64 ts_boot_ns;   /* bpf_ktime_get_boot_ns() */
    __s64 ret;          /* syscall return value (SYSCALL), 0 otherwise */
    __u64 args[6];      /* raw syscall arguments (SYSCALL); see each kind otherwise */
    __u32 tid;          /* host thread id */
    __u32 pid;          /* host thread-group id */
    __u16 kind;         /* enum saker_record_kind */
    __u16 nr;           /* syscall number (SYSCALL, and the syscall that caused EXEC/FORK) */
    __u16 len;          /* total record length in bytes, header included */
    __u16 cpu;
};

struct saker_blob_header {
    __u8 tag;
    __u8 flags;
    __u16 len;
};

/* A socket's two ends as the kernel holds them: local and remote, network byte order for
 * addresses, host order for ports. For AF_UNIX the blob instead carries the raw sun_path. */
struct saker_tuple {
    __u16 family;
    __u16 local_port;
    __u16 remote_port;
    __u16 pad;
    __u8 local_addr[16];
    __u8 remote_addr[16];
};

/* Process details sent with EXEC and FORK records (for FORK: the child's). */
struct saker_proc_info {
    __u32 tid, pid, ptid, ppid;
    __u32 vtid, vpid, sid, pgid, vpgid;
    __u32 uid, gid, euid, egid;
    __u32 loginuid;
    __u32 tty;
    __u32 exe_flags;        /* SAKER_EXE_* */
    __u64 cap_inheritable, cap_permitted, cap_effective;
    __u64 exe_ino, exe_ctime_ns, exe_mtime_ns;
    __u64 start_boot_ns;    /* start time of the thread group leader */
    __u64 clone_flags;      /* FORK: the clone flags */
    __u32 pidns_ino;
    __u32 fdlimit;
    char comm[16];
};

#define SAKER_EXE_WRITABLE 1
#define SAKER_EXE_UPPER_LAYER 2
#define SAKER_EXE_FROM_MEMFD 4
#define SAKER_EXE_LOWER_LAYER 8

/* Per-CPU counters; userspace sums them. */
struct saker_counters {
    __u64 emitted;
    __u64 dropped;   /* the ring buffer was full */
    __u64 truncated; /* a record was cut at its size limit, or a blob did not fit */
    __u64 compat;    /* 32-bit (ia32) syscalls seen and not decoded */
};

#ifndef __VMLINUX_H__
_Static_assert(sizeof(struct saker_record_header) == 80, "header layout is mirrored in Swift");
_Static_assert(sizeof(struct saker_blob_header) == 4, "blob header layout is mirrored in Swift");
_Static_assert(sizeof(struct saker_tuple) == 40, "tuple layout is mirrored in Swift");
_Static_assert(sizeof(struct saker_proc_info) == 152, "proc info layout is mirrored in Swift");
_Static_assert(sizeof(struct saker_syscall_desc) == 16, "descriptor layout is mirrored in Swift");
#endif

#endif
