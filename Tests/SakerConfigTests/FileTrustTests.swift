import Foundation
import Glibc
import Testing
@testable import SakerConfig

@Suite struct FileTrustTests {
    @Test func worldWritableConfigIsRefused() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n", mode: 0o666)
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath): error: '\(fixture.mainPath)' is world-writable (mode 0666): refusing a file that anyone but root can change (chmod go-w)"
        ])
    }

    @Test func groupWritableDropInIsRefused() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let dropIn = try fixture.write("config.d/10.yaml", "priority: error\n", mode: 0o664)
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.location) == [dropIn])
        #expect(diagnostics.first?.message.contains("is group-writable (mode 0664)") == true)
    }

    @Test func worldWritableRulesFileIsRefusedAtItsEntry() throws {
        let fixture = try ConfigFixture()
        chmod(fixture.rulesPath, 0o666)
        try fixture.write("saker.yaml", "priority: debug\nrules_files:\n  - $DIR/rules.yaml\n")
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.location) == [fixture.mainPath + ":3:5"])
        #expect(diagnostics.first?.message.contains("world-writable") == true)
    }

    @Test func worldWritableFileInARulesDirectoryIsRefused() throws {
        let fixture = try ConfigFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.directory + "/rules.d", withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o755])
        let bad = try fixture.write("rules.d/local.yaml", "[]\n", mode: 0o646)
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.d]\n")
        let (_, diagnostics) = fixture.loader().load()
        #expect(diagnostics.map(\.location) == [fixture.mainPath + ":1:15"])
        #expect(diagnostics.first?.message.contains("'\(bad)' is world-writable") == true)
    }

    @Test func rulesFileInAWorldWritableDirectoryIsRefused() throws {
        let fixture = try ConfigFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.directory + "/open", withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o777])
        let rules = try fixture.write("open/rules.yaml", "[]\n")
        try fixture.write("saker.yaml", "rules_files: [$DIR/open/rules.yaml]\n")
        let (config, diagnostics) = fixture.loader().load()
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath):1:15: error: rules_files: '\(rules)': the directory of the file lets others replace it: '\(fixture.directory)/open' is world-writable (mode 0777): refusing a file that anyone but root can change (chmod go-w)"
        ])
    }

    @Test func stickyWorldWritableDirectoryIsAccepted() throws {
        let fixture = try ConfigFixture()
        try FileManager.default.createDirectory(
            atPath: fixture.directory + "/sticky", withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o1777])
        try fixture.write("sticky/rules.yaml", "[]\n")
        try fixture.write("saker.yaml", "rules_files: [$DIR/sticky/rules.yaml]\n")
        let (_, diagnostics) = fixture.loader().load()
        #expect(diagnostics.isEmpty, "\(ConfigDiagnostic.render(diagnostics))")
    }

    @Test func configInADirectoryOwnedBySomeoneElseIsRefused() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(owners: [fixture.directory: 1000])
        let (_, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        // The rules file lives in the same directory, so its entry is refused too.
        #expect(diagnostics.map(\.location) == [fixture.mainPath, fixture.mainPath + ":1:15"])
        #expect(diagnostics.allSatisfy { $0.message.contains("the directory of the file lets others replace it: '\(fixture.directory)' is owned by uid 1000") })
    }

    @Test func configOwnedBySomeoneElseIsRefused() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(owners: [fixture.mainPath: 1000])
        let (config, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        #expect(config == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location == fixture.mainPath)
        #expect(diagnostics.first?.message.contains("is owned by uid 1000, not root") == true)
    }

    @Test func rulesFileOwnedBySomeoneElseIsRefused() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(owners: [fixture.rulesPath: 1000])
        let (_, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        #expect(diagnostics.map(\.location) == [fixture.mainPath + ":1:15"])
        #expect(diagnostics.first?.message.contains("is owned by uid 1000") == true)
    }

    @Test func defaultPolicyTrustsOnlyRoot() {
        let policy = FileTrustPolicy()
        #expect(policy.problem(with: FileStatus(kind: .regular, permissions: 0o644, ownerUID: 0), path: "/x") == nil)
        #expect(policy.problem(with: FileStatus(kind: .regular, permissions: 0o644, ownerUID: 1), path: "/x") != nil)
        #expect(policy.problem(with: FileStatus(kind: .regular, permissions: 0o660, ownerUID: 0), path: "/x") != nil)
        #expect(FileTrustPolicy(isEnforced: false)
            .problem(with: FileStatus(kind: .regular, permissions: 0o666, ownerUID: 5), path: "/x") == nil)
    }

    @Test func unreadableConfigIsReported() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(unreadable: [fixture.mainPath])
        let (config, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        #expect(config == nil)
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath): error: cannot read configuration file '\(fixture.mainPath)': Permission denied"
        ])
    }

    @Test func unreadableRulesFileIsReportedAtItsEntry() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(unreadable: [fixture.rulesPath])
        let (_, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath):1:15: error: rules_files: '\(fixture.rulesPath)' is not readable"
        ])
    }

    @Test func unreadableDropInDirectoryIsReported() throws {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "rules_files: [$DIR/rules.yaml]\n")
        let fileSystem = AlteredFileSystem(unreadable: [fixture.dropInDirectory])
        let (_, diagnostics) = fixture.loader(fileSystem: fileSystem).load()
        #expect(diagnostics.map(\.location) == [fixture.dropInDirectory])
    }

    @Test func configThatIsADirectoryIsReported() throws {
        let fixture = try ConfigFixture()
        try FileManager.default.createDirectory(atPath: fixture.mainPath, withIntermediateDirectories: false)
        let (_, diagnostics) = fixture.loader(overrides: [fixture.rulesOverride]).load()
        #expect(diagnostics.map(\.description) == [
            "\(fixture.mainPath): error: cannot read configuration file '\(fixture.mainPath)': it is a directory"
        ])
    }
}
