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

    @Test func aCandidateIsReadInPlaceOfItsNamesakeOrInNameOrder() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("saker-rules-candidate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "- list: l\n  items: [a]\n".write(to: directory.appendingPathComponent("10-a.yaml"), atomically: true, encoding: .utf8)
        try "- list: l\n  items: [broken\n".write(to: directory.appendingPathComponent("50-b.yaml"), atomically: true, encoding: .utf8)
        try "- list: l\n  items: [z]\n  override:\n    items: append\n".write(
            to: directory.appendingPathComponent("90-z.yaml"), atomically: true, encoding: .utf8)
        let staged = directory.appendingPathComponent("staged.tmp").path
        try "- list: l\n  items: [b]\n  override:\n    items: append\n".write(toFile: staged, atomically: true, encoding: .utf8)

        // In place of 50-b.yaml, whose broken copy on disk is not read.
        var replacing = RuleLoader()
        replacing.candidate = .init(directory: directory.path + "/", path: staged, name: "50-b.yaml")
        replacing.load(path: directory.path)
        let replaced = replacing.finish()
        #expect(replacing.candidateRead)
        #expect(replaced.diagnostics.isEmpty, "\(Diagnostic.render(replaced.diagnostics))")
        #expect(replaced.list(named: "l")?.values == ["a", "b", "z"])
        #expect(replaced.files.map { ($0 as NSString).lastPathComponent } == ["10-a.yaml", "staged.tmp", "90-z.yaml"])

        // A new name takes its place in name order.
        var inserting = RuleLoader()
        inserting.candidate = .init(directory: directory.path, path: staged, name: "95-new.yml")
        inserting.load(path: directory.path)
        #expect(inserting.finish().files.map { ($0 as NSString).lastPathComponent }
            == ["10-a.yaml", "50-b.yaml", "90-z.yaml", "staged.tmp"])

        // Another directory: not read, and the loader says so.
        var elsewhere = RuleLoader()
        elsewhere.candidate = .init(directory: "/etc/saker/rules.d", path: staged, name: "50-b.yaml")
        elsewhere.load(path: directory.path)
        #expect(!elsewhere.candidateRead)
        #expect(RuleLoader.Candidate(directory: "/d", path: staged, name: ".hidden.yaml").nameProblem != nil)
        #expect(RuleLoader.Candidate(directory: "/d", path: staged, name: "ok.yaml").nameProblem == nil)
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
