import SakerEvent
import SakerRules
import SakerState

/// A small host, built by applying events to a fresh table:
///
/// ```
/// 1 systemd ── 100 sshd -D ── 200 bash (session/group leader, tty, loginuid 1000)
///                               └─ 300 cat /etc/shadow (cloned from 200, then exec'd, uid 0)
/// ```
/// 300 opens `/etc/shadow` (fd 3), creates a TCP socket (fd 4) and connects it to
/// 93.184.216.34:443 from 10.0.0.5:40000 (EINPROGRESS).
enum FieldFixtures {
    /// 2026-11-27T12:00:00Z in ns.
    static let base: UInt64 = 1_795_780_800_000_000_000

    static let environment = FieldEnvironment(
        hostname: "testhost",
        users: FieldUserDirectory(
            passwd: "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
            group: "root:x:0:\nalice:x:1000:\n"))

    static func event(
        _ type: String, pid: Int64, tid: Int64? = nil, at offset: UInt64, number: UInt64 = 0, _ params: [EventParam]
    ) -> Event {
        Event(
            number: number, timestamp: base + offset, type: EventType(name: type)!, cpu: 1, tid: tid ?? pid, pid: pid,
            params: params)
    }

    static func snapshot(
        pid: Int64, ppid: Int64, comm: String, exe: String, path: String, args: [String] = [], at offset: UInt64,
        uid: UInt64 = 0, extra: [EventParam] = []
    ) -> Event {
        event("procsnapshot", pid: pid, at: offset, [
            EventParam("exe", .string(exe)), EventParam("args", .strings(args)), EventParam("tid", .pid(pid)),
            EventParam("pid", .pid(pid)), EventParam("ptid", .pid(ppid)), EventParam("cwd", .string("/")),
            EventParam("comm", .string(comm)), EventParam("trusted_exepath", .string(path)),
            EventParam("uid", .uint(uid)), EventParam("gid", .uint(uid)), EventParam("vpid", .pid(pid)),
            EventParam("start_ts", .uint(base + offset)),
        ] + extra)
    }

    /// Events that build the host, in order.
    static let setup: [Event] = [
        snapshot(pid: 1, ppid: 0, comm: "systemd", exe: "/sbin/init", path: "/usr/lib/systemd/systemd", at: 0),
        snapshot(pid: 100, ppid: 1, comm: "sshd", exe: "/usr/sbin/sshd", path: "/usr/sbin/sshd", args: ["-D"], at: 1),
        snapshot(
            pid: 200, ppid: 100, comm: "bash", exe: "-bash", path: "/usr/bin/bash", at: 2, uid: 1000,
            extra: [
                EventParam("sid", .pid(200)), EventParam("vpgid", .pid(200)), EventParam("pgid", .pid(200)),
                EventParam("tty", .uint(34816)), EventParam("loginuid", .int(1000)),
                EventParam("env", .strings(["HOME=/home/alice", "TERM=xterm"])),
                EventParam("cwd", .string("/home/alice")),
            ]),
        event("clone", pid: 300, at: 1_000, [
            EventParam("res", .pid(0)), EventParam("tid", .pid(300)), EventParam("pid", .pid(300)),
            EventParam("ptid", .pid(200)), EventParam("comm", .string("bash")),
            EventParam("flags", .flags(0, .cloneFlags)), EventParam("uid", .uint(1000)), EventParam("gid", .uint(1000)),
        ]),
        event("execve", pid: 300, at: 2_000, [
            EventParam("res", .errno(0)), EventParam("exe", .string("cat")), EventParam("args", .strings(["/etc/shadow"])),
            EventParam("tid", .pid(300)), EventParam("pid", .pid(300)), EventParam("ptid", .pid(200)),
            EventParam("cwd", .string("/home/alice")), EventParam("comm", .string("cat")),
            EventParam("env", .strings(["HOME=/root", "PATH=/usr/bin", "LD_PRELOAD= /tmp/x.so "])),
            EventParam("tty", .uint(34816)), EventParam("sid", .pid(200)), EventParam("vpgid", .pid(200)),
            EventParam("loginuid", .int(1000)), EventParam("flags", .flags(1, .execFlags)),
            EventParam("cap_permitted", .uint(1 << 21 | 1)), EventParam("cap_effective", .uint(1 << 21 | 1)),
            EventParam("cap_inheritable", .uint(0)), EventParam("uid", .uint(0)), EventParam("gid", .uint(0)),
            EventParam("trusted_exepath", .string("/usr/bin/cat")), EventParam("filename", .string("/usr/bin/cat")),
        ]),
    ]

    /// cat opens /etc/shadow for reading: fd 3.
    static let openShadow = event("openat", pid: 300, at: 3_000, number: 42, [
        EventParam("fd", .fd(3)), EventParam("dirfd", .fd(-100)), EventParam("name", .string("/etc/shadow")),
        EventParam("flags", .flags(0o2000000, .openFlags)), EventParam("mode", .mode(0)), EventParam("dev", .uint(2049)),
        EventParam("ino", .uint(1234)),
    ])

    /// cat fails to open a relative path.
    static let openMissing = event("openat", pid: 300, at: 3_500, [
        EventParam("fd", .fd(-2)), EventParam("dirfd", .fd(-100)), EventParam("name", .string("notes/../todo.txt")),
        EventParam("flags", .flags(0o1101, .openFlags)), EventParam("mode", .mode(0o755)),
    ])

    static let socket = event("socket", pid: 300, at: 4_000, [
        EventParam("fd", .fd(4)), EventParam("domain", .flags(2, .socketFamily)), EventParam("type", .uint(1)),
        EventParam("proto", .uint(0)),
    ])

    static let connect = event("connect", pid: 300, at: 5_000, [
        EventParam("res", .errno(-115)),
        EventParam("tuple", .tuple(SocketTuple(
            client: .inet(IPAddress("10.0.0.5")!, port: 40000), server: .inet(IPAddress("93.184.216.34")!, port: 443)))),
        EventParam("fd", .fd(4)), EventParam("addr", .address(.inet(IPAddress("93.184.216.34")!, port: 443))),
    ])

    static let ptrace = event("ptrace", pid: 300, at: 6_000, [
        EventParam("res", .errno(0)), EventParam("request", .flags(16, .ptraceRequest)), EventParam("pid", .pid(100)),
        EventParam("addr", .uint(0)), EventParam("data", .uint(0)),
    ])

    static let setuid = event("setuid", pid: 300, at: 7_000, [EventParam("res", .errno(0)), EventParam("uid", .uint(33))])

    /// A table after `setup`, plus `extra` events.
    static func table(_ extra: [Event] = []) -> ProcessTable {
        var table = ProcessTable()
        for event in setup + extra { table.apply(event) }
        return table
    }

    /// A table that has applied everything up to and including `event` (the open, socket and
    /// connect events in order, as far as needed).
    static func table(through event: Event) -> ProcessTable {
        var extra: [Event] = []
        for candidate in [openShadow, openMissing, socket, connect, ptrace, setuid] {
            extra.append(candidate)
            if candidate == event { break }
        }
        if !extra.contains(event) { extra.append(event) }
        return table(extra)
    }

    /// The value of one field for `event`, after applying the host and the event.
    static func extract(_ field: String, argument: String? = nil, for event: Event) throws -> FieldValue? {
        let table = table(through: event)
        let (definition, parsed) = try FieldRegistry.resolve(field, argument: argument)
        var context = FieldContext(event: event, table: table, environment: environment)
        return definition.extract(&context, parsed)
    }

    /// Whether `condition` (no lists or macros) holds for `event`.
    static func evaluate(_ condition: String, for event: Event) throws -> Bool {
        let table = table(through: event)
        let predicate = try Compiler().compile(condition: condition)
        var context = FieldContext(event: event, table: table, environment: environment)
        return predicate(&context)
    }
}

import Testing

@Suite struct FieldFixtureTests {
    @Test func theFixtureBuildsTheExpectedProcessTree() {
        let table = FieldFixtures.table([FieldFixtures.openShadow])
        let cat = table.process(pid: 300)
        #expect(cat?.comm == "cat")
        #expect(cat?.ppid == 200)
        #expect(table.process(pid: 200)?.ppid == 100)
        #expect(cat?.fds[3]?.name == "/etc/shadow")
    }
}
