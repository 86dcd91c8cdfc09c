import Foundation
import SakerYAML
import Testing
@testable import SakerConfig

@Suite struct LoadingTests {
    @Test func missingMainFileRunsTheEmbeddedDefault() throws {
        let fixture = try ConfigFixture()
        let loader = fixture.loader(overrides: [fixture.rulesOverride], mainFileMayBeMissing: true)
        let result = loader.loadDetailed()
        #expect(result.diagnostics.isEmpty, "\(ConfigDiagnostic.render(result.diagnostics))")
        var expected = AgentConfiguration()
        expected.rulesFiles = [fixture.rulesPath]
        #expect(result.configuration == expected)
        #expect(result.files.isEmpty)
    }

    @Test func missingMainFileIsAnErrorWhenItWasAskedFor() throws {
        let fixture = try ConfigFixture()
        let (config, diagnostics) = fixture.loader(overrides: [fixture.rulesOverride]).load()
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath): error: cannot read configuration file '\(fixture.mainPath)': No such file or directory"
        ])
    }

    @Test func dropInsMergeInLexicalOrderLaterWinning() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "priority: debug\nlog_level: info\nrules_files: [$DIR/rules.yaml]\n")
        try fixture.write("config.d/20-b.yaml", "priority: error\nlog_level: debug\n")
        try fixture.write("config.d/10-a.yml", "priority: warning\njson_output: true\n")
        try fixture.write("config.d/30-c.yaml", "priority: critical\n")
        try fixture.write("config.d/README", "not: [yaml")  // ignored: not *.yaml/*.yml
        try fixture.write("config.d/.hidden.yaml", "priority: [broken")  // ignored: hidden
        let result = fixture.loader().loadDetailed()
        #expect(result.diagnostics.isEmpty, "\(ConfigDiagnostic.render(result.diagnostics))")
        #expect(result.configuration?.priority == .critical)
        #expect(result.configuration?.logLevel == .debug)
        #expect(result.configuration?.jsonOutput == true)
        #expect(result.files == [
            fixture.mainPath, fixture.dropInDirectory + "/10-a.yml",
            fixture.dropInDirectory + "/20-b.yaml", fixture.dropInDirectory + "/30-c.yaml",
        ])
        #expect(result.positions["priority"]?.description == fixture.dropInDirectory + "/30-c.yaml:1:11")
    }

    @Test func mappingsMergeDeeplyAndSequencesAreReplaced() throws {
        let fixture = try ConfigFixture()
        try fixture.write("other.yaml", "")
        try fixture.write("saker.yaml", """
            rules_files: [$DIR/rules.yaml, $DIR/other.yaml]
            outputs:
              http: {enabled: true, url: "https://a.example/", retries: 1}
            syscall_event_drops: {actions: [log, alert], threshold: 0.5}
            """)
        try fixture.write("config.d/50-http.yaml", """
            rules_files: [$DIR/other.yaml]
            outputs:
              http: {retries: 9}
            syscall_event_drops: {actions: [alert]}
            """)
        let (config, diagnostics) = fixture.loader().load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.rulesFiles == [fixture.directory + "/other.yaml"])
        #expect(config?.outputs.http.enabled == true)
        #expect(config?.outputs.http.url == "https://a.example/")
        #expect(config?.outputs.http.retries == 9)
        #expect(config?.syscallEventDrops.actions == [.alert])
        #expect(config?.syscallEventDrops.threshold == 0.5)
    }

    @Test func dropInErrorsPointAtTheDropIn() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        try fixture.write("config.d/10.yaml", "outputs:\n  stdout:\n    enabled: maybe\n")
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.location) == [fixture.dropInDirectory + "/10.yaml:3:14"])
    }

    @Test func overridesSetScalarsSequencesAndNestedKeys() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "priority: debug\n")
        try fixture.write("a.yaml", "")
        let (config, diagnostics) = fixture.loader(overrides: [
            "priority=warning",
            "outputs.http.enabled=true",
            "outputs.http.url=https://siem.example/x?a=b",
            "rules_files=[$DIR/rules.yaml,$DIR/a.yaml]",
            "watchdog.stall_timeout=45s",
            "priority=error",
        ]).load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.priority == .error)
        #expect(config?.outputs.http.enabled == true)
        #expect(config?.outputs.http.url == "https://siem.example/x?a=b")
        #expect(config?.rulesFiles == [fixture.rulesPath, fixture.directory + "/a.yaml"])
        #expect(config?.watchdog.stallTimeout == .seconds(45))
    }

    @Test func overridesCreateMissingMappings() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")  // no outputs: at all
        let (config, diagnostics) = fixture.loader(overrides: ["outputs.grpc.mode=0600"]).load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.outputs.grpc.mode == 0o600)
        #expect(config?.outputs.stdout.enabled == true)
    }

    @Test func anEmptyOverrideClearsAnOptionalPath() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\noutputs: {http: {ca_file: /etc/ca.pem}}\n")
        let (config, diagnostics) = fixture.loader(overrides: ["outputs.http.ca_file="]).load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.outputs.http.caFile == "")
    }

    @Test(arguments: ["priority", "=debug", "outputs..http=1", "outputs.http enabled=true", "a.b=[unclosed"])
    func badOverrideSyntaxNamesTheArgument(argument: String) throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let (config, diagnostics) = fixture.loader(overrides: ["priority=debug", argument]).load()
        #expect(config == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.file == "-o argument 2")
        #expect(diagnostics.first?.message.contains("invalid override '\(argument)'") == true)
    }

    @Test func overrideValueErrorsPointAtTheArgument() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let (_, diagnostics) = fixture.loader(overrides: ["outputs.http.retries=many"]).load()
        #expect(diagnostics.map(\.description) == [
            "-o argument 1:1:1: error: outputs.http.retries: expected an integer, found the string 'many'"
        ])
    }

    @Test func environmentVariablesExpand() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", """
            rules_files: ["${RULES}"]
            outputs:
              http:
                url: "https://${SIEM_HOST}:${SIEM_PORT:-8443}/in"
                retries: ${RETRIES:-2}
              program:
                command: echo $${NOT_EXPANDED} $HOME
            log_level: ${LEVEL:-info}
            """)
        let (config, diagnostics) = fixture.loader(environment: [
            "RULES": fixture.rulesPath, "SIEM_HOST": "siem.example", "LEVEL": "debug", "RETRIES": "",
        ]).load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.rulesFiles == [fixture.rulesPath])
        #expect(config?.outputs.http.url == "https://siem.example:8443/in")
        #expect(config?.outputs.http.retries == 2)
        #expect(config?.outputs.program.command == "echo ${NOT_EXPANDED} $HOME")
        #expect(config?.logLevel == .debug)
    }

    @Test func environmentVariablesExpandInOverrides() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let (config, diagnostics) = fixture.loader(
            overrides: ["outputs.file.path=${LOGDIR}/events.log"], environment: ["LOGDIR": "/var/log/x"]
        ).load()
        #expect(diagnostics.isEmpty)
        #expect(config?.outputs.file.path == "/var/log/x/events.log")
    }

    @Test func unsetEnvironmentVariableIsAnErrorWithPosition() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\noutputs:\n  http:\n    url: \"https://${SIEM_HOST}/x\"\n")
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath):4:19: error: environment variable 'SIEM_HOST' is not set (write ${SIEM_HOST:-default} to give a default)"
        ])
    }

    @Test func allErrorsAreCollectedNotJustTheFirst() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\npriority: loud\njson_output: 3\nbuffer: {ring_buffer_mib: 3}\n")
        let (_, diagnostics) = fixture.loader().load()
        #expect(diagnostics.map(\.line) == [2, 3, 4])
    }

    @Test func diagnosticsRenderWithSourceLineAndCaret() throws {
        let (_, diagnostics) = ConfigurationLoader.decode(text: "buffer:\n  ring_buffer_mib: 6\n", name: "saker.yaml")
        #expect(diagnostics.first?.rendered() == """
            saker.yaml:2:20: error: buffer.ring_buffer_mib: 6 is not a power of two (1, 2, 4, … 1024)
              ring_buffer_mib: 6
                               ^
            """)
        #expect(diagnostics.first?.json.hasPrefix("{\"severity\":\"error\",\"file\":\"saker.yaml\",\"line\":2,\"column\":20,") == true)
    }

    @Test func rulesDirectoriesAreAccepted() throws {
        let fixture = try ConfigFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.directory + "/rules.d", withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o755])
        try fixture.write("rules.d/a.yaml", "[]\n")
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml, $DIR/rules.d]\n")
        let (config, diagnostics) = fixture.loader().load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config?.rulesFiles.count == 2)
    }
}
