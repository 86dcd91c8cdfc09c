import Glibc
import SakerOutputs
import SakerRules
import Testing
import SakerTestSupport

@Suite struct FileSinkTests {
    @Test func appendsLinesAfterWhatTheFileAlreadyHolds() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.log")
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        _ = write(fd, "existing\n", 9)
        close(fd)
        let sink = FileSink(path: path)
        try sink.deliver([makeAlert(0), makeAlert(1)])
        #expect(readText(path) == "existing\n" + makeAlert(0).text + "\n" + makeAlert(1).text + "\n")
    }

    @Test func writesJSONAlertsOnePerLine() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.json")
        try FileSink(path: path, format: .json).deliver([makeAlert(0)])
        #expect(readText(path) == makeAlert(0).json + "\n")
    }

    @Test func aKeptOpenFileFollowsTheRenameUntilReopened() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.log")
        let sink = FileSink(path: path, keepAlive: true)
        defer { sink.close() }
        try sink.deliver([makeAlert(0)])
        #expect(rename(path, path + ".1") == 0)
        try sink.deliver([makeAlert(1)])
        sink.reopen()
        try sink.deliver([makeAlert(2)])
        #expect(readText(path + ".1") == makeAlert(0).text + "\n" + makeAlert(1).text + "\n")
        #expect(readText(path) == makeAlert(2).text + "\n")
    }

    @Test func withoutKeepAliveEachBatchOpensThePathAfresh() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.log")
        let sink = FileSink(path: path)
        try sink.deliver([makeAlert(0)])
        #expect(rename(path, path + ".1") == 0)
        try sink.deliver([makeAlert(1)])
        #expect(readText(path + ".1") == makeAlert(0).text + "\n")
        #expect(readText(path) == makeAlert(1).text + "\n")
    }

    @Test func aFileThatCannotBeOpenedIsAnErrorNamingIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("missing/events.log")
        #expect(throws: SinkError("cannot open \(path)", errno: ENOENT)) {
            try FileSink(path: path).deliver([makeAlert(0)])
        }
    }

    @Test func stdoutSinkWritesToItsDescriptor() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        try StdoutSink(format: .json, descriptor: ends[1]).deliver([makeAlert(0), makeAlert(1)])
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var bytes: [UInt8] = []
        while case let count = read(ends[0], &buffer, buffer.count), count > 0 { bytes += buffer[0..<count] }
        #expect(String(decoding: bytes, as: UTF8.self) == makeAlert(0).json + "\n" + makeAlert(1).json + "\n")
    }
}
