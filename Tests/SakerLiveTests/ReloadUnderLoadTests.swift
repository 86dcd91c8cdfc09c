import Foundation
import Glibc
import Testing
import SakerTestSupport

/// Reloading while events that match keep coming: good and broken configurations alternate, and
/// every event is alerted exactly once (nothing lost across a swap, nothing doubled, and a broken
/// reload leaves the old rules running).
@Suite(.serialized) struct ReloadUnderLoadTests {
    @Test func everyEventIsAlertedExactlyOnceAcrossRepeatedReloads() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let markers = dir.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        let count = 300
        for i in 1...count { _ = FileManager.default.createFile(atPath: markers.appendingPathComponent("marker-\(i)").path, contents: Data("x".utf8)) }
        let rules = dir.appendingPathComponent("rules.yaml").path
        try """
            - rule: Marker opened
              desc: a test marker file was opened
              condition: evt.type in (open, openat) and fd.name startswith \(markers.path)/marker-
              output: "marker %fd.name opened by %proc.name"
              priority: WARNING
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("saker.yaml").path
        let good = "rules_files: [\(rules)]\npriority: debug\n"
        let broken = "rules_files: [\(rules)]\npriority: loud\n"
        try good.write(toFile: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("alerts.txt").path, err = dir.appendingPathComponent("agent.err").path
        let agent = try Child(binary, ["run", "--config", config, "--config-dir", dir.appendingPathComponent("none").path], stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("attached") { usleep(50_000) }

        let workload = try Child("/bin/bash", ["--norc", "-c", "for i in $(seq \(count)); do cat \(markers.path)/marker-$i > /dev/null; sleep 0.005; done"])
        var reloads = 0
        while waitpid(workload.pid, nil, WNOHANG) == 0 {
            try (reloads % 2 == 0 ? broken : good).write(toFile: config, atomically: true, encoding: .utf8)
            agent.signal(SIGHUP)
            reloads += 1
            usleep(120_000)
        }
        usleep(500_000)
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: 30) == 0)
        let log = try String(contentsOfFile: err, encoding: .utf8)
        let alerts = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        var seen: [String: Int] = [:]
        for line in alerts where line.contains("Warning marker ") {
            if let name = line.split(separator: " ").first(where: { $0.contains("/marker-") }) { seen[String(name), default: 0] += 1 }
        }
        #expect(reloads >= 6, "only \(reloads) reloads happened")
        #expect(log.components(separatedBy: "reload failed, still running the previous configuration").count - 1 == (reloads + 1) / 2, "\(log)")
        #expect(seen.count == count, "alerted \(seen.count) of \(count) markers")
        #expect(seen.values.allSatisfy { $0 == 1 }, "duplicates: \(seen.filter { $0.value != 1 })")
    }
}
