/// A position inside the text of a filter condition.
///
/// Line and column are counted exactly as libs' filter parser counts them (`update_pos` in
/// `userspace/libsinsp/filter/parser.cpp`): columns count bytes, and every `\r` and every `\n`
/// starts a new line. That keeps Saker's messages identical to Falco's for the same condition.
/// To report a place in a rules file, map ``offset`` through a ``FilterSourceMap``.
public struct FilterPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The byte offset (UTF-8) from the start of the condition text.
    public var offset: Int
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in bytes.
    public var column: Int

    /// The first byte of a condition.
    public static let start = FilterPosition(offset: 0, line: 1, column: 1)

    /// Creates a position from its parts.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The position of a byte offset inside `text`, with line and column counted as libs does.
    ///
    /// Offsets past the end give the position right after the last byte.
    public init(offset: Int, in text: String) {
        var position = FilterPosition.start
        var remaining = max(0, offset)
        for byte in text.utf8 {
            guard remaining > 0 else { break }
            position.advance(over: byte)
            remaining -= 1
        }
        self = position
    }

    /// Moves past one byte of condition text (libs' `update_pos`).
    @inline(__always)
    mutating func advance(over byte: UInt8) {
        column += 1
        if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
            column = 1
            line += 1
        }
        offset += 1
    }

    /// Orders positions by offset.
    public static func < (lhs: FilterPosition, rhs: FilterPosition) -> Bool {
        lhs.offset < rhs.offset
    }

    /// `line:column`, as Falco prints it.
    public var description: String { "\(line):\(column)" }
}

/// Line starts of a condition text, counted as libs counts them, for turning many offsets into
/// positions without rescanning the text each time.
struct FilterLineTable: Sendable {
    /// Offset at which each line starts; index 0 is line 1.
    private let lineStarts: [Int]
    private let count: Int

    init(_ text: String) {
        var starts = [0]
        var offset = 0
        for byte in text.utf8 {
            offset += 1
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                starts.append(offset)
            }
        }
        lineStarts = starts
        count = offset
    }

    /// The position of a byte offset, clamped to the text.
    func position(ofOffset offset: Int) -> FilterPosition {
        let clamped = max(0, min(offset, count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        return FilterPosition(offset: clamped, line: low + 1, column: clamped - lineStarts[low] + 1)
    }
}
