internal import SakerYAML

/// Turns a merged configuration tree into an ``AgentConfiguration``, checking every value and
/// collecting a diagnostic for each problem (a bad value keeps its default, so one run reports
/// everything).
struct ConfigurationDecoder {
    /// Every problem found.
    var diagnostics: [ConfigDiagnostic] = []
    /// Where each decoded value was set, by key path (`outputs.http.url`, `rules_files.0`).
    var positions: [String: SourcePosition] = [:]

    /// Decodes a root node (nil or null: all defaults).
    mutating func decode(_ root: YAMLNode?) -> AgentConfiguration {
        var config = AgentConfiguration()
        guard let root, !root.isNull else { return config }
        section(root, path: "", keys: [
            "rules_files", "priority", "json_output", "json_include_output_property",
            "json_include_tags_property", "rule_matching", "outputs", "outputs_queue", "outputs_rate",
            "buffer", "syscall_event_drops", "watchdog", "metrics", "log_level", "self_exclusion", "state",
        ]) { d, key, node in
            switch key {
            case "rules_files":
                if let items = d.strings(node, path: key) {
                    config.rulesFiles = []
                    for (index, item) in items.enumerated() {
                        d.positions["rules_files.\(index)"] = item.node.position
                        if d.checkAbsolute(item.value, node: item.node, path: key, allowEmpty: false) {
                            config.rulesFiles.append(item.value)
                        }
                    }
                }
            case "priority":
                d.choice(node, path: key, aliases: ["info": .informational]).map { config.priority = $0 }
            case "json_output": d.bool(node, path: key).map { config.jsonOutput = $0 }
            case "json_include_output_property": d.bool(node, path: key).map { config.jsonIncludeOutputProperty = $0 }
            case "json_include_tags_property": d.bool(node, path: key).map { config.jsonIncludeTagsProperty = $0 }
            case "rule_matching": d.choice(node, path: key).map { config.ruleMatching = $0 }
            case "outputs": d.decodeOutputs(node, into: &config.outputs)
            case "outputs_queue":
                d.section(node, path: key, keys: ["capacity"]) { d, _, node in
                    d.int(node, path: "outputs_queue.capacity", in: 1...10_000_000).map { config.outputsQueue.capacity = $0 }
                }
            case "outputs_rate":
                d.section(node, path: key, keys: ["per_rule_per_second", "burst"]) { d, key, node in
                    if key == "burst" {
                        d.int(node, path: "outputs_rate.burst", in: 1...1_000_000).map { config.outputsRate.burst = $0 }
                    } else {
                        d.double(node, path: "outputs_rate.per_rule_per_second", in: 0...1_000_000)
                            .map { config.outputsRate.perRulePerSecond = $0 }
                    }
                }
            case "buffer":
                d.section(node, path: key, keys: ["ring_buffer_mib", "wakeup_kib"]) { d, key, node in
                    if key == "wakeup_kib" {
                        d.int(node, path: "buffer.wakeup_kib", in: 0...65536).map { config.buffer.wakeupKiB = $0 }
                    } else if let value = d.int(node, path: "buffer.ring_buffer_mib", in: 1...1024) {
                        if value & (value - 1) != 0 {
                            d.error("buffer.ring_buffer_mib: \(value) is not a power of two (1, 2, 4, … 1024)", at: node)
                        } else {
                            config.buffer.ringBufferMiB = value
                        }
                    }
                }
            case "syscall_event_drops": d.decodeDrops(node, into: &config.syscallEventDrops)
            case "watchdog":
                d.section(node, path: key, keys: ["stall_timeout", "health_interval"]) { d, key, node in
                    if key == "stall_timeout" {
                        d.duration(node, path: "watchdog.stall_timeout", in: .seconds(1)...(.seconds(3600)))
                            .map { config.watchdog.stallTimeout = $0 }
                    } else {
                        d.duration(node, path: "watchdog.health_interval", in: .milliseconds(100)...(.seconds(3600)))
                            .map { config.watchdog.healthInterval = $0 }
                    }
                }
            case "metrics":
                d.section(node, path: key, keys: ["enabled", "listen"]) { d, key, node in
                    if key == "enabled" {
                        d.bool(node, path: "metrics.enabled").map { config.metrics.enabled = $0 }
                    } else if let listen = d.string(node, path: "metrics.listen") {
                        if let problem = Self.listenProblem(listen) {
                            d.error("metrics.listen: '\(listen)' \(problem)", at: node)
                        } else {
                            config.metrics.listen = listen
                        }
                    }
                }
            case "log_level": d.choice(node, path: key).map { config.logLevel = $0 }
            case "self_exclusion": d.bool(node, path: key).map { config.selfExclusion = $0 }
            case "state":
                d.section(node, path: key, keys: ["max_processes", "max_fds_per_process", "exited_retention"]) { d, key, node in
                    switch key {
                    case "max_processes":
                        d.int(node, path: "state.max_processes", in: 64...4_194_304).map { config.state.maxProcesses = $0 }
                    case "max_fds_per_process":
                        d.int(node, path: "state.max_fds_per_process", in: 16...1_048_576)
                            .map { config.state.maxFDsPerProcess = $0 }
                    default:
                        d.duration(node, path: "state.exited_retention", in: .milliseconds(0)...(.seconds(3600)))
                            .map { config.state.exitedRetention = $0 }
                    }
                }
            default:
                break
            }
        }
        crossChecks(config)
        return config
    }

    private mutating func decodeOutputs(_ node: YAMLNode, into outputs: inout AgentConfiguration.Outputs) {
        section(node, path: "outputs", keys: ["stdout", "file", "syslog", "journald", "program", "http", "grpc"]) { d, key, node in
            let path = "outputs.\(key)"
            switch key {
            case "stdout":
                d.section(node, path: path, keys: ["enabled"]) { d, _, node in
                    d.bool(node, path: path + ".enabled").map { outputs.stdout.enabled = $0 }
                }
            case "journald":
                d.section(node, path: path, keys: ["enabled"]) { d, _, node in
                    d.bool(node, path: path + ".enabled").map { outputs.journald.enabled = $0 }
                }
            case "file":
                d.section(node, path: path, keys: ["enabled", "path", "keep_alive"]) { d, key, node in
                    switch key {
                    case "enabled": d.bool(node, path: path + ".enabled").map { outputs.file.enabled = $0 }
                    case "keep_alive": d.bool(node, path: path + ".keep_alive").map { outputs.file.keepAlive = $0 }
                    default: d.absolutePath(node, path: path + ".path", allowEmpty: false).map { outputs.file.path = $0 }
                    }
                }
            case "syslog":
                d.section(node, path: path, keys: ["enabled", "facility"]) { d, key, node in
                    if key == "enabled" {
                        d.bool(node, path: path + ".enabled").map { outputs.syslog.enabled = $0 }
                    } else {
                        d.choice(node, path: path + ".facility").map { outputs.syslog.facility = $0 }
                    }
                }
            case "program":
                d.section(node, path: path, keys: ["enabled", "command", "keep_alive"]) { d, key, node in
                    switch key {
                    case "enabled": d.bool(node, path: path + ".enabled").map { outputs.program.enabled = $0 }
                    case "keep_alive": d.bool(node, path: path + ".keep_alive").map { outputs.program.keepAlive = $0 }
                    default: d.string(node, path: path + ".command", allowEmpty: true).map { outputs.program.command = $0 }
                    }
                }
            case "http":
                d.section(node, path: path, keys: [
                    "enabled", "url", "timeout", "ca_file", "client_cert", "client_key", "retries",
                ]) { d, key, node in
                    let keyPath = path + "." + key
                    switch key {
                    case "enabled": d.bool(node, path: keyPath).map { outputs.http.enabled = $0 }
                    case "url":
                        if let url = d.string(node, path: keyPath, allowEmpty: true) {
                            if !url.isEmpty, let problem = Self.urlProblem(url) {
                                d.error("\(keyPath): '\(url)' \(problem)", at: node)
                            } else {
                                outputs.http.url = url
                            }
                        }
                    case "timeout":
                        d.duration(node, path: keyPath, in: .milliseconds(1)...(.seconds(600))).map { outputs.http.timeout = $0 }
                    case "ca_file": d.absolutePath(node, path: keyPath, allowEmpty: true).map { outputs.http.caFile = $0 }
                    case "client_cert": d.absolutePath(node, path: keyPath, allowEmpty: true).map { outputs.http.clientCert = $0 }
                    case "client_key": d.absolutePath(node, path: keyPath, allowEmpty: true).map { outputs.http.clientKey = $0 }
                    default: d.int(node, path: keyPath, in: 0...100).map { outputs.http.retries = $0 }
                    }
                }
            default:
                d.section(node, path: path, keys: ["enabled", "socket", "mode", "group"]) { d, key, node in
                    let keyPath = path + "." + key
                    switch key {
                    case "enabled": d.bool(node, path: keyPath).map { outputs.grpc.enabled = $0 }
                    case "socket": d.absolutePath(node, path: keyPath, allowEmpty: false).map { outputs.grpc.socket = $0 }
                    case "mode": d.fileMode(node, path: keyPath).map { outputs.grpc.mode = $0 }
                    default: d.string(node, path: keyPath).map { outputs.grpc.group = $0 }
                    }
                }
            }
        }
    }

    private mutating func decodeDrops(_ node: YAMLNode, into drops: inout AgentConfiguration.SyscallEventDrops) {
        let path = "syscall_event_drops"
        section(node, path: path, keys: ["threshold", "actions", "rate", "max_burst"]) { d, key, node in
            let keyPath = path + "." + key
            switch key {
            case "threshold": d.double(node, path: keyPath, in: 0...1).map { drops.threshold = $0 }
            case "rate": d.double(node, path: keyPath, in: 0.0001...1000).map { drops.rate = $0 }
            case "max_burst": d.int(node, path: keyPath, in: 1...1000).map { drops.maxBurst = $0 }
            default:
                guard let items = node.sequence else {
                    d.error("\(keyPath): expected a sequence of actions (log, alert), found \(node.kindDescription)", at: node)
                    return
                }
                var actions: [AgentConfiguration.SyscallEventDrops.Action] = []
                var valid = true
                for item in items {
                    guard let action: AgentConfiguration.SyscallEventDrops.Action = d.choice(item, path: keyPath) else {
                        valid = false
                        continue
                    }
                    if actions.contains(action) {
                        d.error("\(keyPath): '\(action.rawValue)' is listed twice", at: item)
                        valid = false
                    } else {
                        actions.append(action)
                    }
                }
                if valid { drops.actions = actions }
            }
        }
    }

    /// Checks that only make sense across keys: an enabled output needs its target.
    private mutating func crossChecks(_ config: AgentConfiguration) {
        if config.outputs.program.enabled, config.outputs.program.command.isEmpty {
            error("outputs.program: enabled without a command", atPath: "outputs.program.enabled")
        }
        if config.outputs.http.enabled, config.outputs.http.url.isEmpty {
            error("outputs.http: enabled without a url", atPath: "outputs.http.enabled")
        }
        let http = config.outputs.http
        if http.clientCert.isEmpty != http.clientKey.isEmpty {
            error(
                "outputs.http: client_cert and client_key go together; set both or neither",
                atPath: http.clientCert.isEmpty ? "outputs.http.client_key" : "outputs.http.client_cert")
        }
    }

    // MARK: Structure

    /// Checks that `node` is a mapping with only the given keys (reporting the others, with a
    /// suggestion), then calls `body` for each allowed key.
    mutating func section(
        _ node: YAMLNode, path: String, keys: [String],
        _ body: (inout ConfigurationDecoder, String, YAMLNode) -> Void
    ) {
        guard let pairs = node.mapping else {
            error("\(path.isEmpty ? "the configuration" : path): expected a mapping, found \(node.kindDescription)", at: node)
            return
        }
        let allowed = Set(keys)
        for pair in pairs {
            guard pair.key.isScalar, let name = pair.key.scalarValue else {
                error("\(path.isEmpty ? "" : path + ": ")a key must be a string, found \(pair.key.kindDescription)", at: pair.key)
                continue
            }
            guard allowed.contains(name) else {
                var message = "unknown key '\(name)'" + (path.isEmpty ? "" : " in '\(path)'")
                if let suggestion = YAMLNode.closestName(to: name, in: keys) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: " + keys.joined(separator: ", ")
                }
                error(message, at: pair.key)
                continue
            }
            positions[path.isEmpty ? name : path + "." + name] = pair.value.position
            body(&self, name, pair.value)
        }
    }

    // MARK: Values

    mutating func error(_ message: String, at node: YAMLNode) {
        diagnostics.append(ConfigDiagnostic(message, at: node.position))
    }

    mutating func error(_ message: String, atPath path: String) {
        let position = positions[path] ?? SourcePosition(file: DefaultConfiguration.name, line: 0, column: 0)
        diagnostics.append(ConfigDiagnostic(message, at: position))
    }

    mutating func bool(_ node: YAMLNode, path: String) -> Bool? {
        do throws(YAMLError) { return try node.bool() } catch { self.error("\(path): \(error.message)", at: node) }
        return nil
    }

    mutating func int(_ node: YAMLNode, path: String, in range: ClosedRange<Int>) -> Int? {
        let value: Int
        do throws(YAMLError) { value = try node.int() } catch {
            self.error("\(path): \(error.message)", at: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(path): \(value) is out of range (\(range.lowerBound)…\(range.upperBound))", at: node)
            return nil
        }
        return value
    }

    mutating func double(_ node: YAMLNode, path: String, in range: ClosedRange<Double>) -> Double? {
        let value: Double
        do throws(YAMLError) { value = try node.double() } catch {
            self.error("\(path): \(error.message)", at: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(path): \(node.scalarValue ?? "\(value)") is out of range (\(Self.format(range.lowerBound))…\(Self.format(range.upperBound)))", at: node)
            return nil
        }
        return value
    }

    mutating func string(_ node: YAMLNode, path: String, allowEmpty: Bool = false) -> String? {
        // Where empty means "unset", a bare `key:` (null) and `""` both say so.
        if allowEmpty, node.scalar != nil, node.isNull || node.scalar?.style.isQuoted == true {
            return node.isNull ? "" : node.scalarValue
        }
        guard node.isScalar, let value = node.scalarValue else {
            error("\(path): expected a string, found \(node.kindDescription)", at: node)
            return nil
        }
        guard allowEmpty || !value.isEmpty else {
            error("\(path): must not be empty", at: node)
            return nil
        }
        return value
    }

    /// A sequence of strings, each with its node.
    mutating func strings(_ node: YAMLNode, path: String) -> [(value: String, node: YAMLNode)]? {
        guard let items = node.sequence else {
            error("\(path): expected a sequence of paths, found \(node.kindDescription)", at: node)
            return nil
        }
        var result: [(value: String, node: YAMLNode)] = []
        for item in items {
            if let value = string(item, path: path) { result.append((value, item)) }
        }
        return result
    }

    mutating func absolutePath(_ node: YAMLNode, path: String, allowEmpty: Bool) -> String? {
        guard let value = string(node, path: path, allowEmpty: allowEmpty) else { return nil }
        return checkAbsolute(value, node: node, path: path, allowEmpty: allowEmpty) ? value : nil
    }

    mutating func checkAbsolute(_ value: String, node: YAMLNode, path: String, allowEmpty: Bool) -> Bool {
        if value.isEmpty && allowEmpty { return true }
        guard value.hasPrefix("/") else {
            error("\(path): '\(value)' is not an absolute path (it must start with '/')", at: node)
            return false
        }
        return true
    }

    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, path: String, aliases: [String: Value] = [:]
    ) -> Value? where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue)
        guard node.isScalar, let text = node.scalarValue else {
            error("\(path): expected one of \(names.joined(separator: ", ")), found \(node.kindDescription)", at: node)
            return nil
        }
        if let value = Value(rawValue: text) ?? aliases[text] { return value }
        var message = "\(path): '\(text)' is not one of \(names.joined(separator: ", "))"
        if let suggestion = YAMLNode.closestName(to: text, in: names) { message += "; did you mean '\(suggestion)'?" }
        error(message, at: node)
        return nil
    }

    mutating func duration(_ node: YAMLNode, path: String, in range: ClosedRange<ConfigDuration>) -> ConfigDuration? {
        guard node.isScalar, let text = node.scalarValue, let value = ConfigDuration(parsing: text) else {
            let found = node.isScalar ? "'\(node.scalarValue ?? "")'" : node.kindDescription
            error("\(path): expected a duration such as 500ms, 30s, 5m or 1h, found \(found)", at: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(path): \(text) is out of range (\(range.lowerBound)…\(range.upperBound))", at: node)
            return nil
        }
        return value
    }

    /// Octal permission bits: `0660`, `0o660` (or a quoted `"0660"`).
    mutating func fileMode(_ node: YAMLNode, path: String) -> UInt32? {
        if node.isScalar, let text = node.scalarValue {
            var digits = Substring(text)
            if digits.hasPrefix("0o") { digits = digits.dropFirst(2) } else if digits.hasPrefix("0") { digits = digits.dropFirst() }
            if digits.count != text.count || text == "0",
               let value = UInt32(digits.isEmpty ? "0" : digits, radix: 8), value <= 0o777 {
                return value
            }
        }
        error("\(path): expected octal permission bits such as 0660, found \(node.kindDescription)", at: node)
        return nil
    }

    // MARK: Shapes

    /// Why `text` is not an `http(s)://host[:port][/path]` URL, or nil.
    static func urlProblem(_ text: String) -> String? {
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return "is not an http:// or https:// URL"
        }
        if text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) { return "contains white space" }
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        if authority.contains("@") { return "must not carry credentials in the URL" }
        return hostPortProblem(String(authority), portRequired: false).map { "has " + $0 }
    }

    /// Why `text` is not `host:port`, or nil.
    static func listenProblem(_ text: String) -> String? {
        hostPortProblem(text, portRequired: true).map { "is not host:port: " + $0 }
    }

    private static func hostPortProblem(_ text: String, portRequired: Bool) -> String? {
        var host = Substring(text)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return "an unclosed '[' in the host" }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "text after the IPv6 address" }
                port = after.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        if host.isEmpty { return "no host" }
        let hostOK = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" || $0 == ":") }
        if !hostOK { return "an invalid host '\(host)'" }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else {
                return "an invalid port '\(port)' (1…65535)"
            }
        } else if portRequired {
            return "no port"
        }
        return nil
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : "\(value)"
    }
}
