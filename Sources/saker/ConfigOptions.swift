import ArgumentParser
import Glibc
import SakerConfig
import SakerDefaultRules
import SakerRules
import SakerYAML

/// The configuration options shared by `run` and `validate`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The configuration file (default /etc/saker/saker.yaml; when that does not exist, the built-in defaults and ruleset run).",
        valueName: "file"))
    var config: String?

    @Option(name: .customLong("config-dir"), help: ArgumentHelp("Drop-in directory merged after the file, in name order.", valueName: "dir"))
    var configDirectory: String = DefaultConfiguration.dropInDirectory

    @Option(name: .customShort("o"), help: ArgumentHelp("Override one key, e.g. -o priority=warning or -o rules_files=[/a.yaml,/b.yaml].", valueName: "key=value"))
    var overrides: [String] = []

    /// The main configuration file to read.
    var mainPath: String { config ?? DefaultConfiguration.mainPath }

    /// True when a configuration file is in play (given, or present at the default path).
    var hasConfigurationFile: Bool { config != nil || access(DefaultConfiguration.mainPath, F_OK) == 0 }

    /// Loads and validates the configuration (files, drop-ins, overrides, environment).
    /// `candidate` is a staged drop-in read in place of its namesake (`saker validate --drop-in`).
    func load(checkingRulesFiles: Bool, candidate: ConfigurationLoader.DropInCandidate? = nil) -> (AgentConfiguration?, [ConfigDiagnostic]) {
        ConfigurationLoader(
            mainPath: mainPath, dropInDirectory: configDirectory, overrides: overrides,
            mainFileMayBeMissing: config == nil, checksRulesFiles: checkingRulesFiles && hasConfigurationFile,
            dropInCandidate: candidate
        ).load()
    }
}

/// The agent's configuration and compiled rules, as `run` and `validate` build them.
struct AgentSetup {
    var configuration: AgentConfiguration
    var engine: RuleEngine
    /// Where the rules came from, for messages.
    var rulesSource: String
    var warnings: Int

    /// Why the configuration or the rules did not load (every diagnostic was already printed).
    struct Failure: Error {
        /// The first error, on one line (for `STATUS=` after a failed reload).
        var firstError: String
    }

    /// Loads the configuration, then the rules it names (`--rules` wins; with no configuration
    /// file, the built-in ruleset plus /etc/saker/rules.d if present). Prints every diagnostic to
    /// standard error (or as JSON to standard output); throws on any error.
    static func load(
        _ configOptions: ConfigOptions, _ rulesOptions: RulesOptions, environment: FieldEnvironment, json: Bool = false,
        dropInCandidate: ConfigurationLoader.DropInCandidate? = nil, rulesCandidate: RuleLoader.Candidate? = nil
    ) throws(Failure) -> AgentSetup {
        let (loadedConfiguration, configDiagnostics) = configOptions.load(
            checkingRulesFiles: rulesOptions.paths.isEmpty, candidate: dropInCandidate)
        guard let configuration = loadedConfiguration else {
            if json { print("[" + configDiagnostics.map(\.json).joined(separator: ",") + "]") } else { printError(ConfigDiagnostic.render(configDiagnostics)) }
            throw Failure(firstError: firstLine(configDiagnostics.first { $0.severity == .error }?.rendered()))
        }
        if !configDiagnostics.isEmpty && !json { printError(ConfigDiagnostic.render(configDiagnostics)) }

        var loader = RuleLoader()
        loader.candidate = rulesCandidate
        let source: String
        if !rulesOptions.paths.isEmpty {
            for path in rulesOptions.paths { loader.load(path: path) }
            source = rulesOptions.paths.joined(separator: ", ")
        } else if configOptions.hasConfigurationFile {
            for path in configuration.rulesFiles { loader.load(path: path) }
            source = configuration.rulesFiles.joined(separator: ", ")
        } else {
            loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
            var sources = ["the built-in ruleset"]
            let local = "/etc/saker/rules.d"
            if access(local, F_OK) == 0 {
                loader.load(path: local)
                sources.append(local)
            }
            source = sources.joined(separator: ", ")
        }
        if let rulesCandidate, !loader.candidateRead {
            let message = "\(rulesCandidate.file.path): the rules directory \(rulesCandidate.directory) is not among the rules loaded "
                + "(\(source)), so a file there would never be read"
            printError("saker: error: " + message)
            throw Failure(firstError: message)
        }
        let loaded = loader.finish()
        let priorityName = rulesOptions.priority ?? configuration.priority.rawValue
        guard let minimum = RulePriority(parsing: priorityName) else {
            printError("saker: error: unknown priority '\(priorityName)'")
            throw Failure(firstError: "unknown priority '\(priorityName)'")
        }
        var diagnostics = loaded.diagnostics
        var engine: RuleEngine?
        if !loaded.hasErrors {
            let compiled = RuleEngine(
                rules: loaded, minimumPriority: minimum, environment: environment,
                matching: configuration.ruleMatching == .all ? .all : .first)
            diagnostics += compiled.diagnostics
            if !compiled.hasErrors { engine = compiled }
        }
        if json {
            print(Diagnostic.json(diagnostics))
        } else if !diagnostics.isEmpty {
            printError(Diagnostic.render(diagnostics))
        }
        guard let engine else {
            throw Failure(firstError: firstLine(diagnostics.first { $0.severity == .error }?.rendered()))
        }
        return AgentSetup(
            configuration: configuration, engine: engine, rulesSource: source,
            warnings: diagnostics.filter { $0.severity == .warning }.count + configDiagnostics.count)
    }

    private static func firstLine(_ text: String?) -> String {
        text?.split(separator: "\n").first.map(String.init) ?? "the configuration or rules did not load"
    }
}
