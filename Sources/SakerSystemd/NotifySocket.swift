import Glibc

/// The sender side of systemd's notification protocol (`sd_notify(3)`), without libsystemd.
///
/// Each ``send(_:)`` is one datagram on an `AF_UNIX`/`SOCK_DGRAM` socket, sent to the address in
/// `$NOTIFY_SOCKET` (a path, or `@name` for an abstract socket). When the variable is unset the
/// socket is disabled and every send does nothing, so `saker run` behaves the same in a terminal
/// and under `Type=notify`.
///
/// The socket is non-blocking: if systemd's queue is full (`EAGAIN`), a send retries for at most
/// ``sendTimeoutMilliseconds`` and then fails with ``NotifyError/Code/timedOut`` rather than
/// stall the pipeline it reports on. `EINTR` is retried. Sends are safe from any thread (the file
/// descriptor is only written with `sendto`), which is why this is a class shared by reference
/// rather than a non-copyable owner.
public final class NotifySocket: Sendable {
    /// The variable systemd sets for `Type=notify` services.
    public static let environmentVariable = "NOTIFY_SOCKET"
    /// The largest datagram systemd 252 reads (`PIPE_BUF`); longer ones are dropped.
    public static let maximumDatagramSize = 4096

    /// Where notifications go; `nil` when disabled.
    public let address: NotifyAddress?
    /// How long a send may wait for room in the receiver's queue.
    public let sendTimeoutMilliseconds: Int32
    private let descriptor: Int32

    /// Whether notifications are sent at all (`$NOTIFY_SOCKET` was set).
    public var isEnabled: Bool { address != nil }

    /// A socket for the address in `$NOTIFY_SOCKET`, or a disabled one when it is unset or empty.
    ///
    /// - Parameter unsetEnvironment: remove `NOTIFY_SOCKET` from the environment, so child
    ///   processes (`program` outputs, for instance) do not talk to systemd as if they were us.
    /// - Throws: ``NotifyError`` when the value cannot be used or the socket cannot be created.
    public static func fromEnvironment(unsetEnvironment: Bool = false, sendTimeoutMilliseconds: Int32 = 1_000) throws(NotifyError) -> NotifySocket {
        let value = getenv(environmentVariable).map { String(cString: $0) }
        if unsetEnvironment { unsetenv(environmentVariable) }
        return try NotifySocket(notifySocket: value, sendTimeoutMilliseconds: sendTimeoutMilliseconds)
    }

    /// A socket for a `$NOTIFY_SOCKET` value; `nil` or empty gives a disabled socket.
    public convenience init(notifySocket value: String?, sendTimeoutMilliseconds: Int32 = 1_000) throws(NotifyError) {
        guard let value, !value.isEmpty else {
            self.init(disabledWithTimeout: sendTimeoutMilliseconds)
            return
        }
        try self.init(address: NotifyAddress(parsing: value), sendTimeoutMilliseconds: sendTimeoutMilliseconds)
    }

    /// A socket sending to `address`. The corresponding C function is `socket`.
    public init(address: NotifyAddress, sendTimeoutMilliseconds: Int32 = 1_000) throws(NotifyError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = Glibc.socket(AF_UNIX, type, 0)
        guard fd >= 0 else { throw NotifyError(.socket, address: address.description, errno: Glibc.errno, "cannot create a datagram socket") }
        self.address = address
        self.descriptor = fd
        self.sendTimeoutMilliseconds = sendTimeoutMilliseconds
    }

    private init(disabledWithTimeout timeout: Int32) {
        address = nil
        descriptor = -1
        sendTimeoutMilliseconds = timeout
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends `messages` together in one datagram; does nothing when disabled or given none.
    public func send(_ messages: NotifyMessage...) throws(NotifyError) {
        try send(messages)
    }

    /// Sends `messages` together in one datagram; does nothing when disabled or given none.
    public func send(_ messages: [NotifyMessage]) throws(NotifyError) {
        guard !messages.isEmpty else { return }
        try send(text: NotifyMessage.datagram(messages))
    }

    /// Sends `text` as one datagram, as it is: the caller keeps to the `KEY=VALUE` line format.
    /// The corresponding C function is `sendto`.
    public func send(text: String) throws(NotifyError) {
        guard let address else { return }
        let payload = Array(text.utf8)
        guard payload.count <= NotifySocket.maximumDatagramSize else {
            throw NotifyError(.messageTooLong, address: address.description, "a \(payload.count)-byte datagram is longer than the \(NotifySocket.maximumDatagramSize) bytes systemd reads")
        }
        var deadline: UInt64?
        while true {
            let sent = payload.withUnsafeBytes { bytes in
                address.withSocketAddress { socketAddress, length in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
            if sent >= 0 { return }
            let error = Glibc.errno
            switch error {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // The receiver's queue is full. `poll` cannot wait for that on an unconnected
                // datagram socket (it reports our own buffer, always writable), so back off in
                // short sleeps until the deadline.
                let now = MonotonicClock.microseconds()
                let end = deadline ?? now + UInt64(max(0, sendTimeoutMilliseconds)) * 1_000
                deadline = end
                guard now < end else {
                    throw NotifyError(.timedOut, address: address.description, errno: error, "the receiver's queue stayed full for \(sendTimeoutMilliseconds) ms")
                }
                usleep(useconds_t(min(end - now, 5_000)))
            default:
                throw NotifyError(.send, address: address.description, errno: error, "cannot send `\(NotifySocket.summary(text))`")
            }
        }
    }

    /// The first line of a datagram, for error messages.
    private static func summary(_ text: String) -> String {
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return first.count > 60 ? String(first.prefix(60)) + "…" : first
    }
}
