import ArgumentParser
import SakerDefaultRules
import SakerRules

/// The rules options shared by `run`, `replay` and `validate`.
struct RulesOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "A rules file or directory (of .yaml files, loaded in name order); repeat to load several, in order. Replaces the configuration's rules_files.",
        valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: "Only raise alerts at least this severe (emergency, alert, critical, error, warning, notice, informational, debug). Default: the configuration's priority.")
    var priority: String?

    func validate() throws {
        if let priority, RulePriority(parsing: priority) == nil {
            throw ValidationError("unknown priority '\(priority)': use one of emergency, alert, critical, error, warning, notice, informational (info), debug")
        }
    }

    /// Loads the given rules files, or the built-in ruleset, without any configuration (for
    /// `replay`). Diagnostics of both steps; the engine is nil when there are errors.
    func loadWithoutConfiguration(environment: FieldEnvironment) -> (engine: RuleEngine?, diagnostics: [Diagnostic]) {
        let minimum = priority.flatMap { RulePriority(parsing: $0) } ?? .debug
        var loader = RuleLoader()
        if paths.isEmpty {
            loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
        } else {
            for path in paths { loader.load(path: path) }
        }
        let loaded = loader.finish()
        if loaded.hasErrors { return (nil, loaded.diagnostics) }
        let engine = RuleEngine(rules: loaded, minimumPriority: minimum, environment: environment)
        return (engine.hasErrors ? nil : engine, loaded.diagnostics + engine.diagnostics)
    }
}
