import Glibc
import NIOCore
public import SakerRules
import Synchronization

/// A bounded multi-producer, single-consumer queue of alerts in front of one sink.
///
/// ``offer(_:)`` never blocks on the consumer: it takes a short uncontended lock, and when the
/// queue is full it drops the alert and counts it. The consumer sleeps on an `eventfd` that a
/// producer signals only when the queue goes from empty to non-empty, so a busy queue costs no
/// system call per alert. (A self-pipe rather than an `eventfd`, which Swift's Glibc module does
/// not expose.)
public final class AlertQueue: Sendable {
    private struct State {
        var items = CircularBuffer<Alert>()
        var dropped: UInt64 = 0
        var closed = false
        var count: Int { items.count }
    }

    /// The most alerts held at once.
    public let capacity: Int
    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Creates an empty queue holding at most `capacity` alerts (at least 1).
    /// - Throws: ``SinkError`` when the wake-up pipe cannot be created.
    public init(capacity: Int) throws(SinkError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SinkError.system("cannot create the queue's wake-up pipe") }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        self.capacity = max(capacity, 1)
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Adds an alert unless the queue is full or closed, in which case it is dropped and counted.
    /// Never waits for the consumer.
    /// - Returns: whether the alert was queued.
    @discardableResult
    public func offer(_ alert: Alert) -> Bool {
        let (queued, signal) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed, state.count < capacity else {
                state.dropped += 1
                return (false, false)
            }
            state.items.append(alert)
            return (true, state.count == 1)
        }
        if signal { signalConsumer() }
        return queued
    }

    /// Takes up to `maximum` alerts, oldest first, waiting up to `timeoutMilliseconds` for one to
    /// arrive. Empty when the wait timed out; nil once the queue is closed and empty. For the one
    /// consumer only.
    public func take(maximum: Int, timeoutMilliseconds: Int32) -> [Alert]? {
        if let batch = takeNow(maximum: maximum) { return batch }
        var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, timeoutMilliseconds)
        var pending = [UInt8](repeating: 0, count: 64)
        _ = read(wakeRead, &pending, pending.count)
        return takeNow(maximum: maximum) ?? (isClosed ? nil : [])
    }

    /// Alerts now waiting.
    public var depth: Int { state.withLock { $0.count } }
    /// Alerts dropped because the queue was full (or closed).
    public var dropped: UInt64 { state.withLock { $0.dropped } }
    private var isClosed: Bool { state.withLock { $0.closed } }

    /// Stops accepting alerts and wakes the consumer, which drains what is queued and then sees
    /// nil. With `discardingPending`, what is still queued is dropped (and counted) instead.
    public func close(discardingPending: Bool = false) {
        state.withLock { state in
            state.closed = true
            if discardingPending {
                state.dropped += UInt64(state.count)
                state.items.removeAll()
            }
        }
        signalConsumer()
    }

    /// One byte into the pipe; a full pipe (`EAGAIN`) already means "wake up".
    private func signalConsumer() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// A batch if there is one; nil when empty (closed or not).
    private func takeNow(maximum: Int) -> [Alert]? {
        state.withLock { state -> [Alert]? in
            guard state.count > 0 else { return nil }
            let taken = min(max(maximum, 1), state.count)
            let batch = Array(state.items.prefix(taken))
            state.items.removeFirst(taken)
            return batch
        }
    }
}
