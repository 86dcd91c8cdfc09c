import Synchronization

/// What `/healthz` reports: the loop publishes a snapshot once a second and a heartbeat every
/// iteration; the listener judges them, so a stalled loop is seen even though it publishes
/// nothing.
public final class PipelineHealth: Sendable {
    /// What the loop publishes.
    public struct Snapshot: Sendable {
        /// Events read so far.
        public var events: UInt64 = 0
        /// Kernel drops so far.
        public var kernelDrops: UInt64 = 0
        /// Whether drops grew in each of the last few seconds.
        public var dropsSustained = false
        /// Outputs whose last delivery failed, with the error.
        public var failingOutputs: [String] = []

        /// Creates an empty snapshot.
        public init() {}
    }

    private let heartbeat = Atomic<UInt64>(0)
    private let snapshot = Mutex(Snapshot())
    /// How long without a heartbeat counts as stalled, in microseconds.
    public let stallAfterUsec: UInt64

    /// Creates the health state; the pipeline counts as stalled after `stallAfterUsec` without a heartbeat.
    public init(stallAfterUsec: UInt64, nowUsec: UInt64) {
        self.stallAfterUsec = stallAfterUsec
        heartbeat.store(nowUsec, ordering: .relaxed)
    }

    /// The loop went round (call every iteration).
    public func beat(nowUsec: UInt64) { heartbeat.store(nowUsec, ordering: .relaxed) }

    /// The loop's once-a-second report.
    public func publish(_ value: Snapshot) { snapshot.withLock { $0 = value } }

    /// The verdict and its reasons, as the JSON body of `/healthz`.
    public func evaluate(nowUsec: UInt64) -> (healthy: Bool, body: String) {
        let last = heartbeat.load(ordering: .relaxed)
        let current = snapshot.withLock { $0 }
        var reasons: [String] = []
        if nowUsec > last, nowUsec - last > stallAfterUsec {
            reasons.append("pipeline stalled: no progress for \((nowUsec - last) / 1_000_000) s")
        }
        if current.dropsSustained { reasons.append("sustained kernel drops (\(current.kernelDrops) so far)") }
        for output in current.failingOutputs { reasons.append("output failing: \(output)") }
        let healthy = reasons.isEmpty
        var body = "{\"status\":\"\(healthy ? "healthy" : "unhealthy")\",\"reasons\":["
        body += reasons.map { "\"" + escape($0) + "\"" }.joined(separator: ",")
        body += "],\"events\":\(current.events),\"kernel_drops\":\(current.kernelDrops)}"
        return (healthy, body)
    }

    private func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
