import Glibc
import SakerOutputs
import SakerRules
import Testing
import SakerTestSupport

@Suite struct ProgramSinkTests {
    private func lines(_ indices: ClosedRange<Int>) -> String {
        indices.map { makeAlert($0).text + "\n" }.joined()
    }

    /// Whether the process is a zombie (dead, not yet reaped by the sink).
    private func isZombie(_ pid: pid_t) -> Bool {
        let stat = readText("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[close...].hasPrefix(") Z")
    }

    @Test func aKeptAliveProgramReceivesLinesAndIsRestartedAfterBeingKilled() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("out")
        let sink = ProgramSink(command: "cat >> '\(output)'", keepAlive: true)
        defer { sink.close() }
        try sink.deliver([makeAlert(0), makeAlert(1)])
        #expect(eventually { readText(output) == lines(0...1) })
        let first = try #require(sink.processID)

        #expect(kill(first, SIGKILL) == 0)
        #expect(eventually { isZombie(first) })
        try sink.deliver([makeAlert(2)])
        #expect(eventually { readText(output) == lines(0...2) })
        #expect(sink.restarts == 1)
        let second = try #require(sink.processID)
        #expect(second != first)

        sink.close()
        #expect(sink.processID == nil)
        #expect(kill(second, 0) == -1)
    }

    @Test func withoutKeepAliveEachBatchRunsItsOwnProcessToTheEnd() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("out")
        let sink = ProgramSink(command: "cat >> '\(output)'")
        try sink.deliver([makeAlert(0)])
        #expect(readText(output) == lines(0...0))
        try sink.deliver([makeAlert(1), makeAlert(2)])
        #expect(readText(output) == lines(0...2))
        #expect(sink.processID == nil)
        #expect(sink.restarts == 1)
    }

    @Test func aProgramThatExitsAtOnceIsAnErrorOrARestartNeverASignal() throws {
        let sink = ProgramSink(command: "exec true", keepAlive: true)
        defer { sink.close() }
        for index in 0..<5 {
            // The write lands in the socket buffer, or finds the reader gone (EPIPE, not SIGPIPE).
            do throws(SinkError) { try sink.deliver([makeAlert(index)]) } catch { #expect(error.errno == EPIPE) }
            usleep(20_000)
        }
        #expect(sink.restarts >= 1)
    }

    @Test func theCommandStartsWithDefaultSignalHandling() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("status")
        let saved = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, saved) }
        let sink = ProgramSink(command: "grep -E '^Sig(Ign|Blk)' /proc/self/status > '\(output)'; cat > /dev/null")
        try sink.deliver([makeAlert(0)])
        var masks: [String: UInt64] = [:]
        for line in readText(output).split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1], radix: 16) }
        }
        #expect(masks["SigBlk:"] == 0)
        // Signal n is bit n - 1; SIGPIPE is 13.
        let ignored = try #require(masks["SigIgn:"])
        #expect(ignored & (1 << (UInt64(SIGPIPE) - 1)) == 0)
    }

    @Test func aProgramThatIgnoresItsInputIsKilledAfterTheTimeout() throws {
        let sink = ProgramSink(command: "exec sleep 30", timeoutMilliseconds: 200)
        let start = monotonicMicroseconds()
        try sink.deliver([makeAlert(0)])
        #expect(monotonicMicroseconds() - start < 5_000_000)
    }
}
