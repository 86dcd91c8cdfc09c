import ArgumentParser
import SakerMetrics

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the running agent is doing: health, events, drops, rules, outputs.",
        discussion: "Reads the agent's /healthz and /metrics (enable them with `metrics.enabled: true`).")

    @Option(name: .long, help: "The agent's metrics listener (metrics.listen).")
    var address: String = "127.0.0.1:8765"

    func run() throws {
        let health: (status: Int, body: String)
        let metrics: (status: Int, body: String)
        do {
            health = try MetricsClient.get(address, path: "/healthz")
            metrics = try MetricsClient.get(address, path: "/metrics")
        } catch {
            throw CommandFailure(error.message)
        }
        let samples = MetricsClient.samples(metrics.body)
        func value(_ series: String) -> Double { samples.first { $0.series == series }?.value ?? 0 }
        func values(_ prefix: String) -> [(String, Double)] { samples.filter { $0.series.hasPrefix(prefix) }.map { ($0.series, $0.value) } }
        print("health:        \(health.status == 200 ? "healthy" : "UNHEALTHY") \(health.body.trimmingSpaces)")
        print("rules loaded:  \(Int(value("saker_rules_loaded")))")
        print("events:        \(Int(value("saker_events_received_total"))) received, \(Int(value("saker_events_dropped_kernel_total"))) dropped in the kernel")
        print("reloads:       \(Int(value("saker_reloads_total{result=\"success\"}"))) succeeded, \(Int(value("saker_reloads_total{result=\"failure\"}"))) failed")
        print("memory:        \(Int(value("saker_resident_memory_bytes")) / 1_048_576) MiB resident")
        for (series, delivered) in values("saker_output_delivered_total{") {
            let labels = series.dropFirst("saker_output_delivered_total".count)
            let healthy = value("saker_output_healthy" + labels) == 1
            print("output \(labels): \(Int(delivered)) delivered, \(Int(value("saker_output_dropped_total" + labels))) dropped, \(Int(value("saker_output_failed_total" + labels))) failed, \(healthy ? "healthy" : "FAILING")")
        }
        let matches = values("saker_rule_matches_total{").sorted { $0.1 > $1.1 }
        if !matches.isEmpty { print("top rules:") }
        for (series, count) in matches.prefix(10) {
            print("  \(Int(count))  \(series.dropFirst("saker_rule_matches_total".count))")
        }
        if health.status != 200 { throw ExitCode(1) }
    }
}

extension String {
    /// Without leading and trailing white space and newlines.
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\n" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\n" { text.removeLast() }
        return String(text)
    }
}
