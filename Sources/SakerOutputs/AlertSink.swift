public import SakerRules

/// A destination for alerts. Each sink runs behind its own ``AlertQueue`` and thread (see
/// ``OutputRouter``), so ``deliver(_:)`` may block for as long as the destination needs without
/// stalling capture or the other sinks.
public protocol AlertSink: Sendable {
    /// Writes a batch of alerts, in order. Called from the sink's thread only.
    /// - Throws: ``SinkError`` when the batch (or part of it) could not be delivered; the router
    ///   counts the whole batch as failed and marks the sink unhealthy until a batch succeeds.
    func deliver(_ batch: [Alert]) throws(SinkError)
    /// Lets go of the current file or connection so the next delivery opens it afresh (logrotate,
    /// on SIGUSR1). Called from any thread. The default does nothing.
    func reopen()
    /// The router is stopping (shutdown, or the old outputs after a reload): what is still queued
    /// gets one delivery attempt, no waiting on retries, so stopping stays bounded. Called from any
    /// thread, before the last deliveries. The default does nothing.
    func beginStop()
    /// Releases what the sink holds, after its last delivery. The default does nothing.
    func close()
    /// Alerts the sink accepted and then lost in buffering of its own, past its queue (a gRPC
    /// subscriber reading too slowly). Counted with the queue's drops. The default is 0.
    var droppedPastQueue: UInt64 { get }
}

extension AlertSink {
    /// Does nothing.
    public func reopen() {}
    /// Does nothing.
    public func beginStop() {}
    /// Does nothing.
    public func close() {}
    /// None.
    public var droppedPastQueue: UInt64 { 0 }
}
