import Glibc

/// Why the metrics listener could not start.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the system's reason.
    public var message: String
    public var description: String { message }
}

/// A minimal HTTP/1.1 listener for `GET /metrics` and `GET /healthz`, on its own thread, one
/// request per connection. Loopback by default (`metrics.listen`); anything else gets 404.
public final class MetricsServer: @unchecked Sendable {
    // @unchecked: `fd` is written once in init; the thread only reads it.
    private let fd: Int32
    private let metrics: AgentMetrics
    private let health: PipelineHealth
    private let clock: @Sendable () -> UInt64
    /// The port bound (useful when 0 was asked for).
    public let port: UInt16

    /// Binds `host:port` (IPv4 or `[v6]`) and starts serving on a new thread.
    public init(listen: String, metrics: AgentMetrics, health: PipelineHealth, clock: @escaping @Sendable () -> UInt64) throws(MetricsServerError) {
        self.metrics = metrics
        self.health = health
        self.clock = clock
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw MetricsServerError(message: "metrics.listen '\(listen)' is not host:port")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let v6 = host.contains(":")
        let socketFD = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw MetricsServerError(message: "metrics listener: socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32
        var actualPort: UInt16 = port
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else {
                close(socketFD)
                throw MetricsServerError(message: "metrics.listen: '\(host)' is not an IPv6 address")
            }
            bound = Self.bind(socketFD, &addr)
            actualPort = UInt16(bigEndian: addr.sin6_port)
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
                close(socketFD)
                throw MetricsServerError(message: "metrics.listen: '\(host)' is not an IPv4 address")
            }
            bound = Self.bind(socketFD, &addr)
            actualPort = UInt16(bigEndian: addr.sin_port)
        }
        guard bound == 0, Glibc.listen(socketFD, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socketFD)
            throw MetricsServerError(message: "metrics listener on \(listen): \(reason)")
        }
        fd = socketFD
        self.port = actualPort
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let server = Unmanaged<MetricsServer>.fromOpaque(raw).takeRetainedValue()
            server.serve()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<MetricsServer>.fromOpaque(context).release()
            close(socketFD)
            throw MetricsServerError(message: "metrics listener: cannot start its thread: \(String(cString: strerror(rc)))")
        }
        pthread_detach(thread)
    }

    /// Binds `fd` to `address` (a `sockaddr_in` or `sockaddr_in6`), then reads the address back
    /// into it, so a port 0 becomes the one the kernel chose. Returns `bind`'s result.
    private static func bind<Address>(_ fd: Int32, _ address: inout Address) -> Int32 {
        var length = socklen_t(MemoryLayout<Address>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        if bound == 0 {
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
        }
        return bound
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        // One deadline for the whole request, and a send timeout: a slow or silent client cannot
        // hold the listener (and so /healthz) for long.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = clock() + 2_000_000
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192 {
            let now = clock()
            guard now < deadline else { break }
            var waiting = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, Int32((deadline - now) / 1000) + 1) > 0 else { break }
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { break }
            request.append(contentsOf: buffer[0..<n])
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1]) : ""
        let method = parts.first.map(String.init) ?? ""
        let (status, type, body): (String, String, [UInt8])
        if method != "GET" {
            (status, type, body) = ("405 Method Not Allowed", "text/plain", Array("only GET\n".utf8))
        } else if path == "/metrics" {
            (status, type, body) = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", metrics.render())
        } else if path == "/healthz" {
            let verdict = health.evaluate(nowUsec: clock())
            (status, type, body) = (verdict.healthy ? "200 OK" : "503 Service Unavailable", "application/json", Array((verdict.body + "\n").utf8))
        } else {
            (status, type, body) = ("404 Not Found", "text/plain", Array("not found: try /metrics or /healthz\n".utf8))
        }
        var response = Array("HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        response.append(contentsOf: body)
        var sent = 0
        while sent < response.count {
            let n = response.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}
