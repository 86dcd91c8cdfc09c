import Glibc
import SakerOutputs
import SakerRules
import Testing
import SakerTestSupport

@Suite struct OutputRouterTests {
    @Test func everyAlertReachesEverySinkInOrder() throws {
        let first = RecordingSink()
        let second = RecordingSink()
        let router = try OutputRouter(
            outputs: [.init(name: "first", sink: first), .init(name: "second", sink: second)], queueCapacity: 100)
        for index in 0..<5 { router.route(makeAlert(index)) }
        router.shutdown()
        let expected = (0..<5).map { makeAlert($0).message }
        #expect(first.messages == expected)
        #expect(second.messages == expected)
        #expect(router.counters == [
            OutputCounters(name: "first", delivered: 5), OutputCounters(name: "second", delivered: 5),
        ])
    }

    @Test func dropsPastASinksQueueAreCountedWithTheQueuesDrops() throws {
        struct LossySink: AlertSink {
            func deliver(_ batch: [Alert]) throws(SinkError) {}
            var droppedPastQueue: UInt64 { 7 }
        }
        let router = try OutputRouter(outputs: [.init(name: "lossy", sink: LossySink())], queueCapacity: 100)
        for index in 0..<3 { router.route(makeAlert(index)) }
        router.shutdown()
        #expect(router.counters == [OutputCounters(name: "lossy", delivered: 3, dropped: 7)])
    }

    @Test func aStalledSinkDoesNotHoldUpTheOthers() throws {
        let fast = RecordingSink()
        let router = try OutputRouter(
            outputs: [.init(name: "stalled", sink: SleepingSink(microseconds: 300_000)), .init(name: "fast", sink: fast)],
            queueCapacity: 100)
        let start = monotonicMicroseconds()
        for index in 0..<10 { router.route(makeAlert(index)) }
        #expect(eventually(within: 5) { fast.messages.count == 10 })
        #expect(monotonicMicroseconds() - start < 250_000, "the fast sink waited for the stalled one")
        router.shutdown(discardingPending: true)
    }

    @Test func aFailingSinkIsCountedAndUnhealthyWithoutHurtingTheOthers() throws {
        let good = RecordingSink()
        let router = try OutputRouter(
            outputs: [.init(name: "down", sink: FailingSink()), .init(name: "good", sink: good)], queueCapacity: 100)
        for index in 0..<5 { router.route(makeAlert(index)) }
        router.shutdown()
        let counters = router.counters
        #expect(counters[0].failed == 5)
        #expect(counters[0].delivered == 0)
        #expect(!counters[0].healthy)
        #expect(counters[0].lastError == "the collector is down: Connection refused")
        #expect(counters[1] == OutputCounters(name: "good", delivered: 5))
        #expect(good.messages.count == 5)
    }

    @Test func theRateLimitSuppressesPerRuleBeforeAnySink() throws {
        let sink = RecordingSink()
        let router = try OutputRouter(
            outputs: [.init(name: "recording", sink: sink)], queueCapacity: 100,
            rateLimit: RuleRateLimiter(perSecond: 0.001, burst: 2))
        let routed = (0..<5).map { router.route(makeAlert($0)) }
        #expect(router.route(makeAlert(5, rule: "Other rule")))
        router.shutdown()
        #expect(routed == [true, true, false, false, false])
        #expect(router.suppressedByRule == ["Test rule": 3])
        #expect(sink.messages == ["alert 0 proc=cat", "alert 1 proc=cat", "alert 5 proc=cat"])
    }

    @Test func reopenReachesTheFileSinkBetweenDeliveries() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("events.log")
        let router = try OutputRouter(
            outputs: [.init(name: "file", sink: FileSink(path: path, keepAlive: true))], queueCapacity: 100)
        router.route(makeAlert(0))
        #expect(eventually { router.counters.first?.delivered == 1 })
        #expect(rename(path, path + ".1") == 0)
        router.reopen()
        router.route(makeAlert(1))
        router.shutdown()
        #expect(readText(path + ".1") == makeAlert(0).text + "\n")
        #expect(readText(path) == makeAlert(1).text + "\n")
    }

    @Test func shutdownCanDiscardWhatIsQueuedAndCountsIt() throws {
        let router = try OutputRouter(
            outputs: [.init(name: "slow", sink: SleepingSink(microseconds: 50_000))], queueCapacity: 1_000)
        for index in 0..<300 { router.route(makeAlert(index)) }
        router.shutdown(discardingPending: true)
        let counters = try #require(router.counters.first)
        #expect(counters.delivered + counters.dropped == 300)
        #expect(counters.dropped > 0)
        #expect(!router.route(makeAlert(0)) || router.counters.first?.dropped == counters.dropped + 1)
    }
}
