import SakerYAML
import Testing

/// Parses a one-document string and returns its root.
private func root(_ text: String, name: String = "t.yaml") throws -> YAMLNode {
    let documents = try YAMLParser.parse(text, name: name)
    try #require(documents.count == 1)
    return documents[0].root
}

/// Parses text that must fail and returns the error.
private func parseError(_ text: String, name: String = "bad.yaml") -> YAMLError? {
    do {
        _ = try YAMLParser.parse(text, name: name)
        return nil
    } catch {
        return error
    }
}

@Suite struct Positions {
    @Test func scalarsCarryFileLineAndColumn() throws {
        let node = try root("a: 1\nbb:\n  ccc: hello\n")
        let pair = try #require(node["bb"]?.pair(forKey: "ccc"))
        #expect(pair.key.position.description == "t.yaml:3:3")
        #expect(pair.value.position.description == "t.yaml:3:8")
        #expect(pair.value.scalarValue == "hello")
    }

    @Test func mappingsStartAtTheirFirstKey() throws {
        let node = try root("top:\n  inner: 1\n  other: 2\n")
        #expect(node.position.description == "t.yaml:1:1")
        let inner = try #require(node["top"])
        #expect(inner.isMapping)
        #expect(inner.position.line == 2)
        #expect(inner.position.column == 3)
    }

    @Test func sequencesStartAtTheirFirstDash() throws {
        let node = try root("items:\n  - one\n  - two\n")
        let items = try #require(node["items"])
        #expect(items.position.line == 2)
        #expect(items.position.column == 3)
        let second = try #require(items.sequence?[1])
        #expect(second.position.description == "t.yaml:3:5")
    }

    @Test func flowSequencePositions() throws {
        let node = try root("tags: [a, bb, ccc]\n")
        let tags = try #require(node["tags"]?.sequence)
        #expect(tags.map(\.position.column) == [8, 11, 15])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let node = try root("é: ü x\nk: v\n")
        let value = try #require(node["é"])
        #expect(value.position.column == 4)
        #expect(node.pair(forKey: "k")?.key.position.description == "t.yaml:2:1")
    }

    @Test func mappingKeysKeepDocumentOrder() throws {
        let node = try root("z: 1\na: 2\nm: 3\n")
        let keys = try node.mappingPairs().compactMap { $0.key.scalarValue }
        #expect(keys == ["z", "a", "m"])
    }

    @Test func positionInsideAPlainMultilineValue() throws {
        let text = "- macro: m\n  condition: evt.type = open\n    and proc.name = cat\n"
        let node = try root(text)
        let condition = try #require(node.sequence?.first?["condition"])
        let value = try condition.string()
        #expect(value == "evt.type = open and proc.name = cat")
        let offset = value.utf8.count - "proc.name = cat".utf8.count
        #expect(condition.position(ofValueUTF8Offset: offset).description == "t.yaml:3:9")
    }

    @Test func positionInsideAFoldedBlockValue() throws {
        let text = "cond: >\n  a = 1 and\n  b = 2\n"
        let node = try root(text)
        let condition = try #require(node["cond"])
        #expect(try condition.string() == "a = 1 and b = 2\n")
        #expect(condition.position(ofValueUTF8Offset: 10).description == "t.yaml:3:3")
        #expect(condition.position(ofValueUTF8Offset: 4).description == "t.yaml:2:7")
    }

    @Test func positionInsideADoubleQuotedValueWithEscapes() throws {
        let node = try root(#"k: "a\tb c""# + "\n")
        let value = try #require(node["k"])
        #expect(try value.string() == "a\tb c")
        // "c" is at value offset 4, file column 10 (after `k: "a\tb `).
        #expect(value.position(ofValueUTF8Offset: 4).column == 10)
    }
}

@Suite struct Scalars {
    @Test func quotedNumbersStayStrings() throws {
        let node = try root("a: \"123\"\nb: 123\nc: '1'\n")
        #expect(node["a"]?.scalar?.style == .doubleQuoted)
        #expect(node["b"]?.scalar?.style == .plain)
        #expect(node["c"]?.scalar?.style == .singleQuoted)
        #expect(try node["b"]?.int() == 123)
        #expect(throws: YAMLError.self) { try node["a"]?.int() }
        #expect(try node["a"]?.string() == "123")
    }

    @Test func plainBooleansAreTypedByTheCaller() throws {
        let node = try root("a: yes\nb: False\nc: \"true\"\nd: TRUE\ne: tRue\n")
        #expect(try node["a"]?.bool() == true)
        #expect(try node["b"]?.bool() == false)
        #expect(try node["d"]?.bool() == true)
        #expect(throws: YAMLError.self) { try node["c"]?.bool() }
        #expect(try node["c"]?.bool(acceptQuoted: true) == true)
        #expect(throws: YAMLError.self) { try node["e"]?.bool() }
    }

    @Test func nulls() throws {
        let node = try root("a:\nb: ~\nc: null\nd: \"\"\ne: !!null x\n")
        #expect(node["a"]?.isNull == true)
        #expect(node["b"]?.isNull == true)
        #expect(node["c"]?.isNull == true)
        #expect(node["d"]?.isNull == false)
        #expect(node["e"]?.isNull == true)
    }

    @Test func literalBlockKeepsLineBreaks() throws {
        let node = try root("k: |\n  one\n  two\n")
        #expect(node["k"]?.scalar == YAMLScalar("one\ntwo\n", style: .literal))
    }

    @Test func foldedBlockFoldsLineBreaks() throws {
        let node = try root("k: >-\n  one\n  two\n\n  three\n")
        #expect(node["k"]?.scalar == YAMLScalar("one two\nthree", style: .folded))
    }

    @Test func explicitTagsAreResolved() throws {
        let node = try root("k: !!str 12\n")
        #expect(node["k"]?.tag == YAMLNode.stringTag)
    }

    @Test func numbers() throws {
        let node = try root("a: -12\nb: 0x1F\nc: 1.5e3\nd: .inf\ne: 12abc\n")
        #expect(try node["a"]?.int() == -12)
        #expect(try node["b"]?.int() == 31)
        #expect(try node["c"]?.double() == 1500)
        #expect(try node["d"]?.double() == .infinity)
        #expect(throws: YAMLError.self) { try node["e"]?.double() }
    }
}

@Suite struct TypedAccess {
    @Test func mismatchNamesExpectedFoundAndPosition() throws {
        let node = try root("rule: x\ncondition:\n  - a\n")
        let condition = try #require(node["condition"])
        let error = try #require(throws: YAMLError.self) { try condition.string() }
        #expect(error.code == .typeMismatch)
        #expect(error.description == "t.yaml:3:3: expected a string, found a sequence")
    }

    @Test func missingKeyPointsAtTheMapping() throws {
        let node = try root("\n  a: 1\n")
        let error = try #require(throws: YAMLError.self) { try node.value(forKey: "b") }
        #expect(error.code == .missingKey)
        #expect(error.description == "t.yaml:2:3: missing key 'b'")
    }

    @Test func mappingWhereSequenceExpected() throws {
        let node = try root("a: {x: 1}\n")
        let error = try #require(throws: YAMLError.self) { try node["a"]?.sequenceItems() }
        #expect(error.message == "expected a sequence, found a mapping")
        #expect(error.position.column == 4)
    }
}

@Suite struct AnchorsAndMerges {
    @Test func aliasesResolveToTheAnchoredNode() throws {
        let node = try root("base: &b [x, y]\nother: *b\n")
        #expect(node["other"]?.sequence?.compactMap(\.scalarValue) == ["x", "y"])
        // The copy keeps the anchored node's position.
        #expect(node["other"]?.position.line == 1)
    }

    @Test func unknownAliasIsAnError() throws {
        let error = try #require(parseError("a: *nope\n"))
        #expect(error.code == .alias)
        #expect(error.position.description == "bad.yaml:1:4")
    }

    @Test func mergeKeysAddMissingKeysOnly() throws {
        let text = """
            defaults: &d
              enabled: true
              priority: WARNING
            rule:
              <<: *d
              priority: ERROR
            """
        let node = try root(text)
        let rule = try #require(node["rule"])
        let keys = try rule.mappingPairs().compactMap { $0.key.scalarValue }
        #expect(keys.sorted() == ["enabled", "priority"])
        #expect(rule["priority"]?.scalarValue == "ERROR")
        #expect(try rule["enabled"]?.bool() == true)
    }

    @Test func mergeOfASequenceOfMappings() throws {
        let text = "a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n"
        let c = try #require(try root(text)["c"])
        #expect(c["x"]?.scalarValue == "1")
        #expect(c["y"]?.scalarValue == "3")
    }

    @Test func aliasBombsFailCleanly() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            let previous = "*a\(level - 1)"
            let items = Array(repeating: previous, count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(items)]\n"
        }
        let error = try #require(parseError(text))
        #expect(error.code == .alias)
    }
}

@Suite struct Documents {
    @Test func multipleDocuments() throws {
        let documents = try YAMLParser.parse("a: 1\n---\nb: 2\n---\n- c\n", name: "m.yaml")
        #expect(documents.count == 3)
        #expect(documents[1].root["b"]?.scalarValue == "2")
        #expect(documents[1].root.position.description == "m.yaml:3:1")
        #expect(documents[2].root.isSequence)
    }

    @Test func emptyStreamHasNoDocuments() throws {
        #expect(try YAMLParser.parse("").isEmpty)
        #expect(try YAMLParser.parse("# only a comment\n").isEmpty)
    }

    @Test func emptyDocumentIsNull() throws {
        let documents = try YAMLParser.parse("---\n...\n")
        #expect(documents.count == 1)
        #expect(documents[0].root.isNull)
    }
}

@Suite struct SyntaxErrors {
    @Test func badIndentationReportsLibyamlProblemAndPosition() throws {
        let error = try #require(parseError("a:\n  b: 1\n c: 2\n"))
        #expect(error.code == .syntax)
        #expect(error.problem == "did not find expected key")
        #expect(error.context == "while parsing a block mapping")
        #expect(error.position.description == "bad.yaml:3:2")
        #expect(error.contextPosition?.description == "bad.yaml:1:1")
    }

    @Test func unterminatedQuote() throws {
        let error = try #require(parseError("- rule: \"oops\n  desc: x\n"))
        #expect(error.code == .syntax)
        #expect(error.problem == "found unexpected end of stream")
        #expect(error.position.line == 3)
    }

    @Test func tabIndentation() throws {
        let error = try #require(parseError("a:\n\tb: 1\n"))
        #expect(error.code == .syntax)
        #expect(error.position.line == 2)
        #expect(error.position.column == 1)
    }

    @Test func invalidUTF8IsAReaderError() throws {
        let source = YAMLSource(name: "u.yaml", bytes: Array("a: ".utf8) + [0xFF, 0x0A])
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(source) }
        #expect(error.code == .syntax)
        #expect(error.position.description == "u.yaml:1:4")
    }

    @Test func excessiveNestingIsRejected() throws {
        let depth = YAMLParser.maximumDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = try #require(parseError(text))
        #expect(error.code == .syntax)
        #expect(error.message.hasPrefix("nesting deeper than"))
    }

    @Test func sourceLineIsAvailable() throws {
        let error = try #require(parseError("ok: 1\nbad: [1, 2\n"))
        #expect(error.position.lineText != nil)
    }
}

@Suite struct Files {
    @Test func missingFileIsAnIOError() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse(contentsOfFile: "/nonexistent/saker/rules.yaml")
        }
        #expect(error.code == .io)
        #expect(error.message.contains("No such file or directory"))
    }
}

@Suite struct KeyChecks {
    @Test func unexpectedKeysAreUnknownDuplicateOrNotStrings() throws {
        let node = try root("name: a\nnmae: b\nname: c\n[x]: d\nversion: 1\n")
        let keys = node.unexpectedKeys(allowed: ["name", "version"])
        #expect(keys.map(\.reason) == [.unknown, .duplicate, .notAString])
        #expect(keys[0].suggestion == "name")
        #expect(keys[0].key.position.description == "t.yaml:2:1")
        #expect(keys[1].key.position.line == 3)
    }

    @Test func suggestionsOnlyForLikelyTypos() {
        #expect(YAMLNode.closestName(to: "prority", in: ["priority", "output"]) == "priority")
        #expect(YAMLNode.closestName(to: "Output", in: ["priority", "output"]) == "output")
        #expect(YAMLNode.closestName(to: "zzz", in: ["priority", "output"]) == nil)
    }
}
