import SakerYAML

/// A load error for one item: the item is skipped, the diagnostic reported.
struct LoadFailure: Error {
    var diagnostic: Diagnostic

    init(_ message: String, at position: SourcePosition, code: Diagnostic.Code = .yamlValidate) {
        diagnostic = Diagnostic(.error, code, message, at: position)
    }
}

/// What is being read (`rule 'Write below etc'`, `exception 'known_binaries'`), so that every
/// message names it, and the typed accessors every item kind uses. The accessors follow Falco's
/// `decode_val`/`decode_seq`/`decode_tags` (rule_loader_reader.cpp): required keys must be present,
/// non-null, scalar and non-empty; booleans use yaml-cpp's spellings, quoted or not.
struct RulesFileItemContext {
    /// `rule`, `macro`, `list`, `exception`, `required_plugin_versions entry`…
    var kind: String
    /// The item's name, once known.
    var name: String?
    /// The item's mapping node.
    var node: YAMLNode

    /// `rule 'Foo': ` or `rule: ` before the name is known.
    var prefix: String {
        if let name { return "\(kind) '\(name)': " }
        return "\(kind): "
    }

    func failure(_ message: String, at position: SourcePosition? = nil, code: Diagnostic.Code = .yamlValidate)
        -> LoadFailure
    {
        LoadFailure(prefix + message, at: position ?? node.position, code: code)
    }

    func warning(_ message: String, at position: SourcePosition? = nil, code: Diagnostic.Code) -> Diagnostic {
        Diagnostic(.warning, code, prefix + message, at: position ?? node.position)
    }

    /// The value of a key that must be there and hold a non-empty string.
    func requiredString(_ key: String) throws(LoadFailure) -> YAMLNode {
        guard let value = node[key] else { throw failure("missing required key '\(key)'") }
        try checkString(value, key: key)
        return value
    }

    /// The value of an optional key holding a non-empty string, nil when absent.
    func optionalString(_ key: String) throws(LoadFailure) -> YAMLNode? {
        guard let value = node[key] else { return nil }
        try checkString(value, key: key)
        return value
    }

    private func checkString(_ value: YAMLNode, key: String) throws(LoadFailure) {
        if value.isNull { throw failure("key '\(key)' is empty", at: value.position) }
        guard let scalar = value.scalar else {
            throw failure("expected a string for '\(key)', found \(value.kindDescription)", at: value.position)
        }
        if scalar.value.isEmpty { throw failure("'\(key)' must not be empty", at: value.position) }
    }

    /// A boolean key: nil when absent.
    func optionalBool(_ key: String) throws(LoadFailure) -> Bool? {
        guard let value = node[key] else { return nil }
        return try bool(value, key: key)
    }

    /// A boolean key that must be present.
    func requiredBool(_ key: String) throws(LoadFailure) -> Bool {
        guard let value = node[key] else { throw failure("missing required key '\(key)'") }
        return try bool(value, key: key)
    }

    private func bool(_ value: YAMLNode, key: String) throws(LoadFailure) -> Bool {
        if value.isNull { throw failure("key '\(key)' is empty", at: value.position) }
        guard let scalar = value.scalar, let parsed = YAMLNode.parseBool(scalar.value) else {
            throw failure(
                "expected a boolean (true or false) for '\(key)', found \(value.kindDescription)",
                at: value.position)
        }
        return parsed
    }

    /// A sequence of non-null scalars (`items`, `tags`); nil when absent and optional.
    func stringSequence(_ key: String, required: Bool) throws(LoadFailure) -> [LocatedString]? {
        guard let value = node[key] else {
            if required { throw failure("missing required key '\(key)'") }
            return nil
        }
        guard let items = value.sequence else {
            throw failure("expected a sequence for '\(key)', found \(value.kindDescription)", at: value.position)
        }
        var result: [LocatedString] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let scalar = item.scalar, !item.isNull else {
                throw failure(
                    "expected a string in '\(key)', found \(item.kindDescription)", at: item.position)
            }
            result.append(LocatedString(scalar.value, at: item.position))
        }
        return result
    }

    /// Warns about keys this kind of item does not have, with a suggestion when one is close.
    func unknownKeyWarnings(allowed: Set<String>) -> [Diagnostic] {
        node.unexpectedKeys(allowed: allowed).map { unexpected in
            let message: String
            switch unexpected.reason {
            case .notAString:
                message = "unexpected \(unexpected.key.kindDescription) as a key; it is ignored"
            case .duplicate:
                message = "duplicate key '\(unexpected.name ?? "")'; only the first one is used"
            case .unknown:
                var text = "unknown key '\(unexpected.name ?? "")'; it is ignored"
                if let suggestion = unexpected.suggestion { text += " (did you mean '\(suggestion)'?)" }
                message = text
            }
            return warning(message, at: unexpected.key.position, code: .unknownKey)
        }
    }
}
