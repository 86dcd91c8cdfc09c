import Foundation
import Glibc
import Testing
import SakerTestSupport

/// `saker run` writing alerts to a file, reopened on SIGUSR1 the way logrotate expects.
@Suite(.serialized) struct FileOutputTests {
    @Test func alertsGoToTheFileWhichIsReopenedOnSIGUSR1() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let marker = dir.appendingPathComponent("marker").path
        _ = FileManager.default.createFile(atPath: marker, contents: Data("x".utf8))
        let rules = dir.appendingPathComponent("rules.yaml").path
        try """
            - rule: Marker read
              desc: the test marker was opened
              condition: evt.type in (open, openat) and fd.name = \(marker)
              output: "marker read by %proc.name"
              priority: NOTICE
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let log = dir.appendingPathComponent("alerts.log").path
        let err = dir.appendingPathComponent("agent.err").path
        let agent = try Child(binary, [
            "run", "--rules", rules, "--config-dir", dir.appendingPathComponent("none").path,
            "-o", "outputs.stdout.enabled=false", "-o", "outputs.file.enabled=true", "-o", "outputs.file.path=\(log)",
            "-o", "outputs.file.keep_alive=true",
        ], stderr: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("attached") { usleep(50_000) }
        _ = try LiveHarness.run("/bin/cat", [marker])
        usleep(500_000)
        // logrotate: move the file away, then SIGUSR1.
        let rotated = log + ".1"
        #expect(rename(log, rotated) == 0)
        agent.signal(SIGUSR1)
        usleep(300_000)
        _ = try LiveHarness.run("/usr/bin/head", ["-c", "1", marker])
        usleep(500_000)
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: 30) == 0, "\((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        let first = try String(contentsOfFile: rotated, encoding: .utf8)
        let second = try String(contentsOfFile: log, encoding: .utf8)
        #expect(first.contains("Notice marker read by cat"), "\(first)")
        #expect(!first.contains("by head"))
        #expect(second.contains("Notice marker read by head"), "\(second)")
    }

    @Test func aReloadMovesAlertsToTheNewlyConfiguredFile() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let marker = dir.appendingPathComponent("marker").path
        _ = FileManager.default.createFile(atPath: marker, contents: Data("x".utf8))
        let rules = dir.appendingPathComponent("rules.yaml").path
        try """
            - rule: Marker read
              desc: the test marker was opened
              condition: evt.type in (open, openat) and fd.name = \(marker)
              output: "marker read by %proc.name"
              priority: NOTICE
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let first = dir.appendingPathComponent("first.log").path, second = dir.appendingPathComponent("second.log").path
        func config(_ path: String) -> String {
            "rules_files: [\(rules)]\noutputs:\n  stdout:\n    enabled: false\n  file:\n    enabled: true\n    path: \(path)\n"
        }
        let configPath = dir.appendingPathComponent("saker.yaml").path
        try config(first).write(toFile: configPath, atomically: true, encoding: .utf8)
        let err = dir.appendingPathComponent("agent.err").path
        let agent = try Child(binary, ["run", "--config", configPath, "--config-dir", dir.appendingPathComponent("none").path], stderr: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("attached") { usleep(50_000) }
        _ = try LiveHarness.run("/bin/cat", [marker])
        usleep(400_000)
        try config(second).write(toFile: configPath, atomically: true, encoding: .utf8)
        agent.signal(SIGHUP)
        usleep(500_000)
        _ = try LiveHarness.run("/usr/bin/head", ["-c", "1", marker])
        usleep(500_000)
        agent.signal(SIGTERM)
        #expect(agent.wait(timeout: 30) == 0)
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(log.contains("reloaded"), "\(log)")
        #expect(try String(contentsOfFile: first, encoding: .utf8).contains("marker read by cat"))
        #expect(try String(contentsOfFile: second, encoding: .utf8).contains("marker read by head"))
    }
}
