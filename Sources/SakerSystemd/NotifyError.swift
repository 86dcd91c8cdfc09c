import Glibc

/// Why a notification could not be sent, with the `errno` text when the kernel refused it.
///
/// Callers usually log it and carry on: a service manager that cannot be told is no reason to stop
/// watching the host. Compare ``code`` to decide; ``description`` is for people.
public struct NotifyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, extensible without breaking `switch`-free callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum _Code: Sendable, Hashable { case invalidAddress, socket, send, timedOut, messageTooLong }
        private let code: _Code
        private init(_ code: _Code) { self.code = code }

        /// `$NOTIFY_SOCKET` is neither an absolute path nor an `@` abstract name, or is too long.
        public static let invalidAddress = Code(.invalidAddress)
        /// The datagram socket could not be created.
        public static let socket = Code(.socket)
        /// The kernel refused the datagram (no such socket, connection refused, permission…).
        public static let send = Code(.send)
        /// The receiver's queue stayed full for the whole send timeout.
        public static let timedOut = Code(.timedOut)
        /// The datagram is longer than systemd reads (4096 bytes); it would be dropped.
        public static let messageTooLong = Code(.messageTooLong)

        /// The code's name.
        public var description: String {
            switch code {
            case .invalidAddress: return "invalid address"
            case .socket: return "socket"
            case .send: return "send"
            case .timedOut: return "timed out"
            case .messageTooLong: return "message too long"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The `$NOTIFY_SOCKET` value the error is about.
    public let address: String
    /// The `errno` value, when a system call failed.
    public let errno: Int32?
    /// A sentence for the log.
    public let description: String

    init(_ code: Code, address: String, errno: Int32? = nil, _ what: String) {
        self.code = code
        self.address = address
        self.errno = errno
        if let errno {
            description = "NOTIFY_SOCKET=\(address): \(what): \(String(cString: strerror(errno)))"
        } else {
            description = "NOTIFY_SOCKET=\(address): \(what)"
        }
    }
}
