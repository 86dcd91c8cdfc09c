import SakerYAML
import Testing

/// `../shared/falco-rules/` beside the repository, found from this file's path.
private func upstreamRulesDirectory(_ file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)  // Tests/SakerYAMLTests/<file>
    components.removeLast()  // the repository folder itself
    return components.joined(separator: "/") + "/shared/falco-rules"
}

private let upstreamFiles = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"]

@Suite struct UpstreamYAML {
    @Test(arguments: upstreamFiles)
    func parsesEachUpstreamFile(_ name: String) throws {
        let path = upstreamRulesDirectory() + "/" + name
        let documents = try YAMLParser.parse(contentsOfFile: path)
        #expect(documents.count == 1)
        let items = try documents[0].root.sequenceItems()
        #expect(items.count > 100)
        #expect(items.allSatisfy { $0.isMapping })
    }

    /// The budget: a 2.7 MB rules file in well under 200 ms (release build). Debug builds
    /// are an order of magnitude slower, so they get a looser bound.
    @Test func parsesLargeFileQuickly() throws {
        var bytes: [UInt8] = []
        for name in upstreamFiles {
            bytes += try YAMLSource(contentsOfFile: upstreamRulesDirectory() + "/" + name).bytes
        }
        // Top-level block sequences concatenate into one valid sequence.
        let one = bytes
        while bytes.count < 2_700_000 { bytes += one }
        let source = YAMLSource(name: "big.yaml", bytes: bytes)
        let clock = ContinuousClock()
        var items = 0
        let elapsed = try clock.measure {
            items = try YAMLParser.parse(source)[0].root.sequenceItems().count
        }
        #expect(items > 3000)
        #if DEBUG
        let budget = Duration.seconds(3)
        #else
        let budget = Duration.milliseconds(200)
        #endif
        print("parsed \(bytes.count) bytes (\(items) items) in \(elapsed)")
        #expect(elapsed < budget)
    }
}
