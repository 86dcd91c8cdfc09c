import Glibc
import Synchronization

/// The receiving end of sd_notify for tests: a real `AF_UNIX` datagram socket, bound to a file in
/// a fresh temporary directory or to a unique abstract name, read with timeouts.
final class NotifyListener {
    /// The value to put in `$NOTIFY_SOCKET` to reach this listener.
    let notifySocket: String
    private let descriptor: Int32
    private let directory: String?

    private static let serial = Atomic<Int>(0)

    /// A socket file or an abstract name.
    enum Kind: Sendable { case path, abstract }

    init(_ kind: Kind) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenerError("socket: \(String(cString: strerror(errno)))") }
        var sunPath: [UInt8]
        switch kind {
        case .path:
            var template = Array("/tmp/saker-notify-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                close(fd)
                throw ListenerError("mkdtemp: \(String(cString: strerror(errno)))")
            }
            let dir = String(cString: made)
            directory = dir
            notifySocket = dir + "/notify"
            sunPath = Array(notifySocket.utf8) + [0]
        case .abstract:
            let n = NotifyListener.serial.wrappingAdd(1, ordering: .relaxed).newValue
            let name = "saker-test/\(getpid())/\(n)/\(UInt32.random(in: 0...UInt32.max))"
            directory = nil
            notifySocket = "@" + name
            sunPath = [0] + Array(name.utf8)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: sunPath) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + sunPath.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ListenerError("bind \(notifySocket): \(message)")
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
        if let directory {
            unlink(notifySocket)
            rmdir(directory)
        }
    }

    /// The next datagram, exactly as sent, or `nil` if none arrives within `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(timeout * 1000))
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Every datagram that arrives within `duration` seconds, with its `CLOCK_MONOTONIC` arrival
    /// time in microseconds.
    func collect(for duration: Double) -> [(usec: UInt64, text: String)] {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + duration
        var received: [(UInt64, String)] = []
        while true {
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = deadline - (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
            guard left > 0, let text = receive(timeout: left) else { break }
            clock_gettime(CLOCK_MONOTONIC, &now)
            received.append((UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000, text))
        }
        return received
    }
}

struct ListenerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
