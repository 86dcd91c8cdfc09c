import ArgumentParser
import SakerDefaultRules
import SakerRules

/// The rules options shared by `run`, `replay` and `validate`.
struct RulesOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "A rules file or directory (of .yaml files, loaded in name order); repeat to load several, in order. Default: Saker's built-in ruleset.",
        valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: "Only raise alerts at least this severe (emergency, alert, critical, error, warning, notice, informational, debug).")
    var priority: String = "debug"

    /// The minimum priority, validated.
    func minimumPriority() throws -> RulePriority {
        guard let value = RulePriority(parsing: priority) else {
            throw ValidationError("unknown priority '\(priority)': use one of emergency, alert, critical, error, warning, notice, informational (info), debug")
        }
        return value
    }

    /// Loads the rules (or the built-in ruleset) and compiles them. Diagnostics of both steps,
    /// in file order; the engine is nil when there are errors.
    func load(environment: FieldEnvironment) throws -> (engine: RuleEngine?, diagnostics: [Diagnostic]) {
        let minimum = try minimumPriority()
        var loader = RuleLoader()
        if paths.isEmpty {
            loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
        } else {
            for path in paths { loader.load(path: path) }
        }
        let loaded = loader.finish()
        if loaded.hasErrors { return (nil, loaded.diagnostics) }
        let engine = RuleEngine(rules: loaded, minimumPriority: minimum, environment: environment)
        let diagnostics = loaded.diagnostics + engine.diagnostics
        return (engine.hasErrors ? nil : engine, diagnostics)
    }
}
