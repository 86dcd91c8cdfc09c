import Foundation
import Glibc
import Synchronization
import Testing
import SakerSystemd

/// Flags shared between the test and its threads.
private final class Switches: Sendable {
    let stop = Atomic<Bool>(false)
    let agentDone = Atomic<Bool>(false)
    let pipelineDone = Atomic<Bool>(false)
    /// When the agent sent each `WATCHDOG=1`, in microseconds since the start: timed at the
    /// sender, so a test thread that is scheduled late does not misplace them.
    let pings = Mutex<[UInt64]>([])
}

@Suite("End to end: READY, watchdog pings while the pipeline moves, none once it stalls, STOPPING")
struct EndToEndTests {
    @Test("a stalled stage (the SAKER_TEST_FAULT hook) stops the pings; the other stages idling on do not save them", arguments: [
        (NotifyListener.Kind.abstract, "stall-evaluator:after=0.6"),
        (NotifyListener.Kind.path, "stall-reader:after=0.6"),
    ])
    func stallStopsPings(kind: NotifyListener.Kind, faultSpec: String) throws {
        let listener = try NotifyListener(kind)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        let watchdog = try #require(try WatchdogConfiguration.parse(watchdogUsec: "100000", watchdogPID: "\(getpid())", processID: getpid()))
        let fault = try PipelineFault(parsing: faultSpec)
        let counters = PipelineCounters()
        let switches = Switches()
        let start = MonotonicClock.microseconds()

        // A fake pipeline on an idle host: every stage only heartbeats, until the fault hook
        // stalls one of them.
        Thread.detachNewThread {
            while !switches.stop.load(ordering: .relaxed) {
                let elapsed = MonotonicClock.microseconds() - start
                for stage in PipelineStage.allCases where !fault.stalls(stage, elapsedUsec: elapsed) {
                    counters.recordHeartbeat(stage)
                }
                usleep(2_000)
            }
            switches.pipelineDone.store(true, ordering: .releasing)
        }
        // The agent's notification loop, as the run loop will drive it.
        Thread.detachNewThread {
            try? socket.send(.ready, .status(StatusLine(phase: .ready, rules: 3).text))
            var policy = WatchdogPolicy(configuration: watchdog, startUsec: MonotonicClock.microseconds(), progress: counters.snapshot())
            while !switches.stop.load(ordering: .relaxed) {
                let now = MonotonicClock.microseconds()
                if policy.tick(nowUsec: now, progress: counters.snapshot()) == .ping {
                    switches.pings.withLock { $0.append(now - start) }
                    try? socket.send(.watchdog)
                }
                usleep(5_000)
            }
            try? socket.send(.stopping)
            switches.agentDone.store(true, ordering: .releasing)
        }

        let first = listener.receive(timeout: 10)
        #expect(first == "READY=1\nSTATUS=Ready: 3 rules, 0 ev/s, 0 drops")
        // Until the stall (0.6 s) and a little after it, then shut down.
        let received = listener.collect(for: max(0, 1.4 - Double(MonotonicClock.microseconds() - start) / 1e6))
        switches.stop.store(true, ordering: .relaxed)
        var tail = listener.collect(for: 0.3)
        while !switches.agentDone.load(ordering: .acquiring) || !switches.pipelineDone.load(ordering: .acquiring) {
            usleep(10_000)
            tail += listener.collect(for: 0.05)
        }

        let sent = switches.pings.withLock { $0 }.map { Double($0) / 1e6 }
        let all = received + tail
        #expect(all.filter { $0.text == "WATCHDOG=1" }.count == sent.count, "every ping arrives, byte-exact")
        #expect(all.map(\.text).filter { $0 != "WATCHDOG=1" } == ["STOPPING=1"])
        #expect(all.last?.text == "STOPPING=1")
        // Interval 50 ms: about ten pings before the stall at 0.6 s; a slow machine gets fewer, never none.
        #expect(sent.filter { $0 < 0.6 }.count >= 3, "pings at \(sent)")
        // A ping already decided, or a heartbeat recorded just before the stall, can give one or
        // two more; then nothing, however long the agent keeps running.
        #expect(sent.filter { $0 >= 0.6 }.count <= 2, "pings at \(sent)")
        #expect(sent.filter { $0 >= 1.0 }.isEmpty, "pings at \(sent)")
    }
}
