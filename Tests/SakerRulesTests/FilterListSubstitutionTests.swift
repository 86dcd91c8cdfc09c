import Testing

@testable import SakerRules

private func lists(_ entries: [(String, [String])]) -> FilterListSubstitution {
    FilterListSubstitution(lists: entries.map { FilterList(name: $0.0, items: $0.1) })
}

@Suite("List substitution (Falco's resolve_list)")
struct FilterListSubstitutionTests {
    @Test("a list in parentheses becomes its items")
    func substitutesItems() {
        let result = lists([("shells", ["bash", "sh", "zsh"])]).apply(to: "proc.name in (shells)")
        #expect(result.text == "proc.name in ( bash, sh, zsh )")
        #expect(result.usedLists == ["shells"])
    }

    @Test("surrounding blanks are consumed and the text is rebuilt as Falco does")
    func blanksAreConsumed() {
        let result = lists([("l", ["a", "b"])]).apply(to: "x.y in (  l  , c)")
        #expect(result.text == "x.y in ( a, b , c)")
        #expect(lists([("l", ["a"])]).apply(to: "l").text == "a ")
    }

    @Test("items with spaces are double-quoted unless already quoted")
    func quotesItems() {
        let result = lists([("l", ["a b", "'c d'", "\"e f\"", "g"])]).apply(to: "x.y in (l)")
        #expect(result.text == #"x.y in ( "a b", 'c d', "e f", g )"#)
    }

    @Test("only whole names between delimiters are replaced")
    func boundaries() {
        let substitution = lists([("bin", ["x"])])
        #expect(substitution.apply(to: "a.b in (bins, sbin, bin_dirs, /bin)").usedLists.isEmpty)
        #expect(substitution.apply(to: "proc.bin = bin").text == "proc.bin = x ")
        #expect(substitution.apply(to: "a.b in (bin,bin)").text == "a.b in ( x , x )")
        #expect(substitution.apply(to: "a.b=bin").text == "a.b= x ")
    }

    @Test("names inside quoted strings are replaced too, as in Falco")
    func insideQuotes() {
        #expect(lists([("l", ["x"])]).apply(to: #"a.b = "y l z""#).text == #"a.b = "y x z""#)
    }

    @Test("an empty list takes a neighbouring comma with it")
    func emptyList() throws {
        let substitution = lists([("none", [])])
        #expect(substitution.apply(to: "a.b in (x, none)").text == "a.b in (x  )")
        #expect(substitution.apply(to: "a.b in (none, x)").text == "a.b in (   x)")
        #expect(substitution.apply(to: "a.b in (none)").text == "a.b in (  )")
        for condition in ["a.b in (x, none)", "a.b in (none, x)", "a.b in (none)"] {
            _ = try FilterParser.parse(substitution.apply(to: condition).text)
        }
    }

    @Test("lists are applied in definition order, so a list may leave another's name behind")
    func order() {
        // `first` is substituted before `second` inserts its name.
        let result = lists([("first", ["1"]), ("second", ["first"])]).apply(to: "a.b in (second)")
        #expect(result.text == "a.b in ( first )")
        let reversed = lists([("second", ["first"]), ("first", ["1"])]).apply(to: "a.b in (second)")
        #expect(reversed.text == "a.b in ( 1 )")
        #expect(reversed.usedLists == ["second", "first"])
    }

    @Test("compiling expands items naming earlier lists, one level, as compile_list_infos")
    func compilesNestedLists() {
        let definitions = [
            FilterListDefinition(name: "a", items: ["1", "2"], index: 0, visibility: 0),
            FilterListDefinition(name: "b", items: ["a", "3"], index: 1, visibility: 1),
            FilterListDefinition(name: "c", items: ["b", "later"], index: 2, visibility: 2),
            FilterListDefinition(name: "later", items: ["9"], index: 3, visibility: 3),
        ]
        let compiled = FilterListSubstitution(compiling: definitions)
        #expect(compiled.lists.map(\.name) == ["a", "b", "c", "later"])
        #expect(compiled.lists[1].items == ["1", "2", "3"])
        // `b`'s items as written: `a` stays a name; `later` was defined after `c`.
        #expect(compiled.lists[2].items == ["a", "3", "later"])
        #expect(compiled.listsUsedByLists == ["a", "b"])
    }

    @Test("a list redefined later keeps its place and sees lists defined before the redefinition")
    func visibilityFollowsRedefinition() {
        let definitions = [
            FilterListDefinition(name: "a", items: ["x", "b"], index: 0, visibility: 5),
            FilterListDefinition(name: "b", items: ["y"], index: 3, visibility: 3),
        ]
        #expect(FilterListSubstitution(compiling: definitions).lists[0].items == ["x", "y"])
    }

    @Test("parse errors point into the condition as written")
    func errorsMapToTheOriginal() {
        let substitution = lists([("shells", ["bash", "sh"])])
        do {
            _ = try FilterParser().parse("proc.name in (shells) and\nfoo bar", substituting: substitution)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .trailingInput)
            #expect(error.position == FilterPosition(offset: 30, line: 2, column: 5))
        }
        do {
            // The error is inside the substituted items: it points at the list's name.
            _ = try FilterParser().parse("a.b in (x, bad)", substituting: lists([("bad", ["q(", "z"])]))
            Issue.record("accepted")
        } catch {
            #expect(error.position == FilterPosition(offset: 11, line: 1, column: 12))
        }
    }

    @Test("tree positions point into the condition as written")
    func nodesMapToTheOriginal() throws {
        let substitution = lists([("shells", ["bash", "sh"])])
        let parsed = try FilterParser().parse("proc.name in (shells) and\n  fd.name = x", substituting: substitution)
        #expect(parsed.usedLists == ["shells"])
        #expect(parsed.substitutedText == "proc.name in ( bash, sh ) and\n  fd.name = x")
        guard case .and(let children, _) = parsed.expression, case .binaryCheck(let first) = children[0],
            case .list(let list) = first.value, case .binaryCheck(let second) = children[1]
        else {
            Issue.record("unexpected tree \(parsed.expression)")
            return
        }
        #expect(list.values == ["bash", "sh"])
        #expect(list.position.offset == 13)
        #expect(list.items.map(\.position.offset) == [14, 14])
        #expect(second.position == FilterPosition(offset: 28, line: 2, column: 3))
    }

    @Test("offsets past the end map to the end of the original")
    func endOffset() {
        let result = lists([("l", ["a", "b"])]).apply(to: "x.y in (l)")
        #expect(result.originalOffset(forOffset: result.text.utf8.count) == 10)
        #expect(result.originalOffset(forOffset: 0) == 0)
    }
}
