internal import CSakerYAML

/// One document of a YAML stream.
public struct YAMLDocument: Sendable {
    /// The document's root node. An empty document (`---` alone) has a null scalar root.
    public var root: YAMLNode
    /// Where the document starts.
    public var start: YAMLMark

    /// Creates a document.
    public init(root: YAMLNode, start: YAMLMark) {
        self.root = root
        self.start = start
    }
}

/// Parses YAML with libyaml into ``YAMLNode`` trees that keep file, line and column on every node.
///
/// Aliases are resolved into copies of their anchored nodes and merge keys (`<<`) are applied.
/// A stream may hold several documents; a stream with no content has none.
public enum YAMLParser {
    /// The most nodes aliases may expand to in one document, so that "billion laughs" input fails
    /// cleanly instead of exhausting whoever walks the tree.
    public static let maximumAliasExpansion = 1_000_000

    /// The deepest nesting of sequences and mappings accepted: deeper input is rejected rather
    /// than risking the stack of code that walks (or frees) the tree recursively.
    public static let maximumDepth = 1_000

    /// Parses every document of a source.
    ///
    /// - Throws: ``YAMLError`` with code ``YAMLError/Code/syntax`` (libyaml's problem and context
    ///   included) or ``YAMLError/Code/alias`` (an alias to an unknown anchor).
    public static func parse(_ source: YAMLSource) throws(YAMLError) -> [YAMLDocument] {
        let result: Result<[YAMLDocument], YAMLError> = source.bytes.withUnsafeBufferPointer { buffer in
            var builder = TreeBuilder(source: source)
            return builder.run(buffer)
        }
        return try result.get()
    }

    /// Parses a string.
    public static func parse(_ text: String, name: String = "<string>") throws(YAMLError) -> [YAMLDocument] {
        try parse(YAMLSource(name: name, text: text))
    }

    /// Reads and parses a file.
    ///
    /// - Throws: ``YAMLError`` with code ``YAMLError/Code/io`` when the file cannot be read, or a
    ///   parse error.
    public static func parse(contentsOfFile path: String) throws(YAMLError) -> [YAMLDocument] {
        try parse(try YAMLSource(contentsOfFile: path))
    }
}

/// Turns libyaml's event stream into node trees.
private struct TreeBuilder {
    private enum FrameKind { case sequence, mapping }

    private struct Frame {
        var kind: FrameKind
        var tag: String?
        var anchor: String?
        var start: YAMLMark
        var children: [YAMLNode] = []
        var size = 1
    }

    let source: YAMLSource
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var documents: [YAMLDocument] = []
    private var documentStart = YAMLMark(line: 1, column: 1)
    private var root: (node: YAMLNode, size: Int)?
    private var expandedByAliases = 0

    init(source: YAMLSource) {
        self.source = source
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<[YAMLDocument], YAMLError> {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            return .failure(YAMLError(
                code: .syntax, message: "cannot initialise the YAML parser (out of memory)",
                position: SourcePosition(source: source, line: 1, column: 1)))
        }
        defer { yaml_parser_delete(parser) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .success([]) }
        yaml_parser_set_input_string(parser, base, buffer.count)

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) != 0 else {
                return .failure(syntaxError(parser.pointee))
            }
            defer { yaml_event_delete(&event) }
            let type = event.type
            if type == YAML_STREAM_END_EVENT { break }
            do throws(YAMLError) {
                try handle(event)
            } catch {
                return .failure(error)
            }
        }
        return .success(documents)
    }

    private func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private mutating func handle(_ event: yaml_event_t) throws(YAMLError) {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            expandedByAliases = 0
            root = nil
            documentStart = mark(event.start_mark)
        case YAML_DOCUMENT_END_EVENT:
            let node = root?.node ?? YAMLNode(
                .scalar(YAMLScalar("")), start: documentStart, end: documentStart, source: source)
            documents.append(YAMLDocument(root: node, start: documentStart))
            root = nil
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value: String
            if let pointer = data.value {
                value = String(decoding: UnsafeBufferPointer(start: pointer, count: Int(data.length)), as: UTF8.self)
            } else {
                value = ""
            }
            let style: YAMLScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(
                .scalar(YAMLScalar(value, style: style)), tag: Self.string(data.tag),
                start: mark(event.start_mark), end: mark(event.end_mark), source: source)
            try add(node, size: 1, anchor: Self.string(data.anchor))
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(event)
            let data = event.data.sequence_start
            stack.append(Frame(
                kind: .sequence, tag: Self.string(data.tag), anchor: Self.string(data.anchor),
                start: mark(event.start_mark)))
        case YAML_MAPPING_START_EVENT:
            try checkDepth(event)
            let data = event.data.mapping_start
            stack.append(Frame(
                kind: .mapping, tag: Self.string(data.tag), anchor: Self.string(data.anchor),
                start: mark(event.start_mark)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content
            switch frame.kind {
            case .sequence:
                content = .sequence(frame.children)
            case .mapping:
                content = .mapping(try Self.pairs(frame.children))
            }
            let node = YAMLNode(
                content, tag: frame.tag, start: frame.start, end: mark(event.end_mark), source: source)
            try add(node, size: frame.size, anchor: frame.anchor)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw YAMLError(
                    code: .alias, message: "unknown alias '*\(name)': no anchor '&\(name)' before it",
                    position: SourcePosition(
                        source: source, line: Int(event.start_mark.line) + 1,
                        column: Int(event.start_mark.column) + 1))
            }
            expandedByAliases += anchored.size
            if expandedByAliases > YAMLParser.maximumAliasExpansion {
                throw YAMLError(
                    code: .alias,
                    message: "aliases expand to more than \(YAMLParser.maximumAliasExpansion) nodes",
                    position: SourcePosition(
                        source: source, line: Int(event.start_mark.line) + 1,
                        column: Int(event.start_mark.column) + 1))
            }
            try add(anchored.node, size: anchored.size, anchor: nil)
        default:
            break
        }
    }

    private func checkDepth(_ event: yaml_event_t) throws(YAMLError) {
        guard stack.count >= YAMLParser.maximumDepth else { return }
        throw YAMLError(
            code: .syntax, message: "nesting deeper than \(YAMLParser.maximumDepth) levels",
            position: SourcePosition(
                source: source, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1))
    }

    private mutating func add(_ node: YAMLNode, size: Int, anchor: String?) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, size) }
        if stack.isEmpty {
            root = (node, size)
        } else {
            stack[stack.count - 1].children.append(node)
            stack[stack.count - 1].size += size
        }
    }

    /// Pairs up a mapping's alternating keys and values, then applies merge keys: a `<<` key whose
    /// value is a mapping (or a sequence of mappings) contributes the pairs whose keys the mapping
    /// does not already have, earlier merged mappings winning over later ones.
    private static func pairs(_ children: [YAMLNode]) throws(YAMLError) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(children.count / 2)
        var hasMerge = false
        var index = 0
        while index + 1 < children.count {
            let pair = YAMLPair(key: children[index], value: children[index + 1])
            if isMergeKey(pair.key) { hasMerge = true }
            pairs.append(pair)
            index += 2
        }
        guard hasMerge else { return pairs }

        var explicitKeys = Set<String>()
        for pair in pairs where !isMergeKey(pair.key) {
            if let key = pair.key.scalarValue { explicitKeys.insert(key) }
        }
        var result: [YAMLPair] = []
        var seen = explicitKeys
        for pair in pairs {
            guard isMergeKey(pair.key) else {
                result.append(pair)
                continue
            }
            let sources: [YAMLNode]
            switch pair.value.content {
            case .mapping: sources = [pair.value]
            case .sequence(let items): sources = items
            case .scalar: throw pair.value.mismatch(expected: "a mapping or a sequence of mappings to merge")
            }
            for merged in sources {
                guard case .mapping(let mergedPairs) = merged.content else {
                    throw merged.mismatch(expected: "a mapping to merge")
                }
                for mergedPair in mergedPairs {
                    guard let key = mergedPair.key.scalarValue else {
                        result.append(mergedPair)
                        continue
                    }
                    if seen.insert(key).inserted { result.append(mergedPair) }
                }
            }
        }
        return result
    }

    private static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node.content, scalar.value == "<<" else { return false }
        return node.tag == YAMLNode.mergeTag || (node.tag == nil && scalar.style == .plain)
    }

    private func syntaxError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = Self.cString(parser.problem) ?? "unknown YAML error"
        let context = Self.cString(parser.context)
        let position: SourcePosition
        var message = problem
        switch parser.error {
        case YAML_READER_ERROR:
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            position = source.position(ofByteOffset: Int(parser.problem_offset))
            if parser.problem_value != -1 {
                message += " (byte 0x\(String(UInt32(bitPattern: parser.problem_value), radix: 16)))"
            }
        case YAML_MEMORY_ERROR:
            position = SourcePosition(source: source, line: 1, column: 1)
            message = "out of memory while parsing YAML"
        default:
            position = SourcePosition(
                source: source, line: Int(parser.problem_mark.line) + 1,
                column: Int(parser.problem_mark.column) + 1)
        }
        var contextPosition: SourcePosition?
        if let context {
            let contextMark = parser.context_mark
            let where_ = SourcePosition(
                source: source, line: Int(contextMark.line) + 1, column: Int(contextMark.column) + 1)
            contextPosition = where_
            message += " (\(context) at line \(where_.line), column \(where_.column))"
        }
        return YAMLError(
            code: .syntax, message: message, position: position,
            problem: problem, context: context, contextPosition: contextPosition)
    }

    private static func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
