import ArgumentParser
import SakerConfig
import SakerRules

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration and rules without running anything.",
        discussion: """
            Loads the configuration (/etc/saker/saker.yaml, its drop-ins in /etc/saker/config.d, \
            -o overrides) and every rules file it names, and compiles them exactly as `saker run` \
            would. With --rules, only those rules files are checked. Every error and warning is \
            printed as `file:line:column: severity: message` with the source line and a caret. \
            Needs no root and no BPF, so it can guard configuration management, ExecStartPre= \
            and ExecReload=. Exit status: 0 when everything loads (warnings allowed), 1 on any error.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var rules: RulesOptions

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    @Flag(name: .customLong("print-config"), help: "Print the effective configuration (after drop-ins and overrides) as YAML.")
    var printConfig = false

    func run() throws {
        let setup: AgentSetup
        do { setup = try AgentSetup.load(configOptions, rules, environment: FieldEnvironment(), json: json) } catch {
            throw ExitCode(1)
        }
        if printConfig { print(setup.configuration.rendered(), terminator: "") }
        if !json {
            let config = configOptions.hasConfigurationFile ? configOptions.mainPath : "built-in defaults"
            print("\(config); \(setup.rulesSource): \(setup.engine.rules.count) rules compiled, \(setup.warnings) warnings")
        }
    }
}
