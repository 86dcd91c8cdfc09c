import Testing

@testable import SakerRules

/// SplitMix64: small, seeded, reproducible.
struct FilterFuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random conditions built from the grammar, and mutations of them.
struct FilterInputGenerator {
    var random: FilterFuzzRandom

    static let fields = ["proc.name", "proc.aname[2]", "fd.name", "evt.type", "evt.arg[0]", "container.mount.dest[/etc]",
        #"evt.arg["a b"]"#, "a.b.c", "fd.types[1]"]
    static let values = ["bash", "'a b'", #""x\"y""#, "/usr/bin/*", "12", "-1.5e+3", "0x1F", #""""#, "<NA>", "a=b", "é",
        #"'it\'s'"#, #""\t\n""#]
    static let operators = ["=", "==", "!=", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith",
        "glob", "iglob", "regex", "<", "<=", ">", ">=", "in", "intersects", "pmatch", "exists"]
    static let transformers = ["tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"]
    static let tokens = ["and", "or", "not", "not(", "(", ")", "'", "\"", "\\", "in", "=", "val(", "tolower(", "join(",
        "[", "]", ",", " ", "\n", "\t", "\r", "\u{08}", "\u{0B}", "exists", "anyof", "oneof", "allof", "macro", ".", "0x",
        "e+", "-", "é", "\u{FFFD}"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func operand(depth: Int = 0) -> String {
        if depth < 2 && chance(25) {
            let name = pick(Self.transformers)
            if name == "join" {
                return #"join(",", (\#(pick(Self.fields)), \#(operand(depth: depth + 1))))"#
            }
            return "\(name)(\(operand(depth: depth + 1)))"
        }
        return pick(Self.fields)
    }

    mutating func check() -> String {
        let op = pick(Self.operators)
        switch op {
        case "exists":
            return "\(operand()) exists"
        case "in", "intersects", "pmatch":
            let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(Self.values) }
            return chance(20) ? "\(operand()) \(op) val(\(pick(Self.fields)))" : "\(operand()) \(op) (\(items.joined(separator: ", ")))"
        case "<", "<=", ">", ">=":
            return "\(operand()) \(op) \(pick(["1", "-2", "0x10", "3.5", "len(proc.name)"]))"
        default:
            if chance(15) {
                let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(Self.values) }
                return "\(operand()) \(op) \(pick(["anyof", "oneof", "allof"])) (\(items.joined(separator: ", ")))"
            }
            return "\(operand()) \(op) \(chance(15) ? "val(\(pick(Self.fields)))" : pick(Self.values))"
        }
    }

    mutating func expression(depth: Int = 0) -> String {
        switch depth > 3 ? 0 : Int.random(in: 0..<6, using: &random) {
        case 0, 1: return chance(20) ? pick(["spawned_process", "container", "not_macro", "and_x"]) : check()
        case 2: return "not \(expression(depth: depth + 1))"
        case 3: return "(\(expression(depth: depth + 1)))"
        case 4: return "\(expression(depth: depth + 1)) and \(expression(depth: depth + 1))"
        default: return "\(expression(depth: depth + 1)) or \(expression(depth: depth + 1))"
        }
    }

    mutating func mutate(_ input: String) -> String {
        var bytes = Array(input.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0:
                bytes.insert(contentsOf: Array(pick(Self.tokens).utf8), at: at)
            case 1 where !bytes.isEmpty:
                let end = min(bytes.count, at + Int.random(in: 1...4, using: &random))
                if at < end { bytes.removeSubrange(at..<end) }
            case 2 where !bytes.isEmpty:
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: Array(bytes[start..<end]), at: at)
            case 3:
                bytes.insert(UInt8.random(in: 1...127, using: &random), at: at)
            case 4 where at < bytes.count:
                bytes[at] = pick(Array("()[],'\"\\ =!<>.".utf8))
            default:
                bytes.insert(contentsOf: Array(" \(pick(["and", "or", "not"])) ".utf8), at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite("Filter parser fuzzing")
struct FilterFuzzTests {
    /// Checks one input: no crash, errors inside the input, consistent positions, and a printed
    /// form that reads back the same.
    static func check(_ input: String) {
        let count = input.utf8.count
        do {
            let expression = try FilterParser.parse(input)
            var positions: [FilterPosition] = [expression.position]
            expression.visit { node in
                switch node {
                case .expression(let expression): positions.append(expression.position)
                case .field(let field): positions.append(field.position)
                case .transformer(let transformer): positions.append(transformer.position)
                case .literal(let literal): positions.append(literal.position)
                case .list(let list): positions.append(list.position)
                }
                return .visitChildren
            }
            let lines = FilterLineTable(input)
            for position in positions {
                #expect(position.offset >= 0 && position.offset <= count, "\(input.debugDescription)")
                #expect(lines.position(ofOffset: position.offset) == position, "\(input.debugDescription)")
            }
            let printed = FilterPrinter.print(expression)
            do {
                let reparsed = try FilterParser.parse(printed)
                #expect(FilterPrinter.print(reparsed) == printed, "\(input.debugDescription)")
                #expect(reparsed.withoutPositions == expression.withoutPositions, "\(input.debugDescription)")
            } catch {
                Issue.record("canonical form \(printed.debugDescription) of \(input.debugDescription) fails: \(error)")
            }
        } catch {
            #expect(error.position.offset >= 0 && error.position.offset <= count, "\(input.debugDescription)")
            #expect(error.position == FilterPosition(offset: error.position.offset, in: input), "\(input.debugDescription)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test("random and mutated conditions never crash the parser, and errors carry valid positions")
    func mutationFuzz() {
        var generator = FilterInputGenerator(random: FilterFuzzRandom(seed: 0x5A4E_5253))
        let seeds = FilterParserCorpus.all.map(\.input)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(6))
        var iterations = 0
        var accepted = 0
        while iterations < 100_000, clock.now < deadline {
            let base = iterations % 3 == 0 ? generator.expression() : generator.pick(seeds)
            let input = iterations % 4 == 0 ? base : generator.mutate(base)
            Self.check(input)
            if (try? FilterParser.parse(input)) != nil { accepted += 1 }
            iterations += 1
        }
        #expect(iterations >= 5_000, "only \(iterations) inputs in the time budget")
        #expect(accepted > iterations / 10, "too few accepted inputs: \(accepted) of \(iterations)")
    }

    @Test("list substitution takes random lists and conditions without crashing")
    func substitutionFuzz() {
        var generator = FilterInputGenerator(random: FilterFuzzRandom(seed: 42))
        for _ in 0..<2_000 {
            let names = ["l", "shells", "proc", "and", "a b", "x(", ""]
            let lists = FilterListSubstitution(
                lists: (0..<3).map { _ in
                    FilterList(
                        name: generator.pick(names),
                        items: (0..<Int.random(in: 0...3, using: &generator.random)).map { _ in generator.pick(FilterInputGenerator.values) })
                })
            let condition = generator.mutate(generator.expression() + " and x.y in (" + generator.pick(names) + ")")
            let substituted = lists.apply(to: condition)
            for offset in 0...substituted.text.utf8.count {
                let original = substituted.originalOffset(forOffset: offset)
                #expect(original >= 0 && original <= condition.utf8.count)
            }
            do {
                _ = try FilterParser().parse(condition, substituting: lists)
            } catch {
                #expect(error.position.offset <= condition.utf8.count)
                #expect(error.position == FilterPosition(offset: error.position.offset, in: condition))
            }
        }
    }
}
