import SakerEvent

/// A compiled operand: how to read it, and its type after transformers.
struct CompilerOperand {
    var read: CompiledReader
    var type: FieldType
    var isList: Bool
    /// True when a comparison holds as soon as one of the extracted values matches.
    var matchesAny: Bool
    /// The field name, for messages.
    var name: String
    /// For a plain field (no transformer): its extractor and argument, so checks can call the
    /// extractor directly instead of through ``read``.
    var direct: (extract: FieldExtractor, argument: FieldArgument)?

    static func compile(_ operand: FilterOperand) throws(CompileError) -> CompilerOperand {
        switch operand {
        case .field(let field): return try compile(field)
        case .transformer(let transformer): return try compile(transformer)
        }
    }

    static func compile(_ field: FilterField) throws(CompileError) -> CompilerOperand {
        let resolved: (definition: FieldDefinition, argument: FieldArgument)
        do {
            resolved = try FieldRegistry.resolve(field.name, argument: field.argument)
        } catch {
            throw CompileError(error.message, at: field.position, isUnknownField: error.isUnknownField)
        }
        let extract = resolved.definition.extract
        let argument = resolved.argument
        var type = resolved.definition.type
        if resolved.definition.name == "evt.rawarg", let name = argument.text {
            // libs types evt.rawarg.NAME by the first event that has a parameter NAME.
            type = FieldRegistry.rawArgumentType(name)
        }
        return CompilerOperand(
            read: { c in extract(&c, argument) }, type: type,
            isList: resolved.definition.isList, matchesAny: resolved.definition.matchesAny(with: argument),
            name: field.name, direct: (extract, argument))
    }

    static func compile(_ transformer: FilterTransformer) throws(CompileError) -> CompilerOperand {
        let name = transformer.kind.rawValue + "(…)"
        switch transformer.kind {
        case .tolower, .toupper, .b64, .basename, .len:
            guard transformer.arguments.count == 1 else {
                throw CompileError("transformer '\(transformer.kind.rawValue)' takes one argument", at: transformer.position)
            }
            let inner = try compile(transformer.arguments[0], at: transformer.position)
            let function = Self.function(transformer.kind)
            let read = inner.read
            if transformer.kind == .len {
                return CompilerOperand(
                    read: { c in
                        guard let value = read(&c) else { return nil }
                        if case .list(let items) = value { return .uint(UInt64(items.count)) }
                        if case .bytes(let bytes) = value { return .uint(UInt64(bytes.count)) }
                        return .uint(UInt64(value.rendered.utf8.count))
                    }, type: .uint64, isList: false, matchesAny: false, name: name)
            }
            return CompilerOperand(
                read: { c in
                    guard let value = read(&c) else { return nil }
                    if case .list(let items) = value { return .list(items.map { .string(function($0.rendered)) }) }
                    return .string(function(value.rendered))
                }, type: .string, isList: inner.isList, matchesAny: inner.matchesAny, name: name)
        case .concat, .join:
            var arguments = transformer.arguments
            var separator = ""
            if transformer.kind == .join {
                guard arguments.count == 2, case .value(let literal) = arguments[0] else {
                    throw CompileError("join takes a separator and a list: join(\",\", (a, b))", at: transformer.position)
                }
                separator = literal.text
                if case .list(let items, _) = arguments[1] { arguments = items } else { arguments = [arguments[1]] }
            }
            var parts: [CompiledReaderNode] = []
            for argument in arguments { parts.append(CompiledReaderNode(run: try compile(argument, at: transformer.position).read)) }
            let readers = parts
            let glue = separator
            return CompilerOperand(
                read: { c in
                    var text = ""
                    for (index, reader) in readers.enumerated() {
                        guard let value = reader.run(&c) else { return nil }
                        if index > 0 { text += glue }
                        text += value.rendered
                    }
                    return .string(text)
                }, type: .string, isList: false, matchesAny: false, name: name)
        case .getopt:
            throw CompileError("transformer 'getopt' is not supported by Saker", at: transformer.position)
        case .val:
            guard transformer.arguments.count == 1, case .field(let field) = transformer.arguments[0] else {
                throw CompileError("val() takes one field", at: transformer.position)
            }
            return try compile(field)
        }
    }

    private static func compile(_ argument: FilterTransformerArgument, at position: FilterPosition) throws(CompileError)
        -> CompilerOperand
    {
        switch argument {
        case .field(let field): return try compile(field)
        case .transformer(let transformer): return try compile(transformer)
        case .value(let literal):
            let value = FieldValue.string(literal.text)
            return CompilerOperand(read: { _ in value }, type: .string, isList: false, matchesAny: false, name: "value")
        case .list(_, let listPosition):
            throw CompileError("a list is not allowed here", at: listPosition)
        }
    }

    private static func function(_ kind: FilterTransformerKind) -> @Sendable (String) -> String {
        switch kind {
        case .tolower:
            return { text in
                String(decoding: text.utf8.map { EvaluatorMatching.lower($0) }, as: UTF8.self)
            }
        case .toupper:
            return { text in
                String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 & ~0x20 : $0 }, as: UTF8.self)
            }
        case .basename:
            return { text in
                guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else { return text }
                return String(text[text.utf8.index(after: slash)...])
            }
        case .b64:
            return { text in String(decoding: base64Decode(text) ?? Array(text.utf8), as: UTF8.self) }
        default:
            return { $0 }
        }
    }

    static func base64Decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}
