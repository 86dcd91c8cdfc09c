import Foundation
import Glibc
import Testing
import SakerTestSupport

/// `saker run` speaking the sd_notify protocol to a real AF_UNIX datagram socket, as systemd
/// would listen on it: READY after attach, WATCHDOG only while the pipeline makes progress,
/// RELOADING/READY around SIGHUP (keeping the old configuration when the new one is broken),
/// STOPPING on SIGTERM.
@Suite(.serialized) struct SystemdNotifyTests {
    /// A datagram socket bound like systemd's notify socket (abstract `@name` or a path).
    final class NotifyListener {
        let fd: Int32
        let address: String
        private(set) var messages: [(time: Double, text: String)] = []
        private let start = Date()

        init(abstract: Bool) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            let name = "saker-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array((abstract ? "\0" + name : NSTemporaryDirectory() + name).utf8)
            address = abstract ? "@" + name : String(decoding: bytes, as: UTF8.self)
            bytes = Array(bytes.prefix(107))
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
            }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
            let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0 else { throw LiveTestError("cannot bind the notify socket: \(String(cString: strerror(errno)))") }
        }

        deinit {
            close(fd)
            if !address.hasPrefix("@") { unlink(address) }
        }

        /// Collects datagrams for `seconds`.
        func collect(for seconds: Double) {
            let end = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < end {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let remaining = Int32(max(1, end.timeIntervalSinceNow * 1000))
                guard poll(&poller, 1, remaining) > 0 else { continue }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { messages.append((Date().timeIntervalSince(start), String(decoding: buffer[0..<n], as: UTF8.self))) }
            }
        }

        func first(_ prefix: String) -> Int? { messages.firstIndex { $0.text.hasPrefix(prefix) } }
        func count(_ text: String, after time: Double = 0) -> Int { messages.filter { $0.text == text && $0.time > time }.count }
    }

    /// A started agent: the child, and the files its standard error and output go to.
    struct Started {
        var child: Child
        var err: String
        var out: String
    }

    static func startAgent(notify: NotifyListener, extra: [String: String] = [:], arguments: [String] = []) throws -> Started {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let err = dir.appendingPathComponent("agent.err").path
        var environment = ["NOTIFY_SOCKET": notify.address, "WATCHDOG_USEC": "1000000"]
        for (k, v) in extra { environment[k] = v }
        let out = dir.appendingPathComponent("agent.out").path
        let agent = try Child(binary, ["run", "--config-dir", dir.path] + arguments, stdout: out, stderr: err, environment: environment)
        return Started(child: agent, err: err, out: out)
    }

    @Test func readyWatchdogReloadAndStoppingOnAnAbstractSocket() throws {
        let notify = try NotifyListener(abstract: true)
        let started = try Self.startAgent(notify: notify)
        let agent = started.child, err = started.err
        notify.collect(for: 3)
        agent.signal(SIGHUP)
        notify.collect(for: 1.5)
        agent.signal(SIGTERM)
        notify.collect(for: 1)
        #expect(agent.wait(timeout: 20) == 0, "\((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")

        let attaching = try #require(notify.first("STATUS=Starting: attaching the probe"), "\(notify.messages)")
        let ready = try #require(notify.first("READY=1"), "\(notify.messages)")
        #expect(ready > attaching, "READY before the probe was attached")
        let stderr = try String(contentsOfFile: err, encoding: .utf8)
        #expect(stderr.contains("probe attached"))
        // Half of WATCHDOG_USEC (1 s): about six pings in three seconds.
        #expect(notify.count("WATCHDOG=1") >= 4, "\(notify.messages)")
        let reloading = try #require(notify.first("RELOADING=1\nMONOTONIC_USEC="), "\(notify.messages)")
        #expect(notify.messages[(reloading + 1)...].contains { $0.text.hasPrefix("READY=1") })
        #expect(notify.messages.contains { $0.text.contains("STATUS=Ready: ") && $0.text.contains(" rules") })
        #expect(notify.messages.last { $0.text.hasPrefix("STOPPING=1") } != nil)
    }

    @Test func aStalledPipelineStopsTheWatchdogPings() throws {
        let notify = try NotifyListener(abstract: false)
        let agent = try Self.startAgent(notify: notify, extra: ["SAKER_TEST_FAULT": "stall-reader:after=1.5"]).child
        notify.collect(for: 4.5)
        agent.signal(SIGTERM)
        notify.collect(for: 0.5)
        agent.wait(timeout: 20)
        #expect(notify.first("READY=1") != nil, "\(notify.messages)")
        #expect(notify.count("WATCHDOG=1") >= 2, "pings before the stall: \(notify.messages)")
        // The stall starts 1.5 s after start; allow one ping decided just before it.
        #expect(notify.count("WATCHDOG=1", after: 2.6) == 0, "pings during the stall: \(notify.messages)")
    }

    @Test func aBrokenReloadKeepsTheRunningConfigurationAndSaysWhy() throws {
        let dir = try LiveHarness.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules.yaml").path
        try """
            - rule: Shadow
              desc: d
              condition: evt.type in (open, openat) and fd.name = /etc/shadow
              output: "shadow read by %proc.name"
              priority: WARNING
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("saker.yaml").path
        try "rules_files: [\(rules)]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let notify = try NotifyListener(abstract: true)
        let started = try Self.startAgent(notify: notify, arguments: ["--config", config])
        let agent = started.child, err = started.err
        notify.collect(for: 2)
        try "rules_files: [\(rules)]\npriority: loud\n".write(toFile: config, atomically: true, encoding: .utf8)
        agent.signal(SIGHUP)
        notify.collect(for: 1.5)
        // The old rules still run: a read of /etc/shadow is alerted.
        _ = try LiveHarness.run("/bin/cat", ["/etc/shadow"])
        notify.collect(for: 1)
        agent.signal(SIGTERM)
        let status = agent.wait(timeout: 20)
        let stderr = try String(contentsOfFile: err, encoding: .utf8)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("reload failed, still running the previous configuration"), "\(stderr)")
        #expect(stderr.contains("\(config):2:11"), "\(stderr)")
        let alerts = try String(contentsOfFile: started.out, encoding: .utf8)
        #expect(alerts.contains("Warning shadow read by cat"), "the old rules stopped: \(alerts)")
        #expect(alerts.contains("Saker internal: configuration reload failed"), "\(alerts)")
        #expect(notify.messages.contains { $0.text.contains("STATUS=Reload failed: ") && $0.text.contains("saker.yaml:2:11") }, "\(notify.messages)")
        let reloading = try #require(notify.first("RELOADING=1"))
        #expect(notify.messages[(reloading + 1)...].contains { $0.text.hasPrefix("READY=1") })
    }
}
