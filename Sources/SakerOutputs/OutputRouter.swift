public import SakerRules
import Synchronization

/// Fans each alert out to every sink, each behind its own bounded ``AlertQueue`` and thread, after
/// the per-rule rate limit. ``route(_:)`` is what the hot loop calls: it never waits for a sink.
public final class OutputRouter: Sendable {
    /// A sink and the name its counters are reported under.
    public struct Output: Sendable {
        /// `stdout`, `file`, `syslog`, `journald`, `program`…
        public var name: String
        /// The sink.
        public var sink: any AlertSink

        /// Creates an output.
        public init(name: String, sink: any AlertSink) {
            self.name = name
            self.sink = sink
        }
    }

    private let workers: [SinkWorker]
    private let limiter: Mutex<RuleRateLimiter>
    private let limited: Bool
    private let stopped = Mutex(false)

    /// Starts one queue (of `queueCapacity` alerts) and one thread per output.
    /// - Throws: ``SinkError`` when a queue or thread cannot be created; the ones already started
    ///   are stopped again.
    public init(outputs: [Output], queueCapacity: Int, rateLimit: RuleRateLimiter = .unlimited) throws(SinkError) {
        var workers: [SinkWorker] = []
        do {
            for output in outputs {
                let worker = try SinkWorker(name: output.name, sink: output.sink, capacity: queueCapacity)
                try worker.start()
                workers.append(worker)
            }
        } catch {
            for worker in workers { worker.stop(discardingPending: true) }
            throw error
        }
        self.workers = workers
        limiter = Mutex(rateLimit)
        limited = !rateLimit.isUnlimited
    }

    /// Queues `alert` for every sink, unless its rule is over its rate limit. A full queue drops
    /// the alert for that sink only (and counts it). Never blocks on a sink.
    /// - Returns: false when the rate limit suppressed the alert.
    @discardableResult
    public func route(_ alert: Alert) -> Bool {
        if limited {
            let now = Posix.monotonicNanoseconds()
            guard limiter.withLock({ $0.admit(rule: alert.rule, nowNanoseconds: now) }) else { return false }
        }
        for worker in workers { worker.queue.offer(alert) }
        return true
    }

    /// Each sink's counters, in the order the outputs were given.
    public var counters: [OutputCounters] { workers.map(\.counters) }

    /// Alerts suppressed by the rate limit so far, by rule.
    public var suppressedByRule: [String: UInt64] { limiter.withLock { $0.suppressedByRule } }

    /// Asks every sink to reopen its file or connection (SIGUSR1, after logrotate). Safe from any
    /// thread, but it takes locks: call it from the loop that saw the signal's flag, not from the
    /// signal handler.
    public func reopen() {
        for worker in workers { worker.sink.reopen() }
    }

    /// Stops accepting alerts and waits for every sink's thread: by default each delivers what is
    /// queued first; with `discardingPending` the queued alerts are dropped (and counted). Later
    /// calls do nothing.
    public func shutdown(discardingPending: Bool = false) {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        for worker in workers { worker.sink.beginStop() }
        for worker in workers { worker.queue.close(discardingPending: discardingPending) }
        for worker in workers { worker.stop(discardingPending: discardingPending) }
    }

    deinit { shutdown(discardingPending: true) }
}
