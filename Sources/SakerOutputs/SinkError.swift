import Glibc

/// Why a sink could not deliver a batch: what it was doing, where, and the system's reason.
public struct SinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, with the path or command involved (`cannot open /var/log/saker/events.log`).
    public var message: String
    /// The `errno` of the failing call, when there was one.
    public var errno: Int32?
    /// How many alerts of the failed batch were delivered all the same (the rest count as
    /// failed): a sink that sends alerts one by one says how far it got.
    public var delivered: Int

    /// Creates an error.
    public init(_ message: String, errno: Int32? = nil, delivered: Int = 0) {
        self.message = message
        self.errno = errno
        self.delivered = delivered
    }

    /// The message, followed by the system's reason when there is one.
    public var description: String {
        guard let errno else { return message }
        return message + ": " + String(cString: strerror(errno))
    }

    /// An error for the current `errno`.
    static func system(_ message: String) -> SinkError { SinkError(message, errno: Glibc.errno) }
}
