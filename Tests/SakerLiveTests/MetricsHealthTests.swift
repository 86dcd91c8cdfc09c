import Foundation
import Glibc
import Testing
import SakerMetrics
import SakerTestSupport

/// `/metrics` (Prometheus text) and `/healthz` (the pipeline's health) on the agent's loopback
/// listener, and `saker status` reading them.
@Suite(.serialized) struct MetricsHealthTests {
    static func port() -> Int { 20_000 + Int(getpid() % 10_000) + Int.random(in: 0..<5_000) }

    static func start(port: Int, environment: [String: String] = [:], extra: [String] = []) throws -> (Child, String) {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let err = dir.appendingPathComponent("agent.err").path
        let agent = try Child(binary, [
            "run", "--config-dir", dir.path, "-o", "metrics.enabled=true", "-o", "metrics.listen=127.0.0.1:\(port)",
        ] + extra, stderr: err, environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("metrics and health on") { usleep(50_000) }
        return (agent, err)
    }

    @Test func metricsAreValidPrometheusTextAndMoveWithTheWorkload() throws {
        let port = Self.port()
        let (agent, _) = try Self.start(port: port)
        defer { agent.signal(SIGTERM); agent.wait(timeout: 20) }
        usleep(1_200_000)
        let first = try MetricsClient.get("127.0.0.1:\(port)", path: "/metrics")
        #expect(first.status == 200)
        let sample = try Regex(#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+$"#)
        for line in first.body.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "not Prometheus text: \(line)")
        }
        #expect(first.body.contains("# TYPE saker_events_received_total counter"))
        func value(_ body: String, _ series: String) -> Double {
            MetricsClient.samples(body).first { $0.series == series }?.value ?? 0
        }
        let eventsBefore = value(first.body, "saker_events_received_total")
        for _ in 0..<5 { _ = try LiveHarness.run("/bin/cat", ["/etc/shadow"]) }
        usleep(1_500_000)
        let second = try MetricsClient.get("127.0.0.1:\(port)", path: "/metrics")
        #expect(value(second.body, "saker_events_received_total") > eventsBefore)
        let matches = MetricsClient.samples(second.body).filter { $0.series.hasPrefix("saker_rule_matches_total{") }.reduce(0) { $0 + $1.value }
        #expect(matches >= 5, "\(second.body)")
        #expect(value(second.body, "saker_rules_loaded") > 0)
        #expect(value(second.body, "saker_resident_memory_bytes") > 1_000_000)
        let health = try MetricsClient.get("127.0.0.1:\(port)", path: "/healthz")
        #expect(health.status == 200 && health.body.contains(#""status":"healthy""#), "\(health)")
        let status = try LiveHarness.run(try LiveHarness.sakerBinary(), ["status", "--address", "127.0.0.1:\(port)"])
        #expect(status.status == 0, "\(status.error)")
        #expect(status.output.contains("health:        healthy"))
        #expect(status.output.contains("rules loaded:"))
    }

    @Test func healthTurnsUnhealthyWhileThePipelineIsStalledAndRecovers() throws {
        let port = Self.port()
        let (agent, _) = try Self.start(
            port: port, environment: ["SAKER_TEST_FAULT": "stall-reader:after=2", "SAKER_TEST_FAULT_FOR": "3"],
            extra: ["-o", "watchdog.stall_timeout=1s"])
        defer { agent.signal(SIGTERM); agent.wait(timeout: 20) }
        usleep(1_000_000)
        let before = try MetricsClient.get("127.0.0.1:\(port)", path: "/healthz")
        #expect(before.status == 200, "\(before)")
        usleep(2_800_000)  // 3.8 s after start: stalled for 1.8 s
        let during = try MetricsClient.get("127.0.0.1:\(port)", path: "/healthz")
        #expect(during.status == 503, "\(during)")
        #expect(during.body.contains("pipeline stalled"), "\(during)")
        usleep(2_700_000)  // 6.5 s: the stall ended at 5 s
        let after = try MetricsClient.get("127.0.0.1:\(port)", path: "/healthz")
        #expect(after.status == 200, "\(after)")
    }
}
