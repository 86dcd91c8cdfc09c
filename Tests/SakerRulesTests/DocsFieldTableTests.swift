import Foundation
import Testing
import SakerRules

/// docs/rules.md lists every field; this keeps the list in step with the registry.
@Test func docsRulesFieldTableMatchesTheRegistry() throws {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: repo.appendingPathComponent("docs/rules.md"), encoding: .utf8)
    let marker = try #require(text.range(of: "<!-- fields:begin"))
    let begin = try #require(text.range(of: "-->\n", range: marker.upperBound..<text.endIndex))
    let end = try #require(text.range(of: "<!-- fields:end -->"))
    let table = String(text[begin.upperBound..<end.lowerBound])
    #expect(table == FieldRegistry.markdownTable, "regenerate with `saker list-fields --markdown`")
}
