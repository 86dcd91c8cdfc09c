import SakerJSON
import SakerRules
import Testing

/// Cases beyond the 25 fixtures where Saker once differed from Falco, kept as regressions.
@Suite struct FailedCallConformance {
    /// `open_file_failed` needs `fd.num = -1` on a failed open: libs resets the event's fd to -1
    /// and only sets it when the open succeeds, so the failed half of "Directory traversal
    /// monitored file read" fires on an EACCES open.
    @Test func aFailedTraversalOpenFiresDirectoryTraversal() throws {
        let path = ConformancePaths.testDirectory + "/Fixtures/deviations/failed-open-directory-traversal.jsonl"
        let alerts = try StableRules.replay(path)
        do {
            let alert = try #require(alerts.first { $0.alert.rule == "Directory traversal monitored file read" })
            #expect(alert.event == 4)
            let fields = alert.alert.outputFields.map { ($0.key, $0.value?.json ?? .null) }
            let expected: [(String, JSONValue)] = [
                ("fd.name", .string("/etc/shadow")), ("fd.nameraw", .string("static/../../../etc/shadow")),
                ("evt.type", .string("openat")), ("user.name", .string("www-data")), ("user.uid", .int(33)),
            ]
            #expect(fieldDifferences(expected: expected, actual: fields.filter { key, _ in
                expected.contains { $0.0 == key }
            }).isEmpty)
        }
    }
}
