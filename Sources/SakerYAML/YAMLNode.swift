/// A line and column (both 1-based, columns counting Unicode scalars) inside a ``YAMLSource``.
public struct YAMLMark: Sendable, Hashable {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int

    /// Creates a mark.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// How a scalar was written. Callers type plain scalars (`yes`, `123`, `~`) themselves; quoted and
/// block scalars are always strings.
public enum YAMLScalarStyle: Sendable, Hashable {
    /// Unquoted: `foo`, `123`, `true`.
    case plain
    /// `'single quoted'`.
    case singleQuoted
    /// `"double quoted"`.
    case doubleQuoted
    /// A literal block scalar (`|`): line breaks kept.
    case literal
    /// A folded block scalar (`>`): line breaks folded into spaces.
    case folded

    /// True for the two quoted styles.
    public var isQuoted: Bool { self == .singleQuoted || self == .doubleQuoted }
    /// True for the two block styles.
    public var isBlock: Bool { self == .literal || self == .folded }
}

/// A scalar's text and the style it was written in.
public struct YAMLScalar: Sendable, Hashable {
    /// The scalar's value after YAML processing (quotes removed, escapes decoded, lines folded).
    public var value: String
    /// How it was written.
    public var style: YAMLScalarStyle

    /// Creates a scalar.
    public init(_ value: String, style: YAMLScalarStyle = .plain) {
        self.value = value
        self.style = style
    }
}

/// One key/value pair of a mapping, in document order. Keys are nodes, with positions of their own.
public struct YAMLPair: Sendable {
    /// The key.
    public var key: YAMLNode
    /// The value.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A node of a YAML document: a scalar, a sequence or a mapping, with where it starts and ends.
///
/// Aliases are already resolved (an alias is a copy of its anchored node, positions included) and
/// merge keys (`<<`) already applied.
public struct YAMLNode: Sendable {
    /// The node's content.
    public enum Content: Sendable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A sequence of nodes.
        case sequence([YAMLNode])
        /// A mapping: ordered key/value pairs.
        case mapping([YAMLPair])
    }

    /// The node's content.
    public var content: Content
    /// The explicit tag, resolved (`tag:yaml.org,2002:str` for `!!str`), or nil.
    public var tag: String?
    /// Where the node starts (for a block scalar: its `|` or `>` indicator).
    public var start: YAMLMark
    /// Where the node ends (just past its last character).
    public var end: YAMLMark
    /// The text the node was parsed from.
    public let source: YAMLSource

    /// Creates a node.
    public init(_ content: Content, tag: String? = nil, start: YAMLMark, end: YAMLMark, source: YAMLSource) {
        self.content = content
        self.tag = tag
        self.start = start
        self.end = end
        self.source = source
    }

    /// Where the node starts, as a file position.
    public var position: SourcePosition {
        SourcePosition(source: source, line: start.line, column: start.column)
    }

    /// Where the node ends, as a file position.
    public var endPosition: SourcePosition {
        SourcePosition(source: source, line: end.line, column: end.column)
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The scalar's value, if this node is a scalar (null scalars included, as their text).
    public var scalarValue: String? { scalar?.value }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// True for a null: a plain `~`, `null`, `Null`, `NULL` or empty scalar, or one tagged `!!null`.
    public var isNull: Bool {
        guard case .scalar(let scalar) = content else { return false }
        if let tag { return tag == YAMLNode.nullTag }
        guard scalar.style == .plain else { return false }
        switch scalar.value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// True for a scalar that is not null.
    public var isScalar: Bool { scalar != nil && !isNull }
    /// True for a sequence.
    public var isSequence: Bool { sequence != nil }
    /// True for a mapping.
    public var isMapping: Bool { mapping != nil }

    /// The value of the first pair whose key is a scalar equal to `key`, if this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        pair(forKey: key)?.value
    }

    /// The first pair whose key is a scalar equal to `key`, if this node is a mapping.
    public func pair(forKey key: String) -> YAMLPair? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs {
            if case .scalar(let scalar) = pair.key.content, scalar.value == key { return pair }
        }
        return nil
    }

    /// How a message names this node's kind: "a string", "null", "a sequence", "a mapping".
    public var kindDescription: String {
        switch content {
        case .scalar(let scalar):
            if isNull { return "null" }
            if scalar.style == .plain && tag == nil {
                if YAMLNode.parseBool(scalar.value) != nil { return "the boolean '\(scalar.value)'" }
                if YAMLNode.parseInt(scalar.value) != nil { return "the number \(scalar.value)" }
            }
            return "the string '\(YAMLNode.abbreviated(scalar.value))'"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }

    /// The resolved tag of `!!null`.
    public static let nullTag = "tag:yaml.org,2002:null"
    /// The resolved tag of `!!str`.
    public static let stringTag = "tag:yaml.org,2002:str"
    /// The resolved tag of `!!bool`.
    public static let boolTag = "tag:yaml.org,2002:bool"
    /// The resolved tag of `!!int`.
    public static let intTag = "tag:yaml.org,2002:int"
    /// The resolved tag of `!!float`.
    public static let floatTag = "tag:yaml.org,2002:float"
    /// The resolved tag of `!!merge` (`<<`).
    public static let mergeTag = "tag:yaml.org,2002:merge"

    static func abbreviated(_ text: String) -> String {
        var result = ""
        var count = 0
        for character in text {
            if character == "\n" { result += "\\n" } else { result.append(character) }
            count += 1
            if count >= 40 {
                result += "…"
                break
            }
        }
        return result
    }
}
