import Glibc
import SakerEvent
import SakerRules
import SakerState
import Testing

/// The engine's throughput on a synthetic stream through all three upstream files: state update,
/// rule evaluation and output formatting of matches, on events already in memory. A measurement,
/// not a check: it runs only with `SAKER_BENCH_ENGINE=1`, and means something only in a release
/// build (`SAKER_BENCH_ENGINE=1 swift test -c release --filter EngineThroughput`).
@Suite(.enabled(if: getenv("SAKER_BENCH_ENGINE") != nil)) struct EngineThroughputTests {
    /// One round of a busy host: a process opens a file, reads and writes it, closes it; every
    /// tenth round it connects somewhere, every fiftieth it runs a command.
    static func stream(rounds: Int) -> (setup: [Event], events: [Event]) {
        let base = FieldFixtures.base
        func event(_ type: EventType, _ pid: Int64, _ time: UInt64, _ params: [EventParam]) -> Event {
            Event(timestamp: base + time, type: type, tid: pid, pid: pid, params: params)
        }
        let programs: [(Int64, String, String)] = [
            (300, "nginx", "/usr/sbin/nginx"), (400, "python3", "/usr/bin/python3"),
            (500, "postgres", "/usr/lib/postgresql/15/bin/postgres"), (600, "bash", "/usr/bin/bash"),
        ]
        var setup = [FieldFixtures.snapshot(pid: 1, ppid: 0, comm: "systemd", exe: "/sbin/init", path: "/usr/lib/systemd/systemd", at: 0)]
        for (pid, comm, path) in programs {
            setup.append(FieldFixtures.snapshot(pid: pid, ppid: 1, comm: comm, exe: path, path: path, at: 1))
        }
        let files = [
            "/etc/ld.so.cache", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/var/log/nginx/access.log", "/tmp/x",
            "/etc/passwd", "/proc/self/stat", "/usr/share/zoneinfo/UTC", "/home/alice/.bashrc", "/etc/hosts",
            "/dev/null", "/etc/shadow", "/var/lib/postgresql/15/main/base/1/1259", "/etc/sudoers",
        ]
        var events: [Event] = []
        var time: UInt64 = 1_000
        func next() -> UInt64 {
            time += 100
            return time
        }
        for round in 0..<rounds {
            let pid = programs[round % programs.count].0
            let flags: UInt64 = round % 5 == 0 ? 0o1101 : 0o2000000
            events.append(event(.openat, pid, next(), [
                EventParam("fd", .fd(5)), EventParam("dirfd", .fd(-100)), EventParam("name", .string(files[round % files.count])),
                EventParam("flags", .flags(flags, .openFlags)), EventParam("mode", .mode(0o644)),
            ]))
            for _ in 0..<3 {
                events.append(event(.read, pid, next(), [EventParam("res", .errno(100)), EventParam("fd", .fd(5)), EventParam("size", .uint(100))]))
            }
            events.append(event(.write, pid, next(), [EventParam("res", .errno(100)), EventParam("fd", .fd(5)), EventParam("size", .uint(100))]))
            events.append(event(.close, pid, next(), [EventParam("res", .errno(0)), EventParam("fd", .fd(5))]))
            if round % 10 == 0 {
                events.append(event(.socket, pid, next(), [
                    EventParam("fd", .fd(6)), EventParam("domain", .flags(2, .socketFamily)), EventParam("type", .uint(1)),
                    EventParam("proto", .uint(0)),
                ]))
                let server = SocketAddress.inet(IPAddress("10.0.0.9")!, port: 5432)
                events.append(event(.connect, pid, next(), [
                    EventParam("res", .errno(0)),
                    EventParam("tuple", .tuple(SocketTuple(client: .inet(IPAddress("10.0.0.5")!, port: 40000), server: server))),
                    EventParam("fd", .fd(6)), EventParam("addr", .address(server)),
                ]))
                events.append(event(.close, pid, next(), [EventParam("res", .errno(0)), EventParam("fd", .fd(6))]))
            }
            if round % 50 == 0 {
                let child = Int64(10_000 + round)
                events.append(event(.clone, child, next(), [
                    EventParam("res", .pid(0)), EventParam("tid", .pid(child)), EventParam("pid", .pid(child)),
                    EventParam("ptid", .pid(600)), EventParam("comm", .string("bash")), EventParam("flags", .flags(0, .cloneFlags)),
                ]))
                events.append(event(.execve, child, next(), [
                    EventParam("res", .errno(0)), EventParam("exe", .string("ls")), EventParam("args", .strings(["-la", "/tmp"])),
                    EventParam("tid", .pid(child)), EventParam("pid", .pid(child)), EventParam("ptid", .pid(600)),
                    EventParam("comm", .string("ls")), EventParam("trusted_exepath", .string("/usr/bin/ls")),
                ]))
                events.append(event(.procexit, child, next(), [EventParam("status", .int(0))]))
            }
        }
        for index in events.indices { events[index].number = UInt64(index + 1) }
        return (setup, events)
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    @Test func eventsPerSecondThroughAllThreeUpstreamFiles() {
        let files = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"]
        let started = Self.now()
        let loaded = RuleLoader.load(paths: files.map { engineUpstreamPath($0) })
        let engine = RuleEngine(rules: loaded, environment: FieldFixtures.environment)
        let compiled = Self.now() - started
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(!engine.hasErrors)
        #expect(engine.rules.count == 81)
        let (setup, events) = Self.stream(rounds: 200_000)
        var table = ProcessTable()
        for event in setup { table.apply(event) }
        var alerts = 0
        var bytes = 0
        let start = Self.now()
        for event in events {
            let process = table.apply(event)
            for alert in engine.process(event, process: process, state: table) {
                alerts += 1
                bytes += alert.json.utf8.count
            }
        }
        let elapsed = Self.now() - start
        print("""
            engine: \(engine.rules.count) rules compiled in \(Int(compiled * 1000)) ms; \
            \(events.count) events in \(Int(elapsed * 1000)) ms = \(Int(Double(events.count) / elapsed)) events/s; \
            \(alerts) alerts (\(bytes) bytes of JSON)
            """)
    }
}
