import Glibc
import Synchronization

/// One unix datagram socket, opened on first use, sending to a fixed path: what the syslog and
/// journald sinks share. A send waits at most a second for a full receiver.
final class DatagramSender: Sendable {
    /// The socket datagrams are sent to.
    let path: String
    private let socket = Mutex<Int32>(-1)

    init(path: String) {
        self.path = path
    }

    deinit { close() }

    /// Sends one datagram per element (one per alert), in order; stops at the first that fails,
    /// whose error counts the ones sent before it as delivered.
    func send<Datagrams: Sequence>(_ datagrams: Datagrams) throws(SinkError) where Datagrams.Element == [UInt8] {
        try socket.withLock { (fd: inout Int32) throws(SinkError) in
            if fd < 0 { fd = try Posix.datagramSocket(sendTimeoutMilliseconds: 1_000) }
            var sent = 0
            for datagram in datagrams {
                do throws(SinkError) {
                    try Posix.sendDatagram(fd, to: path, datagram)
                } catch {
                    var error = error
                    error.delivered = sent
                    throw error
                }
                sent += 1
            }
        }
    }

    /// Closes the socket; the next send opens a new one.
    func close() {
        socket.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
