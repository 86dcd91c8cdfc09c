import Glibc
public import SakerRules
import Synchronization

/// Alerts appended to a file, one line each. ``reopen()`` (on SIGUSR1) closes the file so that the
/// next batch opens the path again: after logrotate renamed it, that is a new file.
public final class FileSink: AlertSink {
    /// The file's path.
    public let path: String
    /// Text lines or JSON alerts.
    public let format: AlertFormat
    /// Keep the file open between batches rather than open and close it for each.
    public let keepAlive: Bool
    /// The permission bits of a file the sink creates.
    public let mode: mode_t
    private let descriptor = Mutex<Int32>(-1)

    /// A sink appending to `path`, created with `mode` when missing (its directory must exist).
    public init(path: String, format: AlertFormat = .text, keepAlive: Bool = false, mode: mode_t = 0o640) {
        self.path = path
        self.format = format
        self.keepAlive = keepAlive
        self.mode = mode
    }

    deinit { close() }

    /// Appends the batch's lines with one write (`O_APPEND`, so concurrent writers do not interleave
    /// within a batch).
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        let bytes = format.lines(batch)
        try descriptor.withLock { (fd: inout Int32) throws(SinkError) in
            if fd < 0 {
                fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
                guard fd >= 0 else { throw SinkError.system("cannot open \(path)") }
            }
            defer {
                if !keepAlive {
                    Glibc.close(fd)
                    fd = -1
                }
            }
            try Posix.writeAll(fd, bytes, what: path)
        }
    }

    /// Closes the file; the next batch opens `path` again.
    public func reopen() { close() }

    /// Closes the file if it is open.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
