import Glibc
import SakerConfig
import SakerOutputs
import SakerRules
import Testing

@Suite struct SyslogSinkTests {
    /// `Mmm dd HH:MM:SS` in local time, computed independently of the sink.
    private func localTimestamp(_ nanoseconds: UInt64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func sendsOneRFC3164DatagramPerAlertWithFacilityAndMappedSeverity() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let receiver = try DatagramReceiver(path: directory.file("log"))
        let sink = SyslogSink(facility: .local3, socketPath: receiver.path)
        defer { sink.close() }
        let alerts = [makeAlert(0, priority: .error), makeAlert(1, priority: .debug)]
        try sink.deliver(alerts)
        let first = try #require(receiver.receive())
        let second = try #require(receiver.receive())
        // local3 is 19: 19 × 8 + error (3) = 155, + debug (7) = 159.
        let stamp = localTimestamp(alerts[0].time)
        #expect(first == Array("<155>\(stamp) saker[\(getpid())]: \(alerts[0].text)".utf8))
        #expect(second == Array("<159>\(stamp) saker[\(getpid())]: \(alerts[1].text)".utf8))
    }

    @Test func facilityCodesFollowSyslogH() {
        #expect(SyslogFacility.kern.code == 0)
        #expect(SyslogFacility.daemon.code == 3)
        #expect(SyslogFacility.authpriv.code == 10)
        #expect(SyslogFacility.local0.code == 16)
        #expect(SyslogFacility.local7.code == 23)
    }

    @Test func aMissingSocketIsAnErrorNamingIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("nobody")
        let sink = SyslogSink(socketPath: path)
        defer { sink.close() }
        #expect(throws: SinkError.self) { try sink.deliver([makeAlert(0)]) }
    }
}

@Suite struct JournaldSinkTests {
    @Test func sendsNativeProtocolFieldsByteByByte() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let receiver = try DatagramReceiver(path: directory.file("journal"))
        let sink = JournaldSink(socketPath: receiver.path)
        defer { sink.close() }
        let alert = Alert(
            rule: "Read sensitive file", priority: .critical, tags: ["a", "b"], time: 5, hostname: "box",
            message: "two\nlines", outputFields: [("fd.name", .string("/etc/shadow")), ("proc.aname[2]", nil)])
        try sink.deliver([alert])
        let datagram = try #require(receiver.receive())
        var expected = Array("MESSAGE\n".utf8) + [9, 0, 0, 0, 0, 0, 0, 0] + Array("two\nlines\n".utf8)
        expected += Array(
            """
            PRIORITY=2
            SYSLOG_IDENTIFIER=saker
            SAKER_RULE=Read sensitive file
            SAKER_PRIORITY=Critical
            SAKER_SOURCE=syscall
            SAKER_TAGS=a,b
            SAKER_HOSTNAME=box
            SAKER_TIME=5
            SAKER_FIELD_FD_NAME=/etc/shadow
            SAKER_FIELD_PROC_ANAME_2_=<NA>

            """.utf8)
        #expect(datagram == expected)
    }

    @Test(arguments: [
        (RulePriority.emergency, "0"), (.alert, "1"), (.critical, "2"), (.error, "3"),
        (.warning, "4"), (.notice, "5"), (.informational, "6"), (.debug, "7"),
    ])
    func priorityMapsToTheSyslogScale(priority: RulePriority, expected: String) {
        let fields = JournaldSink().fields(for: makeAlert(0, priority: priority))
        #expect(fields.first { $0.name == "PRIORITY" }?.value == expected)
    }

    @Test func outputFieldNamesAreUpperCasedWithOtherCharactersAsUnderscores() {
        #expect(JournaldSink.fieldName("proc.name") == "PROC_NAME")
        #expect(JournaldSink.fieldName("evt.arg.flags") == "EVT_ARG_FLAGS")
        #expect(JournaldSink.fieldName("proc.aname[2]") == "PROC_ANAME_2_")
        #expect(JournaldSink.fieldName("k8s.ns.name-é") == "K8S_NS_NAME__")
        #expect(("SAKER_FIELD_" + JournaldSink.fieldName(String(repeating: "x", count: 100))).count == 64)
    }
}
