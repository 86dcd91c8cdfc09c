import SakerYAML
import Testing

@testable import SakerRules

/// The conditions of the upstream Falco rules files, read from `../shared/falco-rules/` next to
/// the repository (conformance data: never copied into the project).
struct FilterUpstreamRulesFile: Sendable {
    struct Condition: Sendable {
        var kind: String
        var name: String
        var text: String
        /// The scalar's raw text in the file and where it starts, for source maps.
        var raw: String
        var start: FilterSourceLocation
        var source: YAMLSource
    }

    var path: String
    var lists: [FilterListDefinition]
    var conditions: [Condition]
    /// The collector's counter after this file.
    var nextIndex: Int

    static let directory: String = {
        // #filePath is …/Tests/SakerRulesTests/<file>; the data sits beside the repository.
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast(4)
        return components.joined(separator: "/") + "/shared/falco-rules"
    }()

    static let fileNames = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"]

    /// Loads one file, numbering definitions from `firstIndex` as Falco's collector does (one
    /// counter shared by lists, macros and rules).
    static func load(_ name: String, firstIndex: Int = 0) throws -> FilterUpstreamRulesFile {
        let path = directory + "/" + name
        let source = try YAMLSource(contentsOfFile: path)
        let documents = try YAMLParser.parse(source)
        var lists: [FilterListDefinition] = []
        var conditions: [Condition] = []
        var index = firstIndex
        for document in documents {
            for item in try document.root.sequenceItems() {
                let pairs = try item.mappingPairs()
                func value(_ key: String) -> YAMLNode? { pairs.first { $0.key.scalarValue == key }?.value }
                if let name = value("list")?.scalarValue {
                    let items = try (value("items")?.sequenceItems() ?? []).map { try $0.string() }
                    lists.append(FilterListDefinition(name: name, items: items, index: index, visibility: index))
                    index += 1
                    continue
                }
                let kind = value("macro") != nil ? "macro" : value("rule") != nil ? "rule" : nil
                guard let kind, let name = value(kind)?.scalarValue else { continue }
                index += 1
                guard let node = value("condition") else { continue }
                let startOffset = source.byteOffset(line: node.start.line, column: node.start.column)
                let endOffset = source.byteOffset(line: node.end.line, column: node.end.column)
                conditions.append(
                    Condition(
                        kind: kind, name: name, text: try node.string(),
                        raw: String(decoding: source.bytes[startOffset..<endOffset], as: UTF8.self),
                        start: FilterSourceLocation(line: node.start.line, column: node.start.column),
                        source: source))
            }
        }
        return FilterUpstreamRulesFile(path: path, lists: lists, conditions: conditions, nextIndex: index)
    }

    /// Falco's collector: a redefined list keeps its index and takes the new items and visibility.
    static func merge(_ definitions: [FilterListDefinition]) -> [FilterListDefinition] {
        var merged: [FilterListDefinition] = []
        var positions: [String: Int] = [:]
        for definition in definitions {
            if let at = positions[definition.name] {
                merged[at].items = definition.items
                merged[at].visibility = definition.visibility
            } else {
                positions[definition.name] = merged.count
                merged.append(definition)
            }
        }
        return merged
    }
}

@Suite("Upstream Falco rules")
struct FilterUpstreamRulesTests {
    @Test("the upstream rules files are present", arguments: FilterUpstreamRulesFile.fileNames)
    func filesArePresent(_ name: String) throws {
        // Fail loudly, never skip: these files are the conformance data.
        let file = try FilterUpstreamRulesFile.load(name)
        #expect(file.conditions.count > 50, "too few conditions read from \(file.path)")
        #expect(file.lists.count > 40, "too few lists read from \(file.path)")
    }

    @Test("every macro and rule condition of each file parses after list substitution",
        arguments: FilterUpstreamRulesFile.fileNames)
    func everyConditionParses(_ name: String) throws {
        let file = try FilterUpstreamRulesFile.load(name)
        let lists = FilterListSubstitution(compiling: file.lists)
        for condition in file.conditions {
            do {
                let parsed = try FilterParser().parse(condition.text, substituting: lists)
                #expect(!parsed.expression.fieldNames.isEmpty || !parsed.expression.macroReferences.isEmpty)
            } catch {
                Issue.record("\(name): \(condition.kind) '\(condition.name)': \(error)\n\(condition.text)")
            }
        }
    }

    @Test("all three files together, in order, parse")
    func allFilesTogetherParse() throws {
        var definitions: [FilterListDefinition] = []
        var conditions: [FilterUpstreamRulesFile.Condition] = []
        var index = 0
        for name in FilterUpstreamRulesFile.fileNames {
            let file = try FilterUpstreamRulesFile.load(name, firstIndex: index)
            definitions += file.lists
            conditions += file.conditions
            index = file.nextIndex
        }
        let lists = FilterListSubstitution(compiling: FilterUpstreamRulesFile.merge(definitions))
        var parsed = 0
        for condition in conditions {
            do {
                _ = try FilterParser().parse(condition.text, substituting: lists)
                parsed += 1
            } catch {
                Issue.record("\(condition.kind) '\(condition.name)': \(error)")
            }
        }
        #expect(parsed == conditions.count)
        #expect(parsed > 300)
    }

    @Test("positions of fields and macros map back to their text in the rules file",
        arguments: FilterUpstreamRulesFile.fileNames)
    func positionsMapToTheFile(_ name: String) throws {
        let file = try FilterUpstreamRulesFile.load(name)
        let lists = FilterListSubstitution(compiling: file.lists)
        var checked = 0
        for condition in file.conditions {
            let parsed = try FilterParser().parse(condition.text, substituting: lists)
            let map = FilterSourceMap(value: condition.text, source: condition.raw, start: condition.start)
            var named: [(String, FilterPosition)] = parsed.expression.fields.map { ($0.name, $0.position) }
            named += parsed.expression.macroReferences.map { ($0.name, $0.position) }
            for (text, position) in named {
                // The condition text itself has the name at the node's offset…
                let bytes = Array(condition.text.utf8)
                let end = position.offset + text.utf8.count
                #expect(end <= bytes.count && String(decoding: bytes[position.offset..<end], as: UTF8.self) == text)
                // …and so does the file at the mapped location.
                let location = map.location(of: position)
                let line = condition.source.lineText(location.line) ?? ""
                var found = ""
                found.unicodeScalars.append(
                    contentsOf: line.unicodeScalars.dropFirst(location.column - 1).prefix(text.unicodeScalars.count))
                #expect(found == text, "\(name):\(location): expected \(text), found \(found)")
                checked += 1
            }
        }
        #expect(checked > 300)
    }

    @Test("the three files parse quickly")
    func parsingIsFast() throws {
        var work: [(String, FilterListSubstitution)] = []
        for name in FilterUpstreamRulesFile.fileNames {
            let file = try FilterUpstreamRulesFile.load(name)
            let lists = FilterListSubstitution(compiling: file.lists)
            work += file.conditions.map { (lists.apply(to: $0.text).text, lists) }
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for (text, _) in work { _ = try FilterParser.parse(text) }
        }
        // Release builds take a few milliseconds; this bound only catches pathologies in debug.
        #expect(elapsed < .seconds(2), "parsing \(work.count) conditions took \(elapsed)")
    }
}
