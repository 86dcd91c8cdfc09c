import SakerRules
import SakerYAML
import Testing

/// `../shared/falco-rules/` beside the repository, found from this file's path
/// (`…/main/Tests/SakerRulesTests/<file>` → `…/shared/falco-rules`).
private func upstreamPath(_ name: String, file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(4)
    return components.joined(separator: "/") + "/shared/falco-rules/" + name
}

private let stable = "falco_rules.yaml"
private let incubating = "falco-incubating_rules.yaml"
private let sandbox = "falco-sandbox_rules.yaml"

@Suite struct UpstreamRulesLoading {
    /// The data's README counts `^- macro:` lines, which gives 182 for the sandbox file; it has
    /// 183 macros, one written with `condition:` before `macro:` (`recon_binaries_procs`, used by
    /// "Basic Interactive Reconnaissance"), which Falco loads like any other.
    @Test(arguments: [(stable, 25, 87, 49), (incubating, 31, 82, 54), (sandbox, 37, 183, 60)])
    func eachFileLoadsAlone(_ name: String, rules: Int, macros: Int, lists: Int) throws {
        let loaded = RuleLoader.load(paths: [upstreamPath(name)])
        // A missing file must fail loudly here, not be skipped.
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(loaded.files == [upstreamPath(name)])
        #expect(loaded.rules.count == rules)
        #expect(loaded.macros.count == macros)
        #expect(loaded.lists.count == lists)
        #expect(loaded.requiredEngineVersion == EngineVersion(major: 0, minor: 57, patch: 0))
        #expect(loaded.pluginRequirements.count == 1)
        #expect(loaded.pluginRequirements.first?.alternatives.first?.name == "container")
        // Nothing in the upstream files is unknown to the loader.
        #expect(loaded.warnings.filter { $0.code == .unknownKey || $0.code == .unknownItem }.isEmpty)
    }

    @Test func allThreeLoadInOrder() throws {
        let loaded = RuleLoader.load(paths: [upstreamPath(stable), upstreamPath(incubating), upstreamPath(sandbox)])
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(loaded.files.count == 3)
        // Names shared between files are redefinitions (last wins, one entry each): the union is
        // smaller than the sum for macros and lists.
        #expect(loaded.rules.count == 93)
        #expect(loaded.macros.count == 315)
        #expect(loaded.lists.count == 118)
        // Every rule is evaluated on the syscall source.
        #expect(loaded.evaluableRules.count == loaded.rules.count)
        // Definition order: the first rule of the stable file stays first.
        let firstStable = RuleLoader.load(paths: [upstreamPath(stable)]).rules.first?.name
        #expect(loaded.rules.first?.name == firstStable)
        // Slots strictly increase in array order.
        let indices = loaded.macros.map(\.index)
        #expect(indices == indices.sorted())
        // Positions point into the right files.
        #expect(loaded.rules.last?.position.file == upstreamPath(sandbox))
    }

    @Test func sandboxDisabledRulesStayInTheModel() throws {
        let loaded = RuleLoader.load(paths: [upstreamPath(sandbox)])
        #expect(loaded.rules.contains { !$0.enabled })
        #expect(loaded.rules.contains { $0.enabled })
    }

    @Test func upstreamConditionsMapBackToTheirLines() throws {
        let loaded = RuleLoader.load(paths: [upstreamPath(stable)])
        for macro in loaded.macros {
            let start = try #require(macro.condition.position(ofUTF8Offset: 0))
            // A macro's condition is on the line after `- macro:` or further.
            #expect(start.line > macro.position.line)
            #expect(start.file == upstreamPath(stable))
        }
    }

    @Test func everyRuleHasPriorityAndTags() throws {
        let loaded = RuleLoader.load(paths: [upstreamPath(stable)])
        for rule in loaded.rules {
            #expect(!rule.tags.isEmpty, "\(rule.name)")
            #expect(rule.tags == rule.tags.sorted())
            #expect(!rule.output.text.hasSuffix("\n"))
            #expect(!rule.output.text.hasPrefix(" "))
        }
    }
}

@Suite struct LoaderSpeed {
    /// A 2.7 MB rules file (the three upstream files repeated) loads into the model quickly: the
    /// issue's budget for parsing alone is "well under 200 ms" in release builds.
    @Test func largeRulesFileLoadsQuickly() throws {
        var bytes: [UInt8] = []
        for name in [stable, incubating, sandbox] {
            bytes += try YAMLSource(contentsOfFile: upstreamPath(name)).bytes
            bytes += Array("\n".utf8)
        }
        let one = bytes
        while bytes.count < 2_700_000 { bytes += one }
        let source = YAMLSource(name: "big.yaml", bytes: bytes)
        let clock = ContinuousClock()
        var loaded: LoadedRules?
        let elapsed = clock.measure {
            var loader = RuleLoader()
            loader.load(source: source)
            loaded = loader.finish()
        }
        let result = try #require(loaded)
        #expect(result.errors.isEmpty)
        #expect(result.rules.count == 93)
        print("loaded \(bytes.count) bytes of rules in \(elapsed)")
        #if DEBUG
        #expect(elapsed < .seconds(5))
        #else
        #expect(elapsed < .milliseconds(400))
        #endif
    }
}
