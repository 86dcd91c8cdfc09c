import Testing
import SakerYAML
@testable import SakerConfig

/// `saker validate --drop-in FILE --as NAME`: a staged drop-in checked in the place it will take.
@Suite struct DropInCandidateTests {
    private func fixture() throws -> ConfigFixture {
        let fixture = try ConfigFixture()
        try fixture.write("saker.yaml", "priority: debug\nrules_files: [$DIR/rules.yaml]\n")
        try fixture.write("config.d/10-a.yaml", "log_level: debug\n")
        try fixture.write("config.d/50-fleet.yaml", "priority: notice\n")
        try fixture.write("config.d/90-z.yaml", "json_output: true\n")
        return fixture
    }

    @Test func candidateReplacesItsNamesakeAndErrorsPointIntoIt() throws {
        let fixture = try fixture()
        let staged = try fixture.write("staged.tmp", "priority: loud\n")
        var loader = fixture.loader()
        loader.dropInCandidate = .init(path: staged, name: "50-fleet.yaml")
        let result = loader.loadDetailed()
        // The file on disk says `notice`, which would hide the staged file's error if both were read.
        #expect(result.configuration == nil)
        #expect(result.diagnostics.map(\.location) == [staged + ":1:11"])
        #expect(!result.files.contains(fixture.dropInDirectory + "/50-fleet.yaml"))
    }

    @Test func candidateTakesItsPlaceInNameOrder() throws {
        let fixture = try fixture()
        let staged = try fixture.write("staged.tmp", "priority: error\njson_output: false\n")
        var loader = fixture.loader()
        loader.dropInCandidate = .init(path: staged, name: "60-new.yaml")
        let result = loader.loadDetailed()
        #expect(result.diagnostics.isEmpty, "\(ConfigDiagnostic.render(result.diagnostics))")
        #expect(result.files == [
            fixture.mainPath, fixture.dropInDirectory + "/10-a.yaml", fixture.dropInDirectory + "/50-fleet.yaml",
            staged, fixture.dropInDirectory + "/90-z.yaml",
        ])
        #expect(result.configuration?.priority == .error)
        // 90-z.yaml comes after the candidate and still wins.
        #expect(result.configuration?.jsonOutput == true)
        #expect(result.configuration?.logLevel == .debug)
    }

    @Test func candidateNameDefaultsToItsOwnAndMustBeADropInName() throws {
        let fixture = try fixture()
        let staged = try fixture.write("50-fleet.yaml", "priority: warning\n")
        var loader = fixture.loader()
        loader.dropInCandidate = .init(path: staged)
        #expect(loader.loadDetailed().configuration?.priority == .warning)

        loader.dropInCandidate = .init(path: staged, name: "fleet.conf")
        let diagnostics = loader.loadDetailed().diagnostics
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("'fleet.conf' is not a drop-in file name") == true)
    }

    @Test func missingCandidateIsAnError() throws {
        let fixture = try fixture()
        var loader = fixture.loader()
        loader.dropInCandidate = .init(path: fixture.directory + "/absent.yaml", name: "50-fleet.yaml")
        let result = loader.loadDetailed()
        #expect(result.configuration == nil)
        #expect(result.diagnostics.first?.message.contains("cannot read drop-in") == true)
    }
}
