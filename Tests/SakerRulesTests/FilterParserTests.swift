import Testing

@testable import SakerRules

/// libs' `pos_visitor` from `filter_parser.ut.cpp`: node kinds with `offset line column`, in
/// pre-order, so that libs' expected strings can be compared as they are.
private func positionTrace(_ expression: FilterExpression) -> String {
    var out = ""
    func add(_ kind: String, _ position: FilterPosition) {
        out += "\(kind)\(position.offset) \(position.line) \(position.column)"
    }
    func visit(_ transformer: FilterTransformer) {
        add("transformer", transformer.position)
        for argument in transformer.arguments { visit(argument) }
    }
    func visit(_ argument: FilterTransformerArgument) {
        switch argument {
        case .field(let field): add("field", field.position)
        case .transformer(let transformer): visit(transformer)
        case .value(let literal): add("value", literal.position)
        case .list(_, let position): add("transformer_list", position)
        }
    }
    func visit(_ operand: FilterOperand) {
        switch operand {
        case .field(let field): add("field", field.position)
        case .transformer(let transformer): visit(transformer)
        }
    }
    func visit(_ expression: FilterExpression) {
        switch expression {
        case .and(let children, let position):
            add("and", position)
            children.forEach(visit)
        case .or(let children, let position):
            add("or", position)
            children.forEach(visit)
        case .not(let child, let position):
            add("not", position)
            visit(child)
        case .macro(let reference):
            add("identifier", reference.position)
        case .unaryCheck(let check):
            add("unary", check.position)
            visit(check.operand)
        case .binaryCheck(let check):
            add("binary", check.position)
            visit(check.operand)
            switch check.value {
            case .value(let literal): add("value", literal.position)
            case .list(let list): add("list", list.position)
            case .transformer(let transformer): visit(transformer)
            }
        }
    }
    visit(expression)
    return out
}

@Suite("Filter parser")
struct FilterParserTests {
    // MARK: Positions, against libs' expected values

    @Test(
        "node positions are libs' positions",
        arguments: [
            ("proc.name exists", "unary0 1 1field0 1 1"),
            ("proc.name=nginx", "binary0 1 1field0 1 1value10 1 11"),
            ("proc.aname[3]=nginx", "binary0 1 1field0 1 1value14 1 15"),
            ("proc.name =nginx", "binary0 1 1field0 1 1value11 1 12"),
            ("proc.name= nginx", "binary0 1 1field0 1 1value11 1 12"),
            ("proc.name = nginx", "binary0 1 1field0 1 1value12 1 13"),
            ("proc.name in (nginx, apache)", "binary0 1 1field0 1 1list13 1 14"),
            ("proc.name in ( nginx, apache)", "binary0 1 1field0 1 1list13 1 14"),
            ("not proc.name=nginx", "not0 1 1binary4 1 5field4 1 5value14 1 15"),
            (
                "proc.name=nginx or proc.name=apache",
                "or0 1 1binary0 1 1field0 1 1value10 1 11binary19 1 20field19 1 20value29 1 30"
            ),
            (
                "(proc.name=nginx or proc.name=apache)",
                "or1 1 2binary1 1 2field1 1 2value11 1 12binary20 1 21field20 1 21value30 1 31"
            ),
            (
                "proc.name=nginx and proc.name=apache",
                "and0 1 1binary0 1 1field0 1 1value10 1 11binary20 1 21field20 1 21value30 1 31"
            ),
            (
                "(proc.name=nginx and proc.name=apache)",
                "and1 1 2binary1 1 2field1 1 2value11 1 12binary21 1 22field21 1 22value31 1 32"
            ),
            (
                "(proc.aname[2]=nginx and evt.type in (connect,accept)) or (not fd.name exists) or "
                    + "(proc.name=apache and evt.type=switch)",
                "or0 1 1and1 1 2binary1 1 2field1 1 2value15 1 16binary25 1 26field25 1 26list37 1 38not59 1 60"
                    + "unary63 1 64field63 1 64and83 1 84binary83 1 84field83 1 84value93 1 94binary104 1 105"
                    + "field104 1 105value113 1 114"
            ),
            (
                "\n(proc.aname[2]=nginx\n     and evt.type in (connect,accept))\n   or (not fd.name exists)\n"
                    + "   or (proc.name=apache\n       and evt.type=switch)",
                "or0 1 1and2 2 2binary2 2 2field2 2 2value16 2 16binary31 3 10field31 3 10list43 3 22not68 4 8"
                    + "unary72 4 12field72 4 12and95 5 8binary95 5 8field95 5 8value105 5 18binary123 6 12"
                    + "field123 6 12value132 6 21"
            ),
            (
                "b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or "
                    + "proc.name=b64(tolower(some.field))",
                "or0 1 1and0 1 1unary0 1 1transformer0 1 1field4 1 5binary25 1 26transformer25 1 26"
                    + "transformer33 1 34field41 1 42transformer55 1 56field59 1 60binary74 1 75field74 1 75"
                    + "transformer84 1 85transformer88 1 89field96 1 97"
            ),
        ])
    func positionsMatchLibs(_ input: String, _ expected: String) throws {
        #expect(positionTrace(try FilterParser.parse(input)) == expected)
    }

    @Test("the end position after blanks and line breaks is libs'")
    func endPositions() {
        // libs' parse_position_info: where the parser stands once done.
        for (input, offset, line, column) in [
            ("a and b", 7, 1, 8), ("a and b    ", 11, 1, 12), ("not b", 5, 1, 6), ("a    ", 5, 1, 6),
            ("a \n and \n  b", 12, 3, 4), ("a \n and \n not \n b", 17, 4, 3),
        ] {
            #expect(FilterPosition(offset: offset, in: input) == FilterPosition(offset: offset, line: line, column: column))
        }
    }

    @Test("an error after a line break has libs' line and column")
    func errorLineAndColumn() {
        #expect(throws: FilterParseError(.expectedValue, expectedStringValue, at: FilterPosition(offset: 21, line: 3, column: 4))) {
            try FilterParser.parse("a and\nproc.name =\n   )")
        }
        // `\r\n` counts as two line breaks, as in libs.
        #expect(throws: FilterParseError(.expectedCheck, expectedCheckMessage, at: FilterPosition(offset: 7, line: 3, column: 1))) {
            try FilterParser.parse("a and\r\n)")
        }
    }

    // MARK: Trees

    @Test("a tree with every kind of check")
    func everyNodeKind() throws {
        let tree = try FilterParser.parse("evt.name exists and evt.type in (a, b) or proc.name=cat").withoutPositions
        let expected = FilterExpression.or(
            [
                .and(
                    [
                        .unaryCheck(FilterUnaryCheck(operand: .field(field("evt.name")), op: .exists, position: .start)),
                        .binaryCheck(
                            FilterBinaryCheck(
                                operand: .field(field("evt.type")), op: .in,
                                value: .list(FilterValueList(items: [literal("a"), literal("b")], position: .start)),
                                position: .start)),
                    ], at: .start),
                .binaryCheck(
                    FilterBinaryCheck(
                        operand: .field(field("proc.name")), op: .equal, value: .value(literal("cat")), position: .start)),
            ], at: .start)
        #expect(tree == expected)
    }

    @Test("not chains fold as in libs")
    func notChains() throws {
        let tree = try FilterParser.parse("not not not not not(not not(not not_macro))").withoutPositions
        #expect(tree == .not(.not(.macro(FilterMacroReference(name: "not_macro", position: .start)), at: .start), at: .start))
        #expect(try FilterParser.parse("not not a").withoutPositions == .macro(FilterMacroReference(name: "a", position: .start)))
    }

    @Test("and binds tighter than or, and chains are flat")
    func precedence() throws {
        let tree = try FilterParser.parse("a or b and c and d or e")
        guard case .or(let children, _) = tree, children.count == 3, case .and(let inner, _) = children[1] else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(inner.count == 3)
    }

    @Test("transformers nest and take several arguments")
    func transformerTree() throws {
        let tree = try FilterParser.parse(#"tolower(join(",", (proc.name, b64(proc.pname), "x", 12))) = a"#)
        guard case .binaryCheck(let check) = tree, case .transformer(let outer) = check.operand,
            case .transformer(let join) = outer.arguments.first
        else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(outer.kind == .tolower)
        #expect(join.kind == .join)
        #expect(join.arguments.count == 2)
        guard case .value(let separator) = join.arguments[0], case .list(let items, _) = join.arguments[1] else {
            Issue.record("unexpected join arguments \(join.arguments)")
            return
        }
        #expect(separator.text == "," && separator.isQuoted)
        #expect(items.count == 4)
        // Each list item keeps its own position (libs gives them the list's).
        #expect(items.map(\.position.offset) == [19, 30, 47, 52])
    }

    @Test("val() reads a field on the right-hand side")
    func valTransformer() throws {
        let tree = try FilterParser.parse("proc.name = val(proc.aname[2])")
        guard case .binaryCheck(let check) = tree, case .transformer(let val) = check.value else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(val.kind == .val)
        #expect(val.arguments == [.field(FilterField(name: "proc.aname", argument: "2", position: FilterPosition(offset: 16, line: 1, column: 17)))])
    }

    @Test("list modifiers attach to string operators")
    func modifiers() throws {
        let tree = try FilterParser.parse("proc.name startswith anyof (ssh, 'sudo x')")
        guard case .binaryCheck(let check) = tree, case .list(let list) = check.value else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(check.op == .startswith)
        #expect(check.modifier == .anyof)
        #expect(list.values == ["ssh", "sudo x"])
        #expect(list.position.offset == 27)
    }

    @Test("quoted strings are unescaped and remember their quotes")
    func quotedValues() throws {
        // (`"\\"` would not end: libs ends a string only at a quote not preceded by a backslash.)
        let tree = try FilterParser.parse(#"a.b in ("x\ty", 'it\'s', "a\\b", plain)"#)
        guard case .binaryCheck(let check) = tree, case .list(let list) = check.value else {
            Issue.record("unexpected tree \(tree)")
            return
        }
        #expect(list.values == ["x\ty", "it's", "a\\b", "plain"])
        #expect(list.items.map(\.isQuoted) == [true, true, true, false])
        #expect(list.items.map(\.position.offset) == [8, 16, 25, 33])
    }

    @Test("field arguments keep their text")
    func fieldArguments() throws {
        for (input, name, argument) in [
            ("proc.aname[2] exists", "proc.aname", "2"),
            ("container.mount.dest[/etc] exists", "container.mount.dest", "/etc"),
            (#"evt.arg["a b"] exists"#, "evt.arg", "a b"),
            (#"evt.arg[""] exists"#, "evt.arg", ""),
        ] {
            let tree = try FilterParser.parse(input)
            guard case .unaryCheck(let check) = tree, case .field(let field) = check.operand else {
                Issue.record("unexpected tree \(tree)")
                continue
            }
            #expect(field.name == name)
            #expect(field.argument == argument)
        }
        let plain = try FilterParser.parse("proc.aname exists")
        if case .unaryCheck(let check) = plain, case .field(let field) = check.operand {
            #expect(field.argument == nil)
        }
    }

    // MARK: Errors

    @Test("errors say what was expected, in libs' words")
    func errorMessages() {
        let cases: [(String, String)] = [
            ("", "filter input string is empty"),
            ("a b", "unexpected token after 'a', expecting 'or', 'and'"),
            ("a andb", "expected blank or '(' after 'and'"),
            ("a orb", "expected blank or '(' after 'or'"),
            ("(a", "expected a ')' token"),
            ("1", expectedCheckMessage),
            ("a.b[", "expected a valid field argument: a quoted string or a bare string"),
            ("a.b[1", "expected a ']' token"),
            (
                "a.b",
                "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', "
                    + "'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', "
                    + "'regex', 'intersects', 'in', 'pmatch'"
            ),
            ("a.b =", expectedStringValue),
            (
                "a.b >",
                "expected a number value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', "
                    + "'basename', 'len', 'join', 'concat', 'getopt'"
            ),
            (
                "a.b in",
                "expected a list, an identifier, or a field with a valid transformer: 'val', 'tolower', 'toupper', "
                    + "'b64', 'basename', 'len', 'join', 'concat', 'getopt'"
            ),
            ("a.b in (a,)", "expected a string value"),
            ("a.b = val(x)", "expected a field within 'val' transformer"),
            ("a.b = val(x.y", "expected a ')' token closing the transformer"),
            ("tolower(x) exists", "expected field transformer argument: field, transformer, quoted string, number, or transformer list"),
            (#"join(",", (x)) exists"#, "expected transformer list argument: field, transformer, quoted string, or number"),
            (#"join(",", (x.y) exists"#, "expected a ')' token closing the transformer"),
            (#"join(",", (x.y exists"#, "expected ')'"),
            (#"a.b = "\x""#, #"unsupported string escape sequence: \x"#),
            (#"a.b = "\'""#, #"invalid \' escape in "-quoted string"#),
            (#"a.b = '\"'"#, #"invalid \" escape in '-quoted string"#),
        ]
        for (input, message) in cases {
            do {
                _ = try FilterParser.parse(input)
                Issue.record("accepted \(input.debugDescription)")
            } catch {
                #expect(error.message == message, "\(input.debugDescription)")
            }
        }
    }

    @Test("an error describes itself as line:column: message")
    func errorDescription() {
        let error = FilterParseError(.expectedValue, "expected a string value", at: FilterPosition(offset: 12, line: 2, column: 3))
        #expect(error.description == "2:3: expected a string value")
        #expect(error.code.description == "expectedValue")
    }

    @Test("nesting is limited, at Falco's depth of 1000")
    func depthLimit() throws {
        let deepest = String(repeating: "(", count: 199) + "a" + String(repeating: ")", count: 199)
        #expect(try FilterParser.parse(deepest) == .macro(FilterMacroReference(name: "a", position: FilterPosition(offset: 199, line: 1, column: 200))))
        let tooDeep = String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)
        do {
            _ = try FilterParser.parse(tooDeep)
            Issue.record("accepted 200 nested parentheses")
        } catch {
            #expect(error.code == .tooDeep)
            #expect(error.message == "exceeded max depth limit of 1000")
            #expect(error.position.offset == 200)
        }
        #expect(throws: FilterParseError.self) { try FilterParser(maxDepth: 10).parse("((a))") }
        #expect(try FilterParser(maxDepth: 10).parse("(a)") == .macro(FilterMacroReference(name: "a", position: FilterPosition(offset: 1, line: 1, column: 2))))
    }

    @Test("long flat conditions do not recurse")
    func longConditions() throws {
        let condition = (0..<5000).map { "proc.name = p\($0)" }.joined(separator: " or ")
        guard case .or(let children, _) = try FilterParser.parse(condition) else {
            Issue.record("not an or")
            return
        }
        #expect(children.count == 5000)
    }
}

private let expectedCheckMessage = "expected a '(' token, a field check, or an identifier"
private let expectedStringValue =
    "expected a string value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', 'basename', "
    + "'len', 'join', 'concat', 'getopt'"

private func field(_ name: String, _ argument: String? = nil) -> FilterField {
    FilterField(name: name, argument: argument, position: .start)
}

private func literal(_ text: String) -> FilterLiteral {
    FilterLiteral(text: text, position: .start)
}
