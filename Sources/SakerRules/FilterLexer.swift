/// The token lexers of libs' filter parser (the `lex_*` methods of
/// `userspace/libsinsp/filter/parser.cpp`), over the UTF-8 bytes of a condition.
///
/// libs matches its tokens with RE2 in POSIX (leftmost-longest) mode; each regex is simple enough
/// to be matched by hand here, giving the same longest match:
/// ```
/// not-blank     not[[:space:]]+
/// identifier    [a-zA-Z]+[a-zA-Z0-9_]*
/// field name    [a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+
/// field arg     [^][\"'[:space:]]+
/// hex number    0[xX][0-9a-fA-F]+
/// number        [+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?
/// bare string   [^()\"'[:space:]=,]+
/// ```
/// `[:space:]` is POSIX space (` \t\n\v\f\r`), while the blanks libs skips between tokens are
/// ` \t\b\r\n`: the difference is deliberate and kept. Like libs, which reads the input as a C
/// string, literal tokens, blanks and quoted strings stop at a NUL byte, while the regex tokens
/// (which RE2 matches over the whole input) do not.
struct FilterLexer {
    let input: [UInt8]
    /// Where the lexer stands.
    var position = FilterPosition.start
    /// The bytes of the last token (libs' `m_last_token`), for error messages and node values.
    private var lastTokenRange = 0..<0
    /// The unescaped value when the last token was a quoted string.
    private var lastTokenValue: String?

    init(_ text: String) {
        input = Array(text.utf8)
    }

    /// The last token as text.
    var lastToken: String {
        lastTokenValue ?? String(decoding: input[lastTokenRange], as: UTF8.self)
    }

    /// Whether the lexer consumed the whole input.
    var isAtEnd: Bool { position.offset == input.count }

    /// The byte at `offset`, or 0 past the end (libs reads a NUL-terminated C string).
    @inline(__always)
    private func byte(at offset: Int) -> UInt8 {
        offset < input.count ? input[offset] : 0
    }

    @inline(__always)
    private var current: UInt8 { byte(at: position.offset) }

    private mutating func advance(by count: Int) {
        for _ in 0..<count {
            position.advance(over: byte(at: position.offset))
        }
    }

    /// Consumes a token of `length` bytes at the cursor.
    private mutating func take(_ length: Int) {
        lastTokenRange = position.offset..<(position.offset + length)
        lastTokenValue = nil
        advance(by: length)
    }

    // MARK: Blanks and literal tokens

    /// Skips ` \t\b\r\n`; true if it skipped any (libs' `lex_blank`, which keeps the last token).
    @discardableResult
    mutating func lexBlank() -> Bool {
        var found = false
        while Self.isBlank(current) {
            found = true
            position.advance(over: current)
        }
        return found
    }

    /// Consumes `literal` if the input continues with it (libs' `lex_helper_str`).
    mutating func lexLiteral(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { bytes in
            for index in 0..<length where byte(at: position.offset + index) != bytes[index] {
                return false
            }
            return true
        }
        if matches { take(length) }
        return matches
    }

    /// Consumes the first of `literals` the input continues with (libs' `lex_helper_str_list`).
    private mutating func lexFirst<T>(of literals: [(StaticString, T)]) -> T? {
        for (literal, value) in literals where lexLiteral(literal) {
            return value
        }
        return nil
    }

    /// Consumes an operator (libs' `lex_helper_operator_list`). Operators that libs writes with a
    /// trailing space must be followed by a blank; when one matches without a blank the lexer stays
    /// after it and gives up on the whole list, exactly as libs does.
    private mutating func lexOperator<T>(of operators: [(StaticString, needsBlank: Bool, T)]) -> T? {
        for (spelling, needsBlank, value) in operators where lexLiteral(spelling) {
            if !needsBlank { return value }
            return lexBlank() ? value : nil
        }
        return nil
    }

    // MARK: Regex tokens

    /// `not[[:space:]]+`.
    mutating func lexNotBlank() -> Bool {
        guard byte(at: position.offset) == UInt8(ascii: "n"),
            byte(at: position.offset + 1) == UInt8(ascii: "o"),
            byte(at: position.offset + 2) == UInt8(ascii: "t")
        else { return false }
        var end = position.offset + 3
        while Self.isPOSIXSpace(byte(at: end)) { end += 1 }
        guard end > position.offset + 3 else { return false }
        take(end - position.offset)
        return true
    }

    /// The end of `[a-zA-Z]+[a-zA-Z0-9_]*` starting at `offset`, or nil.
    private func identifierEnd(from offset: Int) -> Int? {
        guard Self.isLetter(byte(at: offset)) else { return nil }
        var end = offset + 1
        while Self.isIdentifierTail(byte(at: end)) { end += 1 }
        return end
    }

    /// `[a-zA-Z]+[a-zA-Z0-9_]*`.
    mutating func lexIdentifier() -> Bool {
        guard let end = identifierEnd(from: position.offset) else { return false }
        take(end - position.offset)
        return true
    }

    /// `[a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+`.
    mutating func lexFieldName() -> Bool {
        guard var end = identifierEnd(from: position.offset) else { return false }
        var segments = 0
        while byte(at: end) == UInt8(ascii: "."), let next = identifierEnd(from: end + 1) {
            end = next
            segments += 1
        }
        guard segments > 0 else { return false }
        take(end - position.offset)
        return true
    }

    /// `[^][\"'[:space:]]+`.
    mutating func lexFieldArgumentBareString() -> Bool {
        lexRun { byte in Self.isFieldArgumentByte(byte) }
    }

    /// `[^()\"'[:space:]=,]+`.
    mutating func lexBareString() -> Bool {
        lexRun { byte in Self.isBareStringByte(byte) }
    }

    /// `0[xX][0-9a-fA-F]+`.
    mutating func lexHexNumber() -> Bool {
        let start = position.offset
        guard byte(at: start) == UInt8(ascii: "0"),
            byte(at: start + 1) | 0x20 == UInt8(ascii: "x"),
            Self.isHexDigit(byte(at: start + 2))
        else { return false }
        var end = start + 3
        while Self.isHexDigit(byte(at: end)) { end += 1 }
        take(end - start)
        return true
    }

    /// `[+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?`.
    mutating func lexNumber() -> Bool {
        let start = position.offset
        var end = start
        if byte(at: end) == UInt8(ascii: "+") || byte(at: end) == UInt8(ascii: "-") { end += 1 }
        guard Self.isDigit(byte(at: end)) else { return false }
        while Self.isDigit(byte(at: end)) { end += 1 }
        if byte(at: end) == UInt8(ascii: ".") { end += 1 }
        while Self.isDigit(byte(at: end)) { end += 1 }
        if byte(at: end) | 0x20 == UInt8(ascii: "e"),
            byte(at: end + 1) == UInt8(ascii: "+") || byte(at: end + 1) == UInt8(ascii: "-"),
            Self.isDigit(byte(at: end + 2))
        {
            end += 3
            while Self.isDigit(byte(at: end)) { end += 1 }
        }
        take(end - start)
        return true
    }

    private mutating func lexRun(while accepts: (UInt8) -> Bool) -> Bool {
        let start = position.offset
        var end = start
        while end < input.count, accepts(input[end]) { end += 1 }
        guard end > start else { return false }
        take(end - start)
        return true
    }

    // MARK: Quoted strings

    /// A single- or double-quoted string (libs' `lex_quoted_str`).
    ///
    /// The string ends at the first delimiter not preceded by a backslash (so `"a\\"` does not end
    /// at its last quote, as in libs). An unterminated string consumes nothing and returns false;
    /// a terminated one with an unsupported escape throws with the lexer after its closing quote.
    mutating func lexQuotedString() throws(FilterParseError) -> Bool {
        let delimiter = current
        guard Self.isQuote(delimiter) else { return false }
        let saved = position
        let start = position.offset
        var previous = UInt8(ascii: "\\")
        while current != 0 {
            let byte = current
            if byte == delimiter && previous != UInt8(ascii: "\\") {
                position.advance(over: byte)
                lastTokenRange = start..<position.offset
                switch FilterEscaping.unescape(input[lastTokenRange]) {
                case .success(let value):
                    lastTokenValue = value
                    return true
                case .failure(let error):
                    lastTokenValue = nil
                    throw FilterParseError(.invalidEscape, error.message, at: position)
                }
            }
            previous = byte
            position.advance(over: byte)
        }
        // libs leaves the partial string in m_last_token and rewinds.
        lastTokenRange = start..<position.offset
        lastTokenValue = nil
        position = saved
        return false
    }

    // MARK: Operators and transformers

    /// `exists`.
    mutating func lexUnaryOperator() -> FilterUnaryOperator? {
        lexOperator(of: Self.unaryOperators)
    }

    /// `<= < >= >`.
    mutating func lexNumericOperator() -> FilterOperator? {
        lexOperator(of: Self.numericOperators)
    }

    /// `== = != glob iglob contains icontains bcontains startswith bstartswith endswith regex`.
    mutating func lexStringOperator() -> FilterOperator? {
        lexOperator(of: Self.stringOperators)
    }

    /// `intersects in pmatch`.
    mutating func lexListOperator() -> FilterOperator? {
        lexOperator(of: Self.listOperators)
    }

    /// A transformer name with its `(` (libs' `lex_field_transformer_type`); `val(` is not one.
    mutating func lexTransformerType() -> FilterTransformerKind? {
        lexFirst(of: Self.transformers)
    }

    /// `oneof`, `anyof` or `allof`, when followed by blanks and `(`; the lexer stays after the
    /// modifier. Nothing is consumed otherwise, so `proc.name = anyof` keeps comparing with the
    /// bare string `anyof`.
    mutating func lexListModifier() -> FilterListModifier? {
        let saved = self
        lexBlank()
        guard let modifier = lexFirst(of: Self.modifiers) else {
            self = saved
            return nil
        }
        let afterModifier = self
        lexBlank()
        guard current == UInt8(ascii: "(") else {
            self = saved
            return nil
        }
        self = afterModifier
        return modifier
    }

    // Tables in libs' order: the first match wins.
    private static let unaryOperators: [(StaticString, needsBlank: Bool, FilterUnaryOperator)] = [
        ("exists", false, .exists)
    ]
    private static let numericOperators: [(StaticString, needsBlank: Bool, FilterOperator)] = [
        ("<=", false, .lessThanOrEqual), ("<", false, .lessThan),
        (">=", false, .greaterThanOrEqual), (">", false, .greaterThan),
    ]
    private static let stringOperators: [(StaticString, needsBlank: Bool, FilterOperator)] = [
        ("==", false, .doubleEqual), ("=", false, .equal), ("!=", false, .notEqual),
        ("glob", true, .glob), ("iglob", true, .iglob), ("contains", true, .contains),
        ("icontains", true, .icontains), ("bcontains", true, .bcontains), ("startswith", true, .startswith),
        ("bstartswith", true, .bstartswith), ("endswith", true, .endswith), ("regex", true, .regex),
    ]
    private static let listOperators: [(StaticString, needsBlank: Bool, FilterOperator)] = [
        ("intersects", false, .intersects), ("in", false, .in), ("pmatch", false, .pmatch),
    ]
    // libs' s_field_transformers is {tolower, toupper, b64, basename, len, join}; concat
    // (libs#2822) and getopt (libs#2842) were merged after it, with the same call syntax.
    private static let transformers: [(StaticString, FilterTransformerKind)] = [
        ("tolower(", .tolower), ("toupper(", .toupper), ("b64(", .b64), ("basename(", .basename),
        ("len(", .len), ("join(", .join), ("concat(", .concat), ("getopt(", .getopt),
    ]
    private static let modifiers: [(StaticString, FilterListModifier)] = [
        ("oneof", .oneof), ("anyof", .anyof), ("allof", .allof),
    ]

    /// The transformer names libs lists in its errors (`supported_field_transformers(true)`).
    static let transformerNamesForMessages = (["val"] + transformers.map { String("\($0.0)".dropLast()) })
        .map { "'\($0)'" }.joined(separator: ", ")

    /// Every operator, as libs lists them in its errors (`supported_operators()`).
    static let operatorNamesForMessages = (
        unaryOperators.map { "\($0.0)" } + numericOperators.map { "\($0.0)" }
            + stringOperators.map { "\($0.0)" } + listOperators.map { "\($0.0)" }
    ).map { "'\($0)'" }.joined(separator: ", ")

    // MARK: Character classes

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x08 || byte == 0x0D || byte == 0x0A
    }

    @inline(__always) static func isPOSIXSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always) static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always) static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
    }

    @inline(__always) static func isIdentifierTail(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")
    }

    @inline(__always) static func isBareStringByte(_ byte: UInt8) -> Bool {
        !(byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || isQuote(byte) || isPOSIXSpace(byte)
            || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ","))
    }

    @inline(__always) static func isFieldArgumentByte(_ byte: UInt8) -> Bool {
        !(byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || isQuote(byte) || isPOSIXSpace(byte))
    }
}
