import Testing
import SakerEvent
import SakerJSON
@testable import SakerCapture

@Suite struct CaptureFormatTests {
    static let samples: [Event] = [
        Event(number: 1, timestamp: 5, type: .openat, cpu: 1, tid: 10, pid: 9, params: [
            EventParam("fd", .fd(3)), EventParam("dirfd", .fd(-100)), EventParam("name", .string("/etc/hostname")),
            EventParam("flags", .flags(0o2000000, .openFlags)), EventParam("mode", .mode(0o644)),
            EventParam("dev", .uint(0)), EventParam("ino", .uint(0)),
        ]),
        Event(number: 2, timestamp: 6, type: .connect, tid: 10, pid: 9, params: [
            EventParam("res", .errno(-115)),
            EventParam("tuple", .tuple(SocketTuple(client: .inet(IPAddress("::1")!, port: 5), server: .inet(IPAddress("::1")!, port: 80)))),
            EventParam("fd", .fd(4)), EventParam("addr", .address(.unix("@abstract"))),
        ]),
        Event(number: 3, timestamp: 7, type: .execve, tid: 11, pid: 11, params: [
            EventParam("res", .errno(0)), EventParam("exe", .string("sh")), EventParam("args", .strings(["-c", "echo \"hi\""])),
            EventParam("flags", .flags(5, .execFlags)), EventParam("loginuid", .int(-1)),
        ]),
        Event(number: 4, timestamp: 8, type: .procexit, tid: 11, pid: 11, params: [EventParam("status", .int(0))]),
        Event(number: 5, timestamp: 9, type: EventType(name: "getpid")!, tid: 1, pid: 1, params: [EventParam("res", .errno(1)), EventParam("a0", .uint(7))]),
    ]

    @Test func eventsRoundTripThroughJSONLines() throws {
        for event in Self.samples {
            var writer = JSONWriter()
            CaptureFormat.write(event, processName: "cat", to: &writer)
            var text = writer.text
            #expect(text.hasSuffix("\n"))
            text.removeLast()
            let back = try CaptureFormat.parseEvent(text, file: "t.jsonl", line: 2)
            #expect(back == event)
        }
    }

    @Test func linesNameTypeProcessAndFalcoArguments() throws {
        var writer = JSONWriter()
        CaptureFormat.write(Self.samples[0], processName: "cat", to: &writer)
        let json = try JSONParser.parse(String(writer.text.dropLast()))
        #expect(json["evt.type"] == .string("openat"))
        #expect(json["proc.pid"] == .int(9))
        #expect(json["proc.name"] == .string("cat"))
        #expect(json["evt.args"]?["flags"] == .string("O_RDONLY|O_CLOEXEC"))
        #expect(json["evt.args"]?["mode"] == .string("0644"))
    }

    @Test func acceptsSymbolicAndNumericArguments() throws {
        let e = try CaptureFormat.parseEvent(#"{"evt.type":"openat","evt.time":1,"proc.pid":5,"evt.args":{"fd":3,"flags":"O_WRONLY|O_CREAT","mode":420,"res":"ENOENT"}}"#, file: "f", line: 3)
        #expect(e.tid == 5)
        #expect(e.param("flags") == .flags(0o101, .openFlags))
        #expect(e.param("mode") == .mode(0o644))
    }

    @Test(arguments: [
        ("not json", "f:7:2: error: invalid JSON: expected 'null'"),
        ("{oops}", "f:7:2: error: invalid JSON: expected a string key"),
        ("[1]", "f:7: error: expected a JSON object, found an array"),
        (#"{"evt.time":1,"proc.pid":1}"#, "f:7: error: missing \"evt.type\""),
        (#"{"evt.type":"frobnicate","evt.time":1,"proc.pid":1}"#, "f:7: error: unknown event type \"frobnicate\""),
        (#"{"evt.type":"openat","evt.time":1,"proc.pid":1,"evt.args":{"fd":"x"}}"#, "f:7: error: argument \"fd\" of openat: expected an integer, found a string"),
        (#"{"evt.type":"openat","evt.time":1,"proc.pid":1,"evt.args":{"flags":"O_BOGUS"}}"#, "f:7: error: argument \"flags\" of openat: expected flag names of openFlags or a number, found a string"),
        (#"{"evt.type":"openat","evt.time":-1,"proc.pid":1}"#, "f:7: error: missing or negative \"evt.time\""),
    ])
    func badLinesNameTheLine(line: String, message: String) {
        #expect(throws: CaptureFormat.ReadError.self) { try CaptureFormat.parseEvent(line, file: "f", line: 7) }
        do { _ = try CaptureFormat.parseEvent(line, file: "f", line: 7) } catch { #expect(error.description == message) }
    }

    @Test func headerRoundTripsAndVersionIsChecked() throws {
        let header = CaptureFormat.Header(hostname: "h", startTime: 12, kernel: "6.1")
        #expect(try CaptureFormat.parseHeader(header.line, file: "f") == header)
        #expect(throws: CaptureFormat.ReadError.self) { try CaptureFormat.parseHeader(#"{"saker.capture":{"version":99}}"#, file: "f") }
        #expect(throws: CaptureFormat.ReadError.self) { try CaptureFormat.parseHeader(#"{"evt.type":"openat"}"#, file: "f") }
    }
}
