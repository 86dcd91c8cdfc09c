import Foundation
import Glibc
import Testing
import SakerTestSupport

/// A ring buffer too small for a burst: the kernel drops records, and the agent says so with the
/// internal alert and a log line.
@Suite(.serialized) struct KernelDropsTests {
    @Test func dropsRaiseTheInternalAlert() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let out = dir.appendingPathComponent("alerts.txt").path, err = dir.appendingPathComponent("agent.err").path
        // 1 MiB of ring, and a wake-up level the burst never reaches: the reader drains every 10 ms.
        let agent = try Child(binary, [
            "run", "--config-dir", dir.path, "-o", "buffer.ring_buffer_mib=1", "-o", "buffer.wakeup_kib=65536", "--json",
        ], stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("attached") { usleep(50_000) }
        let burst = try Child("/usr/bin/python3", ["-c", "import os\nfor i in range(300000): os.close(os.open('/etc/hostname', 0))"])
        #expect(burst.wait() == 0)
        usleep(1_500_000)
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: 30) == 0)
        let log = try String(contentsOfFile: err, encoding: .utf8)
        let alerts = try String(contentsOfFile: out, encoding: .utf8)
        #expect(log.contains("dropped in the kernel") && !log.contains(", 0 dropped in the kernel"), "\(log)")
        #expect(log.contains("saker: warning: the kernel dropped"), "\(log)")
        #expect(alerts.contains(#""rule":"Saker internal: syscall event drops""#), "\(alerts.prefix(500))")
        // Rate-limited: one alert for one burst.
        #expect(alerts.components(separatedBy: "Saker internal: syscall event drops").count - 1 <= 2)
    }
}
