internal import SakerYAML

/// Operations on configuration trees: the parsed YAML nodes, each keeping the position where it
/// was written, merged across files and overrides.
enum ConfigTree {
    /// Deep merge: for two mappings, each key of `overlay` merges into the same key of `base`
    /// (or is appended when `base` lacks it); anything else (scalars, sequences, a mapping over a
    /// scalar) is replaced by `overlay`. The merged key takes the overlay's key node, so its
    /// position is where it was last set.
    static func merge(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
        guard case .mapping(var basePairs) = base.content, case .mapping(let overlayPairs) = overlay.content else {
            return overlay
        }
        for pair in overlayPairs {
            if pair.key.isScalar, let key = pair.key.scalarValue,
               let index = basePairs.firstIndex(where: { $0.key.isScalar && $0.key.scalarValue == key }) {
                basePairs[index] = YAMLPair(key: pair.key, value: merge(basePairs[index].value, pair.value))
            } else {
                basePairs.append(pair)
            }
        }
        var result = base
        result.content = .mapping(basePairs)
        return result
    }

    /// Duplicate keys in any mapping of a document (libyaml accepts them; the lookup would silently
    /// take one of them).
    static func duplicateKeys(in node: YAMLNode, diagnostics: inout [ConfigDiagnostic]) {
        switch node.content {
        case .scalar:
            break
        case .sequence(let items):
            for item in items { duplicateKeys(in: item, diagnostics: &diagnostics) }
        case .mapping(let pairs):
            var seen: [String: SourcePosition] = [:]
            for pair in pairs {
                if pair.key.isScalar, let name = pair.key.scalarValue {
                    if let first = seen[name] {
                        diagnostics.append(ConfigDiagnostic(
                            "duplicate key '\(name)' (first set at line \(first.line), column \(first.column))",
                            at: pair.key.position))
                    } else {
                        seen[name] = pair.key.position
                    }
                }
                duplicateKeys(in: pair.value, diagnostics: &diagnostics)
            }
        }
    }

    /// Parses `key.path=value` (the `index`th `-o` argument, 1-based) into a tree
    /// `{key: {path: value}}` whose nodes point at `-o argument N`.
    static func override(_ argument: String, index: Int) throws(ConfigurationErrors) -> YAMLNode {
        let name = "-o argument \(index)"
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigurationErrors(ConfigDiagnostic(
                "invalid override '\(argument)': expected key.path=value", file: name))
        }
        let keyPath = String(argument[..<equals])
        let valueText = String(argument[argument.index(after: equals)...])
        let segments = keyPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let validSegment = { (segment: String) -> Bool in
            !segment.isEmpty && segment.utf8.allSatisfy { byte in
                (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        }
        guard segments.allSatisfy(validSegment) else {
            throw ConfigurationErrors(ConfigDiagnostic(
                "invalid override '\(argument)': the key path '\(keyPath)' must be names separated by dots (outputs.http.enabled)",
                file: name))
        }
        let source = YAMLSource(name: name, text: valueText)
        let origin = YAMLMark(line: 1, column: 1)
        let documents: [YAMLDocument]
        do throws(YAMLError) {
            documents = try YAMLParser.parse(source)
        } catch {
            throw ConfigurationErrors(ConfigDiagnostic("invalid override '\(argument)': \(error.message)", at: error.position))
        }
        guard documents.count <= 1 else {
            throw ConfigurationErrors(ConfigDiagnostic(
                "invalid override '\(argument)': the value holds more than one YAML document",
                at: documents[1].root.position))
        }
        var value = documents.first?.root
            ?? YAMLNode(.scalar(YAMLScalar("")), start: origin, end: origin, source: source)
        for segment in segments.reversed() {
            let key = YAMLNode(.scalar(YAMLScalar(segment)), start: origin, end: origin, source: source)
            value = YAMLNode(.mapping([YAMLPair(key: key, value: value)]), start: origin, end: origin, source: source)
        }
        return value
    }

    /// Expands `${NAME}` and `${NAME:-default}` (default when unset or empty) in every scalar value
    /// (keys are left alone); `$${` stands for a literal `${`.
    /// A scalar whose expansion fails is left out of the result (its diagnostic says why), so
    /// that the unexpanded text is not reported again by validation.
    static func expandEnvironment(
        _ node: YAMLNode, lookup: (String) -> String?, diagnostics: inout [ConfigDiagnostic]
    ) -> YAMLNode? {
        var result = node
        switch node.content {
        case .scalar(let scalar):
            guard scalar.value.contains("$") else { return node }
            guard let expanded = expand(scalar.value, node: node, lookup: lookup, diagnostics: &diagnostics) else {
                return nil
            }
            result.content = .scalar(YAMLScalar(expanded, style: scalar.style))
        case .sequence(let items):
            result.content = .sequence(items.compactMap {
                expandEnvironment($0, lookup: lookup, diagnostics: &diagnostics)
            })
        case .mapping(let pairs):
            result.content = .mapping(pairs.compactMap { pair in
                expandEnvironment(pair.value, lookup: lookup, diagnostics: &diagnostics)
                    .map { YAMLPair(key: pair.key, value: $0) }
            })
        }
        return result
    }

    private static func expand(
        _ text: String, node: YAMLNode, lookup: (String) -> String?, diagnostics: inout [ConfigDiagnostic]
    ) -> String? {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        var failed = false
        let dollar = UInt8(ascii: "$"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == dollar, index + 2 < bytes.count, bytes[index + 1] == dollar, bytes[index + 2] == open {
                out += [dollar, open]
                index += 3
                continue
            }
            guard byte == dollar, index + 1 < bytes.count, bytes[index + 1] == open else {
                out.append(byte)
                index += 1
                continue
            }
            let position = node.position(ofValueUTF8Offset: index)
            guard let end = bytes[(index + 2)...].firstIndex(of: close) else {
                diagnostics.append(ConfigDiagnostic("unterminated '${' in '\(text)': expected '}'", at: position))
                return nil
            }
            let inner = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
            var name = inner
            var fallback: String?
            let innerBytes = Array(inner.utf8)
            if let split = innerBytes.indices.first(where: {
                $0 + 1 < innerBytes.count && innerBytes[$0] == UInt8(ascii: ":") && innerBytes[$0 + 1] == UInt8(ascii: "-")
            }) {
                name = String(decoding: innerBytes[..<split], as: UTF8.self)
                fallback = String(decoding: innerBytes[(split + 2)...], as: UTF8.self)
            }
            let validName = !name.isEmpty && name.utf8.enumerated().allSatisfy { offset, byte in
                (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
                    || (offset > 0 && byte >= 48 && byte <= 57)
            }
            if !validName {
                diagnostics.append(ConfigDiagnostic(
                    "invalid environment variable reference '${\(inner)}': expected ${NAME} or ${NAME:-default}",
                    at: position))
                failed = true
            } else if let value = lookup(name), !(value.isEmpty && fallback != nil) {
                out += Array(value.utf8)
            } else if let fallback {
                out += Array(fallback.utf8)
            } else {
                diagnostics.append(ConfigDiagnostic(
                    "environment variable '\(name)' is not set (write ${\(name):-default} to give a default)",
                    at: position))
                failed = true
            }
            index = end + 1
        }
        return failed ? nil : String(decoding: out, as: UTF8.self)
    }
}
