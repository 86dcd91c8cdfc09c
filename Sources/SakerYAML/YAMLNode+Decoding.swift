/// Typed access with errors that say what was expected, what was found, and where.
extension YAMLNode {
    /// The text of a non-null scalar, in any style.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` for a sequence, a mapping or a null.
    public func string() throws(YAMLError) -> String {
        guard case .scalar(let scalar) = content, !isNull else {
            throw mismatch(expected: "a string")
        }
        return scalar.value
    }

    /// A boolean: a plain (or `!!bool`) `true`/`false`, `yes`/`no`, `on`/`off`, `y`/`n`, written all
    /// lower case, all upper case or capitalised (the forms yaml-cpp, and so Falco, accepts).
    ///
    /// - Parameter acceptQuoted: also accept a quoted `"true"`, as yaml-cpp does.
    /// - Throws: ``YAMLError/Code/typeMismatch`` for anything else.
    public func bool(acceptQuoted: Bool = false) throws(YAMLError) -> Bool {
        if case .scalar(let scalar) = content, !isNull,
           scalar.style == .plain || acceptQuoted || tag == YAMLNode.boolTag,
           let value = YAMLNode.parseBool(scalar.value) {
            return value
        }
        throw mismatch(expected: "a boolean (true or false)")
    }

    /// An integer: a plain decimal, `0x` hexadecimal or `0o` octal number, optionally signed.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` for anything else.
    public func int() throws(YAMLError) -> Int {
        if case .scalar(let scalar) = content, !isNull,
           scalar.style == .plain || tag == YAMLNode.intTag,
           let value = YAMLNode.parseInt(scalar.value) {
            return value
        }
        throw mismatch(expected: "an integer")
    }

    /// A floating-point number: a plain decimal or exponent number, `.inf`, `-.inf` or `.nan`.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` for anything else.
    public func double() throws(YAMLError) -> Double {
        if case .scalar(let scalar) = content, !isNull,
           scalar.style == .plain || tag == YAMLNode.floatTag,
           let value = YAMLNode.parseDouble(scalar.value) {
            return value
        }
        throw mismatch(expected: "a number")
    }

    /// The items of a sequence.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` for a scalar or a mapping.
    public func sequenceItems() throws(YAMLError) -> [YAMLNode] {
        guard case .sequence(let items) = content else { throw mismatch(expected: "a sequence") }
        return items
    }

    /// The pairs of a mapping.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` for a scalar or a sequence.
    public func mappingPairs() throws(YAMLError) -> [YAMLPair] {
        guard case .mapping(let pairs) = content else { throw mismatch(expected: "a mapping") }
        return pairs
    }

    /// The value of a key that must be present in this mapping.
    ///
    /// - Throws: ``YAMLError/Code/typeMismatch`` when this node is not a mapping,
    ///   ``YAMLError/Code/missingKey`` when the key is absent.
    public func value(forKey key: String) throws(YAMLError) -> YAMLNode {
        guard isMapping else { throw mismatch(expected: "a mapping") }
        guard let value = self[key] else {
            throw YAMLError(code: .missingKey, message: "missing key '\(key)'", position: position)
        }
        return value
    }

    /// An error saying this node is not what was expected, at this node's position.
    public func mismatch(expected: String) -> YAMLError {
        YAMLError(
            code: .typeMismatch, message: "expected \(expected), found \(kindDescription)",
            position: position)
    }

    // MARK: Scalar typing (YAML 1.2 core schema, plus the YAML 1.1 booleans yaml-cpp accepts)

    /// Parses the boolean forms yaml-cpp accepts: y/n, yes/no, true/false, on/off, each all lower
    /// case, all upper case, or capitalised.
    public static func parseBool(_ text: String) -> Bool? {
        let value: Bool
        switch text.lowercased() {
        case "y", "yes", "true", "on": value = true
        case "n", "no", "false", "off": value = false
        default: return nil
        }
        // Flexible case: all lower, all upper, or first upper and the rest lower ("tRue" is not).
        let isUpper = { (byte: UInt8) in byte >= 65 && byte <= 90 }
        let bytes = Array(text.utf8)
        let allLower = !bytes.contains(where: isUpper)
        let allUpper = bytes.allSatisfy(isUpper)
        let capitalised = isUpper(bytes[0]) && !bytes.dropFirst().contains(where: isUpper)
        return allLower || allUpper || capitalised ? value : nil
    }

    /// Parses a YAML 1.2 core integer: decimal (optionally signed), `0x` hex or `0o` octal.
    public static func parseInt(_ text: String) -> Int? {
        var utf8 = Substring(text)
        if utf8.hasPrefix("0x") { return Int(utf8.dropFirst(2), radix: 16) }
        if utf8.hasPrefix("0o") { return Int(utf8.dropFirst(2), radix: 8) }
        var negative = false
        if utf8.hasPrefix("-") || utf8.hasPrefix("+") {
            negative = utf8.hasPrefix("-")
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard let magnitude = Int(utf8) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Parses a YAML 1.2 core float (integers included).
    public static func parseDouble(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // Only digits, sign, dot and exponent: reject "inf", "nan", hex floats and the like.
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
        guard allowed, text.utf8.contains(where: { $0 >= 48 && $0 <= 57 }) else { return nil }
        return Double(text)
    }
}
