extension AgentConfiguration {
    /// The effective configuration as YAML, every key present, in the order of the default config.
    ///
    /// Strings are double-quoted so any value reads back unchanged: decoding the result gives an
    /// equal configuration.
    public func rendered() -> String {
        func q(_ text: String) -> String { YAMLText.jsonString(text) }
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        }
        let o = outputs
        var lines: [String] = []
        lines.append("rules_files:" + (rulesFiles.isEmpty ? " []" : ""))
        lines += rulesFiles.map { "  - " + q($0) }
        lines += [
            "priority: \(priority.rawValue)",
            "json_output: \(jsonOutput)",
            "json_include_output_property: \(jsonIncludeOutputProperty)",
            "json_include_tags_property: \(jsonIncludeTagsProperty)",
            "rule_matching: \(ruleMatching.rawValue)",
            "outputs:",
            "  stdout:",
            "    enabled: \(o.stdout.enabled)",
            "  file:",
            "    enabled: \(o.file.enabled)",
            "    path: \(q(o.file.path))",
            "    keep_alive: \(o.file.keepAlive)",
            "  syslog:",
            "    enabled: \(o.syslog.enabled)",
            "    facility: \(o.syslog.facility.rawValue)",
            "  journald:",
            "    enabled: \(o.journald.enabled)",
            "  program:",
            "    enabled: \(o.program.enabled)",
            "    command: \(q(o.program.command))",
            "    keep_alive: \(o.program.keepAlive)",
            "  http:",
            "    enabled: \(o.http.enabled)",
            "    url: \(q(o.http.url))",
            "    timeout: \(o.http.timeout)",
            "    ca_file: \(q(o.http.caFile))",
            "    client_cert: \(q(o.http.clientCert))",
            "    client_key: \(q(o.http.clientKey))",
            "    retries: \(o.http.retries)",
            "  grpc:",
            "    enabled: \(o.grpc.enabled)",
            "    socket: \(q(o.grpc.socket))",
            "    mode: 0\(String(o.grpc.mode, radix: 8))",
            "    group: \(q(o.grpc.group))",
            "outputs_queue:",
            "  capacity: \(outputsQueue.capacity)",
            "outputs_rate:",
            "  per_rule_per_second: \(number(outputsRate.perRulePerSecond))",
            "  burst: \(outputsRate.burst)",
            "buffer:",
            "  ring_buffer_mib: \(buffer.ringBufferMiB)",
            "  wakeup_kib: \(buffer.wakeupKiB)",
            "syscall_event_drops:",
            "  threshold: \(number(syscallEventDrops.threshold))",
            "  actions: [\(syscallEventDrops.actions.map(\.rawValue).joined(separator: ", "))]",
            "  rate: \(number(syscallEventDrops.rate))",
            "  max_burst: \(syscallEventDrops.maxBurst)",
            "watchdog:",
            "  stall_timeout: \(watchdog.stallTimeout)",
            "  health_interval: \(watchdog.healthInterval)",
            "metrics:",
            "  enabled: \(metrics.enabled)",
            "  listen: \(q(metrics.listen))",
            "log_level: \(logLevel.rawValue)",
            "self_exclusion: \(selfExclusion)",
            "state:",
            "  max_processes: \(state.maxProcesses)",
            "  max_fds_per_process: \(state.maxFDsPerProcess)",
            "  exited_retention: \(state.exitedRetention)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
