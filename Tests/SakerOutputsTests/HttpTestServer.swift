import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for the HTTP sink's tests: it records each request's body
/// and content type, counts the connections it accepted, answers after `delayMilliseconds`, and
/// can be taken down (listener and connections closed) and brought up again on the same port.
/// With `tls` it speaks TLS and, when the configuration verifies peers, requires a client
/// certificate.
final class HttpTestServer: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var contentType: String
        var body: String
    }

    private struct State {
        var requests: [Request] = []
        var connections = 0
        var children: [any Channel] = []
        var delayMilliseconds: Int64 = 0
        var status: HTTPResponseStatus = .ok
        var failures: (count: Int, status: HTTPResponseStatus) = (0, .ok)
        var listener: (any Channel)?
        var port = 0
    }

    private let state = Mutex(State())
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let tls: NIOSSLContext?
    /// The port, kept across a stop and a start.
    var port: Int { state.withLock { $0.port } }

    /// Starts listening on a free port.
    init(tls configuration: TLSConfiguration? = nil) throws {
        tls = try configuration.map { try NIOSSLContext(configuration: $0) }
        let listener = try bind(port: 0)
        state.withLock {
            $0.listener = listener
            $0.port = listener.localAddress?.port ?? 0
        }
    }

    var requests: [Request] { state.withLock { $0.requests } }
    var bodies: [String] { requests.map(\.body) }
    var connections: Int { state.withLock { $0.connections } }
    var url: String { (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)/" }

    /// How long each answer waits.
    func setDelay(milliseconds: Int64) { state.withLock { $0.delayMilliseconds = milliseconds } }

    /// The status every answer has (200 by default).
    func setStatus(_ status: HTTPResponseStatus) { state.withLock { $0.status = status } }

    /// The next `count` answers have `status`, then the usual one again.
    func failNext(_ count: Int, with status: HTTPResponseStatus) { state.withLock { $0.failures = (count, status) } }

    /// Down: closes the listener and every open connection.
    func stop() throws {
        let (listener, children) = state.withLock { state -> ((any Channel)?, [any Channel]) in
            defer {
                state.listener = nil
                state.children = []
            }
            return (state.listener, state.children)
        }
        try listener?.close().wait()
        for child in children { try? child.close().wait() }
    }

    /// Up again on the same port.
    func start() throws {
        let listener = try bind(port: port)
        state.withLock { $0.listener = listener }
    }

    /// Stops for good.
    func shutdown() throws {
        try stop()
        try group.syncShutdownGracefully()
    }

    private func bind(port: Int) throws -> any Channel {
        let tls = self.tls
        return try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                state.withLock {
                    $0.connections += 1
                    $0.children.append(channel)
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: port).wait()
    }

    fileprivate func record(_ request: Request) -> (delayMilliseconds: Int64, status: HTTPResponseStatus) {
        state.withLock { state in
            state.requests.append(request)
            guard state.failures.count > 0 else { return (state.delayMilliseconds, state.status) }
            state.failures.count -= 1
            return (state.delayMilliseconds, state.failures.status)
        }
    }
}

/// Collects a request and answers with the server's status and an empty body, after its delay.
private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: HttpTestServer
    private var contentType = ""
    private var body: [UInt8] = []

    init(server: HttpTestServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            contentType = head.headers.first(name: "content-type") ?? ""
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            let (delay, status) = server.record(.init(contentType: contentType, body: String(decoding: body, as: UTF8.self)))
            let respond = { [self] in
                var headers = HTTPHeaders()
                headers.add(name: "content-length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
            if delay > 0 {
                context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) { respond() }
            } else {
                respond()
            }
        }
    }
}
