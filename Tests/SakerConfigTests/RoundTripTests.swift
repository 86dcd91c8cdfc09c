import Testing
@testable import SakerConfig

@Suite struct RoundTripTests {
    @Test func embeddedDefaultTextDecodesToTheDefaults() {
        let (config, diagnostics) = ConfigurationLoader.decode(text: DefaultConfiguration.text, name: DefaultConfiguration.name)
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config == AgentConfiguration())
    }

    @Test func renderedDefaultsRoundTrip() {
        let rendered = AgentConfiguration().rendered()
        let (config, diagnostics) = ConfigurationLoader.decode(text: rendered)
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(config == AgentConfiguration())
    }

    /// Every key set to something other than its default.
    static func everyKeyChanged() -> AgentConfiguration {
        var config = AgentConfiguration()
        config.rulesFiles = ["/a/rules.yaml", "/b/rules with space.d", "/c/\"quoted\"#x.yaml"]
        config.priority = .warning
        config.jsonOutput = true
        config.jsonIncludeOutputProperty = false
        config.jsonIncludeTagsProperty = false
        config.ruleMatching = .all
        config.outputs.stdout.enabled = false
        config.outputs.file = .init()
        config.outputs.file.enabled = true
        config.outputs.file.path = "/var/log/other.log"
        config.outputs.file.keepAlive = true
        config.outputs.syslog.enabled = true
        config.outputs.syslog.facility = .local3
        config.outputs.journald.enabled = true
        config.outputs.program.enabled = true
        config.outputs.program.command = "jq -c '.rule' | logger -t saker: yes"
        config.outputs.program.keepAlive = true
        config.outputs.http.enabled = true
        config.outputs.http.url = "https://siem.example:8443/ingest?x=1"
        config.outputs.http.timeout = .milliseconds(1500)
        config.outputs.http.caFile = "/etc/ssl/ca.pem"
        config.outputs.http.clientCert = "/etc/ssl/c.pem"
        config.outputs.http.clientKey = "/etc/ssl/c.key"
        config.outputs.http.retries = 7
        config.outputs.grpc.enabled = true
        config.outputs.grpc.socket = "/run/other.sock"
        config.outputs.grpc.mode = 0o600
        config.outputs.grpc.group = "1000"
        config.outputsQueue.capacity = 123
        config.outputsRate.perRulePerSecond = 2.5
        config.outputsRate.burst = 9
        config.buffer.ringBufferMiB = 64
        config.buffer.wakeupKiB = 0
        config.syscallEventDrops.threshold = 0.25
        config.syscallEventDrops.actions = [.alert]
        config.syscallEventDrops.rate = 1.0 / 7.0
        config.syscallEventDrops.maxBurst = 5
        config.watchdog.stallTimeout = ConfigDuration(milliseconds: 90_000)
        config.watchdog.healthInterval = .milliseconds(250)
        config.metrics.enabled = true
        config.metrics.listen = "[::1]:9100"
        config.logLevel = .debug
        config.selfExclusion = false
        config.state.maxProcesses = 1000
        config.state.maxFDsPerProcess = 64
        config.state.exitedRetention = ConfigDuration(milliseconds: 30 * 60_000)
        return config
    }

    @Test func everyKeyRoundTrips() {
        let config = Self.everyKeyChanged()
        let (decoded, diagnostics) = ConfigurationLoader.decode(text: config.rendered())
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))\n\(config.rendered())")
        #expect(decoded == config)
    }

    @Test func everyFieldDiffersFromItsDefaultInTheRoundTripFixture() {
        // Guards the fixture above: line by line (list items aside), every value line must differ.
        let lines = { (config: AgentConfiguration) in
            config.rendered().split(separator: "\n").filter { !$0.hasPrefix("  - ") }
        }
        let defaults = lines(AgentConfiguration())
        let changed = lines(Self.everyKeyChanged())
        #expect(defaults.count == changed.count)
        for (before, after) in zip(defaults, changed) where !before.hasSuffix(":") {
            #expect(before != after)
        }
    }

    @Test func emptyRulesFilesAndEmptyActionsRoundTrip() {
        var config = AgentConfiguration()
        config.rulesFiles = []
        config.syscallEventDrops.actions = []
        let (decoded, diagnostics) = ConfigurationLoader.decode(text: config.rendered())
        #expect(diagnostics.isEmpty)
        #expect(decoded == config)
    }

    @Test(arguments: [
        ("500ms", 500), ("30s", 30_000), ("5m", 300_000), ("1h", 3_600_000), ("0ms", 0),
    ] as [(String, Int64)])
    func durationsParseAndRender(text: String, milliseconds: Int64) {
        let duration = ConfigDuration(parsing: text)
        #expect(duration?.milliseconds == milliseconds)
        #expect(duration?.description == text)
    }

    @Test(arguments: ["30", "s", "1.5s", "-1s", "10d", "1 s", "1m30s", ""])
    func badDurationsAreRejected(text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    @Test func infoIsAcceptedForInformational() {
        let (config, _) = ConfigurationLoader.decode(text: "priority: info\n")
        #expect(config?.priority == .informational)
    }
}
