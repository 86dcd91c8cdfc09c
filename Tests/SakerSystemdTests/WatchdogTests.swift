import Glibc
import Testing
import SakerSystemd

@Suite("WatchdogConfiguration: WATCHDOG_USEC and WATCHDOG_PID as sd_watchdog_enabled reads them")
struct WatchdogConfigurationTests {
    @Test("the ping interval is half of WATCHDOG_USEC")
    func interval() throws {
        let configuration = try #require(try WatchdogConfiguration.parse(watchdogUsec: "30000000", watchdogPID: nil, processID: 100))
        #expect(configuration.timeoutUsec == 30_000_000)
        #expect(configuration.intervalUsec == 15_000_000)
        #expect(WatchdogConfiguration(timeoutUsec: 3).intervalUsec == 1)
    }

    @Test("no WATCHDOG_USEC: no watchdog")
    func unset() throws {
        #expect(try WatchdogConfiguration.parse(watchdogUsec: nil, watchdogPID: nil, processID: 100) == nil)
        #expect(try WatchdogConfiguration.parse(watchdogUsec: nil, watchdogPID: "100", processID: 100) == nil)
    }

    @Test("WATCHDOG_PID naming this process: the watchdog is ours")
    func pidMatches() throws {
        #expect(try WatchdogConfiguration.parse(watchdogUsec: "1000000", watchdogPID: "100", processID: 100)?.intervalUsec == 500_000)
    }

    @Test("WATCHDOG_PID naming another process: inherited, not ours, so disabled")
    func pidMismatch() throws {
        #expect(try WatchdogConfiguration.parse(watchdogUsec: "1000000", watchdogPID: "101", processID: 100) == nil)
    }

    @Test("unusable values are typed errors", arguments: [
        ("abc", nil), ("", nil), ("0", nil), ("-5", nil), ("18446744073709551615", nil), ("1000000", "x"), ("1000000", "0"), ("1000000", "-1"),
    ] as [(String, String?)])
    func invalid(usec: String, pid: String?) throws {
        let error = try #require(throws: WatchdogConfigurationError.self) {
            try WatchdogConfiguration.parse(watchdogUsec: usec, watchdogPID: pid, processID: 100)
        }
        #expect(error.variable == (pid == nil ? "WATCHDOG_USEC" : "WATCHDOG_PID"))
    }
}

@Suite("WatchdogPolicy: ping only while every stage makes progress")
struct WatchdogPolicyTests {
    /// Counters where every stage has done `work` units and `heartbeats` idle turns.
    static func progress(work: UInt64 = 0, heartbeats: UInt64 = 0) -> PipelineProgress {
        let stage = StageProgress(work: work, heartbeats: heartbeats)
        return PipelineProgress(reader: stage, evaluator: stage, output: stage)
    }

    @Test("nothing is due before one interval has passed")
    func waitsForInterval() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 10_000)
        #expect(policy.tick(nowUsec: 10_500, progress: Self.progress(work: 5)) == .wait(untilUsec: 11_000))
        #expect(policy.tick(nowUsec: 10_999, progress: Self.progress(work: 6)) == .wait(untilUsec: 11_000))
    }

    @Test("a ping is sent when every stage did work during the interval")
    func pingsWithProgress() {
        var policy = WatchdogPolicy(configuration: WatchdogConfiguration(timeoutUsec: 2_000), startUsec: 0)
        #expect(policy.intervalUsec == 1_000)
        #expect(policy.tick(nowUsec: 1_000, progress: Self.progress(work: 1)) == .ping)
        #expect(policy.lastPingUsec == 1_000)
        #expect(policy.tick(nowUsec: 1_500, progress: Self.progress(work: 2)) == .wait(untilUsec: 2_000))
        #expect(policy.tick(nowUsec: 2_100, progress: Self.progress(work: 3)) == .ping)
    }

    @Test("no progress at all for an interval: the ping is withheld")
    func withholdsWithoutProgress() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0, progress: Self.progress(work: 7, heartbeats: 3))
        #expect(policy.tick(nowUsec: 1_000, progress: Self.progress(work: 7, heartbeats: 3)) == .withhold(stalled: [.reader, .evaluator, .output], sinceUsec: 0))
        #expect(policy.tick(nowUsec: 5_000, progress: Self.progress(work: 7, heartbeats: 3)) == .withhold(stalled: [.reader, .evaluator, .output], sinceUsec: 0))
    }

    @Test("a stalled evaluator stops the pings although the reader keeps reading")
    func stalledEvaluator() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0)
        var counters = Self.progress(work: 1)
        #expect(policy.tick(nowUsec: 1_000, progress: counters) == .ping)
        counters.reader.work += 500
        counters.output.heartbeats += 10
        #expect(policy.tick(nowUsec: 2_000, progress: counters) == .withhold(stalled: [.evaluator], sinceUsec: 1_000))
        counters.reader.work += 500
        #expect(policy.tick(nowUsec: 2_900, progress: counters) == .withhold(stalled: [.evaluator], sinceUsec: 1_000))
    }

    @Test("a stalled reader stops the pings although the other stages idle along")
    func stalledReader() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0)
        var counters = Self.progress(heartbeats: 1)
        #expect(policy.tick(nowUsec: 1_000, progress: counters) == .ping)
        counters.evaluator.heartbeats += 100
        counters.output.heartbeats += 100
        #expect(policy.tick(nowUsec: 2_000, progress: counters) == .withhold(stalled: [.reader], sinceUsec: 1_000))
    }

    @Test("an idle host with no syscalls still pings: poll heartbeats count as progress")
    func idleButPolling() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0)
        for turn in UInt64(1)...5 {
            #expect(policy.tick(nowUsec: turn * 1_000, progress: Self.progress(work: 0, heartbeats: turn * 100)) == .ping)
        }
    }

    @Test("pings resume at the first tick after the stalled stage moves again")
    func resumes() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0)
        var counters = Self.progress(work: 1)
        #expect(policy.tick(nowUsec: 1_000, progress: counters) == .ping)
        counters.reader.work += 1
        counters.output.heartbeats += 1
        #expect(policy.tick(nowUsec: 2_000, progress: counters) == .withhold(stalled: [.evaluator], sinceUsec: 1_000))
        counters.evaluator.work += 1
        #expect(policy.tick(nowUsec: 2_010, progress: counters) == .ping)
        #expect(policy.lastPingUsec == 2_010)
        #expect(policy.tick(nowUsec: 2_500, progress: counters) == .wait(untilUsec: 3_010))
    }

    @Test("only the watched stages are required to move")
    func watchedStages() {
        var policy = WatchdogPolicy(intervalUsec: 1_000, startUsec: 0, watching: [.reader, .evaluator])
        var counters = PipelineProgress()
        counters.reader.heartbeats = 1
        counters.evaluator.heartbeats = 1
        #expect(policy.tick(nowUsec: 1_000, progress: counters) == .ping)
    }

    @Test("PipelineCounters: work and heartbeats recorded per stage, from any thread")
    func counters() {
        let counters = PipelineCounters()
        counters.recordWork(.reader, count: 64)
        counters.recordWork(.evaluator)
        counters.recordHeartbeat(.output)
        counters.recordHeartbeat(.output)
        let snapshot = counters.snapshot()
        #expect(snapshot.reader == StageProgress(work: 64, heartbeats: 0))
        #expect(snapshot.evaluator == StageProgress(work: 1, heartbeats: 0))
        #expect(snapshot.output == StageProgress(work: 0, heartbeats: 2))
    }
}
