import SakerCapture
import SakerDefaultRules
import SakerEvent
import SakerRules
import SakerState

/// A recording of a small Debian 12 host in the capture format (docs/capture-format.md): JSON
/// lines built with a few helpers, replayed through a ``ProcessTable`` and the default rules.
///
/// ```
///    1 systemd ─┬─ 400 sshd -D (listener)
///               ├─ 410 cron -f
///               ├─ 420 rsyslogd -n
///               ├─ 430 nginx (master, root) ── 431 nginx (worker, www-data)
///               └─ 440 postgres (postgres)
///    2 kthreadd ── 3 kworker/u4:2
/// ```
/// plus, when `login` is set, alice's SSH session: 500 sshd (session) ── 510 -bash (tty 34816,
/// cwd /home/alice, loginuid 1000).
struct HostScenario {
    /// 2026-11-27T12:00:00Z in ns.
    static let base: UInt64 = 1_795_780_800_000_000_000
    /// /dev/pts/0.
    static let pts0: UInt64 = 34816

    static let environment = FieldEnvironment(
        hostname: "debian",
        users: FieldUserDirectory(
            passwd: """
                root:x:0:0:root:/root:/bin/bash
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                _apt:x:42:65534::/nonexistent:/usr/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                postgres:x:109:115:PostgreSQL administrator:/var/lib/postgresql:/bin/bash
                alice:x:1000:1000:Alice:/home/alice:/bin/bash

                """,
            group: "root:x:0:\nwww-data:x:33:\nshadow:x:42:\nalice:x:1000:\n"))

    private(set) var lines: [String] = []
    private var clock: UInt64 = 0
    private var number: UInt64 = 0

    /// The baseline host; `login` adds alice's SSH session (pids 500 and 510).
    init(login: Bool = true) {
        snapshot(pid: 1, ppid: 0, comm: "systemd", exepath: "/usr/lib/systemd/systemd", exe: "/sbin/init", args: ["splash"])
        snapshot(pid: 2, ppid: 0, comm: "kthreadd", exepath: "", exe: "", args: [])
        snapshot(pid: 3, ppid: 2, comm: "kworker/u4:2", exepath: "", exe: "", args: [])
        snapshot(pid: 400, ppid: 1, comm: "sshd", exepath: "/usr/sbin/sshd", args: ["-D"])
        snapshot(pid: 410, ppid: 1, comm: "cron", exepath: "/usr/sbin/cron", args: ["-f"])
        snapshot(pid: 420, ppid: 1, comm: "rsyslogd", exepath: "/usr/sbin/rsyslogd", args: ["-n", "-iNONE"],
                 fds: ["7 f /var/log/syslog", "8 f /var/log/auth.log"])
        snapshot(pid: 430, ppid: 1, comm: "nginx", exepath: "/usr/sbin/nginx", exe: "nginx: master process /usr/sbin/nginx")
        snapshot(pid: 431, ppid: 430, comm: "nginx", exepath: "/usr/sbin/nginx", exe: "nginx: worker process", uid: 33)
        snapshot(pid: 440, ppid: 1, comm: "postgres", exepath: "/usr/lib/postgresql/15/bin/postgres",
                 args: ["-D", "/var/lib/postgresql/15/main"], uid: 109)
        if login {
            snapshot(pid: 500, ppid: 400, comm: "sshd", exepath: "/usr/sbin/sshd", exe: "sshd: alice [priv]")
            snapshot(pid: 510, ppid: 500, comm: "bash", exepath: "/usr/bin/bash", exe: "-bash", uid: 1000,
                     tty: Self.pts0, cwd: "/home/alice", loginuid: 1000)
        }
    }

    // MARK: Recording

    private mutating func record(_ type: String, pid: Int64, _ args: [(String, JSON)]) {
        number += 1
        clock += 1_000_000
        let fields = args.map { "\(JSON.string($0.0).text):\($0.1.text)" }.joined(separator: ",")
        lines.append(
            "{\"evt.num\":\(number),\"evt.time\":\(Self.base + clock),\"evt.type\":\"\(type)\",\"evt.cpu\":0,"
                + "\"thread.tid\":\(pid),\"proc.pid\":\(pid),\"evt.args\":{\(fields)}}")
    }

    private func processArgs(
        pid: Int64, ppid: Int64, comm: String, exepath: String, exe: String?, args: [String], uid: UInt64, tty: UInt64,
        cwd: String, loginuid: Int64, flags: String
    ) -> [(String, JSON)] {
        [
            ("exe", .string(exe ?? exepath)), ("args", .strings(args)), ("tid", .int(pid)), ("pid", .int(pid)),
            ("ptid", .int(ppid)), ("cwd", .string(cwd)), ("comm", .string(comm)), ("tty", .int(Int64(tty))),
            ("pgid", .int(pid)), ("vpgid", .int(pid)), ("sid", .int(pid)), ("loginuid", .int(loginuid)),
            ("flags", flags == "0" ? .int(0) : .string(flags)), ("uid", .int(Int64(uid))), ("gid", .int(Int64(uid))),
            ("trusted_exepath", .string(exepath)), ("vpid", .int(pid)),
            ("start_ts", .int(Int64(Self.base + clock))),
        ]
    }

    /// A process that already ran when capture started.
    mutating func snapshot(
        pid: Int64, ppid: Int64, comm: String, exepath: String, exe: String? = nil, args: [String] = [],
        uid: UInt64 = 0, tty: UInt64 = 0, cwd: String = "/", loginuid: Int64 = -1, fds: [String] = []
    ) {
        record("procsnapshot", pid: pid, processArgs(
            pid: pid, ppid: ppid, comm: comm, exepath: exepath, exe: exe, args: args, uid: uid, tty: tty, cwd: cwd,
            loginuid: loginuid, flags: "0") + [("fds", .strings(fds))])
    }

    /// `parent` forks `pid` (unless `fork` is false: an exec in place), which executes `exepath`
    /// as `uid` (default root); comm defaults to the path's base name. The child inherits the
    /// parent's descriptors; terminal and login uid are none unless given.
    mutating func exec(
        _ exepath: String, _ args: [String] = [], pid: Int64, parent: Int64, comm: String? = nil, exe: String? = nil,
        uid: UInt64? = nil, tty: UInt64? = nil, cwd: String? = nil, loginuid: Int64? = nil, flags: String = "0",
        fork: Bool = true
    ) {
        let name = comm ?? String(exepath.split(separator: "/").last ?? "")
        let userID = uid ?? 0
        if fork {
            record("clone", pid: pid, [
                ("res", .int(0)), ("tid", .int(pid)), ("pid", .int(pid)), ("ptid", .int(parent)),
                ("comm", .string("fork")), ("flags", .string("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID")),
                ("uid", .int(Int64(userID))), ("gid", .int(Int64(userID))),
            ])
        }
        record("execve", pid: pid, [("res", .int(0))] + processArgs(
            pid: pid, ppid: parent, comm: name, exepath: exepath, exe: exe ?? name, args: args, uid: userID,
            tty: tty ?? 0, cwd: cwd ?? "/", loginuid: loginuid ?? -1, flags: flags) + [("filename", .string(exepath))])
    }

    /// A shell command of alice's SSH session (pid 510), run as alice at the terminal.
    mutating func aliceRuns(_ exepath: String, _ args: [String] = [], pid: Int64, uid: UInt64 = 1000, comm: String? = nil) {
        exec(exepath, args, pid: pid, parent: 510, comm: comm, uid: uid, tty: Self.pts0, cwd: "/home/alice", loginuid: 1000)
    }

    /// openat of `path`; `flags` in libs' rendering. Returns `fd` (or the error when negative).
    mutating func open(_ path: String, pid: Int64, flags: String = "O_RDONLY|O_CLOEXEC", fd: Int64 = 3, mode: String = "0") {
        record("openat", pid: pid, [
            ("fd", .int(fd)), ("dirfd", .int(-100)), ("name", .string(path)), ("flags", .string(flags)),
            ("mode", .string(mode)), ("dev", .int(0)), ("ino", .int(0)),
        ])
    }

    /// openat for writing, creating and truncating (shell `>` redirection).
    mutating func write(_ path: String, pid: Int64, fd: Int64 = 3, flags: String = "O_WRONLY|O_CREAT|O_TRUNC") {
        open(path, pid: pid, flags: flags, fd: fd, mode: "0644")
    }

    /// socket + connect from `local` to `remote` (`ip:port`), returning fd `fd`.
    mutating func connect(pid: Int64, fd: Int64 = 3, local: String, remote: String, result: String = "EINPROGRESS") {
        let family = remote.hasPrefix("[") ? "AF_INET6" : "AF_INET"
        record("socket", pid: pid, [("fd", .int(fd)), ("domain", .string(family)), ("type", .int(1)), ("proto", .int(0))])
        record("connect", pid: pid, [
            ("res", result == "0" ? .int(0) : .string(result)), ("tuple", .string("\(local)->\(remote)")),
            ("fd", .int(fd)), ("addr", .string(remote)),
        ])
    }

    /// Any other syscall, with its arguments in Falco's order.
    mutating func syscall(_ type: String, pid: Int64, _ args: [(String, JSON)]) {
        record(type, pid: pid, args)
    }

    mutating func exit(pid: Int64) {
        record("procexit", pid: pid, [
            ("status", .int(0)), ("ret", .int(0)), ("sig", .int(0)), ("core", .int(0)), ("reaper_tid", .int(1)),
            ("group_dead", .int(1)),
        ])
    }

    // MARK: Replay

    /// The recording as a capture file.
    var text: String {
        let header = CaptureFormat.Header(hostname: "debian", startTime: Self.base, kernel: "6.1.0-28-amd64").line
        return ([header] + lines).joined(separator: "\n") + "\n"
    }

    /// Replays the recording through the default rules (every match reported) and returns the alerts.
    func replay(_ engine: RuleEngine = DefaultRulesFixture.engine) throws -> [Alert] {
        var table = ProcessTable()
        var alerts: [Alert] = []
        for (index, line) in lines.enumerated() {
            let event = try CaptureFormat.parseEvent(line, file: "scenario.jsonl", line: index + 2)
            let process = table.apply(event)
            alerts += engine.process(event, process: process, state: table)
        }
        return alerts
    }

    /// The names of the rules that fired, in order, without repeats.
    func firedRules() throws -> [String] {
        var seen = Set<String>()
        return try replay().map(\.rule).filter { seen.insert($0).inserted }
    }
}

/// A JSON value for the recording helpers.
enum JSON {
    case int(Int64)
    case string(String)
    case strings([String])

    var text: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return Self.quote(value)
        case .strings(let values): return "[" + values.map(Self.quote).joined(separator: ",") + "]"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The default rules, loaded and compiled once for all tests.
enum DefaultRulesFixture {
    static let loaded: LoadedRules = {
        var loader = RuleLoader()
        loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
        return loader.finish()
    }()

    static let engine = RuleEngine(rules: loaded, environment: HostScenario.environment, matching: .all)
}
