/// A line and column in a rules file: 1-based, columns counting Unicode scalars as libyaml does.
public struct FilterSourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Maps offsets in a condition (a YAML scalar's value) to lines and columns of the rules file.
///
/// A scalar's value is not its source text: a plain scalar spread over lines or a folded block
/// scalar (`condition: >`) turns line breaks into spaces and drops indentation, a literal block
/// (`|`) drops indentation, quoted scalars drop quotes and escapes. The map is built by aligning
/// the value with the scalar's raw text as it appears in the file (from the node's start mark to
/// its end mark): matching characters map to each other, while indentation, dropped line breaks,
/// quotes and escape backslashes in the raw text are skipped. A block scalar's header line (`>`,
/// `|-`, …) is skipped too.
public struct FilterSourceMap: Sendable {
    /// UTF-8 offset in the value where each Unicode scalar starts.
    private let scalarOffsets: [Int]
    /// The source location of each scalar of the value.
    private let locations: [FilterSourceLocation]
    /// Where the value ends in the source.
    private let endLocation: FilterSourceLocation
    private let valueByteCount: Int

    /// Aligns `value` with `source`, the scalar's text as written, which starts at `start`.
    public init(value: String, source: String, start: FilterSourceLocation) {
        let raw = Array(source.unicodeScalars)
        var rawLocations: [FilterSourceLocation] = []
        rawLocations.reserveCapacity(raw.count)
        var fixed = start
        for index in raw.indices {
            rawLocations.append(fixed)
            let scalar = raw[index]
            // `\n`, `\r\n` and a lone `\r` each end a line.
            if scalar == "\n" || (scalar == "\r" && (index + 1 == raw.count || raw[index + 1] != "\n")) {
                fixed = FilterSourceLocation(line: fixed.line + 1, column: 1)
            } else {
                fixed.column += 1
            }
        }
        let rawEnd = fixed
        var cursor = 0
        if let first = raw.first, first == "|" || first == ">" {
            while cursor < raw.count, raw[cursor] != "\n", raw[cursor] != "\r" { cursor += 1 }
        }

        var offsets: [Int] = []
        var mapped: [FilterSourceLocation] = []
        var offset = 0
        for scalar in value.unicodeScalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
            // Skip what the value does not contain: indentation, dropped breaks, quotes, escapes.
            while cursor < raw.count, raw[cursor] != scalar {
                let skipped = raw[cursor]
                let isFold = scalar == " " && (skipped == "\n" || skipped == "\r")
                let isSkippable =
                    skipped == " " || skipped == "\t" || skipped == "\n" || skipped == "\r" || skipped == "\\"
                    || skipped == "\"" || skipped == "'"
                if isFold || !isSkippable { break }
                cursor += 1
            }
            if cursor < raw.count {
                mapped.append(rawLocations[cursor])
                cursor += 1
            } else {
                mapped.append(rawEnd)
            }
        }
        scalarOffsets = offsets
        locations = mapped
        endLocation = cursor < rawLocations.count ? rawLocations[cursor] : rawEnd
        valueByteCount = offset
    }

    /// A map for a value written verbatim in the file from `start` (a plain one-line scalar).
    public init(verbatim value: String, start: FilterSourceLocation) {
        self.init(value: value, source: value, start: start)
    }

    /// The file location of a byte offset in the value; the end of the value maps to where it
    /// ends in the file.
    public func location(ofOffset offset: Int) -> FilterSourceLocation {
        guard offset < valueByteCount, !scalarOffsets.isEmpty else { return endLocation }
        var low = 0
        var high = scalarOffsets.count - 1
        let target = max(0, offset)
        while low < high {
            let mid = (low + high + 1) / 2
            if scalarOffsets[mid] <= target { low = mid } else { high = mid - 1 }
        }
        return locations[low]
    }

    /// The file location of a position in the value.
    public func location(of position: FilterPosition) -> FilterSourceLocation {
        location(ofOffset: position.offset)
    }
}
