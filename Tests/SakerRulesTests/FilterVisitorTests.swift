import Testing

@testable import SakerRules

@Suite("Filter visitors")
struct FilterVisitorTests {
    static let condition =
        "tolower(proc.name) = val(proc.pname) and fd.name in (a, b) or not user.name exists and "
        + #"join(",", (a.b, c.d)) = x and spawned_process and (container or proc.name = y)"#

    @Test("fields are collected on both sides and inside transformers, in source order")
    func fields() throws {
        let expression = try FilterParser.parse(Self.condition)
        #expect(expression.fields.map(\.name) == ["proc.name", "proc.pname", "fd.name", "user.name", "a.b", "c.d", "proc.name"])
        #expect(expression.fieldNames == ["proc.name", "proc.pname", "fd.name", "user.name", "a.b", "c.d"])
    }

    @Test("macro references are collected with their positions")
    func macros() throws {
        let expression = try FilterParser.parse(Self.condition)
        #expect(expression.macroReferences.map(\.name) == ["spawned_process", "container"])
        #expect(expression.macroReferences.first?.position.offset == 117)
    }

    @Test("event type comparisons are collected with their values")
    func eventTypes() throws {
        let expression = try FilterParser.parse(
            "evt.type in (open, openat) and not evt.type = close and syscall.type != read and evt.type[1] = x "
                + "and evt.type = val(evt.type) and evt.type = anyof (a, b) and proc.name = evt.type")
        let comparisons = expression.eventTypeComparisons
        #expect(comparisons.map(\.field.name) == ["evt.type", "evt.type", "syscall.type", "evt.type", "evt.type"])
        #expect(comparisons.map(\.op) == [.in, .equal, .notEqual, .equal, .equal])
        #expect(comparisons.map(\.values) == [["open", "openat"], ["close"], ["read"], nil, ["a", "b"]])
        #expect(comparisons.last?.modifier == .anyof)
        #expect(comparisons.first?.position.offset == 0)
    }

    @Test("a visit can skip a subtree")
    func skipChildren() throws {
        let expression = try FilterParser.parse("a.b = x and not (c.d = y and e.f = z)")
        var seen: [String] = []
        expression.visit { node in
            switch node {
            case .expression(.not): return .skipChildren
            case .field(let field): seen.append(field.name)
            default: break
            }
            return .visitChildren
        }
        #expect(seen == ["a.b"])
    }

    @Test("a visit sees literals and lists")
    func literals() throws {
        var literals: [String] = []
        var lists = 0
        try FilterParser.parse(#"a.b in (x, y) and join("-", (c.d, 1)) = z"#).visit { node in
            if case .literal(let literal) = node { literals.append(literal.text) }
            if case .list = node { lists += 1 }
            return .visitChildren
        }
        #expect(literals == ["x", "y", "-", "1", "z"])
        #expect(lists == 1)
    }

    @Test("macros are replaced by their trees")
    func replacingMacros() throws {
        let macro = try FilterParser.parse("evt.type = execve")
        let expression = try FilterParser.parse("spawned_process and not other")
        let expanded = expression.replacingMacros { reference in
            reference.name == "spawned_process" ? macro : .macro(reference)
        }
        #expect(FilterPrinter.print(expanded) == "evt.type = execve and not other")
        struct Unknown: Error { var name: String }
        #expect(throws: Unknown.self) {
            try expression.replacingMacros { (reference) throws(Unknown) -> FilterExpression in
                throw Unknown(name: reference.name)
            }
        }
    }
}
