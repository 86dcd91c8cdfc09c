// SPDX-License-Identifier: GPL-2.0-only
/*
 * Saker's kernel probe: one record per completed syscall (tp_btf/sys_exit) for the syscalls
 * userspace marked interesting, plus the process lifecycle (sched_process_exec/fork/exit).
 *
 * Design:
 * - All syscall knowledge lives in userspace: it fills `syscall_descs` (a mmapped global), which
 *   says per syscall number whether to emit and which arguments to copy (strings, sockaddr, fd
 *   pairs, structs, socket tuples). This program stays generic and small.
 * - The agent's own thread group is skipped here, in the kernel (`self_tgid`, as the agent sees it:
 *   in its own PID namespace when it runs in one, `self_pidns_dev`/`self_pidns_ino`).
 * - Records are built in a per-CPU scratch buffer and copied to the ring buffer with
 *   BPF_RB_NO_WAKEUP unless the ring holds more than `wakeup_bytes`; userspace polls on a short
 *   timer, so a busy loop does not pay for a wake-up per event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "../include/saker_record.h"

char LICENSE[] SEC("license") = "GPL";

#define SCRATCH_SIZE 32768
#define OFFSET_MASK 0x3fff        /* blob offsets stay below 16 KiB ... */
#define MAX_BLOB 8192             /* ... and a blob is at most 8 KiB: a write ends before 24 KiB */
/* Records end at 16 KiB, where the offset mask wraps: a write can never land before its offset. */
#define MAX_RECORD 16384
#define MAX_STRING 4096
#define MAX_PATH_COMPONENTS 48
#define MAX_COMPONENT 256
#define MAX_ARGS_BYTES 4096
#define MAX_ENV_BYTES 2048
#define MAX_CGROUP_DEPTH 12

/* Clamps a length so the verifier sees the bound at the call site (clang may otherwise fold the
 * mask into an earlier comparison and lose it). */
#define BOUND(len) ({ __u32 __v = (len); asm volatile("%[v] &= 0x3fff" : [v] "+r"(__v)); __v; })

/* Set by userspace before load. */
const volatile __u32 self_tgid = 0;
/* The agent's PID namespace (nsfs device and inode) when it is not the initial one; then
 * self_tgid is a pid of that namespace. Zero: the agent sees host pids. */
const volatile __u64 self_pidns_dev = 0;
const volatile __u64 self_pidns_ino = 0;
const volatile __u64 wakeup_bytes = 256 * 1024;

/* Filled by userspace (mmapped .bss). */
struct saker_syscall_desc syscall_descs[SAKER_MAX_SYSCALLS];

struct scratch {
    __u8 data[SCRATCH_SIZE];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct saker_counters);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

/* kernfs_node.parent was renamed __parent in Linux 6.15. */
struct kernfs_node___old {
    struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct saker_counters *get_counters(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline struct scratch *get_scratch(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&scratch_map, &zero);
}

/* Appends a blob header at *off and returns the offset of its data. */
static __always_inline __u32 blob_begin(struct scratch *s, __u32 off, __u8 tag)
{
    struct saker_blob_header *h = (void *)&s->data[off & OFFSET_MASK];
    h->tag = tag;
    h->flags = 0;
    h->len = 0;
    return off + sizeof(*h);
}

static __always_inline __u32 blob_end(struct scratch *s, __u32 header_off, __u32 len, __u8 flags)
{
    struct saker_blob_header *h = (void *)&s->data[header_off & OFFSET_MASK];
    h->len = len;
    h->flags = flags;
    return header_off + sizeof(*h) + len;
}

/* A blob that no longer fits is counted as a truncated record instead of vanishing silently. */
static __always_inline void count_truncated(void)
{
    struct saker_counters *c = get_counters();
    if (c)
        c->truncated++;
}

static __always_inline __u32 push_user_string(struct scratch *s, __u32 off, __u8 tag, const void *ptr)
{
    if (!ptr)
        return off;
    if (off > MAX_RECORD - MAX_STRING - 8) {
        count_truncated();
        return off;
    }
    __u32 data = blob_begin(s, off, tag);
    long n = bpf_probe_read_user_str(&s->data[data & OFFSET_MASK], MAX_STRING, ptr);
    if (n <= 0)
        return off;
    /* n counts the NUL; keep it out of the blob. */
    return blob_end(s, off, (__u32)(n - 1), n == MAX_STRING ? SAKER_BLOB_TRUNCATED : 0);
}

static __always_inline __u32 push_user_bytes(struct scratch *s, __u32 off, __u8 tag, const void *ptr, __u32 len)
{
    if (!ptr || len == 0)
        return off;
    if (off > MAX_RECORD - MAX_BLOB - 8) {
        count_truncated();
        return off;
    }
    __u8 flags = 0;
    if (len > MAX_BLOB) {
        len = MAX_BLOB;
        flags = SAKER_BLOB_TRUNCATED;
    }
    __u32 data = blob_begin(s, off, tag);
    if (bpf_probe_read_user(&s->data[data & OFFSET_MASK], BOUND(len), ptr) < 0)
        return off;
    return blob_end(s, off, len, flags);
}

/* State of a path walk, shared with the bpf_loop() callback (a loop body the verifier checks
 * once, instead of once per unrolled iteration and call site). */
struct path_walk {
    __u32 data;            /* offset of the blob's data */
    __u32 len;             /* bytes written so far */
    struct dentry *dentry;
    struct vfsmount *vfsmnt;
    struct mount *mnt;
    __u8 complete;
};

static long path_step(__u32 index, void *ctx)
{
    struct path_walk *w = ctx;
    struct scratch *s = get_scratch();
    if (!s)
        return 1;
    /* Locals, not w->…: BPF_CORE_READ would relocate the access to w itself. */
    struct dentry *dentry = w->dentry;
    struct vfsmount *vfsmnt = w->vfsmnt;
    struct mount *mnt = w->mnt;
    struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
    struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
    if (dentry == mnt_root || dentry == parent) {
        struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
        if (dentry != mnt_root || mnt_parent == mnt || !mnt_parent) {
            /* The root of the namespace, or a dentry outside any mount tree (memfd, pipe):
             * the latter keeps its own name as the only component. */
            if (dentry == parent && dentry != mnt_root && w->len < MAX_BLOB - MAX_COMPONENT) {
                const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
                long n = bpf_probe_read_kernel_str(&s->data[(w->data + w->len) & OFFSET_MASK], MAX_COMPONENT, name);
                if (n > 0)
                    w->len += n;
            }
            w->complete = 1;
            return 1;
        }
        w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
        w->mnt = mnt_parent;
        w->vfsmnt = (void *)mnt_parent + bpf_core_field_offset(struct mount, mnt);
        return 0;
    }
    if (w->len >= MAX_BLOB - MAX_COMPONENT)
        return 1;
    const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
    long n = bpf_probe_read_kernel_str(&s->data[(w->data + w->len) & OFFSET_MASK], MAX_COMPONENT, name);
    if (n <= 0)
        return 1;
    w->len += n;
    w->dentry = parent;
    return 0;
}

/* Walks a struct path up to the root of its mount namespace, writing the components leaf first,
 * each NUL-terminated. Userspace reverses them. */
static __always_inline __u32 push_path(struct scratch *s, __u32 off, __u8 tag, struct dentry *dentry, struct vfsmount *vfsmnt)
{
    if (!dentry || !vfsmnt)
        return off;
    if (off > MAX_RECORD - MAX_BLOB - 8) {
        count_truncated();
        return off;
    }
    struct path_walk w = {
        .data = blob_begin(s, off, tag),
        .len = 0,
        .dentry = dentry,
        .vfsmnt = vfsmnt,
        .mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt),
        .complete = 0,
    };
    bpf_loop(MAX_PATH_COMPONENTS, path_step, &w, 0);
    return blob_end(s, off, w.len < MAX_BLOB ? w.len : MAX_BLOB, w.complete ? 0 : SAKER_BLOB_TRUNCATED);
}

struct cgroup_walk {
    __u32 data;
    __u32 len;
    struct kernfs_node *kn;
};

static long cgroup_step(__u32 index, void *ctx)
{
    struct cgroup_walk *w = ctx;
    struct scratch *s = get_scratch();
    if (!s || !w->kn)
        return 1;
    struct kernfs_node *kn = w->kn;
    struct kernfs_node *parent;
    if (bpf_core_field_exists(kn->__parent))
        parent = BPF_CORE_READ(kn, __parent);
    else
        parent = BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
    if (!parent || w->len >= MAX_BLOB - MAX_COMPONENT)
        return 1; /* the root's name is empty: stop before it */
    const char *name = BPF_CORE_READ(kn, name);
    long n = bpf_probe_read_kernel_str(&s->data[(w->data + w->len) & OFFSET_MASK], MAX_COMPONENT, name);
    if (n <= 0)
        return 1;
    w->len += n;
    w->kn = parent;
    return 0;
}

static __always_inline __u32 push_cgroup(struct scratch *s, __u32 off, struct task_struct *task)
{
    if (off > MAX_RECORD - MAX_BLOB - 8)
        return off;
    struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
    if (!kn)
        return off;
    struct cgroup_walk w = {.data = blob_begin(s, off, SAKER_BLOB_CGROUP), .len = 0, .kn = kn};
    bpf_loop(MAX_CGROUP_DEPTH, cgroup_step, &w, 0);
    return blob_end(s, off, w.len < MAX_BLOB ? w.len : MAX_BLOB, 0);
}

static __always_inline struct file *file_of_fd(struct task_struct *task, long fd)
{
    if (fd < 0)
        return NULL;
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt)
        return NULL;
    unsigned int max = BPF_CORE_READ(fdt, max_fds);
    if ((unsigned long)fd >= max)
        return NULL;
    struct file **fds = BPF_CORE_READ(fdt, fd);
    struct file *file = NULL;
    bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
    return file;
}

static __always_inline __u32 push_tuple(struct scratch *s, __u32 off, struct task_struct *task, long fd)
{
    if (off > MAX_RECORD - MAX_BLOB - 8)
        return off;
    struct file *file = file_of_fd(task, fd);
    if (!file)
        return off;
    struct socket *sock = BPF_CORE_READ(file, private_data);
    if (!sock || BPF_CORE_READ(sock, file) != file)
        return off;
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk)
        return off;
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family == 1 /* AF_UNIX */) {
        struct unix_sock *us = (void *)sk;
        struct unix_address *addr = BPF_CORE_READ(us, addr);
        if (!addr) {
            struct sock *peer = BPF_CORE_READ(us, peer);
            if (peer)
                addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
        }
        if (!addr)
            return off;
        int alen = BPF_CORE_READ(addr, len);
        if (alen <= 2 || alen > 110)
            return off;
        __u32 data = blob_begin(s, off, SAKER_BLOB_TUPLE);
        __u16 fam = 1;
        __builtin_memcpy(&s->data[data & OFFSET_MASK], &fam, 2);
        if (bpf_probe_read_kernel(&s->data[(data + 2) & OFFSET_MASK], BOUND(alen - 2) & 127, (void *)addr->name[0].sun_path) < 0)
            return off;
        return blob_end(s, off, 2 + (alen - 2), 0);
    }
    if (family != 2 && family != 10)
        return off;
    __u32 data = blob_begin(s, off, SAKER_BLOB_TUPLE);
    struct saker_tuple *t = (void *)&s->data[data & OFFSET_MASK];
    __builtin_memset(t, 0, sizeof(*t));
    t->family = family;
    t->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
    t->remote_port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
    if (family == 2) {
        __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
        __u32 b = BPF_CORE_READ(sk, __sk_common.skc_daddr);
        __builtin_memcpy(t->local_addr, &a, 4);
        __builtin_memcpy(t->remote_addr, &b, 4);
    } else {
        BPF_CORE_READ_INTO(&t->local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
        BPF_CORE_READ_INTO(&t->remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
    }
    return blob_end(s, off, sizeof(*t), 0);
}

static __always_inline __u32 ns_pid_of(struct pid *pid)
{
    if (!pid)
        return 0;
    unsigned int level = BPF_CORE_READ(pid, level);
    struct upid upid;
    if (bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[level & 31]) < 0)
        return 0;
    return upid.nr;
}

static __always_inline __u32 host_pid_of(struct pid *pid)
{
    if (!pid)
        return 0;
    return BPF_CORE_READ(pid, numbers[0].nr);
}

static __always_inline __u64 read_cap(kernel_cap_t *cap)
{
    __u64 v = 0;
    bpf_probe_read_kernel(&v, sizeof(v), cap);
    return v;
}

#define OVERLAYFS_SUPER_MAGIC 0x794c7630

static __always_inline __u32 exe_flags_of(struct file *exe, struct inode *inode, const struct cred *cred)
{
    __u32 flags = 0;
    /* EXE_WRITABLE: the effective user could write the file (owner/group/other bits, or
     * CAP_DAC_OVERRIDE), as libs approximates inode_permission(MAY_WRITE). */
    umode_t mode = BPF_CORE_READ(inode, i_mode);
    __u32 i_uid = BPF_CORE_READ(inode, i_uid.val);
    __u32 i_gid = BPF_CORE_READ(inode, i_gid.val);
    __u32 fsuid = BPF_CORE_READ(cred, fsuid.val);
    __u32 fsgid = BPF_CORE_READ(cred, fsgid.val);
    __u64 eff = read_cap((kernel_cap_t *)&cred->cap_effective);
    if ((fsuid == i_uid && (mode & 0200)) || (fsgid == i_gid && (mode & 0020)) || (mode & 0002) ||
        (eff & (1ULL << 1 /* CAP_DAC_OVERRIDE */)))
        flags |= SAKER_EXE_WRITABLE;
    /* EXE_UPPER_LAYER / EXE_LOWER_LAYER on overlayfs: struct ovl_inode keeps its upper dentry
     * right after the embedded VFS inode, which is how libs reads it too. */
    struct super_block *sb = BPF_CORE_READ(inode, i_sb);
    if (BPF_CORE_READ(sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
        struct dentry *upper = NULL;
        bpf_probe_read_kernel(&upper, sizeof(upper), (void *)inode + bpf_core_type_size(struct inode));
        flags |= upper ? SAKER_EXE_UPPER_LAYER : SAKER_EXE_LOWER_LAYER;
    }
    /* EXE_FROM_MEMFD: memfd files live outside any mount tree and are named "memfd:…". */
    struct dentry *dentry = BPF_CORE_READ(exe, f_path.dentry);
    const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
    char prefix[6] = {};
    bpf_probe_read_kernel(prefix, sizeof(prefix), name);
    if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' && prefix[4] == 'd' && prefix[5] == ':')
        flags |= SAKER_EXE_FROM_MEMFD;
    return flags;
}

static __always_inline void fill_proc_info(struct saker_proc_info *pi, struct task_struct *task)
{
    struct task_struct *leader = BPF_CORE_READ(task, group_leader);
    struct task_struct *parent = BPF_CORE_READ(task, real_parent);
    pi->tid = BPF_CORE_READ(task, pid);
    pi->pid = BPF_CORE_READ(task, tgid);
    pi->ptid = BPF_CORE_READ(parent, pid);
    pi->ppid = BPF_CORE_READ(parent, tgid);
    struct pid *tpid = BPF_CORE_READ(task, thread_pid);
    pi->vtid = ns_pid_of(tpid);
    pi->vpid = ns_pid_of(BPF_CORE_READ(leader, thread_pid));
    struct signal_struct *sig = BPF_CORE_READ(task, signal);
    pi->sid = host_pid_of(BPF_CORE_READ(sig, pids[PIDTYPE_SID]));
    struct pid *pgrp = BPF_CORE_READ(sig, pids[PIDTYPE_PGID]);
    pi->pgid = host_pid_of(pgrp);
    pi->vpgid = ns_pid_of(pgrp);
    if (tpid) {
        unsigned int level = BPF_CORE_READ(tpid, level);
        struct upid upid;
        if (bpf_probe_read_kernel(&upid, sizeof(upid), &tpid->numbers[level & 31]) == 0 && upid.ns)
            pi->pidns_ino = BPF_CORE_READ(upid.ns, ns.inum);
    }
    const struct cred *cred = BPF_CORE_READ(task, cred);
    pi->uid = BPF_CORE_READ(cred, uid.val);
    pi->gid = BPF_CORE_READ(cred, gid.val);
    pi->euid = BPF_CORE_READ(cred, euid.val);
    pi->egid = BPF_CORE_READ(cred, egid.val);
    pi->cap_inheritable = read_cap((kernel_cap_t *)&cred->cap_inheritable);
    pi->cap_permitted = read_cap((kernel_cap_t *)&cred->cap_permitted);
    pi->cap_effective = read_cap((kernel_cap_t *)&cred->cap_effective);
    pi->loginuid = BPF_CORE_READ(task, loginuid.val);
    struct tty_struct *tty = BPF_CORE_READ(sig, tty);
    if (tty) {
        int index = BPF_CORE_READ(tty, index);
        int major = BPF_CORE_READ(tty, driver, major);
        int minor = BPF_CORE_READ(tty, driver, minor_start) + index;
        /* new_encode_dev(MKDEV(major, minor)), as libs renders proc.tty */
        pi->tty = (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }
    pi->start_boot_ns = BPF_CORE_READ(leader, start_boottime);
    pi->fdlimit = BPF_CORE_READ(sig, rlim[7 /* RLIMIT_NOFILE */].rlim_cur);
    BPF_CORE_READ_STR_INTO(&pi->comm, task, comm);
}

static __always_inline long emit(struct scratch *s, __u32 len)
{
    struct saker_counters *c = get_counters();
    if (len > MAX_RECORD) {
        len = MAX_RECORD;
        if (c)
            c->truncated++;
    }
    ((struct saker_record_header *)s->data)->len = len;
    __u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
    long err = bpf_ringbuf_output(&events, s->data, len, flags);
    if (c) {
        if (err)
            c->dropped++;
        else
            c->emitted++;
    }
    return err;
}

static __always_inline struct saker_record_header *begin_record(struct scratch *s, __u16 kind, __u16 nr, __s64 ret)
{
    struct saker_record_header *h = (void *)s->data;
    __u64 id = bpf_get_current_pid_tgid();
    h->ts_boot_ns = bpf_ktime_get_boot_ns();
    h->ret = ret;
    h->tid = (__u32)id;
    h->pid = id >> 32;
    h->kind = kind;
    h->nr = nr;
    h->len = sizeof(*h);
    h->cpu = bpf_get_smp_processor_id();
    return h;
}

static __always_inline unsigned long arg_of(struct saker_record_header *h, __u8 one_based)
{
    switch (one_based) {
    case 1: return h->args[0];
    case 2: return h->args[1];
    case 3: return h->args[2];
    case 4: return h->args[3];
    case 5: return h->args[4];
    case 6: return h->args[5];
    default: return 0;
    }
}

/* Whether the current task belongs to the agent; `tgid` is its host thread group id. On the
 * host this is one comparison (the other branch is dead code the verifier drops); in a PID
 * namespace the helper gives the task's ids there, and fails for tasks of other namespaces. */
static __always_inline bool current_is_self(__u32 tgid)
{
    if (!self_pidns_ino)
        return tgid == self_tgid;
    struct bpf_pidns_info ns = {};
    if (bpf_get_ns_current_pid_tgid(self_pidns_dev, self_pidns_ino, &ns, sizeof(ns)) != 0)
        return false;
    return ns.tgid == self_tgid;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(saker_sys_exit, struct pt_regs *regs, long ret)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (current_is_self(tgid))
        return 0;
    /* tp_btf arguments are trusted BTF pointers: direct loads (CO-RE relocated through
     * vmlinux.h) are plain memory reads, much cheaper than a probe-read helper call each. */
    long nr = regs->orig_ax;
    if (nr < 0 || nr >= SAKER_MAX_SYSCALLS)
        return 0;
    /* 32-bit (ia32) syscalls use other numbers and registers: never decode them as x86_64 ones.
     * They are counted so that their use is visible. */
    struct task_struct *current_task = bpf_get_current_task_btf();
    if (current_task->thread_info.status & 0x0002 /* TS_COMPAT */) {
        struct saker_counters *c = get_counters();
        if (c)
            c->compat++;
        return 0;
    }
    struct saker_syscall_desc *d = &syscall_descs[nr & (SAKER_MAX_SYSCALLS - 1)];
    if (!d->interesting)
        return 0;
    /* A successful exec was already reported, with the new image, by sched_process_exec. */
    if ((nr == 59 /* execve */ || nr == 322 /* execveat */) && ret == 0)
        return 0;
    struct scratch *s = get_scratch();
    if (!s)
        return 0;
    struct saker_record_header *h = begin_record(s, SAKER_REC_SYSCALL, nr, ret);
    h->args[0] = regs->di;
    h->args[1] = regs->si;
    h->args[2] = regs->dx;
    h->args[3] = regs->r10;
    h->args[4] = regs->r8;
    h->args[5] = regs->r9;
    __u32 off = sizeof(*h);
    struct saker_syscall_desc desc = *d;
    if (desc.str_args[0])
        off = push_user_string(s, off, SAKER_BLOB_STR0, (void *)arg_of(h, desc.str_args[0]));
    if (desc.str_args[1])
        off = push_user_string(s, off, SAKER_BLOB_STR1, (void *)arg_of(h, desc.str_args[1]));
    if (desc.str_args[2])
        off = push_user_string(s, off, SAKER_BLOB_STR2, (void *)arg_of(h, desc.str_args[2]));
    if (desc.sockaddr_arg) {
        __u32 len = desc.sockaddr_len_arg ? arg_of(h, desc.sockaddr_len_arg) : 16;
        if (len > 128)
            len = 128;
        off = push_user_bytes(s, off, SAKER_BLOB_SOCKADDR, (void *)arg_of(h, desc.sockaddr_arg), len);
    }
    if (desc.fdpair_arg && ret >= 0)
        off = push_user_bytes(s, off, SAKER_BLOB_FDPAIR, (void *)arg_of(h, desc.fdpair_arg), 8);
    if (desc.struct_arg && desc.struct_len)
        off = push_user_bytes(s, off, SAKER_BLOB_STRUCT, (void *)arg_of(h, desc.struct_arg), BOUND(desc.struct_len) & 63);
    if (desc.tuple_fd) {
        long fd = desc.tuple_fd == 1 ? ret : (long)h->args[0];
        /* connect() may still be in progress (EINPROGRESS): the socket has its tuple already. */
        if (fd >= 0 && (ret >= 0 || ret == -115))
            off = push_tuple(s, off, (struct task_struct *)bpf_get_current_task_btf(), fd);
    }
    emit(s, off);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(saker_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (current_is_self(tgid))
        return 0;
    struct scratch *s = get_scratch();
    if (!s)
        return 0;
    struct task_struct *task = bpf_get_current_task_btf();
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
    __u16 nr = (__u16)BPF_CORE_READ(regs, orig_ax);
    struct saker_record_header *h = begin_record(s, SAKER_REC_EXEC, nr, 0);
    __builtin_memset(h->args, 0, sizeof(h->args));
    h->args[0] = old_pid;
    __u32 off = sizeof(*h);

    __u32 info = blob_begin(s, off, SAKER_BLOB_PROC);
    struct saker_proc_info *pi = (void *)&s->data[info & OFFSET_MASK];
    __builtin_memset(pi, 0, sizeof(*pi));
    fill_proc_info(pi, task);
    struct mm_struct *mm = BPF_CORE_READ(task, mm);
    struct file *exe = BPF_CORE_READ(mm, exe_file);
    const struct cred *cred = BPF_CORE_READ(task, cred);
    if (exe) {
        struct inode *inode = BPF_CORE_READ(exe, f_inode);
        pi->exe_ino = BPF_CORE_READ(inode, i_ino);
        if (bpf_core_field_exists(inode->i_ctime_sec)) {
            /* Bit 31 of i_ctime_nsec is the multigrain "queried" flag since Linux 6.13. */
            pi->exe_ctime_ns = (__u64)BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ULL + (BPF_CORE_READ(inode, i_ctime_nsec) & 0x3fffffff);
            pi->exe_mtime_ns = (__u64)BPF_CORE_READ(inode, i_mtime_sec) * 1000000000ULL + (BPF_CORE_READ(inode, i_mtime_nsec) & 0x3fffffff);
        }
        pi->exe_flags = exe_flags_of(exe, inode, cred);
    }
    off = blob_end(s, off, sizeof(*pi), 0);

    /* Most important first: when a record fills up, what is cut is the environment. */
    unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
    unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
    off = push_user_bytes(s, off, SAKER_BLOB_ARGS, (void *)arg_start, arg_end > arg_start ? (arg_end - arg_start > MAX_ARGS_BYTES ? MAX_ARGS_BYTES : arg_end - arg_start) : 0);
    if (exe)
        off = push_path(s, off, SAKER_BLOB_EXE_PATH, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
    struct fs_struct *fs = BPF_CORE_READ(task, fs);
    off = push_path(s, off, SAKER_BLOB_CWD, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt));
    off = push_cgroup(s, off, task);
    unsigned long env_start = BPF_CORE_READ(mm, env_start);
    unsigned long env_end = BPF_CORE_READ(mm, env_end);
    off = push_user_bytes(s, off, SAKER_BLOB_ENV, (void *)env_start, env_end > env_start ? (env_end - env_start > MAX_ENV_BYTES ? MAX_ENV_BYTES : env_end - env_start) : 0);

    if (off <= MAX_RECORD - MAX_BLOB - 8) {
        const char *filename = BPF_CORE_READ(bprm, filename);
        __u32 data = blob_begin(s, off, SAKER_BLOB_FILENAME);
        long n = bpf_probe_read_kernel_str(&s->data[data & OFFSET_MASK], MAX_STRING, filename);
        if (n > 0)
            off = blob_end(s, off, n - 1, 0);
    }
    emit(s, off);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(saker_fork, struct task_struct *parent, struct task_struct *child)
{
    /* Skip the agent's own new threads, but report the processes it starts. */
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (BPF_CORE_READ(child, tgid) == tgid && current_is_self(tgid))
        return 0;
    struct scratch *s = get_scratch();
    if (!s)
        return 0;
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
    __u16 nr = (__u16)BPF_CORE_READ(regs, orig_ax);
    struct saker_record_header *h = begin_record(s, SAKER_REC_FORK, nr, 0);
    __builtin_memset(h->args, 0, sizeof(h->args));
    /* The record belongs to the child, like Falco's child-side clone event. */
    h->tid = BPF_CORE_READ(child, pid);
    h->pid = BPF_CORE_READ(child, tgid);
    __u32 off = sizeof(*h);
    __u32 info = blob_begin(s, off, SAKER_BLOB_PROC);
    struct saker_proc_info *pi = (void *)&s->data[info & OFFSET_MASK];
    __builtin_memset(pi, 0, sizeof(*pi));
    fill_proc_info(pi, child);
    /* real_parent of a new thread is the creator's parent: report the creating thread instead. */
    pi->ptid = BPF_CORE_READ(parent, pid);
    __u64 flags = 0;
    if (nr == 56 /* clone */)
        flags = BPF_CORE_READ(regs, di);
    else if (nr == 435 /* clone3 */)
        bpf_probe_read_user(&flags, sizeof(flags), (void *)BPF_CORE_READ(regs, di));
    else if (nr == 58 /* vfork */)
        flags = 0x4000 | 0x100; /* CLONE_VFORK | CLONE_VM */
    pi->clone_flags = flags;
    off = blob_end(s, off, sizeof(*pi), 0);
    emit(s, off);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(saker_exit, struct task_struct *p)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (current_is_self(tgid))
        return 0;
    struct scratch *s = get_scratch();
    if (!s)
        return 0;
    struct saker_record_header *h = begin_record(s, SAKER_REC_EXIT, 0, 0);
    __builtin_memset(h->args, 0, sizeof(h->args));
    struct task_struct *task = bpf_get_current_task_btf();
    h->args[0] = BPF_CORE_READ(task, exit_code);
    h->args[1] = BPF_CORE_READ(task, signal, live.counter) == 0; /* group dead */
    struct task_struct *reaper = BPF_CORE_READ(task, real_parent);
    h->args[2] = BPF_CORE_READ(reaper, pid);
    emit(s, sizeof(*h));
    return 0;
}

/* The benchmark floor: attached alone, it measures what any sys_exit program costs. */
SEC("tp_btf/sys_exit")
int BPF_PROG(saker_noop, struct pt_regs *regs, long ret)
{
    return 0;
}
