/// A small backtracking regular-expression engine for the `regex` operator, covering the
/// POSIX ERE / RE2 syntax rules use: literals, `.`, bracket sets (ranges, negation, `[:alpha:]`
/// classes), `\d \w \s` and their negations, groups (`(…)`, `(?:…)`), alternation, the
/// quantifiers `* + ? {n} {n,} {n,m}` (greedy, or lazy with a trailing `?`), and `^`/`$`.
///
/// libs matches with RE2 anchored at both ends (the whole value must match), so does Saker.
public struct EvaluatorRegex: Sendable {
    /// Why a pattern was refused.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    indirect enum Node: Sendable {
        case byte(UInt8)
        case any
        case set(ByteSet)
        case group([[Node]])
        case repeated(Node, min: Int, max: Int, greedy: Bool)
        case lineStart
        case lineEnd
    }

    struct ByteSet: Sendable {
        var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        mutating func insert(_ byte: UInt8) {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: bits.0 |= bit
            case 1: bits.1 |= bit
            case 2: bits.2 |= bit
            default: bits.3 |= bit
            }
        }

        mutating func insert(_ range: ClosedRange<UInt8>) { for byte in range { insert(byte) } }

        func contains(_ byte: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: return bits.0 & bit != 0
            case 1: return bits.1 & bit != 0
            case 2: return bits.2 & bit != 0
            default: return bits.3 & bit != 0
            }
        }

        func inverted() -> ByteSet {
            ByteSet(bits: (~bits.0, ~bits.1, ~bits.2, ~bits.3))
        }

        mutating func formUnion(_ other: ByteSet) {
            bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2, bits.3 | other.bits.3)
        }
    }

    let alternatives: [[Node]]
    /// The pattern as written.
    public let pattern: String

    /// Compiles a pattern.
    public init(_ pattern: String) throws(SyntaxError) {
        self.pattern = pattern
        var parser = Parser(bytes: Array(pattern.utf8))
        let parsed = try parser.parseAlternatives()
        if parser.index < parser.bytes.count {
            throw SyntaxError(message: "unexpected ')' at offset \(parser.index) in regex '\(pattern)'")
        }
        alternatives = parsed
    }

    /// True when the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        EvaluatorMatching.withBytes(text) { matches($0) }
    }

    /// True when the whole of `bytes` matches.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let budget = Budget()
        return Self.matchAlternatives(alternatives, bytes, 0, budget) { $0 == bytes.count }
    }

    // MARK: Matching

    /// Steps left before a pathological pattern gives up (and does not match).
    private final class Budget {
        var remaining = 1_000_000
    }

    private static func matchAlternatives(
        _ alternatives: [[Node]], _ input: UnsafeBufferPointer<UInt8>, _ position: Int, _ budget: Budget,
        _ next: (Int) -> Bool
    ) -> Bool {
        for sequence in alternatives where matchSequence(sequence[...], input, position, budget, next) {
            return true
        }
        return false
    }

    private static func matchSequence(
        _ sequence: ArraySlice<Node>, _ input: UnsafeBufferPointer<UInt8>, _ position: Int, _ budget: Budget,
        _ next: (Int) -> Bool
    ) -> Bool {
        budget.remaining -= 1
        guard budget.remaining > 0 else { return false }
        guard let node = sequence.first else { return next(position) }
        let rest = sequence.dropFirst()
        // Consuming nodes without backtracking inside them.
        switch node {
        case .byte(let byte):
            guard position < input.count, input[position] == byte else { return false }
            return matchSequence(rest, input, position + 1, budget, next)
        case .any:
            guard position < input.count, input[position] != 0x0A else { return false }
            return matchSequence(rest, input, position + 1, budget, next)
        case .set(let set):
            guard position < input.count, set.contains(input[position]) else { return false }
            return matchSequence(rest, input, position + 1, budget, next)
        case .lineStart:
            guard position == 0 else { return false }
            return matchSequence(rest, input, position, budget, next)
        case .lineEnd:
            guard position == input.count else { return false }
            return matchSequence(rest, input, position, budget, next)
        case .group(let alternatives):
            return matchAlternatives(alternatives, input, position, budget) { end in
                matchSequence(rest, input, end, budget, next)
            }
        case .repeated(let inner, let minimum, let maximum, let greedy):
            return matchRepeat(inner, minimum, maximum, greedy, count: 0, input, position, budget) { end in
                matchSequence(rest, input, end, budget, next)
            }
        }
    }

    private static func matchRepeat(
        _ node: Node, _ minimum: Int, _ maximum: Int, _ greedy: Bool, count: Int,
        _ input: UnsafeBufferPointer<UInt8>, _ position: Int, _ budget: Budget, _ next: (Int) -> Bool
    ) -> Bool {
        budget.remaining -= 1
        guard budget.remaining > 0 else { return false }
        let canStop = count >= minimum
        let canContinue = count < maximum
        if canStop && !greedy && next(position) { return true }
        if canContinue {
            let more = matchSequence([node][...], input, position, budget) { end in
                // An empty iteration cannot make progress: stop repeating.
                guard end > position || count < minimum else { return false }
                return matchRepeat(node, minimum, maximum, greedy, count: count + 1, input, end, budget, next)
            }
            if more { return true }
        }
        if canStop && greedy { return next(position) }
        return false
    }

    // MARK: Parsing

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseAlternatives() throws(SyntaxError) -> [[Node]] {
            var alternatives: [[Node]] = [try parseSequence()]
            while index < bytes.count, bytes[index] == UInt8(ascii: "|") {
                index += 1
                alternatives.append(try parseSequence())
            }
            return alternatives
        }

        mutating func parseSequence() throws(SyntaxError) -> [Node] {
            var nodes: [Node] = []
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "|") || c == UInt8(ascii: ")") { break }
                var atom = try parseAtom()
                atom = try parseQuantifiers(atom)
                nodes.append(atom)
            }
            return nodes
        }

        mutating func parseQuantifiers(_ atom: Node) throws(SyntaxError) -> Node {
            var node = atom
            while index < bytes.count {
                let c = bytes[index]
                var minimum = 0
                var maximum = Int.max
                if c == UInt8(ascii: "*") {
                    index += 1
                } else if c == UInt8(ascii: "+") {
                    minimum = 1
                    index += 1
                } else if c == UInt8(ascii: "?") {
                    maximum = 1
                    index += 1
                } else if c == UInt8(ascii: "{"), let bounds = parseBounds() {
                    (minimum, maximum) = bounds
                } else {
                    break
                }
                var greedy = true
                if index < bytes.count, bytes[index] == UInt8(ascii: "?") {
                    greedy = false
                    index += 1
                }
                if case .lineStart = node { throw SyntaxError(message: "nothing to repeat") }
                node = .repeated(node, min: minimum, max: maximum, greedy: greedy)
            }
            return node
        }

        /// `{n}`, `{n,}`, `{n,m}`; nil (and `{` is a literal) otherwise.
        mutating func parseBounds() -> (Int, Int)? {
            var cursor = index + 1
            func number() -> Int? {
                var value: Int?
                while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                    value = (value ?? 0) * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                    if (value ?? 0) > 1000 { return nil }
                    cursor += 1
                }
                return value
            }
            guard let low = number() else { return nil }
            var high = low
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") {
                cursor += 1
                high = number() ?? Int.max
            }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "}"), high >= low else { return nil }
            index = cursor + 1
            return (low, high)
        }

        mutating func parseAtom() throws(SyntaxError) -> Node {
            let c = bytes[index]
            index += 1
            switch c {
            case UInt8(ascii: "."): return .any
            case UInt8(ascii: "^"): return .lineStart
            case UInt8(ascii: "$"): return .lineEnd
            case UInt8(ascii: "("):
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: ":") {
                    index += 2
                }
                let inner = try parseAlternatives()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else {
                    throw SyntaxError(message: "missing ')' in regex")
                }
                index += 1
                return .group(inner)
            case UInt8(ascii: "["): return .set(try parseSet())
            case UInt8(ascii: "\\"): return try parseEscape(inSet: false)
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                throw SyntaxError(message: "missing argument to repetition operator")
            default: return .byte(c)
            }
        }

        mutating func parseEscape(inSet: Bool) throws(SyntaxError) -> Node {
            guard index < bytes.count else { throw SyntaxError(message: "trailing \\ in regex") }
            let c = bytes[index]
            index += 1
            var set = ByteSet()
            switch c {
            case UInt8(ascii: "d"): set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
            case UInt8(ascii: "D"):
                set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
                set = set.inverted()
            case UInt8(ascii: "w"), UInt8(ascii: "W"):
                set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
                set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
                set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
                set.insert(UInt8(ascii: "_"))
                if c == UInt8(ascii: "W") { set = set.inverted() }
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                for byte: UInt8 in [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D] { set.insert(byte) }
                if c == UInt8(ascii: "S") { set = set.inverted() }
            case UInt8(ascii: "n"): return .byte(0x0A)
            case UInt8(ascii: "t"): return .byte(0x09)
            case UInt8(ascii: "r"): return .byte(0x0D)
            default: return .byte(c)
            }
            return .set(set)
        }

        mutating func parseSet() throws(SyntaxError) -> ByteSet {
            var set = ByteSet()
            var negate = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "^") {
                negate = true
                index += 1
            }
            var first = true
            while true {
                guard index < bytes.count else { throw SyntaxError(message: "missing ']' in regex") }
                var c = bytes[index]
                if c == UInt8(ascii: "]") && !first {
                    index += 1
                    break
                }
                first = false
                if c == UInt8(ascii: "["), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":"),
                    let close = findClassEnd(from: index + 2)
                {
                    let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                    set.formUnion(try Self.posixClass(name))
                    index = close + 2
                    continue
                }
                index += 1
                if c == UInt8(ascii: "\\") {
                    let escaped = try parseEscape(inSet: true)
                    switch escaped {
                    case .set(let other):
                        set.formUnion(other)
                        continue
                    case .byte(let byte): c = byte
                    default: continue
                    }
                }
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] != UInt8(ascii: "]") {
                    var high = bytes[index + 1]
                    index += 2
                    if high == UInt8(ascii: "\\"), index < bytes.count {
                        high = bytes[index]
                        index += 1
                    }
                    guard c <= high else { throw SyntaxError(message: "invalid character class range") }
                    set.insert(c...high)
                } else {
                    set.insert(c)
                }
            }
            return negate ? set.inverted() : set
        }

        func findClassEnd(from start: Int) -> Int? {
            var cursor = start
            while cursor + 1 < bytes.count {
                if bytes[cursor] == UInt8(ascii: ":") && bytes[cursor + 1] == UInt8(ascii: "]") { return cursor }
                cursor += 1
            }
            return nil
        }

        static func posixClass(_ name: String) throws(SyntaxError) -> ByteSet {
            var set = ByteSet()
            switch name {
            case "alpha":
                set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
                set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
            case "digit": set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
            case "alnum":
                set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
                set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
                set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
            case "upper": set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
            case "lower": set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
            case "space": for byte: UInt8 in [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D] { set.insert(byte) }
            case "blank":
                set.insert(0x20)
                set.insert(0x09)
            case "xdigit":
                set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
                set.insert(UInt8(ascii: "a")...UInt8(ascii: "f"))
                set.insert(UInt8(ascii: "A")...UInt8(ascii: "F"))
            case "punct":
                set.insert(0x21...0x2F)
                set.insert(0x3A...0x40)
                set.insert(0x5B...0x60)
                set.insert(0x7B...0x7E)
            case "print": set.insert(0x20...0x7E)
            case "graph": set.insert(0x21...0x7E)
            case "cntrl":
                set.insert(0x00...0x1F)
                set.insert(0x7F)
            default: throw SyntaxError(message: "invalid character class [:\(name):]")
            }
            return set
        }
    }
}
