/// One sink's counters, as the router saw them at one moment.
public struct OutputCounters: Sendable, Equatable {
    /// The sink's name (`stdout`, `file`, …).
    public var name: String
    /// Alerts the sink delivered.
    public var delivered: UInt64
    /// Alerts dropped because its queue was full, plus those the sink lost past it
    /// (``AlertSink/droppedPastQueue``: a slow gRPC subscriber).
    public var dropped: UInt64
    /// Alerts in batches the sink failed to deliver.
    public var failed: UInt64
    /// Alerts waiting in its queue.
    public var queueDepth: Int
    /// False from a failed batch until the next one succeeds.
    public var healthy: Bool
    /// The last delivery error, kept after the sink recovers.
    public var lastError: String?

    /// Creates counters.
    public init(
        name: String, delivered: UInt64 = 0, dropped: UInt64 = 0, failed: UInt64 = 0, queueDepth: Int = 0,
        healthy: Bool = true, lastError: String? = nil
    ) {
        self.name = name
        self.delivered = delivered
        self.dropped = dropped
        self.failed = failed
        self.queueDepth = queueDepth
        self.healthy = healthy
        self.lastError = lastError
    }
}
