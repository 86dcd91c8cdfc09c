import SakerRules
import Synchronization

/// One sink behind its queue, drained by its own thread.
final class SinkWorker: Sendable {
    private struct Statistics {
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
        var healthy = true
        var lastError: String?
    }

    /// Alerts handed to the sink at once, at most.
    static let batchSize = 256

    let name: String
    let sink: any AlertSink
    let queue: AlertQueue
    private let statistics = Mutex(Statistics())
    private let thread = Mutex<WorkerThread?>(nil)

    init(name: String, sink: any AlertSink, capacity: Int) throws(SinkError) {
        self.name = name
        self.sink = sink
        queue = try AlertQueue(capacity: capacity)
    }

    /// Starts the drain thread.
    func start() throws(SinkError) {
        let worker = try WorkerThread(name: "saker-\(name)") { [self] in drain() }
        thread.withLock { $0 = worker }
    }

    /// Closes the queue, waits for the thread to deliver (or discard) what is left, closes the sink.
    func stop(discardingPending: Bool) {
        queue.close(discardingPending: discardingPending)
        let worker = thread.withLock { thread -> WorkerThread? in
            defer { thread = nil }
            return thread
        }
        worker?.join()
    }

    var counters: OutputCounters {
        let stats = statistics.withLock { $0 }
        return OutputCounters(
            name: name, delivered: stats.delivered, dropped: queue.dropped + sink.droppedPastQueue, failed: stats.failed,
            queueDepth: queue.depth, healthy: stats.healthy, lastError: stats.lastError)
    }

    private func drain() {
        while let batch = queue.take(maximum: Self.batchSize, timeoutMilliseconds: 250) {
            guard !batch.isEmpty else { continue }
            do throws(SinkError) {
                try sink.deliver(batch)
                statistics.withLock {
                    $0.delivered += UInt64(batch.count)
                    $0.healthy = true
                }
            } catch {
                let delivered = min(max(error.delivered, 0), batch.count)
                statistics.withLock {
                    $0.delivered += UInt64(delivered)
                    $0.failed += UInt64(batch.count - delivered)
                    $0.healthy = false
                    $0.lastError = error.description
                }
            }
        }
        sink.close()
    }
}
