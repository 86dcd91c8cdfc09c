import Testing

@testable import SakerRules

@Suite("Filter source maps")
struct FilterSourceMapTests {
    @Test("a folded block scalar maps through its header, indentation and folded line breaks")
    func foldedBlock() {
        let raw = ">\n    proc.name = a and\n    fd.name = b\n"
        let value = "proc.name = a and fd.name = b\n"
        let map = FilterSourceMap(value: value, source: raw, start: FilterSourceLocation(line: 10, column: 14))
        #expect(map.location(ofOffset: 0) == FilterSourceLocation(line: 11, column: 5))
        #expect(map.location(ofOffset: 18) == FilterSourceLocation(line: 12, column: 5))
        // The folded space is the line break it replaced.
        #expect(map.location(ofOffset: 17) == FilterSourceLocation(line: 11, column: 22))
    }

    @Test("a literal block scalar keeps its line breaks")
    func literalBlock() {
        let map = FilterSourceMap(
            value: "a and\nb", source: "|-\n  a and\n  b", start: FilterSourceLocation(line: 3, column: 12))
        #expect(map.location(ofOffset: 2) == FilterSourceLocation(line: 4, column: 5))
        #expect(map.location(ofOffset: 6) == FilterSourceLocation(line: 5, column: 3))
    }

    @Test("a plain scalar over several lines")
    func plainMultiline() {
        let map = FilterSourceMap(
            value: "(a and b)", source: "(a\n    and b)", start: FilterSourceLocation(line: 5, column: 14))
        #expect(map.location(ofOffset: 0) == FilterSourceLocation(line: 5, column: 14))
        #expect(map.location(ofOffset: 3) == FilterSourceLocation(line: 6, column: 5))
        #expect(map.location(ofOffset: 7) == FilterSourceLocation(line: 6, column: 9))
    }

    @Test("a double-quoted scalar skips its quotes and escapes")
    func doubleQuoted() {
        let map = FilterSourceMap(
            value: #"a "b" c"#, source: #""a \"b\" c""#, start: FilterSourceLocation(line: 1, column: 12))
        #expect(map.location(ofOffset: 0) == FilterSourceLocation(line: 1, column: 13))
        #expect(map.location(ofOffset: 6) == FilterSourceLocation(line: 1, column: 21))
    }

    @Test("a verbatim value shifts by its start; the end maps past the last character")
    func verbatim() {
        let map = FilterSourceMap(verbatim: "proc.name = x", start: FilterSourceLocation(line: 3, column: 14))
        #expect(map.location(ofOffset: 5) == FilterSourceLocation(line: 3, column: 19))
        #expect(map.location(ofOffset: 13) == FilterSourceLocation(line: 3, column: 27))
        #expect(map.location(ofOffset: 99) == FilterSourceLocation(line: 3, column: 27))
    }

    @Test("columns count Unicode scalars while offsets count bytes")
    func unicode() {
        let value = "proc.name = héllo and fd.name = x"
        let map = FilterSourceMap(verbatim: value, start: FilterSourceLocation(line: 1, column: 14))
        // "fd.name" starts at byte 23 (é is two bytes) and at the 23rd character.
        #expect(map.location(ofOffset: 23) == FilterSourceLocation(line: 1, column: 36))
        // A byte inside é maps to é.
        #expect(map.location(ofOffset: 14) == FilterSourceLocation(line: 1, column: 27))
    }

    @Test("a parse error lands on its file line and column")
    func errorInFile() {
        let raw = ">\n    proc.name = a and\n    fd.name = \n"
        let value = "proc.name = a and fd.name = \n"
        do {
            _ = try FilterParser.parse(value)
            Issue.record("accepted")
        } catch {
            let map = FilterSourceMap(value: value, source: raw, start: FilterSourceLocation(line: 7, column: 14))
            // libs stops after the blanks following `=`, at the end of the value.
            #expect(error.position.offset == value.utf8.count)
            #expect(map.location(of: error.position) == FilterSourceLocation(line: 10, column: 1))
        }
    }
}
