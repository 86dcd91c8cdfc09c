public import Prometheus
import Synchronization

/// The agent's Prometheus metrics (swift-prometheus registry), updated by the event loop and read
/// by the `/metrics` listener. Counters are thread-safe; per-rule and per-output series are
/// created on first use.
public final class AgentMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let eventsReceived: Counter
    private let kernelDropped: Gauge
    private let reloadsSucceeded: Counter
    private let reloadsFailed: Counter
    private let rulesLoaded: Gauge
    private let residentMemory: Gauge
    private let evaluationLatency: ValueHistogram
    private let ruleCounters = Mutex<[String: Counter]>([:])
    private let outputGauges = Mutex<[String: (delivered: Gauge, dropped: Gauge, failed: Gauge, depth: Gauge, healthy: Gauge)]>([:])

    /// `saker_NAME_UNIT`, with its help text.
    static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "saker", metricName: name, unitName: unit, helpText: help)
    }

    /// Creates the metrics.
    public init() {
        let d = AgentMetrics.descriptor
        eventsReceived = registry.makeCounter(descriptor: d("events_received", "total", "Events read from the kernel ring buffer."))
        kernelDropped = registry.makeGauge(descriptor: d("events_dropped_kernel", "total", "Events the kernel could not write to the ring buffer (full)."))
        let reloads = d("reloads", "total", "Configuration reloads, by result.")
        reloadsSucceeded = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        reloadsFailed = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
        rulesLoaded = registry.makeGauge(descriptor: d("rules", "loaded", "Rules compiled and enabled."))
        residentMemory = registry.makeGauge(descriptor: d("resident_memory", "bytes", "Resident set size of the agent."))
        evaluationLatency = registry.makeValueHistogram(
            descriptor: d("evaluation", "seconds", "Time to update state and evaluate the rules for one event (mean over each batch)."),
            buckets: [1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 1e-4])
    }

    /// Events read from the ring buffer in one batch, and the time spent on them.
    public func recordBatch(events: Int, seconds: Double) {
        guard events > 0 else { return }
        eventsReceived.increment(by: Int64(events))
        evaluationLatency.record(seconds / Double(events))
    }

    /// A rule matched.
    public func recordMatch(rule: String, priority: String) {
        let counter = ruleCounters.withLock { counters in
            if let existing = counters[rule] { return existing }
            let made = registry.makeCounter(
                descriptor: AgentMetrics.descriptor("rule_matches", "total", "Alerts raised, by rule and priority."),
                labels: [("rule", rule), ("priority", priority)])
            counters[rule] = made
            return made
        }
        counter.increment()
    }

    /// A reload finished.
    public func recordReload(succeeded: Bool) { (succeeded ? reloadsSucceeded : reloadsFailed).increment() }

    /// Sets the gauges read once a second.
    public func update(kernelDrops: UInt64, rules: Int, residentBytes: UInt64) {
        kernelDropped.set(Int64(kernelDrops))
        rulesLoaded.set(Int64(rules))
        residentMemory.set(Int64(residentBytes))
    }

    /// One output's counters.
    public func updateOutput(name: String, delivered: UInt64, dropped: UInt64, failed: UInt64, depth: Int, healthy: Bool) {
        let gauges = outputGauges.withLock { all in
            if let existing = all[name] { return existing }
            func gauge(_ metric: String, _ unit: String, _ help: String) -> Gauge {
                registry.makeGauge(descriptor: AgentMetrics.descriptor(metric, unit, help), labels: [("output", name)])
            }
            let made = (
                delivered: gauge("output_delivered", "total", "Alerts an output delivered."),
                dropped: gauge("output_dropped", "total", "Alerts an output dropped: its queue was full, or (gRPC) a subscriber's buffer or the backlog for get was."),
                failed: gauge("output_failed", "total", "Alerts an output failed to deliver."),
                depth: gauge("output_queue", "depth", "Alerts waiting in an output's queue."),
                healthy: gauge("output", "healthy", "1 when the output's last delivery succeeded."))
            all[name] = made
            return made
        }
        gauges.delivered.set(Int64(delivered))
        gauges.dropped.set(Int64(dropped))
        gauges.failed.set(Int64(failed))
        gauges.depth.set(Int64(depth))
        gauges.healthy.set(Int64(healthy ? 1 : 0))
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
