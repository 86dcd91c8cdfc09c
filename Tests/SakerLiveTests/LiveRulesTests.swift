import Foundation
import Glibc
import Testing
import SakerJSON
import SakerTestSupport

/// `saker run` with the upstream stable rules, against a workload that does what those rules
/// look for, on the real kernel.
@Suite(.serialized) struct LiveRulesTests {
    /// ../shared/falco-rules/falco_rules.yaml, beside the repository.
    static func stableRules() throws -> String {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repo.deletingLastPathComponent().appendingPathComponent("shared/falco-rules/falco_rules.yaml").path
        #expect(FileManager.default.fileExists(atPath: path), "missing conformance data: \(path)")
        return path
    }

    /// Starts `saker run ARGS --json`, waits until it is attached, runs `script` in bash, stops
    /// the agent and returns its JSON alerts.
    static func alerts(runArguments: [String], script: String) throws -> [JSONValue] {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let out = dir.appendingPathComponent("alerts.jsonl").path, err = dir.appendingPathComponent("agent.err").path
        let agent = try Child(binary, ["run", "--json"] + runArguments, stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: err, encoding: .utf8), text.contains("attached") { break }
            usleep(50_000)
        }
        let started = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        guard started.contains("attached") else {
            agent.signal(SIGKILL)
            throw LiveTestError("saker run did not attach: \(started)")
        }
        let workload = try Child("/bin/bash", ["--norc", "-c", script.replacingOccurrences(of: "$DIR", with: dir.path)])
        #expect(workload.wait() == 0, "the workload failed")
        usleep(500_000)
        agent.signal(SIGTERM)
        let status = agent.wait(timeout: 30)
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(status == 0, "saker run exited with \(status): \(log)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func field(_ alert: JSONValue, _ name: String) -> JSONValue? { alert["output_fields"]?[name] }

    @Test func upstreamStableRulesFireOnTheWorkloadAndNeverOnTheAgent() throws {
        let rules = try Self.stableRules()
        let shm = "/dev/shm/saker-live-\(getpid())"
        let script = """
            set -e
            cp /bin/cat $DIR/shadowpeek
            $DIR/shadowpeek /etc/shadow > /dev/null
            cp /bin/bash $DIR/nginx
            $DIR/nginx --norc -c 'sh -c true; true'
            ln -s /etc/shadow $DIR/shadow-link
            cp /bin/true \(shm)
            \(shm)
            rm -f \(shm)
            """
        let alerts = try Self.alerts(runArguments: ["--rules", rules], script: script)
        let byRule = Dictionary(grouping: alerts) { $0["rule"]?.stringValue ?? "" }

        let read = try #require(byRule["Read sensitive file untrusted"]?.first { Self.field($0, "proc.name") == .string("shadowpeek") }, "\(byRule.keys)")
        #expect(Self.field(read, "fd.name") == .string("/etc/shadow"))
        #expect(Self.field(read, "proc.exepath")?.stringValue?.hasSuffix("/shadowpeek") == true)
        #expect(Self.field(read, "evt.type") == .string("openat"))
        #expect(Self.field(read, "user.name") == .string("root"))
        #expect(Self.field(read, "user.uid") == .uint(0) || Self.field(read, "user.uid") == .int(0))
        #expect(read["priority"] == .string("Warning"))
        #expect(read["source"] == .string("syscall"))

        let shell = try #require(byRule["Run shell untrusted"]?.first, "\(byRule.keys)")
        #expect(Self.field(shell, "proc.name") == .string("sh"))
        #expect(Self.field(shell, "proc.pname") == .string("nginx"))
        #expect(Self.field(shell, "proc.cmdline") == .string("sh -c true"))
        #expect(shell["priority"] == .string("Notice"))

        let link = try #require(byRule["Create Symlink Over Sensitive Files"]?.first, "\(byRule.keys)")
        #expect(Self.field(link, "evt.arg.target") == .string("/etc/shadow"))
        #expect(Self.field(link, "evt.arg.linkpath")?.stringValue?.hasSuffix("/shadow-link") == true)
        #expect(Self.field(link, "proc.name") == .string("ln"))

        let devshm = try #require(byRule["Execution from /dev/shm"]?.first, "\(byRule.keys)")
        #expect(Self.field(devshm, "proc.exepath") == .string(shm))
        #expect(Self.field(devshm, "proc.cwd")?.stringValue != nil)

        // The agent says nothing about itself.
        for alert in alerts {
            #expect(Self.field(alert, "proc.name") != .string("saker"), "alert about the agent: \(JSONWriter.string(alert))")
            let output = alert["output"]?.stringValue ?? ""
            let mentionsAgent = output.contains("command=saker ") || output.contains("process=saker ")
            #expect(!mentionsAgent, "alert about the agent: \(output)")
        }
    }
}
