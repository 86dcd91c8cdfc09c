import NIOCore
import Synchronization

/// Where the gRPC sink puts alerts and the `sub` and `get` calls take them.
///
/// Alerts raised while nobody is subscribed wait in a bounded backlog (the oldest are dropped
/// when it is full, and counted) for the next `get`, or for the next subscriber, which receives
/// them first. While subscribers are connected every alert goes to each of them, through a
/// bounded per-subscriber buffer: a subscriber that reads too slowly loses alerts (counted),
/// it never holds up the sink or the other subscribers.
final class AlertHub: Sendable {
    /// One subscriber: the backlog it takes over (to send first), then its stream of alerts.
    struct Subscription: Sendable {
        let id: UInt64
        let backlog: [Falco_Outputs_response]
        let responses: AsyncStream<Falco_Outputs_response>
    }

    /// Counts for the sink's report.
    typealias Counts = GrpcSink.Statistics

    private struct State {
        var backlog = CircularBuffer<Falco_Outputs_response>()
        var subscribers: [UInt64: AsyncStream<Falco_Outputs_response>.Continuation] = [:]
        var nextID: UInt64 = 0
        var closed = false
        var counts = Counts()

        mutating func takeBacklog() -> [Falco_Outputs_response] {
            defer { backlog.removeAll(keepingCapacity: true) }
            return Array(backlog)
        }
    }

    private let state = Mutex(State())
    private let backlogCapacity: Int
    private let subscriberCapacity: Int

    init(backlogCapacity: Int, subscriberCapacity: Int) {
        self.backlogCapacity = max(backlogCapacity, 1)
        self.subscriberCapacity = max(subscriberCapacity, 1)
    }

    /// Hands alerts to every subscriber, or to the backlog when there is none. Never waits.
    func publish(_ responses: [Falco_Outputs_response]) {
        state.withLock { state in
            guard !state.closed else { return }
            if state.subscribers.isEmpty {
                for response in responses {
                    if state.backlog.count >= backlogCapacity {
                        state.backlog.removeFirst()
                        state.counts.backlogDropped += 1
                    }
                    state.backlog.append(response)
                }
                return
            }
            // `yield` never blocks and never calls back into the hub, so it is safe under the lock,
            // and the lock keeps every subscriber's alerts in the order they were published.
            for continuation in state.subscribers.values {
                for response in responses {
                    if case .dropped = continuation.yield(response) { state.counts.subscriberDropped += 1 }
                }
            }
        }
    }

    /// The alerts waiting in the backlog, oldest first; the backlog is empty afterwards.
    func drainBacklog() -> [Falco_Outputs_response] {
        state.withLock { $0.takeBacklog() }
    }

    /// A new subscriber: it takes the whole backlog (sent first, outside its buffer, so a long
    /// backlog is not cut to the buffer's size), then every published alert through its stream,
    /// which finishes when the hub closes. The caller unsubscribes when it is done with it.
    func subscribe() -> Subscription {
        let (stream, continuation) = AsyncStream<Falco_Outputs_response>.makeStream(
            bufferingPolicy: .bufferingOldest(subscriberCapacity))
        let (id, backlog) = state.withLock { state -> (UInt64, [Falco_Outputs_response]) in
            state.nextID += 1
            let id = state.nextID
            if state.closed {
                continuation.finish()
                return (id, [])
            }
            state.subscribers[id] = continuation
            return (id, state.takeBacklog())
        }
        return Subscription(id: id, backlog: backlog, responses: stream)
    }

    /// Forgets a subscriber (its call ended, however it ended).
    func unsubscribe(_ id: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Finishes every subscriber's stream and refuses further alerts. Alerts still waiting in the
    /// backlog for a `get` are dropped, and counted.
    func close() {
        state.withLock { state in
            state.closed = true
            state.counts.backlogDropped += UInt64(state.takeBacklog().count)
            for continuation in state.subscribers.values { continuation.finish() }
            state.subscribers.removeAll()
        }
    }

    var counts: Counts {
        state.withLock { state in
            var counts = state.counts
            counts.subscribers = state.subscribers.count
            counts.backlog = state.backlog.count
            return counts
        }
    }
}
