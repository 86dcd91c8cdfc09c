import ArgumentParser
import SakerConfig
import SakerRules
import SakerYAML

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

            To check a drop-in before it is put in place (Ansible `validate:`, Puppet \
            `validate_cmd`, Chef `verify`), give the staged file with --drop-in and the name it will \
            have with --as: it is read in place of that drop-in, together with the main file and \
            the other drop-ins, e.g. `saker validate --drop-in %s --as 50-fleet.yaml`. A rules \
            file for a rules directory the same way: --rules-drop-in with --as (and --rules-dir \
            when the directory is not /etc/saker/rules.d) reads it in place of its namesake, after \
            the rules files before it and beside the directory's others.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var rules: RulesOptions

    @Option(name: .customLong("drop-in"), help: ArgumentHelp(
        "A staged drop-in to check in place of its namesake in the drop-in directory.", valueName: "file"))
    var dropIn: String?

    @Option(name: .customLong("rules-drop-in"), help: ArgumentHelp(
        "A staged rules file to check in place of its namesake in the rules directory.", valueName: "file"))
    var rulesDropIn: String?

    @Option(name: .customLong("rules-dir"), help: ArgumentHelp(
        "The rules directory the --rules-drop-in file is meant for.", valueName: "dir"))
    var rulesDirectory = "/etc/saker/rules.d"

    @Option(name: .customLong("as"), help: ArgumentHelp(
        "The name the --drop-in or --rules-drop-in file will have in its directory (default: its own name).", valueName: "name"))
    var dropInName: String?

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    @Flag(name: .customLong("print-config"), help: "Print the effective configuration (after drop-ins and overrides) as YAML.")
    var printConfig = false

    func validate() throws {
        if dropIn != nil && rulesDropIn != nil {
            throw ValidationError("--drop-in and --rules-drop-in check one staged file at a time: give one of them")
        }
        if dropInName != nil && dropIn == nil && rulesDropIn == nil {
            throw ValidationError("--as names the file given with --drop-in or --rules-drop-in, which is missing")
        }
        if let rulesCandidate, let problem = rulesCandidate.nameProblem { throw ValidationError("--as: " + problem) }
    }

    /// The staged rules file, as the loader takes it.
    private var rulesCandidate: RuleLoader.Candidate? {
        rulesDropIn.map { RuleLoader.Candidate(directory: rulesDirectory, path: $0, name: dropInName) }
    }

    func run() throws {
        let setup: AgentSetup
        let candidate = dropIn.map { StagedFile(path: $0, name: dropInName) }
        do {
            setup = try AgentSetup.load(
                configOptions, rules, environment: FieldEnvironment(), json: json, dropInCandidate: candidate,
                rulesCandidate: rulesCandidate)
        } catch {
            throw ExitCode(1)
        }
        if printConfig { print(setup.configuration.rendered(), terminator: "") }
        if !json {
            let config = configOptions.hasConfigurationFile ? configOptions.mainPath : "built-in defaults"
            print("\(config); \(setup.rulesSource): \(setup.engine.rules.count) rules compiled, \(setup.warnings) warnings")
        }
    }
}
