import SakerYAML

/// Reads the items of one rules file into a ``RuleCollector``, the way Falco's
/// `rule_loader::reader::read_item` (rule_loader_reader.cpp) does, with every message positioned.
///
/// Unlike Falco, which stops at the first error, an item that fails is reported and skipped and
/// reading goes on, so that `saker validate` shows every error at once; updates to a name whose
/// definition failed are skipped quietly rather than reported a second time.
struct RulesFileReader {
    var collector: RuleCollector
    var diagnostics: [Diagnostic] = []

    static let engineVersionKeys: Set<String> = ["required_engine_version"]
    static let pluginVersionsKeys: Set<String> = ["required_plugin_versions"]
    static let pluginKeys: Set<String> = ["name", "version", "alternatives"]
    static let alternativeKeys: Set<String> = ["name", "version"]
    static let listKeys: Set<String> = ["list", "items", "append", "override"]
    static let macroKeys: Set<String> = ["macro", "condition", "append", "override"]
    static let ruleKeys: Set<String> = [
        "rule", "desc", "condition", "output", "priority", "enabled", "tags", "exceptions", "source",
        "append", "override", "warn_evttypes", "skip-if-unknown-filter",
        // Accepted by Falco's rules schema; Saker does not capture, so they have no effect.
        "capture", "capture_duration", "capture_events", "capture_filesize",
    ]
    static let topLevelKeys = ["rule", "macro", "list", "required_engine_version", "required_plugin_versions"]

    /// Keys a rule override may append to, and keys it may replace.
    static let ruleAppendable: Set<String> = ["condition", "output", "desc", "tags", "exceptions"]
    static let ruleReplaceable: Set<String> = [
        "condition", "output", "desc", "priority", "tags", "exceptions", "enabled", "warn_evttypes",
        "skip-if-unknown-filter",
    ]

    static let appendDeprecated =
        "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."
    static let enabledDeprecated =
        "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace')."
    static let overrideWithAppend =
        "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."

    // MARK: Documents

    /// Reads every document of a file.
    mutating func read(_ documents: [YAMLDocument]) {
        for document in documents {
            let root = document.root
            if root.isNull { continue }
            guard let items = root.sequence else {
                let message = root.isMapping
                    ? "rules content is not a YAML sequence of items (found a mapping: put '- ' before each item)"
                    : "rules content is not YAML items (found \(root.kindDescription))"
                diagnostics.append(Diagnostic(.error, .yamlValidate, message, at: root.position))
                continue
            }
            for item in items where !item.isNull {
                do throws(LoadFailure) {
                    try read(item: item)
                } catch {
                    diagnostics.append(error.diagnostic)
                }
            }
        }
    }

    private mutating func read(item: YAMLNode) throws(LoadFailure) {
        guard item.isMapping else {
            throw LoadFailure(
                "unexpected element type: each item should be a mapping (list, macro, rule…), found \(item.kindDescription)",
                at: item.position)
        }
        if item["required_engine_version"] != nil {
            try readEngineVersion(item)
        } else if item["required_plugin_versions"] != nil {
            try readPluginVersions(item)
        } else if item["list"] != nil {
            try readFailing(kind: "list", item: item) { (reader: inout RulesFileReader) throws(LoadFailure) in
                try reader.readList(item)
            }
        } else if item["macro"] != nil {
            try readFailing(kind: "macro", item: item) { (reader: inout RulesFileReader) throws(LoadFailure) in
                try reader.readMacro(item)
            }
        } else if item["rule"] != nil {
            try readFailing(kind: "rule", item: item) { (reader: inout RulesFileReader) throws(LoadFailure) in
                try reader.readRule(item)
            }
        } else {
            let keys = (item.mapping ?? []).compactMap { $0.key.scalarValue }
            var message = "unknown top-level item"
            if !keys.isEmpty { message += " with key\(keys.count == 1 ? "" : "s") " + keys.map { "'\($0)'" }.joined(separator: ", ") }
            message += "; it is ignored"
            if let first = keys.first, let suggestion = YAMLNode.closestName(to: first, in: Self.topLevelKeys) {
                message += " (did you mean '\(suggestion)'?)"
            }
            diagnostics.append(Diagnostic(.warning, .unknownItem, message, at: item.position))
        }
    }

    /// Runs a reader and, when it fails, remembers the failed name so that later updates to it are
    /// not reported again.
    private mutating func readFailing(
        kind: String, item: YAMLNode, _ body: (inout RulesFileReader) throws(LoadFailure) -> Void
    ) throws(LoadFailure) {
        do throws(LoadFailure) {
            try body(&self)
        } catch {
            let appends = item["append"]?.scalarValue.flatMap(YAMLNode.parseBool) ?? false
            if let name = item[kind]?.scalarValue, !appends, item["override"] == nil {
                collector.markFailed(kind: kind, name: name)
            }
            throw error
        }
    }

    // MARK: Requirements

    private mutating func readEngineVersion(_ item: YAMLNode) throws(LoadFailure) {
        let context = RulesFileItemContext(kind: "required_engine_version", name: nil, node: item)
        diagnostics += context.unknownKeyWarnings(allowed: Self.engineVersionKeys)
        let node = try context.requiredString("required_engine_version")
        let text = node.scalarValue ?? ""
        let version: EngineVersion
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let minor = UInt32(text) {
            // A bare number is the legacy engine version: the semver minor (Falco's
            // get_implicit_engine_version).
            version = EngineVersion(major: EngineVersion.saker.major, minor: minor, patch: 0)
        } else if let parsed = EngineVersion(parsing: text) {
            version = parsed
        } else {
            throw LoadFailure(
                "Unable to parse engine version '\(text)' as a semver string. Expected \"x.y.z\" semver format.",
                at: node.position)
        }
        try collector.requireEngineVersion(version, at: node.position)
    }

    private mutating func readPluginVersions(_ item: YAMLNode) throws(LoadFailure) {
        let context = RulesFileItemContext(kind: "required_plugin_versions", name: nil, node: item)
        diagnostics += context.unknownKeyWarnings(allowed: Self.pluginVersionsKeys)
        guard let list = item["required_plugin_versions"], let entries = list.sequence else {
            let found = item["required_plugin_versions"]?.kindDescription ?? "nothing"
            throw context.failure(
                "value of required_plugin_versions must be a sequence, found \(found)",
                at: item["required_plugin_versions"]?.position)
        }
        for entry in entries {
            guard entry.isMapping else {
                throw context.failure("plugin version must be a mapping, found \(entry.kindDescription)", at: entry.position)
            }
            let unnamed = RulesFileItemContext(kind: "required_plugin_versions entry", name: nil, node: entry)
            let name = try unnamed.requiredString("name").scalarValue ?? ""
            let plugin = RulesFileItemContext(kind: "required_plugin_versions entry", name: name, node: entry)
            diagnostics += plugin.unknownKeyWarnings(allowed: Self.pluginKeys)
            let version = try plugin.requiredString("version").scalarValue ?? ""
            var alternatives = [PluginRequirement.Alternative(name: name, version: version)]
            if let others = entry["alternatives"] {
                guard let items = others.sequence else {
                    throw plugin.failure(
                        "value of plugin version alternatives must be a sequence, found \(others.kindDescription)",
                        at: others.position)
                }
                for alternative in items {
                    guard alternative.isMapping else {
                        throw plugin.failure(
                            "plugin version alternative must be a mapping, found \(alternative.kindDescription)",
                            at: alternative.position)
                    }
                    let unnamedAlternative = RulesFileItemContext(kind: "plugin alternative", name: nil, node: alternative)
                    let alternativeName = try unnamedAlternative.requiredString("name").scalarValue ?? ""
                    let named = RulesFileItemContext(kind: "plugin alternative", name: alternativeName, node: alternative)
                    diagnostics += named.unknownKeyWarnings(allowed: Self.alternativeKeys)
                    let alternativeVersion = try named.requiredString("version").scalarValue ?? ""
                    alternatives.append(.init(name: alternativeName, version: alternativeVersion))
                }
            }
            try collector.requirePlugin(PluginRequirement(alternatives: alternatives, position: entry.position))
        }
    }

    // MARK: Overrides

    /// Reads `override`: which keys are appended and which replaced. Falco's `decode_overrides`.
    private func overrides(
        _ context: RulesFileItemContext, appendable: Set<String>, replaceable: Set<String>
    ) throws(LoadFailure) -> (append: Set<String>, replace: Set<String>) {
        guard let node = context.node["override"] else { return ([], []) }
        guard let pairs = node.mapping else {
            throw context.failure(
                "expected a mapping for 'override' (key: append or replace), found \(node.kindDescription)",
                at: node.position)
        }
        var append = Set<String>()
        var replace = Set<String>()
        for pair in pairs {
            guard let key = pair.key.scalarValue, !pair.key.isNull else {
                throw context.failure("expected a key name in 'override', found \(pair.key.kindDescription)", at: pair.key.position)
            }
            guard let operation = pair.value.scalarValue, !pair.value.isNull else {
                throw context.failure(
                    "expected 'append' or 'replace' for override of '\(key)', found \(pair.value.kindDescription)",
                    at: pair.value.position)
            }
            switch operation {
            case "append":
                guard appendable.contains(key) else {
                    throw context.failure(
                        "Key '\(key)' cannot be appended to, use 'replace' instead", at: pair.key.position)
                }
                append.insert(key)
            case "replace":
                guard replaceable.contains(key) else {
                    throw context.failure("Key '\(key)' cannot be replaced", at: pair.key.position)
                }
                replace.insert(key)
            default:
                var allowed: [String] = []
                if appendable.contains(key) { allowed.append("append") }
                if replaceable.contains(key) { allowed.append("replace") }
                let list = allowed.isEmpty ? "none (the key cannot be overridden)" : allowed.joined(separator: ", ")
                throw context.failure(
                    "Invalid override operation for key '\(key)': '\(operation)'. Allowed values are: \(list)",
                    at: pair.value.position)
            }
        }
        return (append, replace)
    }

    /// `append: true` (deprecated): warns, and refuses it together with `override`.
    private mutating func legacyAppend(
        _ context: RulesFileItemContext, hasOverrides: Bool
    ) throws(LoadFailure) -> Bool {
        let append = try context.optionalBool("append") ?? false
        if append {
            diagnostics.append(context.warning(
                Self.appendDeprecated, at: context.node.pair(forKey: "append")?.key.position, code: .deprecatedItem))
            if hasOverrides { throw context.failure(Self.overrideWithAppend, code: .yamlValidate) }
        }
        return append
    }

    // MARK: Lists

    private mutating func readList(_ item: YAMLNode) throws(LoadFailure) {
        let unnamed = RulesFileItemContext(kind: "list", name: nil, node: item)
        let nameNode = try unnamed.requiredString("list")
        let name = nameNode.scalarValue ?? ""
        let context = RulesFileItemContext(kind: "list", name: name, node: item)
        diagnostics += context.unknownKeyWarnings(allowed: Self.listKeys)
        if !Self.isBareString(name) {
            diagnostics.append(context.warning(
                "List has an invalid name. List names should match a regular expression: ([^()\"'[:space:]=,]+)",
                at: nameNode.position, code: .invalidListName))
        }
        let items = try context.stringSequence("items", required: true) ?? []
        let (overrideAppend, overrideReplace) = try overrides(context, appendable: ["items"], replaceable: ["items"])
        var append = try legacyAppend(context, hasOverrides: !overrideAppend.isEmpty || !overrideReplace.isEmpty)
        append = append || overrideAppend.contains("items")
        if append {
            if collector.isKnownFailure(kind: "list", name: name) { return }
            try collector.append(items: items, toList: name, at: item.position)
        } else {
            collector.define(ListDefinition(name: name, items: items, position: item.position, index: 0, visibility: 0))
        }
    }

    // MARK: Macros

    private mutating func readMacro(_ item: YAMLNode) throws(LoadFailure) {
        let unnamed = RulesFileItemContext(kind: "macro", name: nil, node: item)
        let nameNode = try unnamed.requiredString("macro")
        let name = nameNode.scalarValue ?? ""
        let context = RulesFileItemContext(kind: "macro", name: name, node: item)
        diagnostics += context.unknownKeyWarnings(allowed: Self.macroKeys)
        if !Self.isIdentifier(name) {
            diagnostics.append(context.warning(
                "Macro has an invalid name. Macro names should match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)",
                at: nameNode.position, code: .invalidMacroName))
        }
        let condition = LocatedText(node: try context.requiredString("condition"))
        let (overrideAppend, overrideReplace) = try overrides(
            context, appendable: ["condition"], replaceable: ["condition"])
        var append = try legacyAppend(context, hasOverrides: !overrideAppend.isEmpty || !overrideReplace.isEmpty)
        append = append || overrideAppend.contains("condition")
        if append {
            if collector.isKnownFailure(kind: "macro", name: name) { return }
            try collector.append(condition: condition, toMacro: name, at: item.position)
        } else {
            collector.define(MacroDefinition(
                name: name, condition: condition, position: item.position, index: 0, visibility: 0))
        }
    }

    // MARK: Rules

    private mutating func readRule(_ item: YAMLNode) throws(LoadFailure) {
        let unnamed = RulesFileItemContext(kind: "rule", name: nil, node: item)
        let name = try unnamed.requiredString("rule").scalarValue ?? ""
        let context = RulesFileItemContext(kind: "rule", name: name, node: item)
        diagnostics += context.unknownKeyWarnings(allowed: Self.ruleKeys)

        let (overrideAppend, overrideReplace) = try overrides(
            context, appendable: Self.ruleAppendable, replaceable: Self.ruleReplaceable)
        let hasOverrides = !overrideAppend.isEmpty || !overrideReplace.isEmpty
        let legacyAppend = try legacyAppend(context, hasOverrides: hasOverrides)

        if hasOverrides {
            try readRuleOverride(context, append: overrideAppend, replace: overrideReplace)
        } else if legacyAppend {
            try readRuleLegacyAppend(context)
        } else if item["condition"] == nil && item["output"] == nil && item["desc"] == nil
            && item["priority"] == nil
        {
            // Only `enabled`: switch an existing rule on or off (deprecated form).
            let enabled = try context.requiredBool("enabled")
            diagnostics.append(context.warning(Self.enabledDeprecated, code: .deprecatedItem))
            warnIgnored(context, keeping: ["rule", "enabled", "override", "append"], reason: "an item that only sets 'enabled'")
            if collector.isKnownFailure(kind: "rule", name: name) { return }
            try collector.enable(rule: name, enabled, at: item.position)
        } else {
            try readRuleDefinition(context)
        }
    }

    private mutating func readRuleDefinition(_ context: RulesFileItemContext) throws(LoadFailure) {
        let item = context.node
        let condition = LocatedText(node: try context.requiredString("condition"))
        let output = LocatedText(node: try context.requiredString("output")).trimmingWhitespace()
        let description = LocatedText(node: try context.requiredString("desc"))
        let priorityNode = try context.requiredString("priority")
        guard let priority = RulePriority(parsing: priorityNode.scalarValue ?? "") else {
            throw context.failure(
                "Invalid priority '\(priorityNode.scalarValue ?? "")': expected one of emergency, alert, critical, error, warning, notice, informational (or info), debug",
                at: priorityNode.position)
        }
        let source = try context.optionalString("source")?.scalarValue ?? "syscall"
        let enabled = try context.optionalBool("enabled") ?? true
        let warnEventTypes = try context.optionalBool("warn_evttypes") ?? true
        let skip = try context.optionalBool("skip-if-unknown-filter") ?? false
        let tags = try context.stringSequence("tags", required: false)
        let exceptions = try Exceptions.read(from: context, isUpdate: false, warnings: &diagnostics) ?? []

        let rule = RuleDefinition(
            name: context.name ?? "", description: description, condition: condition,
            baseCondition: condition, output: output, priority: priority,
            priorityPosition: priorityNode.position, tags: Self.tagSet(tags), source: source,
            isSourceLoaded: true, enabled: enabled, skipIfUnknownFilter: skip,
            warnEventTypes: warnEventTypes, exceptions: [], position: item.position, index: 0,
            visibility: 0)
        if let warning = try collector.define(rule, exceptions: exceptions) {
            diagnostics.append(warning)
        }
    }

    /// `append: true` on a rule: only `condition` and `exceptions` are appended.
    private mutating func readRuleLegacyAppend(_ context: RulesFileItemContext) throws(LoadFailure) {
        let name = context.name ?? ""
        var update = RuleUpdate(name: name, position: context.node.position)
        if let condition = try context.optionalString("condition") {
            update.condition = LocatedText(node: condition)
        }
        update.exceptions = try Exceptions.read(from: context, isUpdate: true, warnings: &diagnostics)
        warnIgnored(
            context, keeping: ["rule", "append", "condition", "exceptions"],
            reason: "an 'append: true' item (only 'condition' and 'exceptions' are appended)")
        if collector.isKnownFailure(kind: "rule", name: name) { return }
        try collector.append(update)
    }

    /// `override:` on a rule: append some keys, replace others; every overridable key the item
    /// defines must be listed under `override`, and every listed key defined.
    private mutating func readRuleOverride(
        _ context: RulesFileItemContext, append: Set<String>, replace: Set<String>
    ) throws(LoadFailure) {
        let item = context.node
        let name = context.name ?? ""
        var expected = Set<String>()
        for key in Self.ruleAppendable.union(Self.ruleReplaceable) where item[key] != nil {
            expected.insert(key)
        }
        func check(_ key: String, in keys: Set<String>, kind: String) throws(LoadFailure) -> Bool {
            guard keys.contains(key) else { return false }
            guard expected.contains(key) else {
                throw context.failure(
                    "An \(kind) override for '\(key)' was specified but '\(key)' is not defined",
                    at: item["override"]?.pair(forKey: key)?.key.position)
            }
            expected.remove(key)
            return true
        }

        if !append.isEmpty {
            var update = RuleUpdate(name: name, position: item.position)
            if try check("condition", in: append, kind: "append") {
                update.condition = LocatedText(node: try context.requiredString("condition"))
            }
            if try check("exceptions", in: append, kind: "append") {
                update.exceptions = try Exceptions.read(from: context, isUpdate: true, warnings: &diagnostics)
            }
            if try check("output", in: append, kind: "append") {
                update.output = LocatedText(node: try context.requiredString("output"))
            }
            if try check("desc", in: append, kind: "append") {
                update.description = LocatedText(node: try context.requiredString("desc"))
            }
            if try check("tags", in: append, kind: "append") {
                update.tags = Self.tagSet(try context.stringSequence("tags", required: false))
            }
            if !collector.isKnownFailure(kind: "rule", name: name) {
                try collector.append(update)
            }
        }

        if !replace.isEmpty {
            var update = RuleUpdate(name: name, position: item.position)
            if try check("condition", in: replace, kind: "replace") {
                update.condition = LocatedText(node: try context.requiredString("condition"))
            }
            if try check("exceptions", in: replace, kind: "replace") {
                update.exceptions = try Exceptions.read(from: context, isUpdate: true, warnings: &diagnostics)
            }
            if try check("output", in: replace, kind: "replace") {
                update.output = LocatedText(node: try context.requiredString("output"))
            }
            if try check("desc", in: replace, kind: "replace") {
                update.description = LocatedText(node: try context.requiredString("desc"))
            }
            if try check("tags", in: replace, kind: "replace") {
                update.tags = Self.tagSet(try context.stringSequence("tags", required: false))
            }
            if try check("priority", in: replace, kind: "replace") {
                let node = try context.requiredString("priority")
                guard let priority = RulePriority(parsing: node.scalarValue ?? "") else {
                    throw context.failure("Invalid priority '\(node.scalarValue ?? "")'", at: node.position)
                }
                update.priority = (priority, node.position)
            }
            if try check("enabled", in: replace, kind: "replace") {
                update.enabled = try context.requiredBool("enabled")
            }
            if try check("warn_evttypes", in: replace, kind: "replace") {
                update.warnEventTypes = try context.requiredBool("warn_evttypes")
            }
            if try check("skip-if-unknown-filter", in: replace, kind: "replace") {
                update.skipIfUnknownFilter = try context.requiredBool("skip-if-unknown-filter")
            }
            if !collector.isKnownFailure(kind: "rule", name: name) {
                try collector.replace(update)
            }
        }

        warnIgnored(
            context, keeping: append.union(replace).union(expected).union(["rule", "override", "append"]),
            reason: "an 'override' item (only the keys listed under 'override' are applied)")
        if let key = expected.min() {
            throw context.failure(
                "Unexpected key '\(key)': no corresponding entry under 'override' is defined.",
                at: item.pair(forKey: key)?.key.position)
        }
    }

    /// Warns about keys Falco silently ignores in this kind of rule item.
    private mutating func warnIgnored(_ context: RulesFileItemContext, keeping kept: Set<String>, reason: String) {
        for pair in context.node.mapping ?? [] {
            guard let key = pair.key.scalarValue, Self.ruleKeys.contains(key), !kept.contains(key) else { continue }
            diagnostics.append(context.warning(
                "key '\(key)' is ignored in \(reason)", at: pair.key.position, code: .unknownKey))
        }
    }

    // MARK: Helpers

    private static func tagSet(_ tags: [LocatedString]?) -> [String] {
        Array(Set((tags ?? []).map(\.value))).sorted()
    }

    /// libs' bare string: `[^()"'[:space:]=,]+`.
    static func isBareString(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "(", ")", "\"", "'", "=", ",", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": false
            default: true
            }
        }
    }

    /// libs' identifier: `[a-zA-Z]+[a-zA-Z0-9_]*`.
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "_") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
