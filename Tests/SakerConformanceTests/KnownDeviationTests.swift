import SakerJSON
import SakerRules
import Testing

/// Minimal reproductions of places where Saker, replaying a capture, does not do what Falco does
/// on the same events. Each is written to Falco's behaviour and recorded as a known issue: when
/// Saker is fixed the known issue stops reproducing and the test says so.
@Suite struct KnownDeviations {
    /// `open_file_failed` needs `fd.num = -1` on a failed open: libs resets the event's fd to -1
    /// on the enter event and only sets it when the open succeeds. Saker reports the return value
    /// (`-13` for EACCES), so the failed half of "Directory traversal monitored file read" never
    /// fires (nor any rule built on `open_file_failed`), except for EPERM, whose -errno is -1.
    @Test func aFailedTraversalOpenFiresDirectoryTraversal() throws {
        let path = ConformancePaths.testDirectory + "/Fixtures/deviations/failed-open-directory-traversal.jsonl"
        let alerts = try StableRules.replay(path)
        withKnownIssue("fd.num of a failed open is the -errno result, not -1 as in libs") {
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
