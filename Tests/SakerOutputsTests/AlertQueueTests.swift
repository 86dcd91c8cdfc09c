import SakerOutputs
import SakerRules
import Testing

@Suite struct AlertQueueTests {
    @Test func keepsAlertsInOrderUpToItsCapacityAndCountsTheRestAsDropped() throws {
        let queue = try AlertQueue(capacity: 3)
        for index in 0..<5 { queue.offer(makeAlert(index)) }
        #expect(queue.depth == 3)
        #expect(queue.dropped == 2)
        let batch = try #require(queue.take(maximum: 10, timeoutMilliseconds: 0))
        #expect(batch.map(\.message) == ["alert 0 proc=cat", "alert 1 proc=cat", "alert 2 proc=cat"])
        #expect(queue.depth == 0)
    }

    @Test func takeHandsOutAtMostTheRequestedBatch() throws {
        let queue = try AlertQueue(capacity: 10)
        for index in 0..<5 { queue.offer(makeAlert(index)) }
        #expect(queue.take(maximum: 2, timeoutMilliseconds: 0)?.count == 2)
        #expect(queue.take(maximum: 10, timeoutMilliseconds: 0)?.count == 3)
    }

    @Test func anEmptyQueueTimesOutWithAnEmptyBatch() throws {
        let queue = try AlertQueue(capacity: 10)
        let start = monotonicMicroseconds()
        let batch = queue.take(maximum: 10, timeoutMilliseconds: 20)
        #expect(batch?.isEmpty == true)
        #expect(monotonicMicroseconds() - start >= 15_000)
    }

    @Test func aClosedQueueIsDrainedThenEnds() throws {
        let queue = try AlertQueue(capacity: 10)
        queue.offer(makeAlert(0))
        queue.close()
        #expect(queue.offer(makeAlert(1)) == false)
        #expect(queue.take(maximum: 10, timeoutMilliseconds: 1_000)?.count == 1)
        #expect(queue.take(maximum: 10, timeoutMilliseconds: 1_000) == nil)
        #expect(queue.dropped == 1)
    }

    @Test func closingWhileDiscardingCountsWhatWasPendingAsDropped() throws {
        let queue = try AlertQueue(capacity: 10)
        for index in 0..<4 { queue.offer(makeAlert(index)) }
        queue.close(discardingPending: true)
        #expect(queue.take(maximum: 10, timeoutMilliseconds: 1_000) == nil)
        #expect(queue.dropped == 4)
    }

    @Test func aSlowSinkDropsAndCountsWhileTheProducerNeverWaits() throws {
        let router = try OutputRouter(
            outputs: [.init(name: "slow", sink: SleepingSink(microseconds: 20_000))], queueCapacity: 16)
        var durations: [UInt64] = []
        durations.reserveCapacity(2_000)
        let start = monotonicMicroseconds()
        for index in 0..<2_000 {
            let before = monotonicMicroseconds()
            router.route(makeAlert(index))
            durations.append(monotonicMicroseconds() - before)
        }
        let total = monotonicMicroseconds() - start
        durations.sort()
        // A sink taking 20 ms per batch behind a 16-alert queue: an offer that waited for it would
        // make these 2000 take seconds. Each takes microseconds (bounds loose for a loaded machine).
        #expect(total < 1_000_000, "2000 offers took \(total) µs")
        #expect(durations[1_000] < 100, "the median offer took \(durations[1_000]) µs")
        #expect(durations[1_980] < 1_000, "the 99th percentile offer took \(durations[1_980]) µs")
        let during = try #require(router.counters.first)
        #expect(during.dropped > 0)
        #expect(during.queueDepth <= 16)
        router.shutdown()
        let after = try #require(router.counters.first)
        #expect(after.delivered + after.dropped == 2_000)
        #expect(after.queueDepth == 0)
    }
}
