public import SakerYAML

/// A string from a rules file, with where it was written.
public struct LocatedString: Sendable, Hashable, CustomStringConvertible {
    /// The value.
    public var value: String
    /// Where it was written.
    public var position: SourcePosition

    /// Creates a located string.
    public init(_ value: String, at position: SourcePosition) {
        self.value = value
        self.position = position
    }

    /// The value.
    public var description: String { value }
}

/// A list after every file was loaded: its final items (appends applied, redefinitions replacing).
///
/// Items that name other lists are still plain text here: Falco expands them at compile time
/// (one level), and only when the named list's ``index`` is below this list's ``visibility``.
public struct ListDefinition: Sendable {
    /// The list's name.
    public var name: String
    /// The items in order.
    public var items: [LocatedString]
    /// Where the definition in force (the last full definition) starts.
    public var position: SourcePosition
    /// The definition slot: the order in which the name was first defined, counted across lists,
    /// macros and rules together. A redefinition keeps the slot of the first definition.
    public var index: Int
    /// The slot number of the last definition, append or override of this list. Another list's
    /// items refer to this list only when this list's ``index`` is below their ``visibility``.
    public var visibility: Int

    /// The item values.
    public var values: [String] { items.map(\.value) }
}

/// A macro after every file was loaded.
public struct MacroDefinition: Sendable {
    /// The macro's name.
    public var name: String
    /// The condition text (appends joined with a space), lists not yet substituted.
    public var condition: LocatedText
    /// Where the definition in force starts.
    public var position: SourcePosition
    /// The definition slot (see ``ListDefinition/index``).
    public var index: Int
    /// The slot number of the last definition or append. A macro may refer only to macros whose
    /// ``index`` is below its `visibility` (Falco: "macros see only earlier macros"); rules see all.
    public var visibility: Int
}

/// One exception of a rule, after validation: comparison operators filled in with Falco's
/// defaults (`in` for a single field, `=` for each field of a tuple).
public struct RuleException: Sendable {
    /// The exception's name.
    public var name: String
    /// One field (`fields: proc.name`) or a tuple of fields (`fields: [proc.name, fd.name]`).
    public var fields: ExceptionEntry
    /// One operator for a single field, one per field for a tuple.
    public var comps: ExceptionEntry
    /// For a single field: one value per entry. For a tuple: one list per entry, with one value
    /// (or list of values) per field.
    public var values: [ExceptionEntry]
    /// Where the exception is defined.
    public var position: SourcePosition

    /// The field names, with their positions (one for a single field).
    public var fieldNames: [LocatedString] {
        switch fields {
        case .scalar(let field): [field.string]
        case .list(let items, _): items.compactMap { $0.scalarValue }.map(\.string)
        }
    }
}

/// A scalar in an exception (a field, an operator or a value), and the node it was read from.
public struct ExceptionScalar: Sendable {
    /// The text.
    public var value: String
    /// Where it was written; for a default operator, the exception's position.
    public var position: SourcePosition
    /// The node it was read from; nil for a default operator Saker filled in.
    public var node: YAMLNode?

    /// The value with its position.
    public var string: LocatedString { LocatedString(value, at: position) }

    /// The text with its source positions, for building conditions.
    var located: LocatedText {
        if let node { return LocatedText(node: node) }
        return LocatedText(generated: value, at: position)
    }
}

/// The dynamically typed parts of an exception: a scalar, or a list of entries.
public enum ExceptionEntry: Sendable {
    /// A single field, operator or value.
    case scalar(ExceptionScalar)
    /// A list of entries, and where the list starts.
    case list([ExceptionEntry], at: SourcePosition)

    /// The scalar, when this entry is one.
    public var scalarValue: ExceptionScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The entries, when this entry is a list.
    public var listItems: [ExceptionEntry]? {
        if case .list(let items, _) = self { return items }
        return nil
    }

    /// Where the entry starts.
    public var position: SourcePosition {
        switch self {
        case .scalar(let scalar): scalar.position
        case .list(_, let position): position
        }
    }
}

/// A rule after every file was loaded.
public struct RuleDefinition: Sendable {
    /// The rule's name.
    public var name: String
    /// The description (appends joined with a space).
    public var description: LocatedText
    /// The condition with exceptions appended the way Falco does it
    /// (`(condition) and not (exception) and not (…)`), lists not yet substituted. Rules whose
    /// source is not loaded keep ``baseCondition`` here.
    public var condition: LocatedText
    /// The condition as written (appends joined with a space), without exceptions.
    public var baseCondition: LocatedText
    /// The output format, trimmed.
    public var output: LocatedText
    /// The priority.
    public var priority: RulePriority
    /// Where the priority was written.
    public var priorityPosition: SourcePosition
    /// The tags, sorted and unique (Falco keeps them in a `std::set`).
    public var tags: [String]
    /// The event source, `syscall` unless the rule says otherwise.
    public var source: String
    /// False when the rule's source is not loaded: the rule is kept in the model (so appends and
    /// overrides to it work) but must not be compiled or evaluated, as in Falco.
    public var isSourceLoaded: Bool
    /// Whether the rule is enabled.
    public var enabled: Bool
    /// `skip-if-unknown-filter`: unknown fields make the rule be skipped with a warning instead of
    /// failing the load.
    public var skipIfUnknownFilter: Bool
    /// `warn_evttypes`: warn when the condition does not restrict `evt.type`.
    public var warnEventTypes: Bool
    /// The exceptions, validated.
    public var exceptions: [RuleException]
    /// Where the definition in force starts.
    public var position: SourcePosition
    /// The definition slot (see ``ListDefinition/index``).
    public var index: Int
    /// The slot number of the last definition, append or override.
    public var visibility: Int

    /// The distinct fields the exceptions compare, sorted (Falco's `exception_fields`).
    public var exceptionFields: [String] {
        Array(Set(exceptions.flatMap { $0.fieldNames.map(\.value) })).sorted()
    }
}

/// One `required_plugin_versions` entry: a plugin (or one of its alternatives) at a minimum version.
public struct PluginRequirement: Sendable {
    /// One acceptable plugin.
    public struct Alternative: Sendable, Hashable {
        /// The plugin's name.
        public var name: String
        /// The minimum version, as written.
        public var version: String
    }

    /// The plugin named first, then its alternatives.
    public var alternatives: [Alternative]
    /// Where the entry is.
    public var position: SourcePosition
}
