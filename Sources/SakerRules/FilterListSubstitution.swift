// Falco substitutes lists into a condition's text before parsing it; macros, by contrast, are
// resolved on the parsed tree. This file follows the current Falco engine
// (`userspace/engine/rule_loader_compiler.cpp`):
// - `rule_loader::compiler::compile_list_infos` expands, inside each list, the items that name a
//   list defined earlier (one level: the referenced list's own items as written);
// - `parse_condition` calls `resolve_list` for every list in definition order, each replacing the
//   list's name in the condition text, then hands the text to libs' parser.
// `resolve_list` is a text search: wherever the name appears with a delimiter (blank, `(`, `)`,
// `,`, `=`) or the text's end on both sides, the name and the blanks around it become the items
// joined by ", " (items containing a space are double-quoted, unless they already start with a
// quote). It does not look at quotes or tokens, so a name inside a quoted string is replaced too;
// that is Falco's behaviour and Saker keeps it.

/// A list as Falco's rule collector keeps it, before compilation.
public struct FilterListDefinition: Sendable, Hashable {
    /// The list name.
    public var name: String
    /// The items as written (after any `append`).
    public var items: [String]
    /// Falco's `list_info.index`: the collector's item counter when the list was first defined.
    public var index: Int
    /// Falco's `list_info.visibility`: the collector's item counter at the list's last definition
    /// or append. Items naming a list whose index is lower are expanded.
    public var visibility: Int

    /// Creates a definition.
    public init(name: String, items: [String], index: Int, visibility: Int) {
        self.name = name
        self.items = items
        self.index = index
        self.visibility = visibility
    }
}

/// A compiled list: its name and its items with references to earlier lists expanded.
public struct FilterList: Sendable, Hashable {
    /// The list name.
    public var name: String
    /// The items.
    public var items: [String]

    /// Creates a list.
    public init(name: String, items: [String]) {
        self.name = name
        self.items = items
    }
}

/// The lists a condition may use, in definition order, and Falco's way of substituting them.
public struct FilterListSubstitution: Sendable {
    /// The compiled lists, in definition order.
    public let lists: [FilterList]
    /// Names of lists that other lists include (Falco marks them used).
    public let listsUsedByLists: Set<String>
    /// Each list's name as bytes, for the search.
    private let nameBytes: [[UInt8]]
    /// Whether each list's name holds a delimiter.
    private let nameHasDelimiter: [Bool]

    /// Lists already compiled, in definition order.
    public init(lists: [FilterList]) {
        self.init(lists: lists, usedByLists: [])
    }

    private init(lists: [FilterList], usedByLists: Set<String>) {
        self.lists = lists
        self.listsUsedByLists = usedByLists
        self.nameBytes = lists.map { Array($0.name.utf8) }
        self.nameHasDelimiter = nameBytes.map { $0.contains(where: Self.isDelimiter) }
    }

    /// Compiles collected lists as Falco's `compile_list_infos` does.
    public init(compiling definitions: [FilterListDefinition]) {
        var byName: [String: FilterListDefinition] = [:]
        for definition in definitions { byName[definition.name] = definition }
        var used = Set<String>()
        var compiled: [FilterList] = []
        compiled.reserveCapacity(definitions.count)
        for definition in definitions {
            var items: [String] = []
            for item in definition.items {
                if let reference = byName[item], reference.index < definition.visibility {
                    used.insert(reference.name)
                    items.append(contentsOf: reference.items)
                } else {
                    items.append(item)
                }
            }
            compiled.append(FilterList(name: definition.name, items: items))
        }
        self.init(lists: compiled, usedByLists: used)
    }

    /// Substitutes every list into `condition`, in order (Falco's `resolve_list` loop).
    public func apply(to condition: String) -> FilterSubstitutedCondition {
        var text = Array(condition.utf8)
        var origin = Array(0..<text.count)
        var used: [String] = []
        var tokens = Self.delimitedTokens(of: text)
        for index in lists.indices {
            let name = nameBytes[index]
            guard !name.isEmpty else { continue }
            // A name free of delimiters can only match a whole delimited token: skip the search
            // when no token spells it.
            if !nameHasDelimiter[index], !tokens.contains(name) { continue }
            let list = lists[index]
            if Self.resolve(list, name: name, in: &text, origin: &origin) {
                used.append(list.name)
                tokens = Self.delimitedTokens(of: text)
            }
        }
        return FilterSubstitutedCondition(
            original: condition, text: String(decoding: text, as: UTF8.self), origin: origin, usedLists: used)
    }

    /// Falco's `resolve_list`, over bytes, also keeping for each byte the original offset it
    /// stands for (replacement text stands for the start of the list name it replaced).
    private static func resolve(_ list: FilterList, name: [UInt8], in text: inout [UInt8], origin: inout [Int]) -> Bool {
        var replacement: [UInt8] = []
        for item in list.items {
            if !replacement.isEmpty { replacement += Array(", ".utf8) }
            replacement += quotedItem(item)
        }
        var used = false
        var start = find(name, in: text, from: 0)
        while let found = start {
            var matchStart = found
            var matchEnd = found + name.count
            if (matchStart == 0 || isDelimiter(text[matchStart - 1]))
                && (matchEnd >= text.count || isDelimiter(text[matchEnd]))
            {
                let nameOrigin = origin[matchStart]
                while matchStart > 0, isBlank(text[matchStart - 1]) { matchStart -= 1 }
                while matchEnd < text.count, isBlank(text[matchEnd]) { matchEnd += 1 }
                // An empty list takes one neighbouring comma with it.
                if replacement.isEmpty {
                    if matchStart > 0, text[matchStart - 1] == UInt8(ascii: ",") {
                        matchStart -= 1
                    } else if matchEnd < text.count, text[matchEnd] == UInt8(ascii: ",") {
                        matchEnd += 1
                    }
                }
                var inserted: [UInt8] = []
                if matchStart > 0 { inserted.append(UInt8(ascii: " ")) }
                inserted += replacement
                inserted.append(UInt8(ascii: " "))
                text.replaceSubrange(matchStart..<matchEnd, with: inserted)
                origin.replaceSubrange(matchStart..<matchEnd, with: repeatElement(nameOrigin, count: inserted.count))
                // Falco resumes the search one byte after `start + sub.length() + 1`.
                start = matchStart + replacement.count + 1
                used = true
            }
            start = find(name, in: text, from: (start ?? found) + 1)
        }
        return used
    }

    /// Falco's `quote_item`: double-quotes items with a space unless they start with a quote.
    private static func quotedItem(_ item: String) -> [UInt8] {
        let bytes = Array(item.utf8)
        if bytes.contains(UInt8(ascii: " ")), let first = bytes.first, first != UInt8(ascii: "\""),
            first != UInt8(ascii: "'")
        {
            return [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
        }
        return bytes
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start >= 0, needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matches = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    /// The maximal runs of non-delimiter bytes.
    private static func delimitedTokens(of text: [UInt8]) -> Set<[UInt8]> {
        var tokens = Set<[UInt8]>()
        var start = 0
        for index in 0...text.count where index == text.count || isDelimiter(text[index]) {
            if index > start { tokens.insert(Array(text[start..<index])) }
            start = index + 1
        }
        return tokens
    }

    /// Falco's `blanks`: ` \t\n\r`.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Falco's `delims`: blanks and `(),=`.
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "=")
    }
}

/// A condition after list substitution, able to map positions back to the text as written.
public struct FilterSubstitutedCondition: Sendable {
    /// The condition as written.
    public let original: String
    /// The condition with lists substituted: the text to parse.
    public let text: String
    /// For each byte of ``text``, the offset in ``original`` it comes from.
    private let origin: [Int]
    /// The names of the lists that were substituted, in substitution order.
    public let usedLists: [String]
    private let originalLines: FilterLineTable

    init(original: String, text: String, origin: [Int], usedLists: [String]) {
        self.original = original
        self.text = text
        self.origin = origin
        self.usedLists = usedLists
        self.originalLines = FilterLineTable(original)
    }

    /// The offset in ``original`` of an offset in ``text``; offsets inside a substituted list
    /// give the start of the list's name, the end of ``text`` gives the end of ``original``.
    public func originalOffset(forOffset offset: Int) -> Int {
        if offset >= origin.count { return original.utf8.count }
        return origin[max(0, offset)]
    }

    /// A position in ``text`` as a position in ``original`` (line and column counted as libs does).
    public func originalPosition(of position: FilterPosition) -> FilterPosition {
        originalLines.position(ofOffset: originalOffset(forOffset: position.offset))
    }
}

extension FilterParser {
    /// A condition parsed after list substitution, with positions in the text as written.
    public struct ParsedCondition: Sendable {
        /// The tree; every position refers to the condition as written.
        public var expression: FilterExpression
        /// The lists substituted into the condition.
        public var usedLists: [String]
        /// The text the parser saw.
        public var substitutedText: String
    }

    /// Substitutes `lists` into `condition` as Falco does, parses the result, and reports every
    /// position (of nodes and of errors) in `condition` as written.
    ///
    /// - Throws: ``FilterParseError`` positioned in `condition`.
    public func parse(_ condition: String, substituting lists: FilterListSubstitution) throws(FilterParseError)
        -> ParsedCondition
    {
        let substituted = lists.apply(to: condition)
        do {
            let expression = try parse(substituted.text)
            return ParsedCondition(
                expression: expression.mappingPositions(substituted.originalPosition(of:)),
                usedLists: substituted.usedLists,
                substitutedText: substituted.text)
        } catch {
            var mapped = error
            mapped.position = substituted.originalPosition(of: error.position)
            throw mapped
        }
    }
}

extension FilterExpression {
    /// The same tree with every position passed through `transform`.
    public func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterExpression {
        switch self {
        case .and(let children, let position):
            return .and(children.map { $0.mappingPositions(transform) }, at: transform(position))
        case .or(let children, let position):
            return .or(children.map { $0.mappingPositions(transform) }, at: transform(position))
        case .not(let child, let position):
            return .not(child.mappingPositions(transform), at: transform(position))
        case .macro(var reference):
            reference.position = transform(reference.position)
            return .macro(reference)
        case .unaryCheck(var check):
            check.operand = check.operand.mappingPositions(transform)
            check.position = transform(check.position)
            return .unaryCheck(check)
        case .binaryCheck(var check):
            check.operand = check.operand.mappingPositions(transform)
            check.value = check.value.mappingPositions(transform)
            check.position = transform(check.position)
            return .binaryCheck(check)
        }
    }
}

extension FilterOperand {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterOperand {
        switch self {
        case .field(let field): return .field(field.mappingPositions(transform))
        case .transformer(let transformer): return .transformer(transformer.mappingPositions(transform))
        }
    }
}

extension FilterCheckValue {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterCheckValue {
        switch self {
        case .value(let literal): return .value(literal.mappingPositions(transform))
        case .list(var list):
            list.position = transform(list.position)
            list.items = list.items.map { $0.mappingPositions(transform) }
            return .list(list)
        case .transformer(let transformer): return .transformer(transformer.mappingPositions(transform))
        }
    }
}

extension FilterField {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterField {
        var copy = self
        copy.position = transform(position)
        return copy
    }
}

extension FilterLiteral {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterLiteral {
        var copy = self
        copy.position = transform(position)
        return copy
    }
}

extension FilterTransformer {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterTransformer {
        FilterTransformer(
            kind: kind, arguments: arguments.map { $0.mappingPositions(transform) }, position: transform(position))
    }
}

extension FilterTransformerArgument {
    func mappingPositions(_ transform: (FilterPosition) -> FilterPosition) -> FilterTransformerArgument {
        switch self {
        case .field(let field): return .field(field.mappingPositions(transform))
        case .transformer(let transformer): return .transformer(transformer.mappingPositions(transform))
        case .value(let literal): return .value(literal.mappingPositions(transform))
        case .list(let items, let position):
            return .list(items.map { $0.mappingPositions(transform) }, at: transform(position))
        }
    }
}
