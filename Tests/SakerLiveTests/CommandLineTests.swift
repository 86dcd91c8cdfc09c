import Foundation
import Testing
import SakerJSON
import SakerTestSupport

/// The `saker` binary's commands that need no kernel: validate, replay, list-fields, help.
@Suite struct CommandLineTests {
    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validateAcceptsTheUpstreamFilesInOrder() throws {
        let binary = try LiveHarness.sakerBinary()
        let stable = try LiveRulesTests.stableRules()
        let dir = URL(fileURLWithPath: stable).deletingLastPathComponent()
        let all = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"].flatMap {
            ["--rules", dir.appendingPathComponent($0).path]
        }
        let result = try LiveHarness.run(binary, ["validate"] + all)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("81 rules compiled"), "\(result.output)")
    }

    @Test func validateReportsErrorsWithPositionSourceLineAndCaret() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let bad = try Self.write("""
            - rule: Bad field
              desc: d
              condition: evt.type = openat and proc.nme = cat
              output: "x %proc.name"
              priority: WARNING
            """, "bad.yaml", in: dir)
        let result = try LiveHarness.run(binary, ["validate", "--rules", bad])
        #expect(result.status == 1)
        let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("\(bad):3:36: error:") }, "\(result.error)")
        #expect(lines[first].contains("proc.nme") && lines[first].contains("did you mean `proc.name`?"))
        #expect(lines[first + 1] == "  condition: evt.type = openat and proc.nme = cat")
        #expect(lines[first + 2] == String(repeating: " ", count: 35) + "^")
    }

    @Test func validateResolvesMacrosFromAnEarlierFileOnly() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let macros = try Self.write("""
            - macro: opens_shadow
              condition: evt.type in (open, openat) and fd.name = /etc/shadow
            """, "macros.yaml", in: dir)
        let rules = try Self.write("""
            - rule: Shadow
              desc: d
              condition: opens_shadow and not proc.name = login
              output: "shadow read by %proc.name"
              priority: WARNING
            """, "rules.yaml", in: dir)
        let together = try LiveHarness.run(binary, ["validate", "--rules", macros, "--rules", rules])
        #expect(together.status == 0, "\(together.error)")
        let alone = try LiveHarness.run(binary, ["validate", "--rules", rules])
        #expect(alone.status == 1)
        #expect(alone.error.contains("\(rules):3:"), "\(alone.error)")
        #expect(alone.error.contains("opens_shadow"))
    }

    @Test func validateSpeaksJSON() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let bad = try Self.write("- rule: x\n  desc: d\n  condition: evt.type = open and (\n  output: o\n  priority: WARNING\n", "b.yaml", in: dir)
        let result = try LiveHarness.run(binary, ["validate", "--json", "--rules", bad])
        #expect(result.status == 1)
        let json = try JSONParser.parse(result.output)
        let first = try #require(json.arrayValue?.first)
        #expect(first["severity"] == .string("error"))
        #expect(first["file"] == .string(bad))
        #expect(first["line"] == .int(3))
    }

    @Test func replayPrintsFalcoTextAndJSONAlerts() throws {
        let binary = try LiveHarness.sakerBinary()
        let stable = try LiveRulesTests.stableRules()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SakerConformanceTests/Fixtures/stable/create-symlink-over-sensitive-files.fires.jsonl").path
        let text = try LiveHarness.run(binary, ["replay", fixture, "--rules", stable])
        #expect(text.status == 0, "\(text.error)")
        let line = try #require(text.output.split(separator: "\n").first.map(String.init))
        // HH:MM:SS.nnnnnnnnn: Priority message
        #expect(line.range(of: #"^\d{2}:\d{2}:\d{2}\.\d{9}: Warning Symlinks created over sensitive files \| target="#, options: .regularExpression) != nil, "\(line)")
        let json = try LiveHarness.run(binary, ["replay", fixture, "--rules", stable, "--json"])
        let alert = try JSONParser.parse(String(json.output.split(separator: "\n")[0]))
        guard case .object(let pairs) = alert else { Issue.record("not an object"); return }
        #expect(pairs.map(\.0) == ["hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"])
        #expect(alert["rule"] == .string("Create Symlink Over Sensitive Files"))
        #expect(alert["source"] == .string("syscall"))
        #expect(alert["time"]?.stringValue?.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$"#, options: .regularExpression) != nil)
    }

    @Test func helpNamesEveryCommand() throws {
        let binary = try LiveHarness.sakerBinary()
        let help = try LiveHarness.run(binary, ["--help"])
        #expect(help.status == 0)
        for command in ["run", "validate", "capture", "replay", "list-fields", "version"] {
            #expect(help.output.contains("  \(command)"), "\(command) missing from --help")
        }
        let version = try LiveHarness.run(binary, ["version"])
        #expect(version.output.hasPrefix("saker "))
    }

    @Test func validateChecksAConfigurationFileWithPositions() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let rules = try Self.write("- list: empty\n  items: []\n", "rules.yaml", in: dir)
        let good = try Self.write("rules_files: [\(rules)]\npriority: warning\n", "good.yaml", in: dir)
        let ok = try LiveHarness.run(binary, ["validate", "--config", good, "--config-dir", dir.appendingPathComponent("none").path])
        #expect(ok.status == 0, "\(ok.error)")
        let bad = try Self.write("rules_files: [\(rules)]\npriority: warnin\nbuffer:\n  ring_buffer_mib: 3\n", "bad.yaml", in: dir)
        let result = try LiveHarness.run(binary, ["validate", "--config", bad, "--config-dir", dir.appendingPathComponent("none").path])
        #expect(result.status == 1)
        #expect(result.error.contains("\(bad):2:11: error: priority: 'warnin'"), "\(result.error)")
        #expect(result.error.contains("did you mean 'warning'?"))
        #expect(result.error.contains("\(bad):4:20: error: buffer.ring_buffer_mib: 3 is not a power of two"))
        let overridden = try LiveHarness.run(binary, ["validate", "--config", good, "--config-dir", dir.appendingPathComponent("none").path, "-o", "priority=loud"])
        #expect(overridden.status == 1)
        #expect(overridden.error.contains("-o argument 1"), "\(overridden.error)")
    }

    @Test func runRefusesABadConfigurationBeforeTouchingTheKernel() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let bad = try Self.write("log_level: chatty\n", "bad.yaml", in: dir)
        let result = try LiveHarness.run(binary, ["run", "--config", bad, "--config-dir", dir.appendingPathComponent("none").path])
        #expect(result.status != 0)
        #expect(result.error.contains("\(bad):1:12: error:"), "\(result.error)")
        #expect(!result.error.contains("probe attached"))
    }
}
