import SakerOutputs
import Testing

@Suite struct RuleRateLimiterTests {
    private let second: UInt64 = 1_000_000_000

    @Test func admitsABurstThenSuppressesAndCounts() {
        var limiter = RuleRateLimiter(perSecond: 1, burst: 3)
        let admitted = (0..<5).map { _ in limiter.admit(rule: "A", nowNanoseconds: 10 * second) }
        #expect(admitted == [true, true, true, false, false])
        #expect(limiter.suppressed(rule: "A") == 2)
        #expect(limiter.suppressedByRule == ["A": 2])
    }

    @Test func tokensComeBackAtTheSustainedRate() {
        var limiter = RuleRateLimiter(perSecond: 2, burst: 1)
        let times = [0, second / 4, second / 2, 100 * second, 100 * second]
        let admitted = times.map { limiter.admit(rule: "A", nowNanoseconds: $0) }
        // Half a second buys one token back; a long pause refills only up to the burst.
        #expect(admitted == [true, false, true, true, false])
    }

    @Test func eachRuleHasItsOwnBucket() {
        var limiter = RuleRateLimiter(perSecond: 1, burst: 1)
        let admitted = ["A", "A", "B"].map { limiter.admit(rule: $0, nowNanoseconds: 0) }
        #expect(admitted == [true, false, true])
        #expect(limiter.suppressedByRule == ["A": 1])
    }

    @Test func zeroMeansUnlimited() {
        var limiter = RuleRateLimiter(perSecond: 0, burst: 1)
        let admitted = (0..<10_000).filter { _ in limiter.admit(rule: "A", nowNanoseconds: 0) }
        #expect(admitted.count == 10_000)
        #expect(limiter.isUnlimited)
        #expect(limiter.suppressedByRule.isEmpty)
    }
}
