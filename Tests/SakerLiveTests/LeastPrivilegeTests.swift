import Foundation
import Glibc
import Testing
import SakerEvent
import SakerTestSupport

/// The agent without root: an unprivileged uid holding only the capabilities docs/security.md
/// lists still attaches the probe and captures.
@Suite(.serialized) struct LeastPrivilegeTests {
    @Test func capturesAsNobodyWithOnlyTheListedCapabilities() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        chmod(dir.path, 0o777)
        let output = dir.appendingPathComponent("capture.jsonl").path
        let errorLog = dir.appendingPathComponent("capture.err").path
        // CAP_SYS_RESOURCE is left out: root on these machines does not hold it either, and the
        // agent only needs it to raise RLIMIT_MEMLOCK on old kernels.
        let caps = "+bpf,+perfmon,+sys_ptrace,+dac_read_search"
        let agent = try Child("/usr/bin/setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,\(caps)", "--ambient-caps=\(caps)",
            binary, "capture", "--output", output,
        ], stderr: errorLog)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "").contains("attached") {
            usleep(50_000)
        }
        _ = try LiveHarness.run("/bin/cat", ["/etc/hostname"])
        usleep(300_000)
        agent.signal(SIGINT)
        let status = agent.wait(timeout: 30)
        let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        let events = try LiveHarness.readCapture(output)
        #expect(events.contains { ($0.type.name == "openat" || $0.type.name == "open") && $0.param("name") == .string("/etc/hostname") }, "\(events.count) events")
        var info = stat()
        stat(output, &info)
        #expect(info.st_uid == 65534, "the agent ran as nobody")
    }
}
