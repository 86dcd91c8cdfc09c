public import SakerYAML

/// Text assembled from rules-file scalars (and a little generated text), that remembers where
/// every byte came from.
///
/// A macro's condition, a rule's condition after `append`s and exceptions, a rule's output: each is
/// one string for the filter parser, but an error at byte 214 of it must be reported at the line
/// and column of the file it was written on. ``position(ofUTF8Offset:)`` does that mapping.
public struct LocatedText: Sendable, CustomStringConvertible {
    /// Where a run of bytes came from.
    enum Origin: Sendable {
        /// Bytes of a scalar's value, starting at `valueOffset` (UTF-8) into it.
        case value(YAMLNode, valueOffset: Int)
        /// Generated text (parentheses, `and not`, quotes), attributed to one position.
        case generated(SourcePosition)
    }

    struct Segment: Sendable {
        /// UTF-8 offset of the run in ``LocatedText/text``.
        var start: Int
        /// UTF-8 length of the run.
        var length: Int
        var origin: Origin
    }

    /// The text.
    public private(set) var text: String
    private(set) var segments: [Segment]
    private var utf8Count: Int

    /// Empty text.
    public init() {
        text = ""
        segments = []
        utf8Count = 0
    }

    /// The value of a scalar node.
    public init(node: YAMLNode) {
        let value = node.scalarValue ?? ""
        text = value
        utf8Count = value.utf8.count
        segments = [Segment(start: 0, length: utf8Count, origin: .value(node, valueOffset: 0))]
    }

    /// Generated text attributed to one position.
    public init(generated: String, at position: SourcePosition) {
        text = generated
        utf8Count = generated.utf8.count
        segments = [Segment(start: 0, length: utf8Count, origin: .generated(position))]
    }

    /// The text.
    public var description: String { text }

    /// True when the text is empty.
    public var isEmpty: Bool { utf8Count == 0 }

    /// The position of the first byte.
    public var startPosition: SourcePosition? {
        segments.first.map { Self.position(of: $0, at: 0) }
    }

    /// Appends other located text.
    public mutating func append(_ other: LocatedText) {
        for var segment in other.segments {
            segment.start += utf8Count
            segments.append(segment)
        }
        text += other.text
        utf8Count += other.utf8Count
    }

    /// Appends generated text attributed to a position.
    public mutating func append(_ generated: String, at position: SourcePosition) {
        append(LocatedText(generated: generated, at: position))
    }

    /// Concatenates two located texts.
    public static func + (lhs: LocatedText, rhs: LocatedText) -> LocatedText {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// The file position of the byte at a UTF-8 offset of ``text``; offsets at or past the end map
    /// to just after the last byte.
    public func position(ofUTF8Offset offset: Int) -> SourcePosition? {
        guard !segments.isEmpty else { return nil }
        // Binary search for the last segment starting at or before the offset.
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].start <= offset { low = mid } else { high = mid - 1 }
        }
        let segment = segments[low]
        return Self.position(of: segment, at: max(0, offset - segment.start))
    }

    private static func position(of segment: Segment, at delta: Int) -> SourcePosition {
        switch segment.origin {
        case .value(let node, let valueOffset):
            return node.position(ofValueUTF8Offset: valueOffset + delta)
        case .generated(let position):
            return position
        }
    }

    /// The text with leading and trailing whitespace (space, tab, line breaks) removed, positions
    /// kept (Falco trims rule outputs).
    public func trimmingWhitespace() -> LocatedText {
        let bytes = Array(text.utf8)
        var lower = 0
        var upper = bytes.count
        while lower < upper, Self.isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, Self.isWhitespace(bytes[upper - 1]) { upper -= 1 }
        if lower == 0 && upper == bytes.count { return self }
        return slice(utf8Range: lower..<upper)
    }

    /// The part of the text in a range of UTF-8 offsets, positions kept. The range should fall on
    /// character boundaries.
    public func slice(utf8Range range: Range<Int>) -> LocatedText {
        let lower = max(0, min(range.lowerBound, utf8Count))
        let upper = max(lower, min(range.upperBound, utf8Count))
        var result = LocatedText()
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: lower)
        let to = utf8.index(from, offsetBy: upper - lower)
        result.text = String(decoding: utf8[from..<to], as: UTF8.self)
        result.utf8Count = upper - lower
        for segment in segments {
            let start = max(segment.start, lower)
            let end = min(segment.start + segment.length, upper)
            guard start < end else { continue }
            var origin = segment.origin
            if case .value(let node, let valueOffset) = origin {
                origin = .value(node, valueOffset: valueOffset + (start - segment.start))
            }
            result.segments.append(Segment(start: start - lower, length: end - start, origin: origin))
        }
        return result
    }

    /// The UTF-8 length of the text.
    public var utf8Length: Int { utf8Count }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
