import SakerEvent
import SakerRules
import Testing

/// `../shared/falco-rules/<name>` beside the repository, found from this file's path.
func engineUpstreamPath(_ name: String, file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(4)
    return components.joined(separator: "/") + "/shared/falco-rules/" + name
}

@Suite struct EngineUpstreamCompilation {
    static let stable = "falco_rules.yaml"
    static let incubating = "falco-incubating_rules.yaml"
    static let sandbox = "falco-sandbox_rules.yaml"

    /// Loads files; a missing file is a loader error, so the test fails loudly instead of skipping.
    func engine(_ names: [String]) -> (LoadedRules, RuleEngine) {
        let loaded = RuleLoader.load(paths: names.map { engineUpstreamPath($0) })
        return (loaded, RuleEngine(rules: loaded))
    }

    @Test(arguments: [(stable, 25, 25), (incubating, 31, 31), (sandbox, 37, 25)])
    func eachFileCompilesAlone(_ name: String, rules: Int, enabledRules: Int) {
        let (loaded, engine) = engine([name])
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(!engine.hasErrors, "\(Diagnostic.render(engine.diagnostics.filter { $0.severity == .error }))")
        #expect(loaded.rules.count == rules)
        // Every enabled rule compiles and is indexed; disabled ones compile but are not indexed.
        #expect(engine.rules.count == enabledRules)
        #expect(engine.rules.count == loaded.rules.filter { $0.enabled && $0.isSourceLoaded }.count)
        #expect(!engine.interestingTypes.isEmpty)
        // The upstream files restrict evt.type in every rule and leave nothing unused.
        #expect(engine.diagnostics.isEmpty, "\(Diagnostic.render(engine.diagnostics))")
    }

    @Test func allThreeCompileTogether() {
        let (loaded, engine) = engine([Self.stable, Self.incubating, Self.sandbox])
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(!engine.hasErrors, "\(Diagnostic.render(engine.diagnostics.filter { $0.severity == .error }))")
        #expect(engine.rules.count == 81)
        #expect(engine.rules.count == loaded.rules.filter { $0.enabled && $0.isSourceLoaded }.count)
        for name in ["openat", "execve", "connect"] {
            #expect(engine.interestingTypes.contains(EventType(name: name)!), "\(name)")
        }
    }

    @Test func everyRuleIsIndexedUnderTheTypesItCanMatch() {
        let (_, engine) = engine([Self.stable, Self.incubating, Self.sandbox])
        for rule in engine.rules {
            #expect(!rule.eventTypes.isEmpty, "\(rule.name)")
            #expect(!rule.eventTypes.isAll, "\(rule.name)")
            #expect(rule.eventTypes.types.allSatisfy { engine.interestingTypes.contains($0) })
        }
        let shell = engine.rules.first { $0.name == "Run shell untrusted" }
        #expect(shell?.eventTypes.types.map(\.name).sorted() == ["execve", "execveat"])
        let read = engine.rules.first { $0.name == "Read sensitive file untrusted" }
        #expect(read?.eventTypes.types.map(\.name).sorted() == ["open", "openat", "openat2"])
    }
}
