/// String escaping of filter conditions, as libs' `userspace/libsinsp/filter/escaping.cpp`.
enum FilterEscaping {
    /// Unescapes a quoted token, quotes included (libs' `unescape_str`).
    ///
    /// Supported escapes: `\b \f \n \r \t \\ \/`, `\"` inside double quotes, `\'` inside single
    /// quotes, and `\ ` which libs reads as a backslash (kept for old rules). `\x` and anything else
    /// is an error, with libs' message.
    static func unescape(_ token: ArraySlice<UInt8>) -> Result<String, UnescapeError> {
        guard token.count >= 2, let quote = token.first else { return .success("") }
        var result: [UInt8] = []
        result.reserveCapacity(token.count - 2)
        var escaped = false
        for byte in token.dropFirst().dropLast() {
            if !escaped {
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else {
                    result.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: " "), UInt8(ascii: "\\"): result.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): result.append(UInt8(ascii: "/"))
            case UInt8(ascii: "\""):
                guard quote == byte else {
                    return .failure(UnescapeError(message: "invalid \\\" escape in '-quoted string"))
                }
                result.append(byte)
            case UInt8(ascii: "'"):
                guard quote == byte else {
                    return .failure(UnescapeError(message: "invalid \\' escape in \"-quoted string"))
                }
                result.append(byte)
            default:
                let shown = String(decoding: [byte], as: UTF8.self)
                return .failure(UnescapeError(message: "unsupported string escape sequence: \\" + shown))
            }
            escaped = false
        }
        return .success(String(decoding: result, as: UTF8.self))
    }

    /// Why a quoted token could not be unescaped.
    struct UnescapeError: Error {
        let message: String
    }

    /// A double-quoted spelling of `value` that the parser reads back as `value`.
    ///
    /// Escapes as libs' `escape_str` does. libs' lexer ends a string at the first quote not
    /// preceded by a backslash, so a value ending in a backslash cannot end in `\\"`: its last
    /// backslash is written `\ `, which libs also reads as a backslash.
    static func quoted(_ value: String) -> String {
        var out = "\""
        var scalars = Substring(value).unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += scalars.isEmpty ? "\\ " : "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
