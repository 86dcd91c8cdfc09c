import Foundation
import Testing
@testable import SakerConfig

/// One broken configuration and the diagnostic it must produce.
struct BrokenConfig: Sendable, CustomTestStringConvertible {
    /// What is broken.
    var name: String
    /// The main file (`$DIR` is the fixture directory).
    var yaml: String
    /// The expected location, relative to the fixture directory (`saker.yaml:2:5`), or as is for
    /// `-o argument N`.
    var location: String
    /// A substring of the expected message.
    var message: String
    /// `-o` arguments given before the one that points `rules_files` at the fixture.
    var overrides: [String] = []

    var testDescription: String { name }
}

@Suite struct BrokenConfigCatalogueTests {
    static let catalogue: [BrokenConfig] = [
        // Wrong types.
        .init(name: "boolean given a sequence", yaml: "json_output: [yes]\n",
              location: "saker.yaml:1:14", message: "json_output: expected a boolean (true or false), found a sequence"),
        .init(name: "boolean given a quoted string", yaml: "self_exclusion: \"true\"\n",
              location: "saker.yaml:1:17", message: "self_exclusion: expected a boolean"),
        .init(name: "integer given a word", yaml: "state:\n  max_processes: lots\n",
              location: "saker.yaml:2:18", message: "state.max_processes: expected an integer, found the string 'lots'"),
        .init(name: "section given a sequence", yaml: "outputs: [stdout]\n",
              location: "saker.yaml:1:10", message: "outputs: expected a mapping, found a sequence"),
        .init(name: "section given null", yaml: "watchdog:\n",
              location: "saker.yaml:1:10", message: "watchdog: expected a mapping, found null"),
        .init(name: "actions not a sequence", yaml: "syscall_event_drops:\n  actions: log\n",
              location: "saker.yaml:2:12", message: "expected a sequence of actions (log, alert), found the string 'log'"),
        .init(name: "rules_files not a sequence", yaml: "rules_files: /etc/saker/rules.yaml\n",
              location: "saker.yaml:1:14", message: "rules_files: expected a sequence of paths"),
        .init(name: "root is a sequence", yaml: "- priority: debug\n",
              location: "saker.yaml:1:1", message: "the configuration must be a mapping of keys, found a sequence"),
        .init(name: "key is not a string", yaml: "? [a, b]\n: c\n",
              location: "saker.yaml:1:3", message: "a key must be a string, found a sequence"),
        // Unknown keys.
        .init(name: "top-level typo", yaml: "prority: debug\n",
              location: "saker.yaml:1:1", message: "unknown key 'prority'; did you mean 'priority'?"),
        .init(name: "nested typo", yaml: "outputs:\n  stdout:\n    enabeld: true\n",
              location: "saker.yaml:3:5", message: "unknown key 'enabeld' in 'outputs.stdout'; did you mean 'enabled'?"),
        .init(name: "output name typo", yaml: "outputs:\n  htttp:\n    enabled: true\n",
              location: "saker.yaml:2:3", message: "unknown key 'htttp' in 'outputs'; did you mean 'http'?"),
        .init(name: "unknown key without a near match", yaml: "buffer:\n  frobnicate: 1\n",
              location: "saker.yaml:2:3", message: "unknown key 'frobnicate' in 'buffer'; expected one of: ring_buffer_mib, wakeup_kib"),
        .init(name: "duplicate key", yaml: "priority: debug\npriority: error\n",
              location: "saker.yaml:2:1", message: "duplicate key 'priority' (first set at line 1, column 1)"),
        // Bad enums.
        .init(name: "priority not a priority", yaml: "priority: verbose\n",
              location: "saker.yaml:1:11",
              message: "priority: 'verbose' is not one of emergency, alert, critical, error, warning, notice, informational, debug"),
        .init(name: "priority typo", yaml: "priority: warnig\n",
              location: "saker.yaml:1:11", message: "did you mean 'warning'?"),
        .init(name: "rule_matching", yaml: "rule_matching: any\n",
              location: "saker.yaml:1:16", message: "rule_matching: 'any' is not one of first, all"),
        .init(name: "log_level", yaml: "log_level: trace\n",
              location: "saker.yaml:1:12", message: "log_level: 'trace' is not one of error, warning, notice, info, debug"),
        .init(name: "drop action", yaml: "syscall_event_drops:\n  actions: [log, page]\n",
              location: "saker.yaml:2:18", message: "syscall_event_drops.actions: 'page' is not one of log, alert"),
        .init(name: "drop action twice", yaml: "syscall_event_drops:\n  actions: [log, log]\n",
              location: "saker.yaml:2:18", message: "'log' is listed twice"),
        .init(name: "syslog facility", yaml: "outputs:\n  syslog:\n    facility: local9\n",
              location: "saker.yaml:3:15", message: "outputs.syslog.facility: 'local9' is not one of kern, user"),
        // Ranges.
        .init(name: "ring buffer not a power of two", yaml: "buffer:\n  ring_buffer_mib: 6\n",
              location: "saker.yaml:2:20", message: "buffer.ring_buffer_mib: 6 is not a power of two"),
        .init(name: "ring buffer too large", yaml: "buffer:\n  ring_buffer_mib: 2048\n",
              location: "saker.yaml:2:20", message: "buffer.ring_buffer_mib: 2048 is out of range (1…1024)"),
        .init(name: "negative wakeup", yaml: "buffer:\n  wakeup_kib: -1\n",
              location: "saker.yaml:2:15", message: "buffer.wakeup_kib: -1 is out of range (0…65536)"),
        .init(name: "threshold above one", yaml: "syscall_event_drops:\n  threshold: 1.5\n",
              location: "saker.yaml:2:14", message: "syscall_event_drops.threshold: 1.5 is out of range (0…1)"),
        .init(name: "queue capacity zero", yaml: "outputs_queue:\n  capacity: 0\n",
              location: "saker.yaml:2:13", message: "outputs_queue.capacity: 0 is out of range (1…10000000)"),
        .init(name: "http retries", yaml: "outputs:\n  http:\n    retries: 1000\n",
              location: "saker.yaml:3:14", message: "outputs.http.retries: 1000 is out of range (0…100)"),
        // Durations.
        .init(name: "duration without unit", yaml: "watchdog:\n  stall_timeout: 30\n",
              location: "saker.yaml:2:18", message: "watchdog.stall_timeout: expected a duration such as 500ms, 30s, 5m or 1h, found '30'"),
        .init(name: "duration with unknown unit", yaml: "watchdog:\n  stall_timeout: 2d\n",
              location: "saker.yaml:2:18", message: "found '2d'"),
        .init(name: "duration too short", yaml: "watchdog:\n  health_interval: 10ms\n",
              location: "saker.yaml:2:20", message: "watchdog.health_interval: 10ms is out of range (100ms…1h)"),
        .init(name: "http timeout zero", yaml: "outputs:\n  http:\n    timeout: 0s\n",
              location: "saker.yaml:3:14", message: "outputs.http.timeout: 0s is out of range"),
        // Paths.
        .init(name: "relative output file", yaml: "outputs:\n  file:\n    path: events.log\n",
              location: "saker.yaml:3:11", message: "outputs.file.path: 'events.log' is not an absolute path"),
        .init(name: "relative grpc socket", yaml: "outputs:\n  grpc:\n    socket: run/saker.sock\n",
              location: "saker.yaml:3:13", message: "outputs.grpc.socket: 'run/saker.sock' is not an absolute path"),
        .init(name: "relative rules file", yaml: "rules_files:\n  - rules/local.yaml\n",
              location: "saker.yaml:2:5", message: "rules_files: 'rules/local.yaml' is not an absolute path"),
        .init(name: "missing rules file", yaml: "rules_files:\n  - $DIR/rules.yaml\n  - $DIR/missing.yaml\n",
              location: "saker.yaml:3:5", message: "/missing.yaml' does not exist"),
        .init(name: "relative CA file", yaml: "outputs:\n  http:\n    ca_file: ca.pem\n",
              location: "saker.yaml:3:14", message: "outputs.http.ca_file: 'ca.pem' is not an absolute path"),
        .init(name: "empty socket path", yaml: "outputs:\n  grpc:\n    socket: \"\"\n",
              location: "saker.yaml:3:13", message: "outputs.grpc.socket: must not be empty"),
        .init(name: "decimal socket mode", yaml: "outputs:\n  grpc:\n    mode: 660\n",
              location: "saker.yaml:3:11", message: "outputs.grpc.mode: expected octal permission bits such as 0660"),
        // URLs and addresses.
        .init(name: "ftp URL", yaml: "outputs:\n  http:\n    url: ftp://example.com/\n",
              location: "saker.yaml:3:10", message: "outputs.http.url: 'ftp://example.com/' is not an http:// or https:// URL"),
        .init(name: "URL without host", yaml: "outputs:\n  http:\n    url: \"https://:8080/x\"\n",
              location: "saker.yaml:3:10", message: "has no host"),
        .init(name: "URL with a bad port", yaml: "outputs:\n  http:\n    url: http://example.com:99999/\n",
              location: "saker.yaml:3:10", message: "has an invalid port '99999'"),
        .init(name: "http enabled without url", yaml: "outputs:\n  http:\n    enabled: true\n",
              location: "saker.yaml:3:14", message: "outputs.http: enabled without a url"),
        .init(name: "program enabled without command", yaml: "outputs:\n  program: {enabled: true}\n",
              location: "saker.yaml:2:22", message: "outputs.program: enabled without a command"),
        .init(name: "client cert without key", yaml: "outputs:\n  http:\n    client_cert: /etc/c.pem\n",
              location: "saker.yaml:3:18", message: "client_cert and client_key go together"),
        .init(name: "metrics listen without port", yaml: "metrics:\n  listen: localhost\n",
              location: "saker.yaml:2:11", message: "metrics.listen: 'localhost' is not host:port: no port"),
        // Bad YAML.
        .init(name: "tab indentation", yaml: "outputs:\n\tstdout: {}\n",
              location: "saker.yaml:2:1", message: "found character that cannot start any token (while scanning for the next token at line 2, column 1); YAML does not allow tabs for indentation, use spaces"),
        .init(name: "unclosed quote", yaml: "priority: \"debug\njson_output: true\n",
              location: "saker.yaml:3:1", message: "found unexpected end of stream"),
        .init(name: "unclosed flow sequence", yaml: "rules_files: [/a, /b\npriority: debug\n",
              location: "saker.yaml:2:9", message: "did not find expected ',' or ']'"),
        .init(name: "two documents", yaml: "priority: debug\n---\npriority: error\n",
              location: "saker.yaml:3:1", message: "a configuration file holds one YAML document; found 2"),
        // Environment and overrides.
        .init(name: "unset environment variable", yaml: "outputs:\n  file:\n    path: /var/log/${NO_SUCH_VARIABLE_X}/a\n",
              location: "saker.yaml:3:20", message: "environment variable 'NO_SUCH_VARIABLE_X' is not set"),
        .init(name: "unterminated environment reference", yaml: "outputs:\n  file:\n    path: /var/${LOG\n",
              location: "saker.yaml:3:16", message: "unterminated '${'"),
        .init(name: "override without '='", yaml: "", location: "-o argument 1",
              message: "invalid override 'outputs.http.enabled': expected key.path=value",
              overrides: ["outputs.http.enabled"]),
        .init(name: "override with a bad value", yaml: "", location: "-o argument 1:1:1",
              message: "outputs.stdout.enabled: expected a boolean", overrides: ["outputs.stdout.enabled=sometimes"]),
        .init(name: "override of an unknown key", yaml: "", location: "-o argument 1:1:1",
              message: "unknown key 'htp' in 'outputs'; did you mean 'http'?", overrides: ["outputs.htp.enabled=true"]),
    ]

    @Test func catalogueHasAtLeastThirtyCases() {
        #expect(Self.catalogue.count >= 30)
    }

    @Test(arguments: catalogue)
    func brokenConfigGivesThePositionedError(_ broken: BrokenConfig) throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", broken.yaml)
        let rulesOverride = broken.yaml.contains("rules_files") ? [] : [fixture.rulesOverride]
        let (config, diagnostics) = fixture.loader(
            overrides: broken.overrides + rulesOverride, environment: [:]).load()
        #expect(config == nil)
        let expectedLocation = broken.location.hasPrefix("-o") ? broken.location : fixture.directory + "/" + broken.location
        let matching = diagnostics.filter { $0.location == expectedLocation && $0.message.contains(broken.message) }
        #expect(matching.count == 1, "\(ConfigDiagnostic.render(diagnostics))")
        #expect(diagnostics.allSatisfy { $0.severity == .error })
    }
}
