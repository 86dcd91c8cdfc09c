import ArgumentParser
import SakerRules

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check rules files without running anything.",
        discussion: """
            Loads and compiles the rules exactly as `saker run` would, and prints every error and \
            warning as `file:line:column: severity: message` with the source line and a caret. \
            Needs no root and no BPF, so it can guard configuration management and reloads. \
            Exit status: 0 when everything loads (warnings allowed), 1 on any error.
            """)

    @OptionGroup var rules: RulesOptions

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    func run() throws {
        let (engine, diagnostics) = try rules.load(environment: FieldEnvironment())
        if json {
            print(Diagnostic.json(diagnostics))
        } else if !diagnostics.isEmpty {
            printError(Diagnostic.render(diagnostics))
        }
        guard let engine else { throw ExitCode(1) }
        if !json {
            let sources = rules.paths.isEmpty ? "the built-in ruleset" : rules.paths.joined(separator: ", ")
            print("\(sources): \(engine.rules.count) rules compiled, \(diagnostics.filter { $0.severity == .warning }.count) warnings")
        }
    }
}
