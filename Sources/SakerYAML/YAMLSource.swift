internal import Glibc

/// The text of one YAML input (a file or an in-memory string) and its name, shared by every node
/// parsed from it so that any node can say where it came from and show its source line.
///
/// Immutable once created, hence `Sendable`.
public final class YAMLSource: Sendable {
    /// The name shown in positions: normally the path the text was read from.
    public let name: String
    /// The raw bytes of the text (UTF-8).
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; index 0 is line 1.
    private let lineStarts: [Int]

    /// Creates a source from bytes.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        self.lineStarts = Self.computeLineStarts(bytes)
    }

    /// Creates a source from a string.
    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// Reads a whole file.
    ///
    /// - Throws: ``YAMLError`` with code ``YAMLError/Code/io`` when the file cannot be opened or read.
    public convenience init(contentsOfFile path: String) throws(YAMLError) {
        self.init(name: path, bytes: try Self.readFile(path))
    }

    /// The number of lines in the text.
    public var lineCount: Int { lineStarts.count }

    /// The text of a line (1-based), without its line break; nil when out of range.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The byte offset of a 1-based line and column (columns count Unicode scalars, as libyaml does).
    public func byteOffset(line: Int, column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return line < 1 ? 0 : bytes.count }
        var offset = lineStarts[line - 1]
        var remaining = column - 1
        while remaining > 0, offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\n") { break }
            offset += Self.scalarWidth(leadingByte: byte)
            remaining -= 1
        }
        return min(offset, bytes.count)
    }

    /// The 1-based line and column of a byte offset.
    public func lineAndColumn(ofByteOffset offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        // Binary search for the last line starting at or before the offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < clamped {
            index += Self.scalarWidth(leadingByte: bytes[index])
            column += 1
        }
        return (low + 1, column)
    }

    /// The position of a byte offset in this source.
    public func position(ofByteOffset offset: Int) -> SourcePosition {
        let (line, column) = lineAndColumn(ofByteOffset: offset)
        return SourcePosition(source: self, line: line, column: column)
    }

    static func scalarWidth(leadingByte byte: UInt8) -> Int {
        switch byte {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }

    private static func computeLineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var index = 0
            while index < count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\n") {
                    starts.append(index + 1)
                } else if byte == UInt8(ascii: "\r") {
                    // A CR alone is a line break too; CR LF counts once, at the LF.
                    if index + 1 >= count || buffer[index + 1] != UInt8(ascii: "\n") {
                        starts.append(index + 1)
                    }
                }
                index += 1
            }
        }
        return starts
    }

    private static func readFile(_ path: String) throws(YAMLError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw YAMLError.io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw YAMLError.io(path: path, operation: "stat", errno: errno)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw YAMLError.io(path: path, operation: "read", errno: EISDIR)
        }
        var result: [UInt8] = []
        result.reserveCapacity(Int(max(info.st_size, 0)) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw YAMLError.io(path: path, operation: "read", errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}

/// A 1-based line and column in a ``YAMLSource``, with the source it refers to.
///
/// Columns count Unicode scalars, as libyaml does. Two positions are equal when their file name,
/// line and column are equal.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The file (or content) name.
    public let file: String
    /// The 1-based line.
    public let line: Int
    /// The 1-based column.
    public let column: Int
    /// The text the position points into, when known (used to show the source line).
    public let source: YAMLSource?

    /// Creates a position in a source.
    public init(source: YAMLSource, line: Int, column: Int) {
        self.file = source.name
        self.line = line
        self.column = column
        self.source = source
    }

    /// Creates a position without source text (for example for a file that could not be read).
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.source = nil
    }

    /// The text of the line this position is on, when the source is known.
    public var lineText: String? { source?.lineText(line) }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// Equal when file, line and column are equal.
    public static func == (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.file == rhs.file && lhs.line == rhs.line && lhs.column == rhs.column
    }

    /// Hashes file, line and column.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(line)
        hasher.combine(column)
    }
}
