/// A token bucket per rule: each rule may emit `burst` alerts at once and `perSecond` alerts per
/// second sustained; the rest are suppressed and counted per rule. A pure value: the caller
/// supplies the time, so it is tested without clocks.
public struct RuleRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var lastNanoseconds: UInt64
        var suppressed: UInt64 = 0
    }

    /// Sustained alerts per second per rule; `0` means unlimited.
    public let perSecond: Double
    /// Alerts a rule may emit at once (at least 1).
    public let burst: Int
    private var buckets: [String: Bucket] = [:]

    /// A limiter with `per_rule_per_second` and `burst` from `outputs_rate`.
    public init(perSecond: Double, burst: Int) {
        self.perSecond = max(perSecond, 0)
        self.burst = max(burst, 1)
    }

    /// A limiter that admits everything.
    public static var unlimited: RuleRateLimiter { RuleRateLimiter(perSecond: 0, burst: 1) }

    /// Whether the limiter admits anything it is asked about.
    public var isUnlimited: Bool { perSecond == 0 }

    /// Whether an alert of `rule` at `nowNanoseconds` (a monotonic clock) may go out; when not,
    /// it is counted as suppressed for that rule.
    public mutating func admit(rule: String, nowNanoseconds: UInt64) -> Bool {
        guard perSecond > 0 else { return true }
        var bucket = buckets[rule] ?? Bucket(tokens: Double(burst), lastNanoseconds: nowNanoseconds)
        let elapsed = nowNanoseconds >= bucket.lastNanoseconds ? nowNanoseconds - bucket.lastNanoseconds : 0
        bucket.tokens = min(Double(burst), bucket.tokens + Double(elapsed) / 1e9 * perSecond)
        bucket.lastNanoseconds = nowNanoseconds
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 } else { bucket.suppressed += 1 }
        buckets[rule] = bucket
        return admitted
    }

    /// Alerts suppressed so far for `rule`.
    public func suppressed(rule: String) -> UInt64 { buckets[rule]?.suppressed ?? 0 }

    /// Alerts suppressed so far, by rule (rules with none are left out).
    public var suppressedByRule: [String: UInt64] {
        buckets.compactMapValues { $0.suppressed > 0 ? $0.suppressed : nil }
    }
}
