import SakerDefaultRules
import SakerRules
import Testing

/// `Sources/SakerDefaultRules/saker_rules.yaml`, found from this file's path.
func rulesFilePath(file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)
    return components.joined(separator: "/") + "/Sources/SakerDefaultRules/" + DefaultRules.fileName
}

@Suite struct DefaultRulesLoadingTests {
    @Test func theEmbeddedTextIsTheFileOnDisk() throws {
        let loaded = RuleLoader.load(paths: [rulesFilePath()])
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        let file = try readFile(rulesFilePath())
        #expect(DefaultRules.text == file)
        #expect(DefaultRules.text.hasPrefix("#\n# Saker's default ruleset."))
    }

    @Test func theRulesetLoadsWithoutErrorsOrWarnings() {
        let loaded = DefaultRulesFixture.loaded
        #expect(loaded.diagnostics.isEmpty, "\(Diagnostic.render(loaded.diagnostics))")
        #expect(loaded.files == [DefaultRules.fileName])
        #expect(loaded.requiredEngineVersion != nil)
    }

    @Test func everyRuleCompilesWithoutErrorsOrWarnings() {
        let engine = DefaultRulesFixture.engine
        #expect(engine.diagnostics.isEmpty, "\(Diagnostic.render(engine.diagnostics))")
        #expect(engine.rules.count == DefaultRulesFixture.loaded.rules.count)
        #expect(engine.rules.count >= 20)
    }

    @Test func everyRuleIsIndexedByEventType() {
        for rule in DefaultRulesFixture.engine.rules {
            #expect(!rule.eventTypes.isEmpty, "\(rule.name)")
            #expect(!rule.eventTypes.isAll, "\(rule.name)")
        }
    }

    @Test func everyRuleCarriesMitreTagsAndAPriority() {
        for rule in DefaultRulesFixture.loaded.rules {
            #expect(rule.tags.contains { $0.hasPrefix("mitre_") }, "\(rule.name): no MITRE tactic tag")
            #expect(rule.tags.contains(where: Self.isTechnique), "\(rule.name): no MITRE technique tag")
            #expect(rule.tags.contains("saker") && rule.tags.contains("host"), "\(rule.name)")
            #expect(rule.priority <= .notice, "\(rule.name): priority \(rule.priority)")
            #expect(rule.enabled, "\(rule.name)")
            #expect(!rule.description.text.isEmpty, "\(rule.name)")
        }
    }

    @Test func everyRuleHasAScenario() {
        let covered = Set(RuleScenario.all.map(\.rule))
        for rule in DefaultRulesFixture.loaded.rules {
            #expect(covered.contains(rule.name), "no scenario for '\(rule.name)'")
        }
        #expect(covered.count == RuleScenario.all.count, "two scenarios for one rule")
    }

    @Test func operatorsCanExtendAnExclusionList() {
        var loader = RuleLoader()
        loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
        loader.load(text: """
            - list: sensitive_file_readers
              items: [backup-agent]
              override:
                items: append
            """, name: "local.yaml")
        let loaded = loader.finish()
        #expect(loaded.diagnostics.isEmpty, "\(Diagnostic.render(loaded.diagnostics))")
        #expect(loaded.list(named: "sensitive_file_readers")?.values.contains("backup-agent") == true)
    }

    /// `T1059`, `T1059.004`.
    static func isTechnique(_ tag: String) -> Bool {
        let parts = tag.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard tag.first == "T", parts.count <= 2, parts[0].count == 4, parts[0].allSatisfy(\.isNumber) else {
            return false
        }
        return parts.count == 1 || (parts[1].count == 3 && parts[1].allSatisfy(\.isNumber))
    }

    func readFile(_ path: String) throws -> String {
        guard let handle = fopen(path, "r") else { throw ReadFailure(path: path) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct ReadFailure: Error { let path: String }
}

#if canImport(Glibc)
import Glibc
#endif
