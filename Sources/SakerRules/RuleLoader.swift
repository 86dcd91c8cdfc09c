public import SakerYAML
internal import Glibc

/// Loads Falco rules files (lists, macros, rules, requirements) into a ``LoadedRules`` model,
/// following Falco's rule loader (`userspace/engine/rule_loader_reader.cpp`,
/// `rule_loader_collector.cpp`, and the exception part of `rule_loader_compiler.cpp`).
///
/// Load files in order, then call ``finish()``:
///
/// ```swift
/// var loader = RuleLoader()
/// loader.load(path: "/etc/saker/rules/falco_rules.yaml")
/// loader.load(path: "/etc/saker/rules.d")
/// let rules = loader.finish()
/// if rules.hasErrors { print(Diagnostic.render(rules.diagnostics)) }
/// ```
///
/// Later definitions win across files; macros, lists and rules of earlier files are visible to
/// later ones. Loading never throws: every problem becomes a ``Diagnostic``.
public struct RuleLoader: Sendable {
    /// What the loader accepts as present in this agent.
    public struct Options: Sendable {
        /// The engine version checked against `required_engine_version`.
        public var engineVersion: EngineVersion
        /// The event sources rules are evaluated for; rules for other sources are kept in the model
        /// but marked not loaded, with a warning, as Falco does for a source whose plugin is absent.
        public var loadedSources: Set<String>
        /// Plugins whose `required_plugin_versions` entries are satisfied (at any version) because
        /// Saker provides their fields itself: `container` (`container.*`, `k8s.*`).
        public var builtinPlugins: Set<String>

        /// Saker's defaults: engine ``EngineVersion/saker``, source `syscall`, plugin `container`.
        public init(
            engineVersion: EngineVersion = .saker, loadedSources: Set<String> = ["syscall"],
            builtinPlugins: Set<String> = ["container"]
        ) {
            self.engineVersion = engineVersion
            self.loadedSources = loadedSources
            self.builtinPlugins = builtinPlugins
        }
    }

    /// A rules file not yet in place (`saker validate --rules-drop-in FILE --as NAME`): read from
    /// its own path where the directory's file `name` would be read, replacing that file if there
    /// is one. Configuration management validates a staged rules file this way, beside the others.
    public struct Candidate: Sendable, Equatable {
        /// The rules directory the file is meant for (`/etc/saker/rules.d`).
        public var directory: String
        /// The staged file and its name in the directory.
        public var file: StagedFile

        /// Creates a candidate; `name` defaults to the last component of `path`.
        public init(directory: String, path: String, name: String? = nil) {
            self.directory = directory
            self.file = StagedFile(path: path, name: name)
        }

        /// Why the name cannot be a rules file of a directory, or nil.
        public var nameProblem: String? {
            file.hasDirectoryFileName ? nil
                : "'\(file.name)' is not a rules file name for a directory: expected a name such as local_rules.yaml (\(StagedFile.nameRequirement))"
        }
    }

    /// The options in use.
    public let options: Options
    /// The staged rules file to read in place of its namesake, if any.
    public var candidate: Candidate?
    /// True once the candidate's directory was loaded (so the candidate was read).
    public private(set) var candidateRead = false
    private var reader: RulesFileReader
    private var files: [String] = []

    /// Creates a loader.
    public init(options: Options = Options()) {
        self.options = options
        reader = RulesFileReader(
            collector: RuleCollector(engineVersion: options.engineVersion, loadedSources: options.loadedSources))
    }

    /// Loads a rules file, or every `.yaml`/`.yml` file of a directory in name order (not
    /// recursing), as Falco does for a directory in `rules_files`.
    public mutating func load(path: String) {
        if Self.isDirectory(path) {
            switch Self.rulesFiles(inDirectory: path) {
            case .success(let names):
                let prefix = path.hasSuffix("/") ? path : path + "/"
                var paths = names.map { prefix + $0 }
                if let candidate, Self.sameDirectory(path, candidate.directory) {
                    paths = candidate.file.placed(in: paths)
                    candidateRead = true
                }
                for file in paths { load(path: file) }
            case .failure(let error):
                reader.diagnostics.append(Diagnostic(error))
            }
            return
        }
        do throws(YAMLError) {
            load(source: try YAMLSource(contentsOfFile: path))
        } catch {
            files.append(path)
            reader.diagnostics.append(Diagnostic(error))
        }
    }

    /// Loads rules from text, named `name` in positions.
    public mutating func load(text: String, name: String) {
        load(source: YAMLSource(name: name, text: text))
    }

    /// Loads rules from a source.
    public mutating func load(source: YAMLSource) {
        files.append(source.name)
        let documents: [YAMLDocument]
        do throws(YAMLError) {
            documents = try YAMLParser.parse(source)
        } catch {
            reader.diagnostics.append(Diagnostic(error))
            return
        }
        reader.read(documents)
    }

    /// The diagnostics so far.
    public var diagnostics: [Diagnostic] { reader.diagnostics }

    /// Completes loading: appends exceptions to rule conditions, checks plugin requirements, and
    /// returns the model with every diagnostic.
    public func finish() -> LoadedRules {
        let collector = reader.collector
        var diagnostics = reader.diagnostics
        var rules = collector.rules
        for index in rules.indices {
            rules[index].condition = rules[index].baseCondition
            // Falco builds exceptions only for rules it compiles, that is rules of a loaded source.
            guard rules[index].isSourceLoaded, !rules[index].exceptions.isEmpty else { continue }
            do throws(LoadFailure) {
                rules[index].condition = try Exceptions.condition(
                    rules[index].baseCondition, exceptions: rules[index].exceptions, rule: rules[index].name)
            } catch {
                diagnostics.append(error.diagnostic)
            }
        }
        for requirement in collector.pluginRequirements {
            if requirement.alternatives.contains(where: { options.builtinPlugins.contains($0.name) }) { continue }
            let names = requirement.alternatives.map { "\($0.name) (>= \($0.version))" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(
                .error, .validate,
                "Plugin requirement not satisfied, must load one of: \(names) (Saker loads no plugins; it provides the container plugin's fields itself)",
                at: requirement.position))
        }
        return LoadedRules(
            files: files, lists: collector.lists, macros: collector.macros, rules: rules,
            requiredEngineVersion: collector.requiredEngineVersion?.version,
            pluginRequirements: collector.pluginRequirements, diagnostics: sorted(diagnostics))
    }

    /// Diagnostics in file order (as loaded), then by line and column; ties keep discovery order.
    private func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var fileOrder: [String: Int] = [:]
        for (index, file) in files.enumerated() where fileOrder[file] == nil { fileOrder[file] = index }
        return diagnostics.enumerated().sorted { lhs, rhs in
            let left = (fileOrder[lhs.element.file] ?? files.count, lhs.element.line, lhs.element.column, lhs.offset)
            let right = (fileOrder[rhs.element.file] ?? files.count, rhs.element.line, rhs.element.column, rhs.offset)
            return left < right
        }.map(\.element)
    }

    /// Loads files and directories in order and finishes.
    public static func load(paths: [String], options: Options = Options()) -> LoadedRules {
        var loader = RuleLoader(options: options)
        for path in paths { loader.load(path: path) }
        return loader.finish()
    }

    // MARK: Directories

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func sameDirectory(_ a: String, _ b: String) -> Bool {
        func trimmed(_ path: String) -> Substring {
            var path = Substring(path)
            while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
            return path
        }
        return trimmed(a) == trimmed(b)
    }

    private static func rulesFiles(inDirectory path: String) -> Result<[String], YAMLError> {
        guard let directory = opendir(path) else {
            return .failure(YAMLError.io(path: path, operation: "open directory", errno: errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // Hidden files are editors' and configuration tools' temporaries (Chef stages a
            // `.chef-….yaml` beside the file it verifies): never rules.
            guard !name.hasPrefix("."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            var info = stat()
            let full = path.hasSuffix("/") ? path + name : path + "/" + name
            guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            names.append(name)
        }
        return .success(names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}
