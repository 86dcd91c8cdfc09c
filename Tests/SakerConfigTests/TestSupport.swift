import Foundation
import Glibc
@testable import SakerConfig

/// A temporary directory holding a config file, drop-ins and a rules file, removed on deinit.
final class ConfigFixture {
    let directory: String
    var mainPath: String { directory + "/saker.yaml" }
    var dropInDirectory: String { directory + "/config.d" }
    var rulesPath: String { directory + "/rules.yaml" }

    init() throws {
        var template = Array((NSTemporaryDirectory() + "saker-config-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        directory = String(cString: made)
        chmod(directory, 0o755)
        try FileManager.default.createDirectory(
            atPath: dropInDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        try write("rules.yaml", "- list: empty\n  items: []\n")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes a file (relative to the fixture directory), `$DIR` replaced by the directory.
    @discardableResult
    func write(_ relativePath: String, _ text: String, mode: Int = 0o644) throws -> String {
        let path = directory + "/" + relativePath
        try text.replacingOccurrences(of: "$DIR", with: directory)
            .write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// A loader over this fixture; rules files are checked, and files owned by the test's user
    /// count as trusted (so the tests also pass when not run as root).
    func loader(
        overrides: [String] = [], environment: [String: String] = [:],
        fileSystem: any ConfigFileSystem = LocalFileSystem(), mainFileMayBeMissing: Bool = false
    ) -> ConfigurationLoader {
        ConfigurationLoader(
            mainPath: mainPath, dropInDirectory: dropInDirectory,
            overrides: overrides.map { $0.replacingOccurrences(of: "$DIR", with: directory) },
            environment: environment, fileSystem: fileSystem,
            trustPolicy: FileTrustPolicy(trustedOwners: [0, getuid()]),
            mainFileMayBeMissing: mainFileMayBeMissing)
    }

    /// The override that points `rules_files` at the fixture's rules file.
    var rulesOverride: String { "rules_files=[\(rulesPath)]" }
}

/// The real file system, except for chosen owners and unreadable paths.
struct AlteredFileSystem: ConfigFileSystem {
    var owners: [String: UInt32] = [:]
    var unreadable: Set<String> = []
    let real = LocalFileSystem()

    func status(ofPath path: String) throws(FileSystemError) -> FileStatus {
        var status = try real.status(ofPath: path)
        if let owner = owners[path] { status.ownerUID = owner }
        return status
    }

    func contents(ofFile path: String) throws(FileSystemError) -> [UInt8] {
        if unreadable.contains(path) { throw FileSystemError(errno: EACCES) }
        return try real.contents(ofFile: path)
    }

    func entries(ofDirectory path: String) throws(FileSystemError) -> [String] {
        if unreadable.contains(path) { throw FileSystemError(errno: EACCES) }
        return try real.entries(ofDirectory: path)
    }

    func isReadable(_ path: String) -> Bool {
        !unreadable.contains(path) && real.isReadable(path)
    }
}
