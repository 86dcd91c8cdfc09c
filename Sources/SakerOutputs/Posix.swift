import Glibc

/// Thin wrappers over the few libc calls the sinks share.
package enum Posix {
    /// Writes all of `bytes` to `fd`, retrying on `EINTR` and short writes. Sockets are written
    /// with `MSG_NOSIGNAL` so a reader that went away is `EPIPE`, not a SIGPIPE that kills us.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], socket: Bool = false, what: @autoclosure () -> String) throws(SinkError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                let base = raw.baseAddress.map { $0 + offset }
                return socket ? send(fd, base, raw.count - offset, Int32(MSG_NOSIGNAL)) : write(fd, base, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SinkError.system("cannot write to \(what())")
            }
            offset += written
        }
    }

    /// A close-on-exec `AF_UNIX` datagram socket whose sends give up after `sendTimeoutMilliseconds`
    /// when the receiver's queue stays full. The corresponding C function is `socket`.
    static func datagramSocket(sendTimeoutMilliseconds: Int) throws(SinkError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SinkError.system("cannot create a datagram socket") }
        var timeout = timeval(tv_sec: sendTimeoutMilliseconds / 1000, tv_usec: (sendTimeoutMilliseconds % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends one datagram to the socket at `path`. The corresponding C function is `sendto`.
    static func sendDatagram(_ fd: Int32, to path: String, _ bytes: [UInt8]) throws(SinkError) {
        while true {
            let result = withUnixAddress(path) { address, length in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
            guard let result else { throw SinkError("socket path too long: \(path)") }
            if result >= 0 { return }
            if errno == EINTR { continue }
            throw SinkError.system("cannot send a \(bytes.count)-byte datagram to \(path)")
        }
    }

    /// Calls `body` with `path` as a `sockaddr_un`; nil when the path does not fit.
    package static func withUnixAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Nanoseconds on the monotonic clock.
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
