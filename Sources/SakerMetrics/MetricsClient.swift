import Glibc

/// A tiny HTTP/1.1 GET client for the agent's own loopback listener (`saker status`, tests).
public enum MetricsClient {
    /// Fetches `path` from `host:port` (IPv4). Returns the status code and the body.
    public static func get(_ address: String, path: String) throws(MetricsServerError) -> (status: Int, body: String) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw MetricsServerError(message: "'\(address)' is not host:port")
        }
        let host = String(address[..<colon])
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MetricsServerError(message: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw MetricsServerError(message: "'\(host)' is not an IPv4 address") }
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else {
            throw MetricsServerError(message: "cannot reach the agent at \(address): \(String(cString: strerror(errno))) (is `metrics.enabled: true` set and the agent running?)")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(address)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let headerEnd = text.firstRange(of: "\r\n\r\n") else { throw MetricsServerError(message: "malformed response from \(address)") }
        let statusLine = text[..<headerEnd.lowerBound].split(separator: "\r\n").first ?? ""
        let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (code, String(text[headerEnd.upperBound...]))
    }

    /// The samples of a Prometheus text exposition: `name{labels}` → value.
    public static func samples(_ text: String) -> [(series: String, value: Double)] {
        var result: [(String, Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result.append((String(line[..<space]), value))
        }
        return result
    }
}
