/// A YAML file staged outside the directory it is meant for (`saker validate --drop-in FILE --as
/// NAME`, `--rules-drop-in FILE --as NAME`): read from its own path where the directory's file
/// `name` would be read, in place of that file if there is one. Configuration management
/// validates a staged copy this way before it moves it in. The drop-in directory and a rules
/// directory both read their `*.yaml`/`*.yml` files in byte order of names.
public struct StagedFile: Sendable, Equatable {
    /// Where the staged file is now.
    public var path: String
    /// Its name in the directory (`50-ansible.yaml`).
    public var name: String

    /// What a file name of such a directory must be, for messages.
    public static let nameRequirement = "no '/', not hidden, ending in .yaml or .yml"

    /// Creates a staged file; `name` defaults to the last component of `path`.
    public init(path: String, name: String? = nil) {
        self.path = path
        self.name = name ?? Self.lastComponent(of: path)
    }

    /// Whether `name` is one the directory would read: plain, not hidden, `.yaml` or `.yml`.
    public var hasDirectoryFileName: Bool {
        !name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    /// `paths`, a directory's files in byte order of names, with this file in its place: instead
    /// of its namesake, or where its name sorts.
    public func placed(in paths: [String]) -> [String] {
        var paths = paths.filter { Self.lastComponent(of: $0) != name }
        let key = Array(name.utf8)
        let index = paths.firstIndex { key.lexicographicallyPrecedes(Array(Self.lastComponent(of: $0).utf8)) } ?? paths.endIndex
        paths.insert(path, at: index)
        return paths
    }

    private static func lastComponent(of path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
