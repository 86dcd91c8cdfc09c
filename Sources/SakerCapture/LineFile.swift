import Glibc

/// An error opening, reading or writing a file.
public struct FileError: Error, Sendable, CustomStringConvertible {
    /// The path.
    public var path: String
    /// What failed, with the system's reason.
    public var message: String

    public var description: String { "\(path): \(message)" }

    static func errno(_ path: String, _ what: String) -> FileError {
        FileError(path: path, message: "\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// Reads a text file line by line (without Foundation), for replay.
public final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity: Int = 0
    /// The number of the line last returned (1-based).
    public private(set) var lineNumber = 0

    /// Opens `path` (`-` for standard input).
    public init(path: String) throws(FileError) {
        if path == "-" {
            guard let f = fdopen(dup(STDIN_FILENO), "r") else { throw FileError.errno(path, "cannot read standard input") }
            file = f
        } else {
            guard let f = fopen(path, "r") else { throw FileError.errno(path, "cannot open for reading") }
            file = f
        }
        ownsFile = true
    }

    deinit {
        if ownsFile { fclose(file) }
        free(buffer)
    }

    /// The next line without its newline, or nil at the end of the file.
    public func next() -> String? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var length = n
        if length > 0 && buffer[length - 1] == 0x0A { length -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}

/// Writes bytes to a file descriptor with a buffer (without Foundation).
public final class OutputFile {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var pending: [UInt8] = []
    /// The path, for messages.
    public let path: String

    /// Opens `path` for writing (truncating it), or standard output for `-`.
    public init(path: String) throws(FileError) {
        self.path = path
        if path == "-" {
            fd = STDOUT_FILENO
            ownsDescriptor = false
        } else {
            let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw FileError.errno(path, "cannot open for writing") }
            fd = opened
            ownsDescriptor = true
        }
        pending.reserveCapacity(1 << 16)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    /// Queues bytes, writing them out once 64 KiB are pending.
    public func write(_ bytes: [UInt8]) throws(FileError) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 16 { try flush() }
    }

    /// Writes out everything pending.
    public func flush() throws(FileError) {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw FileError.errno(path, "write failed")
            }
            offset += n
        }
        pending.removeAll(keepingCapacity: true)
    }
}
