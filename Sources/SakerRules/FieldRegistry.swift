import SakerYAML

/// Reads one field from an event: returns nil when the value cannot be extracted (no process,
/// no descriptor, a parameter the event does not have…), which makes every comparison on it false.
public typealias FieldExtractor = @Sendable (_ context: inout FieldContext, _ argument: FieldArgument) -> FieldValue?

/// The argument of a field (`proc.aname[2]`, `proc.env[HOME]`, `evt.arg.flags`), parsed once at
/// compile time.
public struct FieldArgument: Sendable, Hashable {
    /// The text between brackets (or after `evt.arg.`), nil without one.
    public var text: String?
    /// The text as a number, when it is one.
    public var index: Int?
    /// For `evt.arg.NAME` and `evt.rawarg.NAME`: where parameter NAME sits in each event type.
    public var parameter: FieldParamIndex?

    /// No argument.
    public static let none = FieldArgument(text: nil)

    /// An argument from its text.
    public init(text: String?) {
        self.text = text
        self.index = text.flatMap { Int($0) }
    }
}

/// One field of the rules language: its name, type, argument, meaning and extractor.
public struct FieldDefinition: Sendable {
    /// What argument a field takes.
    public enum ArgumentRule: Sendable, Hashable {
        /// None (`proc.name`).
        case none
        /// An optional number (`proc.aname`, `proc.aname[2]`).
        case optionalIndex
        /// A required number (`proc.aexe[2]`).
        case requiredIndex
        /// An optional key (`proc.env`, `proc.env[HOME]`).
        case optionalKey
        /// A required key (`container.mount.dest[/etc]`, `evt.arg.NAME`, `evt.arg[N]`).
        case requiredKey
    }

    /// When comparisons on the field hold as soon as one of its values matches.
    public enum Matching: Sendable, Hashable {
        /// The field has one value.
        case single
        /// Always several candidates (`fd.ip`: client or server address).
        case anyValue
        /// Several candidates without an argument (`proc.aname`: any ancestor), one with it.
        case anyValueWithoutArgument
    }

    /// The field name (`proc.name`).
    public let name: String
    /// The value type.
    public let type: FieldType
    /// The argument it takes.
    public let argument: ArgumentRule
    /// One line for people (docs/rules.md).
    public let description: String
    /// True for list fields (`fd.types`), compared with `in`/`intersects` as sets.
    public let isList: Bool
    /// How multi-valued extraction is compared.
    public let matching: Matching
    /// The extractor.
    public let extract: FieldExtractor

    /// Creates a definition.
    public init(
        _ name: String, _ type: FieldType, argument: ArgumentRule = .none, isList: Bool = false,
        matching: Matching = .single, _ description: String, extract: @escaping FieldExtractor
    ) {
        self.name = name
        self.type = type
        self.argument = argument
        self.description = description
        self.isList = isList
        self.matching = matching
        self.extract = extract
    }

    /// True when a comparison on the field with `argument` is true if any extracted value matches.
    public func matchesAny(with argument: FieldArgument) -> Bool {
        switch matching {
        case .single: false
        case .anyValue: true
        case .anyValueWithoutArgument: argument.text == nil
        }
    }
}

/// Why a field reference was refused.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, for a person.
    public var message: String
    /// True when the field itself is unknown (rather than its argument being wrong).
    public var isUnknownField: Bool

    /// The message.
    public var description: String { message }
}

/// Every field Saker supports, by name.
public enum FieldRegistry {
    /// Every field, grouped by class (`evt`, `proc`, `thread`, `user`, `group`, `fd`, `container`, `k8s`).
    public static let all: [FieldDefinition] =
        eventFields + processFields + standardStreamFields + threadFields + userFields + fdFields
        + filesystemPathFields + containerFields

    private static let byName: [String: FieldDefinition] = {
        var map: [String: FieldDefinition] = [:]
        for definition in all { map[definition.name] = definition }
        return map
    }()

    /// The definition with exactly this name.
    public static func definition(named name: String) -> FieldDefinition? { byName[name] }

    /// Resolves a field reference as written in a condition or an output: `evt.arg.flags` reads
    /// as `evt.arg` with argument `flags`. Checks the argument against the field's rule.
    public static func resolve(_ name: String, argument text: String?) throws(FieldError) -> (
        definition: FieldDefinition, argument: FieldArgument
    ) {
        var definition = byName[name]
        var argumentText = text
        if definition == nil {
            for family in ["evt.arg.", "evt.rawarg."] where name.hasPrefix(family) {
                guard text == nil else { break }
                definition = byName[String(family.dropLast())]
                argumentText = String(name.dropFirst(family.count))
                break
            }
        }
        guard let definition else {
            var message = "filter_check called with nonexistent field \(name)"
            if let suggestion = suggestion(for: name) { message += " (did you mean `\(suggestion)`?)" }
            throw FieldError(message: message, isUnknownField: true)
        }
        var argument = FieldArgument(text: argumentText)
        if definition.name == "evt.arg" || definition.name == "evt.rawarg", let argumentText, argument.index == nil {
            argument.parameter = FieldParamIndex(argumentText)
        }
        switch definition.argument {
        case .none:
            if argumentText != nil {
                throw FieldError(message: "field \(name) does not take an argument", isUnknownField: false)
            }
        case .optionalIndex, .requiredIndex:
            if argumentText == nil, definition.argument == .requiredIndex {
                throw FieldError(message: "field \(name) requires an index argument", isUnknownField: false)
            }
            if let argumentText, argument.index == nil || (argument.index ?? -1) < 0 {
                throw FieldError(
                    message: "field \(name): invalid index argument '\(argumentText)'", isUnknownField: false)
            }
        case .requiredKey:
            if argumentText?.isEmpty ?? true {
                throw FieldError(message: "field \(name) requires an argument", isUnknownField: false)
            }
        case .optionalKey:
            break
        }
        return (definition, argument)
    }

    /// A Markdown table of every field (name with its argument, type, meaning), for docs/rules.md.
    public static var markdownTable: String {
        var text = "| Field | Type | Description |\n| --- | --- | --- |\n"
        for definition in all {
            var name = definition.name
            switch definition.argument {
            case .none: break
            case .optionalIndex: name += "[N]"
            case .requiredIndex: name += "[N]"
            case .optionalKey, .requiredKey: name += definition.name == "evt.arg" || definition.name == "evt.rawarg" ? ".NAME" : "[KEY]"
            }
            let type = definition.type.rawValue + (definition.isList ? " (list)" : "")
            text += "| `\(name)` | \(type) | \(definition.description.replacingPipes) |\n"
        }
        return text
    }

    /// The known field name closest to `name`, if one is close enough to be a likely typo.
    public static func suggestion(for name: String) -> String? {
        var best: (name: String, distance: Int)?
        for definition in all {
            let distance = YAMLNode.editDistance(name, definition.name)
            if let current = best, distance >= current.distance { continue }
            best = (definition.name, distance)
        }
        guard let best, best.distance <= max(2, name.utf8.count / 3) else { return nil }
        return best.name
    }
}

extension String {
    /// The text with `|` escaped for a Markdown table cell.
    fileprivate var replacingPipes: String {
        var result = ""
        for character in self { result += character == "|" ? "\\|" : String(character) }
        return result
    }
}
