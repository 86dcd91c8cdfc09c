import Testing
@testable import SakerJSON

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesInOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,null,"x\n\u00e9"],"c":-2.5,"d":18446744073709551615}"#)
        guard case .object(let pairs) = value else { Issue.record("not an object"); return }
        #expect(pairs.map(\.0) == ["b", "a", "c", "d"])
        #expect(value["a"] == .array([.bool(true), .null, .string("x\né")]))
        #expect(value["c"] == .double(-2.5))
        #expect(value["d"] == .uint(UInt64.max))
    }

    @Test func reportsLineAndColumnOfErrors() {
        #expect(throws: JSONParseError(line: 2, column: 6, message: "expected a string key")) {
            try JSONParser.parse("{\"a\":\n  1, }")
        }
        #expect(throws: JSONParseError(line: 1, column: 1, message: "expected a value, found the end of the input")) {
            try JSONParser.parse("")
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":"unterminated}"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1,2] x") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 1000)) }
    }

    @Test func writerEscapesAndRoundTrips() throws {
        let value = JSONValue.object([("k\"ey", .string("a\\b\u{01}\t")), ("n", .int(-3)), ("l", .array([]))])
        let text = JSONWriter.string(value)
        #expect(text == #"{"k\"ey":"a\\b\u0001\t","n":-3,"l":[]}"#)
        #expect(try JSONParser.parse(text) == value)
    }
}
