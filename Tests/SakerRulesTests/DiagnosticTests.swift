import SakerRules
import SakerYAML
import Testing

@Suite struct DiagnosticRendering {
    @Test func rendersLocationSeverityMessageSourceLineAndCaret() {
        let diagnostic = Diagnostic(
            severity: .error, code: .yamlValidate, file: "rules.yaml", line: 12, column: 5,
            message: "rule 'X': missing required key 'output'", sourceLine: "  - rule: X")
        #expect(diagnostic.rendered() == "rules.yaml:12:5: error: rule 'X': missing required key 'output'\n  - rule: X\n    ^")
    }

    @Test func warningsSayWarning() {
        let diagnostic = Diagnostic(
            severity: .warning, code: .unknownKey, file: "f.yaml", line: 1, column: 1, message: "m",
            sourceLine: "x")
        #expect(diagnostic.rendered() == "f.yaml:1:1: warning: m\nx\n^")
    }

    @Test func caretKeepsTabsSoItLinesUp() {
        let diagnostic = Diagnostic(
            severity: .error, code: .yamlParse, file: "f", line: 2, column: 3, message: "m",
            sourceLine: "\tab")
        #expect(diagnostic.rendered() == "f:2:3: error: m\n\tab\n\t ^")
    }

    @Test func withoutSourceLineOnlyTheFirstLine() {
        let diagnostic = Diagnostic(
            severity: .error, code: .fileRead, file: "/x.yaml", line: 0, column: 0, message: "cannot open")
        #expect(diagnostic.rendered() == "/x.yaml: error: cannot open")
    }

    @Test func positionFillsTheSourceLine() throws {
        let source = YAMLSource(name: "s.yaml", text: "a: 1\nbb: [\n")
        let diagnostic = Diagnostic(.warning, .unknownKey, "hello", at: SourcePosition(source: source, line: 2, column: 5))
        #expect(diagnostic.rendered() == "s.yaml:2:5: warning: hello\nbb: [\n    ^")
    }

    @Test func jsonFormEscapesAndOrdersKeys() {
        let diagnostic = Diagnostic(
            severity: .error, code: .validate, file: "a\"b.yaml", line: 3, column: 7,
            message: "tab\there\nnew", sourceLine: nil)
        #expect(diagnostic.json == #"{"severity":"error","code":"LOAD_ERR_VALIDATE","file":"a\"b.yaml","line":3,"column":7,"message":"tab\there\nnew","source_line":null}"#)
        #expect(Diagnostic.json([]) == "[]")
    }

    @Test func loaderDiagnosticsRenderWithTheirSourceLine() throws {
        var loader = RuleLoader()
        loader.load(text: "- macro: m\n  condition: [a]\n", name: "m.yaml")
        let rendered = Diagnostic.render(loader.finish().errors)
        #expect(rendered == "m.yaml:2:14: error: macro 'm': expected a string for 'condition', found a sequence\n  condition: [a]\n             ^\n")
    }
}
