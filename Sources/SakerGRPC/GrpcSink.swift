import Dispatch
import GRPCCore
import GRPCNIOTransportHTTP2
import Glibc
public import SakerOutputs
public import SakerRules
import Synchronization

/// Serves alerts over Falco's gRPC outputs API (`falco.outputs.service`: `sub` and `get`) on a
/// unix socket, so Falco's gRPC clients work unchanged.
///
/// ``deliver(_:)`` converts the batch and hands it to the ``AlertHub`` without waiting for any
/// client; the gRPC server runs on SwiftNIO's event loops in a task of its own.
public final class GrpcSink: AlertSink {
    /// What the sink serves on.
    public struct Settings: Sendable {
        /// The socket's absolute path.
        public var socket: String
        /// The socket's permission bits.
        public var mode: UInt32
        /// The socket's group (must exist).
        public var group: String
        /// Alerts kept for `get` (or the next subscriber) while nobody is subscribed.
        public var backlogCapacity: Int
        /// Alerts buffered per subscriber before that subscriber starts losing them.
        public var subscriberCapacity: Int

        /// Creates settings.
        public init(
            socket: String, mode: UInt32 = 0o660, group: String = "saker", backlogCapacity: Int = 10_000,
            subscriberCapacity: Int = 1_024
        ) {
            self.socket = socket
            self.mode = mode
            self.group = group
            self.backlogCapacity = backlogCapacity
            self.subscriberCapacity = subscriberCapacity
        }
    }

    /// Subscribers and what was lost, at one moment.
    public struct Statistics: Sendable, Equatable {
        /// Clients now subscribed with `sub`.
        public var subscribers = 0
        /// Alerts waiting for `get` or the next subscriber.
        public var backlog = 0
        /// Alerts dropped from a full backlog (the oldest go first).
        public var backlogDropped: UInt64 = 0
        /// Alerts dropped because a subscriber's buffer was full.
        public var subscriberDropped: UInt64 = 0
    }

    private let settings: Settings
    private let hub: AlertHub
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let served = DispatchSemaphore(value: 0)
    private let serving: Task<Void, Never>
    private let socketInode: UInt64?
    private let closed = Mutex(false)
    /// Why the server stopped on its own, if it did: deliveries then fail with it.
    private let failure = ServerFailure()

    /// Makes the socket (see ``UnixListeningSocket``) and starts serving on it.
    /// - Throws: ``SinkError`` when the socket cannot be made: the group does not exist, the path
    ///   is taken by something else, or a system call failed.
    public init(_ settings: Settings) throws(SinkError) {
        let fd = try UnixListeningSocket.make(.init(path: settings.socket, mode: settings.mode, group: settings.group))
        let hub = AlertHub(backlogCapacity: settings.backlogCapacity, subscriberCapacity: settings.subscriberCapacity)
        let transport = HTTP2ServerTransport.Posix(listeningSocketDescriptor: Int(fd), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: [OutputsService(hub: hub)])
        self.settings = settings
        self.hub = hub
        self.server = server
        socketInode = UnixListeningSocket.socketInode(at: settings.socket)
        let served = self.served
        let failure = self.failure
        serving = Task.detached {
            do {
                try await server.serve()
            } catch let error as RuntimeError where error.code == .serverIsStopped {
                // Closed before the server started: the transport never took the socket.
                Glibc.close(fd)
            } catch {
                printWarning("saker: the gRPC output on \(settings.socket) stopped: \(error)")
                failure.error.withLock { $0 = SinkError("the gRPC server on \(settings.socket) stopped: \(error)") }
            }
            served.signal()
        }
    }

    /// Hands the batch to the subscribers (or the backlog). Never waits for a client.
    /// - Throws: ``SinkError`` once the server has stopped on its own (nobody can connect), so the
    ///   output shows as failing in `/healthz` and `saker status`.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        if let failure = failure.error.withLock({ $0 }) { throw failure }
        hub.publish(batch.map(Falco_Outputs_response.init))
    }

    /// Alerts lost past the router's queue: a subscriber's buffer or the backlog was full.
    public var droppedPastQueue: UInt64 {
        let counts = hub.counts
        return counts.backlogDropped + counts.subscriberDropped
    }

    /// Subscribers and drops now.
    public var statistics: Statistics { hub.counts }

    /// Ends every subscription, stops the server (waiting up to five seconds for open calls to end,
    /// then cancelling them) and removes the socket file, unless another agent, or the next
    /// configuration's output, has replaced it since (a reload).
    public func close() {
        let first = closed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        hub.close()
        server.beginGracefulShutdown()
        if served.wait(timeout: .now() + .seconds(5)) == .timedOut {
            // A call stuck writing to a client that stopped reading: cancel the server's task.
            serving.cancel()
            if served.wait(timeout: .now() + .seconds(2)) == .timedOut {
                printWarning("saker: the gRPC output on \(settings.socket) did not stop within 7 s")
            }
        }
        if let socketInode, UnixListeningSocket.socketInode(at: settings.socket) == socketInode {
            unlink(settings.socket)
        }
        // What was lost past the output's queue is in the router's counters (`droppedPastQueue`).
    }

    deinit { close() }
}

/// Why the server task ended on its own, shared between it and the sink.
private final class ServerFailure: Sendable {
    let error = Mutex<SinkError?>(nil)
}

private func printWarning(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
