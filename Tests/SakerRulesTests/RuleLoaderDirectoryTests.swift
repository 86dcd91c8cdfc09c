import Foundation
import SakerRules
import SakerYAML
import Testing

@Suite struct DirectoryLoading {
    @Test func directoryLoadsYamlFilesInNameOrder() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("saker-rules-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = [
            "b.yaml": "- list: l\n  items: [b]\n  override:\n    items: append\n",
            "a.yml": "- list: l\n  items: [a]\n",
            "c.txt": "this is not yaml: [\n",
            ".chef-b20261127.yaml": "this is a half-written temporary: [\n",
        ]
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("sub.yaml"), withIntermediateDirectories: true)

        let loaded = RuleLoader.load(paths: [directory.path])
        #expect(loaded.diagnostics.isEmpty, "\(Diagnostic.render(loaded.diagnostics))")
        #expect(loaded.files.map { ($0 as NSString).lastPathComponent } == ["a.yml", "b.yaml"])
        #expect(loaded.list(named: "l")?.values == ["a", "b"])
    }

    @Test func filesAreReadInTheOrderGiven() throws {
        var loader = RuleLoader()
        loader.load(text: "- macro: m\n  condition: a\n", name: "one.yaml")
        loader.load(text: "- rule: R\n  desc: d\n  condition: m\n  output: o\n  priority: debug\n", name: "two.yaml")
        let loaded = loader.finish()
        #expect(loaded.files == ["one.yaml", "two.yaml"])
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "R")?.priority == .debug)
    }
}
