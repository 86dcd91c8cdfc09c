
/// Everything read from a set of rules files, in Falco's resolved form, plus the diagnostics.
///
/// Lists, macros and rules are in definition order (the order their names were first defined,
/// across all files); each holds its final state after appends, overrides and redefinitions.
/// Conditions are still text: the compile step substitutes lists into them (``FilterListSubstitution``,
/// from each list's ``ListDefinition/values``, ``ListDefinition/index`` and
/// ``ListDefinition/visibility``), parses them, resolves macros (respecting
/// ``MacroDefinition/visibility``), and reports problems through ``LocatedText`` positions.
public struct LoadedRules: Sendable {
    /// The files read, in order.
    public var files: [String]
    /// The lists.
    public var lists: [ListDefinition]
    /// The macros.
    public var macros: [MacroDefinition]
    /// The rules, including disabled ones and ones whose source is not loaded.
    public var rules: [RuleDefinition]
    /// The highest `required_engine_version` any file asked for.
    public var requiredEngineVersion: EngineVersion?
    /// Every `required_plugin_versions` entry, in order.
    public var pluginRequirements: [PluginRequirement]
    /// Errors and warnings, in the order they were found.
    public var diagnostics: [Diagnostic]

    private let listIndex: [String: Int]
    private let macroIndex: [String: Int]
    private let ruleIndex: [String: Int]

    init(
        files: [String], lists: [ListDefinition], macros: [MacroDefinition], rules: [RuleDefinition],
        requiredEngineVersion: EngineVersion?, pluginRequirements: [PluginRequirement],
        diagnostics: [Diagnostic]
    ) {
        self.files = files
        self.lists = lists
        self.macros = macros
        self.rules = rules
        self.requiredEngineVersion = requiredEngineVersion
        self.pluginRequirements = pluginRequirements
        self.diagnostics = diagnostics
        listIndex = Dictionary(lists.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { $1 })
        macroIndex = Dictionary(macros.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { $1 })
        ruleIndex = Dictionary(rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { $1 })
    }

    /// The errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    /// True when any file failed to load: the rules must not be used.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The rules whose source is loaded (the ones to compile and evaluate), in order.
    public var evaluableRules: [RuleDefinition] { rules.filter(\.isSourceLoaded) }

    /// The list with this name.
    public func list(named name: String) -> ListDefinition? {
        listIndex[name].map { lists[$0] }
    }

    /// The macro with this name.
    public func macro(named name: String) -> MacroDefinition? {
        macroIndex[name].map { macros[$0] }
    }

    /// The rule with this name.
    public func rule(named name: String) -> RuleDefinition? {
        ruleIndex[name].map { rules[$0] }
    }
}
