public import SakerYAML
internal import Glibc

/// Builds the effective ``AgentConfiguration`` and checks it strictly.
///
/// Layers, later winning:
/// 1. the main file (``mainPath``; when it does not exist and ``mainFileMayBeMissing``, the
///    embedded ``DefaultConfiguration/text``);
/// 2. the drop-ins of ``dropInDirectory``: `*.yaml` and `*.yml`, in lexical (byte) order of
///    their names;
/// 3. the `-o key.path=value` ``overrides``, in order (the value is YAML: a scalar, or a flow
///    sequence or mapping such as `[/a,/b]`).
///
/// Layers merge deeply: a mapping merges into a mapping key by key; anything else — a scalar, a
/// sequence, a mapping over a non-mapping — replaces what was there. So a drop-in with
/// `outputs: {http: {enabled: true}}` changes that one key, while `rules_files: [/x]` replaces the
/// whole list. Keys not set anywhere keep their defaults.
///
/// Then `${NAME}` and `${NAME:-default}` are expanded in every value (not in keys; `$${` is a
/// literal `${`), and the result is decoded and validated. Every value keeps the position where
/// it was last set, so diagnostics point into the right file (or at `-o argument N`).
///
/// Configuration files (and the drop-in directory) must be owned by a trusted user (root) and not
/// writable by group or others (``FileTrustPolicy``); so must the rules files and directories named
/// by `rules_files`, which must also exist and be readable (``checksRulesFiles``).
public struct ConfigurationLoader: Sendable {
    /// The main configuration file.
    public var mainPath: String
    /// The drop-in directory; nil for none. A directory that does not exist is no error.
    public var dropInDirectory: String?
    /// `-o key.path=value` arguments, in command-line order.
    public var overrides: [String]
    /// The variables `${NAME}` expands from; nil for the process environment.
    public var environment: [String: String]?
    /// The file system to read from.
    public var fileSystem: any ConfigFileSystem
    /// Who may own and write configuration and rules files.
    public var trustPolicy: FileTrustPolicy
    /// When true, a main file that does not exist means the embedded default configuration;
    /// when false (`saker validate --config FILE`), it is an error.
    public var mainFileMayBeMissing: Bool
    /// Whether the `rules_files` entries are checked on the file system.
    public var checksRulesFiles: Bool
    /// A drop-in not yet in place (`saker validate --drop-in FILE --as NAME`): read from its own
    /// path, but layered as if it were ``dropInDirectory``'s file `NAME`, replacing that file if it
    /// exists. Configuration management validates a staged file this way before moving it in.
    public var dropInCandidate: DropInCandidate?

    /// A staged drop-in and the name it will have in the drop-in directory.
    public typealias DropInCandidate = StagedFile

    /// Creates a loader.
    public init(
        mainPath: String = DefaultConfiguration.mainPath,
        dropInDirectory: String? = DefaultConfiguration.dropInDirectory,
        overrides: [String] = [],
        environment: [String: String]? = nil,
        fileSystem: any ConfigFileSystem = LocalFileSystem(),
        trustPolicy: FileTrustPolicy = FileTrustPolicy(),
        mainFileMayBeMissing: Bool = true,
        checksRulesFiles: Bool = true,
        dropInCandidate: DropInCandidate? = nil
    ) {
        self.mainPath = mainPath
        self.dropInDirectory = dropInDirectory
        self.overrides = overrides
        self.environment = environment
        self.fileSystem = fileSystem
        self.trustPolicy = trustPolicy
        self.mainFileMayBeMissing = mainFileMayBeMissing
        self.checksRulesFiles = checksRulesFiles
        self.dropInCandidate = dropInCandidate
    }

    /// Loads and validates. The configuration is nil when there is any error; the diagnostics
    /// hold every error (and warning) found.
    public func load() -> (AgentConfiguration?, [ConfigDiagnostic]) {
        let result = loadDetailed()
        return (result.configuration, result.diagnostics)
    }

    /// Loads and validates, throwing every error found.
    public func loadConfiguration() throws(ConfigurationErrors) -> AgentConfiguration {
        let result = loadDetailed()
        guard let configuration = result.configuration else {
            throw ConfigurationErrors(diagnostics: result.diagnostics)
        }
        return configuration
    }

    /// Loads and validates, keeping the files read and where each value was set.
    public func loadDetailed() -> LoadedConfiguration {
        var diagnostics: [ConfigDiagnostic] = []
        var files: [String] = []
        var tree: YAMLNode?
        // Files anyone but root could change: reported first, and the files are still parsed.
        var trust: [ConfigDiagnostic] = []

        // 1. The main file, or the embedded default.
        var mainSource: YAMLSource?
        do throws(FileSystemError) {
            let status = try fileSystem.status(ofPath: mainPath)
            if let problem = directoryProblem(of: mainPath) {
                trust.append(ConfigDiagnostic(problem, file: mainPath))
            }
            if let source = readTrusted(mainPath, status: status, what: "configuration file", diagnostics: &diagnostics, trust: &trust) {
                mainSource = source
                files.append(mainPath)
            }
        } catch {
            if error.isNotFound && mainFileMayBeMissing {
                mainSource = YAMLSource(name: DefaultConfiguration.name, text: DefaultConfiguration.text)
            } else {
                diagnostics.append(ConfigDiagnostic("cannot read configuration file '\(mainPath)': \(error)", file: mainPath))
            }
        }
        if let mainSource { layer(&tree, source: mainSource, diagnostics: &diagnostics) }

        // 2. Drop-ins, in lexical order (with the candidate in its place).
        var dropInPaths = dropInDirectory.map { dropIns(in: $0, diagnostics: &diagnostics, trust: &trust) } ?? []
        if let dropInCandidate {
            if dropInCandidate.hasDirectoryFileName {
                dropInPaths = dropInCandidate.placed(in: dropInPaths)
            } else {
                diagnostics.append(ConfigDiagnostic(
                    "drop-in name '\(dropInCandidate.name)' is not a drop-in file name: expected a name such as 50-local.yaml (\(StagedFile.nameRequirement))",
                    file: dropInCandidate.path))
            }
        }
        for path in dropInPaths {
            do throws(FileSystemError) {
                let status = try fileSystem.status(ofPath: path)
                guard status.kind == .regular else {
                    if path == dropInCandidate?.path {
                        diagnostics.append(ConfigDiagnostic("drop-in '\(path)' is not a regular file", file: path))
                    }
                    continue
                }
                if let source = readTrusted(path, status: status, what: "drop-in", diagnostics: &diagnostics, trust: &trust) {
                    files.append(path)
                    layer(&tree, source: source, diagnostics: &diagnostics)
                }
            } catch {
                diagnostics.append(ConfigDiagnostic("cannot read drop-in '\(path)': \(error)", file: path))
            }
        }

        // 3. Overrides.
        for (offset, argument) in overrides.enumerated() {
            do throws(ConfigurationErrors) {
                let overlay = try ConfigTree.override(argument, index: offset + 1)
                tree = tree.map { ConfigTree.merge($0, overlay) } ?? overlay
            } catch {
                diagnostics += error.diagnostics
            }
        }

        // 4. Environment, then decoding and validation.
        if let current = tree {
            let environment = self.environment
            tree = ConfigTree.expandEnvironment(current, lookup: { name in
                if let environment { return environment[name] }
                return getenv(name).map { String(cString: $0) }
            }, diagnostics: &diagnostics)
        }
        // The rules files are only checked when every file was read, parsed and expanded: otherwise
        // the list is not the one the operator wrote, and its errors would only be noise. (Files
        // refused for their ownership or mode were read, so they do not prevent the check.)
        let inputsLoaded = !diagnostics.contains { $0.severity == .error }
        diagnostics = trust + diagnostics
        var decoder = ConfigurationDecoder()
        let configuration = decoder.decode(tree)
        diagnostics += decoder.diagnostics
        if checksRulesFiles && inputsLoaded {
            for (index, path) in configuration.rulesFiles.enumerated() {
                let position = decoder.positions["rules_files.\(index)"]
                    ?? SourcePosition(file: DefaultConfiguration.name, line: 0, column: 0)
                checkRulesPath(path, at: position, diagnostics: &diagnostics)
            }
        }
        let failed = diagnostics.contains { $0.severity == .error }
        return LoadedConfiguration(
            configuration: failed ? nil : configuration, diagnostics: diagnostics,
            files: files, positions: decoder.positions)
    }

    /// Decodes and validates one YAML text on its own: no drop-ins, overrides, environment or
    /// file checks. For tests, and for checking a rendered configuration.
    public static func decode(text: String, name: String = "<string>") -> (AgentConfiguration?, [ConfigDiagnostic]) {
        var diagnostics: [ConfigDiagnostic] = []
        var tree: YAMLNode?
        ConfigurationLoader().layer(&tree, source: YAMLSource(name: name, text: text), diagnostics: &diagnostics)
        var decoder = ConfigurationDecoder()
        let configuration = decoder.decode(tree)
        diagnostics += decoder.diagnostics
        return (diagnostics.isEmpty ? configuration : nil, diagnostics)
    }

    // MARK: Steps

    /// Parses one file's text and merges it over `tree`.
    func layer(_ tree: inout YAMLNode?, source: YAMLSource, diagnostics: inout [ConfigDiagnostic]) {
        let documents: [YAMLDocument]
        do throws(YAMLError) {
            documents = try YAMLParser.parse(source)
        } catch {
            var diagnostic = ConfigDiagnostic(error)
            if error.code == .syntax, let line = error.position.lineText,
               line.unicodeScalars.dropFirst(max(0, error.position.column - 1)).first == "\t" {
                diagnostic.message += "; YAML does not allow tabs for indentation, use spaces"
            }
            diagnostics.append(diagnostic)
            return
        }
        if documents.count > 1 {
            diagnostics.append(ConfigDiagnostic(
                "a configuration file holds one YAML document; found \(documents.count)", at: documents[1].root.position))
            return
        }
        guard let root = documents.first?.root, !root.isNull else { return }
        guard root.isMapping else {
            diagnostics.append(ConfigDiagnostic(
                "the configuration must be a mapping of keys, found \(root.kindDescription)", at: root.position))
            return
        }
        ConfigTree.duplicateKeys(in: root, diagnostics: &diagnostics)
        tree = tree.map { ConfigTree.merge($0, root) } ?? root
    }

    /// Reads a configuration file after checking its kind and trust; nil (with a diagnostic) when
    /// it cannot be used. An untrusted file is still parsed, so its other errors are reported too.
    private func readTrusted(
        _ path: String, status: FileStatus, what: String, diagnostics: inout [ConfigDiagnostic],
        trust: inout [ConfigDiagnostic]
    ) -> YAMLSource? {
        guard status.kind == .regular else {
            diagnostics.append(ConfigDiagnostic(
                "cannot read \(what) '\(path)': \(status.kind == .directory ? "it is a directory" : "not a regular file")",
                file: path))
            return nil
        }
        if let problem = trustPolicy.problem(with: status, path: path) {
            trust.append(ConfigDiagnostic(problem, file: path))
        }
        do throws(FileSystemError) {
            return YAMLSource(name: path, bytes: try fileSystem.contents(ofFile: path))
        } catch {
            diagnostics.append(ConfigDiagnostic("cannot read \(what) '\(path)': \(error)", file: path))
            return nil
        }
    }

    /// The `*.yaml` and `*.yml` paths of a drop-in directory, sorted by name; none when the
    /// directory does not exist.
    private func dropIns(
        in directory: String, diagnostics: inout [ConfigDiagnostic], trust: inout [ConfigDiagnostic]
    ) -> [String] {
        do throws(FileSystemError) {
            let status = try fileSystem.status(ofPath: directory)
            guard status.kind == .directory else {
                diagnostics.append(ConfigDiagnostic("drop-in directory '\(directory)' is not a directory", file: directory))
                return []
            }
            if let problem = trustPolicy.problem(with: status, path: directory) {
                trust.append(ConfigDiagnostic(problem, file: directory))
            }
            return try Self.yamlFiles(in: directory, fileSystem: fileSystem)
        } catch {
            if error.isNotFound { return [] }
            diagnostics.append(ConfigDiagnostic("cannot read drop-in directory '\(directory)': \(error)", file: directory))
            return []
        }
    }

    /// Why the directory holding `path` is not trusted, or nil (also when it cannot be examined:
    /// reading the file itself reports that).
    private func directoryProblem(of path: String) -> String? {
        var directory = String(path.reversed().drop(while: { $0 != "/" }).reversed())
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        if directory.isEmpty { directory = "." }
        do throws(FileSystemError) {
            return trustPolicy.problem(withDirectory: try fileSystem.status(ofPath: directory), path: directory)
        } catch {
            return nil
        }
    }

    /// The `*.yaml`/`*.yml` entries of a directory (hidden files skipped), as full paths in byte order.
    static func yamlFiles(in directory: String, fileSystem: any ConfigFileSystem) throws(FileSystemError) -> [String] {
        let names = try fileSystem.entries(ofDirectory: directory)
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return names.map { prefix + $0 }
    }

    /// A `rules_files` entry must exist, be readable and be trusted; a directory's own rules files too.
    private func checkRulesPath(_ path: String, at position: SourcePosition, diagnostics: inout [ConfigDiagnostic]) {
        let status: FileStatus
        do throws(FileSystemError) {
            status = try fileSystem.status(ofPath: path)
        } catch {
            let reason = error.isNotFound ? "does not exist" : "cannot be read: \(error)"
            diagnostics.append(ConfigDiagnostic("rules_files: '\(path)' \(reason)", at: position))
            return
        }
        if let problem = trustPolicy.problem(with: status, path: path) {
            diagnostics.append(ConfigDiagnostic("rules_files: " + problem, at: position))
        }
        switch status.kind {
        case .regular:
            if let problem = directoryProblem(of: path) {
                diagnostics.append(ConfigDiagnostic("rules_files: '\(path)': " + problem, at: position))
            }
            if !fileSystem.isReadable(path) {
                diagnostics.append(ConfigDiagnostic("rules_files: '\(path)' is not readable", at: position))
            }
        case .directory:
            let files: [String]
            do throws(FileSystemError) {
                files = try Self.yamlFiles(in: path, fileSystem: fileSystem)
            } catch {
                diagnostics.append(ConfigDiagnostic("rules_files: cannot list '\(path)': \(error)", at: position))
                return
            }
            for file in files {
                do throws(FileSystemError) {
                    let fileStatus = try fileSystem.status(ofPath: file)
                    if let problem = trustPolicy.problem(with: fileStatus, path: file) {
                        diagnostics.append(ConfigDiagnostic("rules_files: " + problem, at: position))
                    } else if fileStatus.kind == .regular, !fileSystem.isReadable(file) {
                        diagnostics.append(ConfigDiagnostic("rules_files: '\(file)' is not readable", at: position))
                    }
                } catch {
                    diagnostics.append(ConfigDiagnostic("rules_files: cannot read '\(file)': \(error)", at: position))
                }
            }
        case .other:
            diagnostics.append(ConfigDiagnostic("rules_files: '\(path)' is neither a file nor a directory", at: position))
        }
    }
}

/// The result of ``ConfigurationLoader/loadDetailed()``.
public struct LoadedConfiguration: Sendable {
    /// The configuration, or nil when there was an error.
    public var configuration: AgentConfiguration?
    /// Every error and warning found.
    public var diagnostics: [ConfigDiagnostic]
    /// The configuration files read, in merge order (empty when the embedded default ran alone).
    public var files: [String]
    /// Where each value was last set, by key path (`outputs.http.url`, `rules_files.0`), for
    /// errors found later (a listener that cannot bind, an output that cannot open its file).
    public var positions: [String: SourcePosition]
}
