import SakerYAML

/// A request to append to or replace parts of an existing rule (Falco's `rule_update_info`).
struct RuleUpdate {
    var name: String
    var position: SourcePosition
    var condition: LocatedText?
    var output: LocatedText?
    var description: LocatedText?
    var tags: [String]?
    var exceptions: [DecodedException]?
    var priority: (RulePriority, SourcePosition)?
    var enabled: Bool?
    var warnEventTypes: Bool?
    var skipIfUnknownFilter: Bool?

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    var hasAnyValue: Bool {
        condition != nil || output != nil || description != nil || tags != nil || exceptions != nil
            || priority != nil || enabled != nil || warnEventTypes != nil || skipIfUnknownFilter != nil
    }
}

/// Collects definitions across files with Falco's semantics (`rule_loader::collector`,
/// rule_loader_collector.cpp): a redefinition replaces the previous one but keeps its slot,
/// appends and overrides need an existing definition, and one counter numbers every define,
/// append and replace so that ``ListDefinition/visibility`` can say what each item may refer to.
struct RuleCollector {
    private(set) var lists: [ListDefinition] = []
    private(set) var macros: [MacroDefinition] = []
    private(set) var rules: [RuleDefinition] = []
    private var listIndex: [String: Int] = [:]
    private var macroIndex: [String: Int] = [:]
    private var ruleIndex: [String: Int] = [:]
    private var counter = 0

    /// The highest `required_engine_version` seen, and where.
    private(set) var requiredEngineVersion: (version: EngineVersion, position: SourcePosition)?
    private(set) var pluginRequirements: [PluginRequirement] = []

    /// Names whose definition failed to load: appends and overrides to them are skipped instead of
    /// reported again as "no rule by that name".
    private var failedLists = Set<String>()
    private var failedMacros = Set<String>()
    private var failedRules = Set<String>()

    let engineVersion: EngineVersion
    let loadedSources: Set<String>

    init(engineVersion: EngineVersion, loadedSources: Set<String>) {
        self.engineVersion = engineVersion
        self.loadedSources = loadedSources
    }

    private mutating func nextSlot() -> Int {
        defer { counter += 1 }
        return counter
    }

    // MARK: Failures

    mutating func markFailed(kind: String, name: String) {
        switch kind {
        case "list": failedLists.insert(name)
        case "macro": failedMacros.insert(name)
        case "rule": failedRules.insert(name)
        default: break
        }
    }

    /// True when an update targets a name whose own definition failed (the failure is already
    /// reported, so the update is skipped quietly).
    func isKnownFailure(kind: String, name: String) -> Bool {
        switch kind {
        case "list": listIndex[name] == nil && failedLists.contains(name)
        case "macro": macroIndex[name] == nil && failedMacros.contains(name)
        case "rule": ruleIndex[name] == nil && failedRules.contains(name)
        default: false
        }
    }

    // MARK: Requirements

    mutating func requireEngineVersion(_ version: EngineVersion, at position: SourcePosition) throws(LoadFailure) {
        guard engineVersion.isCompatible(with: version) else {
            throw LoadFailure(
                "Rules require engine version \(version), but engine version is \(engineVersion)",
                at: position, code: .validate)
        }
        if requiredEngineVersion.map({ $0.version < version }) ?? true {
            requiredEngineVersion = (version, position)
        }
    }

    mutating func requirePlugin(_ requirement: PluginRequirement) throws(LoadFailure) {
        var names = Set<String>()
        for alternative in requirement.alternatives {
            guard EngineVersion(parsing: alternative.version) != nil else {
                throw LoadFailure(
                    "Invalid required version '\(alternative.version)' for plugin '\(alternative.name)'",
                    at: requirement.position, code: .validate)
            }
            guard names.insert(alternative.name).inserted else {
                throw LoadFailure(
                    "Defined multiple alternative version requirements for plugin '\(alternative.name)'",
                    at: requirement.position, code: .validate)
            }
        }
        pluginRequirements.append(requirement)
    }

    // MARK: Lists

    mutating func define(_ list: ListDefinition) {
        var list = list
        let slot = nextSlot()
        list.visibility = slot
        if let existing = listIndex[list.name] {
            list.index = lists[existing].index
            lists[existing] = list
        } else {
            list.index = slot
            listIndex[list.name] = lists.count
            lists.append(list)
        }
    }

    mutating func append(items: [LocatedString], toList name: String, at position: SourcePosition) throws(LoadFailure) {
        guard let existing = listIndex[name] else {
            throw LoadFailure(
                "list '\(name)': List uses 'append' or 'override.items: append' but no list by that name already exists",
                at: position, code: .validate)
        }
        lists[existing].items += items
        lists[existing].visibility = nextSlot()
    }

    // MARK: Macros

    mutating func define(_ macro: MacroDefinition) {
        var macro = macro
        let slot = nextSlot()
        macro.visibility = slot
        if let existing = macroIndex[macro.name] {
            macro.index = macros[existing].index
            macros[existing] = macro
        } else {
            macro.index = slot
            macroIndex[macro.name] = macros.count
            macros.append(macro)
        }
    }

    mutating func append(condition: LocatedText, toMacro name: String, at position: SourcePosition) throws(LoadFailure) {
        guard let existing = macroIndex[name] else {
            throw LoadFailure(
                "macro '\(name)': Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
                at: position, code: .validate)
        }
        macros[existing].condition.append(" ", at: position)
        macros[existing].condition.append(condition)
        macros[existing].visibility = nextSlot()
    }

    // MARK: Rules

    /// Defines (or redefines) a rule. Returns a warning when its source is not loaded.
    mutating func define(_ rule: RuleDefinition, exceptions: [DecodedException]) throws(LoadFailure) -> Diagnostic? {
        var rule = rule
        if let existing = ruleIndex[rule.name], rules[existing].source != rule.source {
            throw LoadFailure(
                "rule '\(rule.name)': Rule has been re-defined with a different source",
                at: rule.position, code: .validate)
        }
        var warning: Diagnostic?
        rule.isSourceLoaded = loadedSources.contains(rule.source)
        if !rule.isSourceLoaded {
            warning = Diagnostic(
                .warning, .unknownSource, "rule '\(rule.name)': Unknown source \(rule.source), skipping",
                at: rule.position)
        }
        rule.exceptions = []
        for exception in exceptions {
            rule.exceptions.append(try Exceptions.validate(exception, rule: rule.name))
        }
        let slot = nextSlot()
        rule.visibility = slot
        if let existing = ruleIndex[rule.name] {
            rule.index = rules[existing].index
            rules[existing] = rule
        } else {
            rule.index = slot
            ruleIndex[rule.name] = rules.count
            rules.append(rule)
        }
        return warning
    }

    /// Appends condition, output, description, tags and exceptions (Falco's `collector::append`).
    mutating func append(_ update: RuleUpdate) throws(LoadFailure) {
        let prefix = "rule '\(update.name)': "
        guard let existing = ruleIndex[update.name] else {
            throw LoadFailure(
                prefix + "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
                at: update.position, code: .validate)
        }
        guard update.hasAnyValue else {
            throw LoadFailure(
                prefix + "Appended rule must have exceptions or condition property",
                at: update.position, code: .validate)
        }
        var rule = rules[existing]
        if let condition = update.condition, !condition.isEmpty {
            rule.baseCondition.append(" ", at: update.position)
            rule.baseCondition.append(condition)
        }
        if let output = update.output, !output.isEmpty {
            rule.output.append(" ", at: update.position)
            rule.output.append(output)
        }
        if let description = update.description, !description.isEmpty {
            rule.description.append(" ", at: update.position)
            rule.description.append(description)
        }
        if let tags = update.tags {
            rule.tags = Array(Set(rule.tags).union(tags)).sorted()
        }
        for exception in update.exceptions ?? [] {
            let exceptionPrefix = prefix + "exception '\(exception.name)': "
            if let index = rule.exceptions.firstIndex(where: { $0.name == exception.name }) {
                if exception.fields.map(Exceptions.isValid) ?? false {
                    throw LoadFailure(
                        exceptionPrefix + "Can not append exception fields to existing exception, only values",
                        at: exception.position, code: .validate)
                }
                if exception.comps.map(Exceptions.isValid) ?? false {
                    throw LoadFailure(
                        exceptionPrefix + "Can not append exception comps to existing exception, only values",
                        at: exception.position, code: .validate)
                }
                rule.exceptions[index].values += exception.values
            } else {
                guard exception.fields.map(Exceptions.isValid) ?? false else {
                    throw LoadFailure(
                        exceptionPrefix + "Rule exception must have fields property with a list of fields",
                        at: exception.position, code: .validate)
                }
                guard !exception.values.isEmpty else {
                    throw LoadFailure(
                        exceptionPrefix + "Rule exception must have values property with a list of values",
                        at: exception.position, code: .validate)
                }
                rule.exceptions.append(try Exceptions.validate(exception, rule: rule.name))
            }
        }
        rule.visibility = nextSlot()
        rules[existing] = rule
    }

    /// Replaces the given parts of a rule (Falco's `collector::selective_replace`).
    ///
    /// Unlike Falco, replaced exceptions are validated (and get default operators) like defined
    /// ones; Falco would only fail later, compiling the malformed condition they produce.
    mutating func replace(_ update: RuleUpdate) throws(LoadFailure) {
        let prefix = "rule '\(update.name)': "
        guard let existing = ruleIndex[update.name] else {
            throw LoadFailure(
                prefix + "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
                at: update.position, code: .validate)
        }
        guard update.hasAnyValue else {
            throw LoadFailure(
                prefix + "The rule must have at least one field that can be replaced",
                at: update.position, code: .validate)
        }
        var rule = rules[existing]
        if let condition = update.condition { rule.baseCondition = condition }
        if let output = update.output { rule.output = output }
        if let description = update.description { rule.description = description }
        if let tags = update.tags { rule.tags = tags }
        if let exceptions = update.exceptions {
            var validated: [RuleException] = []
            for exception in exceptions {
                validated.append(try Exceptions.validate(exception, rule: rule.name))
            }
            rule.exceptions = validated
        }
        if let (priority, position) = update.priority {
            rule.priority = priority
            rule.priorityPosition = position
        }
        if let enabled = update.enabled { rule.enabled = enabled }
        if let warn = update.warnEventTypes { rule.warnEventTypes = warn }
        if let skip = update.skipIfUnknownFilter { rule.skipIfUnknownFilter = skip }
        rule.visibility = nextSlot()
        rules[existing] = rule
    }

    /// Sets `enabled` on an existing rule (the deprecated standalone `enabled` item).
    mutating func enable(rule name: String, _ enabled: Bool, at position: SourcePosition) throws(LoadFailure) {
        guard let existing = ruleIndex[name] else {
            throw LoadFailure(
                "rule '\(name)': Rule has 'enabled' key but no rule by that name already exists",
                at: position, code: .validate)
        }
        rules[existing].enabled = enabled
    }
}
