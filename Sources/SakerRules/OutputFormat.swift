import SakerEvent

/// A compiled Falco output format (`File opened (user=%user.name file=%fd.name)`): literal text
/// and field references, resolved once.
///
/// A field that cannot be extracted prints `<NA>`, as in libs. A `%` not followed by a field
/// name is kept as text.
public struct OutputFormat: Sendable {
    /// One piece of the format.
    enum Token: Sendable {
        case text(String)
        case field(OutputField)
    }

    /// A field reference of the format.
    struct OutputField: Sendable {
        /// The name as written, with its argument (`proc.aname[2]`): the `output_fields` key.
        var key: String
        var extract: FieldExtractor
        var argument: FieldArgument
        /// True for fields with several candidates (`%fd.ip`): the first one is shown.
        var showsFirst: Bool
    }

    /// Why a format was refused.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The UTF-8 offset in the format of the bad field reference.
        public var offset: Int
        /// The message.
        public var description: String { message }
    }

    let tokens: [Token]
    /// The distinct field keys, sorted (the order of `output_fields` in a JSON alert).
    public let fieldKeys: [String]
    private let fieldIndexOfKey: [Int]

    /// The format as written.
    public let format: String

    /// Compiles a format string.
    public init(_ format: String) throws(Error) {
        self.format = format
        let bytes = Array(format.utf8)
        var tokens: [Token] = []
        var text: [UInt8] = []
        var index = 0
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%"), index + 1 < bytes.count, isNameByte(bytes[index + 1]) else {
                text.append(byte)
                index += 1
                continue
            }
            let start = index
            var end = index + 1
            while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
            var name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            // A sentence may end right after a field: `%fd.name.`
            while name.hasSuffix(".") {
                name.removeLast()
                end -= 1
            }
            var argument: String?
            if end < bytes.count, bytes[end] == UInt8(ascii: "["),
                let close = bytes[end...].firstIndex(of: UInt8(ascii: "]"))
            {
                argument = String(decoding: bytes[(end + 1)..<close], as: UTF8.self)
                end = close + 1
            }
            let resolved: (definition: FieldDefinition, argument: FieldArgument)
            do {
                resolved = try FieldRegistry.resolve(name, argument: argument)
            } catch {
                throw Error(message: error.message, offset: start)
            }
            if !text.isEmpty {
                tokens.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll()
            }
            let key = argument.map { "\(name)[\($0)]" } ?? name
            // Printed, an ancestor field without index is the process itself, as libs extracts it.
            var outputArgument = resolved.argument
            if resolved.definition.matching == .anyValueWithoutArgument, outputArgument.text == nil {
                outputArgument = FieldArgument(text: "0")
            }
            tokens.append(.field(OutputField(
                key: key, extract: resolved.definition.extract, argument: outputArgument,
                showsFirst: resolved.definition.matchesAny(with: outputArgument) && !resolved.definition.isList)))
            index = end
        }
        if !text.isEmpty { tokens.append(.text(String(decoding: text, as: UTF8.self))) }
        self.tokens = tokens
        var keys: [String] = []
        for token in tokens {
            if case .field(let field) = token, !keys.contains(field.key) { keys.append(field.key) }
        }
        keys.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        fieldKeys = keys
        fieldIndexOfKey = keys.map { key in
            tokens.firstIndex { token in
                if case .field(let field) = token { return field.key == key }
                return false
            } ?? 0
        }
    }

    /// The message for one event, and the value of each field (by ``fieldKeys`` order; nil when
    /// missing).
    public func render(_ context: inout FieldContext) -> (
        message: String, fields: [(key: String, value: FieldValue?)]
    ) {
        var values = [FieldValue?](repeating: nil, count: tokens.count)
        var message = ""
        for (index, token) in tokens.enumerated() {
            switch token {
            case .text(let text):
                message += text
            case .field(let field):
                var value = field.extract(&context, field.argument)
                if field.showsFirst, case .list(let items)? = value { value = items.first }
                if case .string(let text)? = value, let clean = Self.sanitized(text) { value = .string(clean) }
                values[index] = value
                message += value?.rendered ?? "<NA>"
            }
        }
        var fields: [(key: String, value: FieldValue?)] = []
        fields.reserveCapacity(fieldKeys.count)
        for (key, tokenIndex) in zip(fieldKeys, fieldIndexOfKey) { fields.append((key, values[tokenIndex])) }
        return (message, fields)
    }

    /// The text without control characters (libs sanitizes strings it extracts for outputs, so an
    /// argument with a newline cannot forge a second alert line); nil when there is none to drop.
    static func sanitized(_ text: String) -> String? {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return String(decoding: text.utf8.filter { $0 >= 0x20 && $0 != 0x7F }, as: UTF8.self)
    }
}
