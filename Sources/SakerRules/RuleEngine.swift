public import SakerEvent
public import SakerState
public import SakerYAML

/// A rule ready to evaluate: its compiled condition, inferred event types and output format.
public struct CompiledRule: Sendable {
    /// The rule name.
    public let name: String
    /// The priority.
    public let priority: RulePriority
    /// The tags, sorted.
    public let tags: [String]
    /// The event source.
    public let source: String
    /// The event types the condition can match.
    public let eventTypes: EventTypeSet
    /// The output format.
    public let output: OutputFormat
    /// Where the rule is defined.
    public let position: SourcePosition
    /// The condition.
    public let predicate: CompiledPredicate

    /// True when the event matches the condition.
    public func matches(_ context: inout FieldContext) -> Bool {
        eventTypes.contains(context.event.type) && predicate(&context)
    }
}

/// The rules engine: compiles loaded rules once, then evaluates, for each event, only the rules
/// whose inferred event types include the event's type.
///
/// ```swift
/// let engine = RuleEngine(rules: RuleLoader.load(paths: paths), minimumPriority: .notice)
/// if engine.hasErrors { print(Diagnostic.render(engine.diagnostics)) }
/// table.apply(event)
/// for alert in engine.process(event, state: table) { print(alert.text) }
/// ```
public struct RuleEngine: Sendable {
    /// Which matches an event produces alerts for (Falco's `rule_matching`).
    public enum Matching: String, Sendable {
        /// Only the first matching rule, in definition order (Falco's default).
        case first
        /// Every matching rule.
        case all
    }

    /// The enabled rules at or above the minimum priority that compiled, in definition order.
    public let rules: [CompiledRule]
    /// Compile errors and warnings (the loader's own diagnostics are not repeated here).
    public let diagnostics: [Diagnostic]
    /// Host name and user database used by the fields.
    public let environment: FieldEnvironment
    /// Whether the first match or all matches raise alerts.
    public let matching: Matching
    /// The union of the rules' event types: the events worth capturing.
    public let eventTypes: EventTypeSet
    /// For each event type (indexed by ``EventType/rawValue``), the conditions to evaluate and the
    /// rule each belongs to: the hot loop touches only these, never the whole rule.
    private let index: [[IndexedCondition]]

    private struct IndexedCondition: Sendable {
        let predicate: CompiledPredicate
        let rule: Int
    }

    /// True when any rule failed to compile.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The event types some rule needs: the probe enables only these (plus the state-keeping ones).
    public var interestingTypes: Set<EventType> { Set(eventTypes.types) }

    /// Compiles every rule of `rules` whose source is loaded; indexes the enabled ones at least as
    /// severe as `minimumPriority`.
    public init(
        rules loaded: LoadedRules, minimumPriority: RulePriority = .debug,
        environment: FieldEnvironment = FieldEnvironment(), matching: Matching = .first
    ) {
        let compiler = Compiler(rules: loaded)
        var compiled: [CompiledRule] = []
        var diagnostics: [Diagnostic] = []
        var seen = Set<Diagnostic>()
        func report(_ diagnostic: Diagnostic) {
            if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
        }
        func position(of failure: Compiler.Failure, in rule: RuleDefinition) -> SourcePosition {
            let text = failure.macro.flatMap { loaded.macro(named: $0)?.condition } ?? rule.condition
            return text.position(ofUTF8Offset: failure.error.position.offset) ?? rule.position
        }

        for rule in loaded.rules where rule.isSourceLoaded {
            let expression: FilterExpression
            do {
                expression = try compiler.parse(rule.condition.text)
            } catch {
                let location = rule.condition.position(ofUTF8Offset: error.error.position.offset) ?? rule.position
                report(Diagnostic(.error, .compileCondition, "rule '\(rule.name)': \(error.error.message)", at: location))
                continue
            }
            let predicate: CompiledPredicate
            do {
                predicate = try compiler.compile(expression)
            } catch {
                let location = position(of: error, in: rule)
                if error.error.isUnknownField && rule.skipIfUnknownFilter {
                    report(Diagnostic(
                        .warning, .unknownFilter, "rule '\(rule.name)' skipped: \(error.error.message)", at: location))
                } else {
                    report(Diagnostic(.error, .compileCondition, "rule '\(rule.name)': \(error.error.message)", at: location))
                }
                continue
            }
            let output: OutputFormat
            do {
                output = try OutputFormat(rule.output.text)
            } catch {
                let location = rule.output.position(ofUTF8Offset: error.offset) ?? rule.position
                report(Diagnostic(.error, .compileOutput, "rule '\(rule.name)': output: \(error.message)", at: location))
                continue
            }
            let types = compiler.eventTypes(of: expression)
            let conditionStart = rule.condition.startPosition ?? rule.position
            if types.isAll && rule.warnEventTypes {
                report(Diagnostic(
                    .warning, .noEventType,
                    "rule '\(rule.name)': Rule matches too many evt.type values. This has a significant performance penalty.",
                    at: conditionStart))
            }
            if types.isEmpty {
                report(Diagnostic(
                    .warning, .compileConditionWarning,
                    "rule '\(rule.name)': the condition matches no event type Saker captures; the rule can never fire",
                    at: conditionStart))
            }
            if Self.comparesWithNA(expression) {
                report(Diagnostic(
                    .warning, .unsafeNACheck,
                    "rule '\(rule.name)': condition has an unsafe comparison with '<NA>'; use 'exists' instead.",
                    at: conditionStart))
            }
            guard rule.enabled, rule.priority <= minimumPriority else { continue }
            compiled.append(CompiledRule(
                name: rule.name, priority: rule.priority, tags: rule.tags, source: rule.source, eventTypes: types,
                output: output, position: rule.position, predicate: predicate))
        }

        // Falco's LOAD_UNUSED_MACRO / LOAD_UNUSED_LIST warnings.
        let usedMacros = compiler.usedMacros
        for macro in loaded.macros where !usedMacros.contains(macro.name) {
            report(Diagnostic(
                .warning, .unusedMacro, "macro '\(macro.name)' is not referenced by any rule or macro",
                at: macro.position))
        }
        let usedLists = compiler.usedLists
        for list in loaded.lists where !usedLists.contains(list.name) {
            report(Diagnostic(
                .warning, .unusedList, "list '\(list.name)' is not referenced by any rule, macro or list",
                at: list.position))
        }

        var index = [[IndexedCondition]](repeating: [], count: EventType.rawValueBound)
        var union = EventTypeSet()
        for (position, rule) in compiled.enumerated() {
            union = union.union(rule.eventTypes)
            for type in rule.eventTypes.types {
                index[Int(type.rawValue)].append(IndexedCondition(predicate: rule.predicate, rule: position))
            }
        }
        self.rules = compiled
        self.diagnostics = diagnostics
        self.environment = environment
        self.matching = matching
        self.eventTypes = union
        self.index = index
    }

    /// Evaluates the rules indexed for the event's type and returns the alerts. Call it after
    /// `state.apply(event)`; the event's process is looked up in `state`. User and group names
    /// come from `users` when given (the pipeline's per-container account database), else from
    /// ``environment``.
    public func process(_ event: Event, state: borrowing ProcessTable, users: UserTable? = nil) -> [Alert] {
        let raw = Int(event.type.rawValue)
        guard raw < index.count, !index[raw].isEmpty, !event.type.isSynthetic else { return [] }
        var context = FieldContext(event: event, table: state, environment: environment, userTable: users)
        return evaluate(&context, candidates: index[raw])
    }

    /// Evaluates the rules for an event whose process the caller already has (the value
    /// `ProcessTable.apply` returned).
    public func process(
        _ event: Event, process: ProcessEntry?, state: borrowing ProcessTable, users: UserTable? = nil
    ) -> [Alert] {
        let raw = Int(event.type.rawValue)
        guard raw < index.count, !index[raw].isEmpty, !event.type.isSynthetic else { return [] }
        var context = FieldContext(
            event: event, process: process, state: FieldStateView(state), environment: environment, userTable: users)
        return evaluate(&context, candidates: index[raw])
    }

    private func evaluate(_ context: inout FieldContext, candidates: [IndexedCondition]) -> [Alert] {
        var alerts: [Alert] = []
        for candidate in candidates {
            guard candidate.predicate(&context) else { continue }
            let rule = rules[candidate.rule]
            let rendered = rule.output.render(&context)
            alerts.append(Alert(
                rule: rule.name, priority: rule.priority, source: rule.source, tags: rule.tags,
                time: context.event.timestamp, hostname: environment.hostname, message: rendered.message,
                outputFields: rendered.fields))
            if matching == .first { break }
        }
        return alerts
    }

    /// True when a check of the condition compares with the literal `<NA>`.
    static func comparesWithNA(_ expression: FilterExpression) -> Bool {
        var found = false
        expression.visit { node in
            if case .literal(let literal) = node, literal.text == "<NA>" { found = true }
            return found ? .skipChildren : .visitChildren
        }
        return found
    }
}
