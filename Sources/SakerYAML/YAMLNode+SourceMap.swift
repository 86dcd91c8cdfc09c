/// Mapping offsets inside a scalar's value back to the file, so that an error found while parsing
/// a condition (which is a scalar's value) can point at the exact line and column in the file.
extension YAMLNode {
    /// The file position of the character at a UTF-8 offset of this scalar's value.
    ///
    /// Plain, quoted and block scalars are all followed through their line folding, indentation,
    /// escapes and doubled quotes. For a node that is not a scalar, or an offset past the end, the
    /// answer is the nearest position that can be determined (at worst the node's start).
    public func position(ofValueUTF8Offset target: Int) -> SourcePosition {
        guard case .scalar(let scalar) = content, target > 0 else { return position }
        let bytes = source.bytes
        var sourceIndex = source.byteOffset(line: start.line, column: start.column)
        let sourceEnd = min(source.byteOffset(line: end.line, column: end.column), bytes.count)

        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            sourceIndex += 1
        case .literal, .folded:
            // Skip the header (`|`, `>-`, `|2 # comment`…) up to its line break.
            while sourceIndex < sourceEnd, bytes[sourceIndex] != UInt8(ascii: "\n") { sourceIndex += 1 }
            sourceIndex += 1
        case .plain:
            break
        }

        let value = Array(scalar.value.utf8)
        let limit = min(target, value.count)
        var valueIndex = 0
        while valueIndex < limit, sourceIndex < sourceEnd {
            let valueByte = value[valueIndex]
            let sourceByte = bytes[sourceIndex]
            if valueByte == sourceByte {
                valueIndex += 1
                sourceIndex += 1
                continue
            }
            if scalar.style == .doubleQuoted, sourceByte == UInt8(ascii: "\\"), sourceIndex + 1 < sourceEnd {
                let next = bytes[sourceIndex + 1]
                if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
                    // An escaped line break: nothing in the value.
                    sourceIndex += 2
                    continue
                }
                let escapeLength: Int
                switch next {
                case UInt8(ascii: "x"): escapeLength = 4
                case UInt8(ascii: "u"): escapeLength = 6
                case UInt8(ascii: "U"): escapeLength = 10
                default: escapeLength = 2
                }
                sourceIndex += escapeLength
                valueIndex += YAMLSource.scalarWidth(leadingByte: valueByte)
                continue
            }
            if scalar.style == .singleQuoted, sourceByte == UInt8(ascii: "'") {
                // A doubled quote stands for one: skip the first.
                sourceIndex += 1
                continue
            }
            if Self.isBlank(sourceByte) {
                // Indentation, folded line breaks, extra spaces: present in the file only.
                sourceIndex += 1
                continue
            }
            if Self.isBlank(valueByte) {
                // A space or line break produced by folding: present in the value only.
                valueIndex += 1
                continue
            }
            break
        }
        // Land on the character itself, not on indentation or a line break before it.
        if valueIndex == limit, limit < value.count, !Self.isBlank(value[limit]) {
            while sourceIndex < sourceEnd, Self.isBlank(bytes[sourceIndex]) { sourceIndex += 1 }
        }
        return source.position(ofByteOffset: min(sourceIndex, bytes.count))
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
