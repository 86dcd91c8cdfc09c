import SakerEvent

/// A compiled condition (or part of one): true when the event matches.
public typealias CompiledPredicate = @Sendable (inout FieldContext) -> Bool

/// Reads an operand (a field, possibly transformed) for one event; nil when it cannot be extracted.
typealias CompiledReader = @Sendable (inout FieldContext) -> FieldValue?

/// Tests one extracted value against the right-hand side of a check.
typealias CompiledMatcher = @Sendable (FieldValue) -> Bool

/// A predicate in a wrapper, for storing in arrays and generic containers without reabstraction.
struct CompiledNode: Sendable {
    let run: CompiledPredicate
    init(_ run: @escaping CompiledPredicate) { self.run = run }
}

/// A reader in a wrapper (see ``CompiledNode``).
struct CompiledReaderNode: Sendable {
    let run: CompiledReader
}

/// A matcher in a wrapper (see ``CompiledNode``).
struct CompiledMatcherNode: Sendable {
    let run: CompiledMatcher
}

/// Why a condition (or output) did not compile, and where.
public struct CompileError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where, in the text the compiler was given (a rule's condition or a macro's).
    public var position: FilterPosition
    /// True when the problem is an unknown field (`skip-if-unknown-filter` turns those into warnings).
    public var isUnknownField: Bool

    /// Creates an error.
    public init(_ message: String, at position: FilterPosition, isUnknownField: Bool = false) {
        self.message = message
        self.position = position
        self.isUnknownField = isUnknownField
    }

    /// `line:column: message`.
    public var description: String { "\(position): \(message)" }
}

/// A number written in a condition, kept both signed and unsigned so it compares with either.
struct NumericLiteral: Sendable {
    var signed: Int64?
    var unsigned: UInt64?

    init?(_ text: String) {
        if let value = Int64(text) {
            signed = value
            unsigned = value >= 0 ? UInt64(value) : nil
        } else if let value = UInt64(text) {
            unsigned = value
        } else if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) {
            unsigned = value
            signed = value <= UInt64(Int64.max) ? Int64(value) : nil
        } else {
            return nil
        }
    }

    /// -1, 0 or 1 as `value` is below, equal to or above the literal; nil when not a number.
    @inline(__always)
    func order(of value: FieldValue) -> Int? {
        switch value {
        case .int(let v):
            if let signed { return v < signed ? -1 : (v == signed ? 0 : 1) }
            return -1  // the literal is above Int64.max
        case .uint(let v):
            if let unsigned { return v < unsigned ? -1 : (v == unsigned ? 0 : 1) }
            return 1  // the literal is negative
        case .bool(let b):
            let v: Int64 = b ? 1 : 0
            guard let signed else { return -1 }
            return v < signed ? -1 : (v == signed ? 0 : 1)
        default:
            return nil
        }
    }
}

/// Strings looked up by length, then compared byte for byte: `in` over a list without hashing.
struct ByteStringSet: Sendable {
    private var buckets: [[[UInt8]]]

    init(_ items: [String]) {
        let encoded = items.map { Array($0.utf8) }
        let longest = encoded.map(\.count).max() ?? 0
        buckets = Array(repeating: [], count: longest + 1)
        for item in encoded where !buckets[item.count].contains(item) { buckets[item.count].append(item) }
    }

    @inline(__always)
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count < buckets.count else { return false }
        for candidate in buckets[bytes.count] where EvaluatorMatching.equal(bytes, candidate) { return true }
        return false
    }

    func contains(_ string: String) -> Bool {
        EvaluatorMatching.withBytes(string) { contains($0) }
    }
}

/// Builds matchers for one operator and the values written after it, typed by the field.
enum CompilerMatchers {
    /// The text a string operator looks at: the string itself, or libs' rendering of other values.
    @inline(__always)
    static func withText<R>(_ value: FieldValue, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if case .string(let s) = value { return EvaluatorMatching.withBytes(s, body) }
        if case .bytes(let b) = value { return b.withUnsafeBufferPointer(body) }
        return EvaluatorMatching.withBytes(value.rendered, body)
    }

    /// A matcher for `op literal` (`=`, `!=`, `<`…, the string operators).
    static func single(
        _ op: FilterOperator, _ literal: FilterLiteral, type: FieldType, field: String
    ) throws(CompileError) -> CompiledMatcher {
        let text = literal.text
        let position = literal.position
        switch op {
        case .equal, .doubleEqual, .notEqual:
            let equal = try equality(text, type: type, field: field, at: position)
            if op == .notEqual { return { !equal($0) } }
            return equal
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            let accept: @Sendable (Int) -> Bool
            switch op {
            case .lessThan: accept = { $0 < 0 }
            case .lessThanOrEqual: accept = { $0 <= 0 }
            case .greaterThan: accept = { $0 > 0 }
            default: accept = { $0 >= 0 }
            }
            if type == .string {
                let pattern = Array(text.utf8)
                return { value in withText(value) { accept(EvaluatorMatching.compare($0, pattern)) } }
            }
            guard type.isNumeric || type == .bool else {
                throw CompileError("operator '\(op.rawValue)' is not supported for field '\(field)' of type \(type.rawValue)", at: position)
            }
            let number = try numeric(text, field: field, at: position)
            return { value in number.order(of: value).map(accept) ?? false }
        case .contains, .icontains, .startswith, .endswith, .glob, .iglob, .regex, .bcontains, .bstartswith:
            guard type == .string || type == .bytes else {
                throw CompileError(
                    "operator '\(op.rawValue)' is not supported for field '\(field)' of type \(type.rawValue)",
                    at: position)
            }
            return try stringOperator(op, text, at: position)
        case .in, .intersects, .pmatch:
            return try list(op, [literal], type: type, isList: false, field: field, at: position)
        }
    }

    private static func stringOperator(_ op: FilterOperator, _ text: String, at position: FilterPosition)
        throws(CompileError) -> CompiledMatcher
    {
        let pattern = Array(text.utf8)
        switch op {
        case .contains:
            return { value in withText(value) { EvaluatorMatching.contains($0, pattern) } }
        case .icontains:
            let lowered = pattern.map(EvaluatorMatching.lower)
            return { value in withText(value) { EvaluatorMatching.containsIgnoringCase($0, lowered) } }
        case .startswith:
            return { value in withText(value) { EvaluatorMatching.startsWith($0, pattern) } }
        case .endswith:
            return { value in withText(value) { EvaluatorMatching.endsWith($0, pattern) } }
        case .glob:
            return { value in withText(value) { EvaluatorMatching.glob($0, pattern, ignoringCase: false) } }
        case .iglob:
            return { value in withText(value) { EvaluatorMatching.glob($0, pattern, ignoringCase: true) } }
        case .regex:
            let regex: EvaluatorRegex
            do { regex = try EvaluatorRegex(text) } catch {
                throw CompileError("invalid regular expression '\(text)': \(error.message)", at: position)
            }
            return { value in withText(value) { regex.matches($0) } }
        case .bcontains, .bstartswith:
            guard let bytes = EvaluatorMatching.hexBytes(text) else {
                throw CompileError("'\(op.rawValue)' needs a hex byte string, got '\(text)'", at: position)
            }
            if op == .bcontains { return { value in withText(value) { EvaluatorMatching.contains($0, bytes) } } }
            return { value in withText(value) { EvaluatorMatching.startsWith($0, bytes) } }
        default:
            throw CompileError("operator '\(op.rawValue)' is not a string operator", at: position)
        }
    }

    private static func numeric(_ text: String, field: String, at position: FilterPosition) throws(CompileError)
        -> NumericLiteral
    {
        guard let number = NumericLiteral(text) else {
            throw CompileError("value '\(text)' is not a number, as field '\(field)' needs", at: position)
        }
        return number
    }

    /// `=` for each type.
    private static func equality(_ text: String, type: FieldType, field: String, at position: FilterPosition)
        throws(CompileError) -> CompiledMatcher
    {
        switch type {
        case .string, .bytes:
            let pattern = Array(text.utf8)
            return { value in withText(value) { EvaluatorMatching.equal($0, pattern) } }
        case .bool:
            let expected: Bool
            switch text {
            case "true", "1": expected = true
            case "false", "0": expected = false
            default: throw CompileError("value '\(text)' is not a boolean, as field '\(field)' needs", at: position)
            }
            return { value in
                if case .bool(let b) = value { return b == expected }
                return false
            }
        case .ipAddress:
            if text.contains("/") {
                guard let network = IPNetwork(text) else {
                    throw CompileError("value '\(text)' is not an IP network", at: position)
                }
                return { value in
                    if case .ip(let ip) = value { return network.contains(ip) }
                    return false
                }
            }
            guard let address = IPAddress(text) else {
                throw CompileError("value '\(text)' is not an IP address, as field '\(field)' needs", at: position)
            }
            let normalized = address.mappedV4 ?? address
            return { value in
                if case .ip(let ip) = value { return (ip.mappedV4 ?? ip) == normalized }
                return false
            }
        case .ipNetwork:
            guard let network = IPNetwork(text) else {
                throw CompileError("value '\(text)' is not an IP network, as field '\(field)' needs", at: position)
            }
            return { value in
                if case .ip(let ip) = value { return network.contains(ip) }
                return false
            }
        case .int64, .uint64, .port, .absoluteTime, .relativeTime:
            let number = try numeric(text, field: field, at: position)
            return { value in number.order(of: value) == 0 }
        }
    }

    /// `in`, `intersects`, `pmatch` over a list of values.
    static func list(
        _ op: FilterOperator, _ items: [FilterLiteral], type: FieldType, isList: Bool, field: String,
        at position: FilterPosition
    ) throws(CompileError) -> CompiledMatcher {
        let member: CompiledMatcher
        if op == .pmatch {
            guard type == .string else {
                throw CompileError("operator 'pmatch' is not supported for field '\(field)' of type \(type.rawValue)", at: position)
            }
            let prefixes = items.map { EvaluatorMatching.pathPrefix($0.text) }
            member = { value in withText(value) { EvaluatorMatching.pathPrefixMatch($0, prefixes) } }
        } else if type == .string || type == .bytes {
            let set = ByteStringSet(items.map(\.text))
            member = { value in withText(value) { set.contains($0) } }
        } else {
            var alternatives: [CompiledMatcherNode] = []
            for item in items {
                alternatives.append(CompiledMatcherNode(run: try equality(item.text, type: type, field: field, at: item.position)))
            }
            let all = alternatives
            member = { value in all.contains { $0.run(value) } }
        }
        guard isList else { return member }
        // A list field: `in` needs every value in the set, `intersects` (and `pmatch`) any.
        if op == .in {
            return { value in
                if case .list(let values) = value { return values.allSatisfy(member) }
                return member(value)
            }
        }
        return { value in
            if case .list(let values) = value { return values.contains(where: member) }
            return member(value)
        }
    }

    /// A matcher comparing with a value read from another field at run time (`val(field)`).
    static func dynamic(_ op: FilterOperator, type: FieldType, field: String) -> @Sendable (FieldValue, FieldValue) -> Bool {
        { lhs, rhs in
            let literal = FilterLiteral(text: rhs.rendered, position: .start)
            guard let matcher = try? single(op, literal, type: type, field: field) else { return false }
            if case .list(let values) = lhs, op != .in, op != .intersects { return values.contains(where: matcher) }
            return matcher(lhs)
        }
    }
}
