/// The agent's one-line `STATUS=` text, as `systemctl status saker` shows it.
///
/// ```
/// Starting: compiling 36 rules
/// Ready: 36 rules, 1520 ev/s, 0 drops
/// Reload failed: /etc/saker/saker.yaml:3:5: unknown key `prority` (running previous config); 36 rules, 1520 ev/s, 0 drops
/// Stopping
/// ```
///
/// The text is one line (control characters become spaces) and at most ``maximumLength`` bytes
/// of UTF-8: a long reload error is cut short with `…`, keeping what follows it.
public struct StatusLine: Sendable, Hashable {
    /// What the agent is doing.
    public enum Phase: Sendable, Hashable {
        /// Starting up; the detail says at what (`loading rules`, `attaching probes`…).
        case starting(String)
        /// Running.
        case ready
        /// Reloading its configuration and rules.
        case reloading
        /// Shutting down.
        case stopping
    }

    /// The default bound, which keeps `systemctl status` on one or two terminal lines.
    public static let defaultMaximumLength = 256

    /// What the agent is doing.
    public var phase: Phase
    /// Rules loaded and enabled.
    public var rules: Int
    /// Events read per second over the last interval (see ``EventRate``).
    public var eventsPerSecond: UInt64
    /// Events the kernel dropped since start (ring buffer full).
    public var kernelDrops: UInt64
    /// The error of the last reload, while the previous configuration keeps running; `nil` when
    /// there was no reload or the last one succeeded.
    public var lastReloadError: String?
    /// The longest text, in bytes of UTF-8.
    public var maximumLength: Int

    /// A status with the given values.
    public init(phase: Phase, rules: Int = 0, eventsPerSecond: UInt64 = 0, kernelDrops: UInt64 = 0, lastReloadError: String? = nil, maximumLength: Int = StatusLine.defaultMaximumLength) {
        self.phase = phase
        self.rules = rules
        self.eventsPerSecond = eventsPerSecond
        self.kernelDrops = kernelDrops
        self.lastReloadError = lastReloadError
        self.maximumLength = maximumLength
    }

    /// The counters part: `36 rules, 1520 ev/s, 0 drops`.
    var counters: String {
        "\(rules) \(rules == 1 ? "rule" : "rules"), \(eventsPerSecond) ev/s, \(kernelDrops) \(kernelDrops == 1 ? "drop" : "drops")"
    }

    /// The text for `STATUS=`.
    public var text: String {
        switch phase {
        case .starting(let detail):
            return StatusLine.bounded(prefix: "Starting: ", middle: detail, suffix: "", maximumLength)
        case .reloading:
            return StatusLine.bounded(prefix: "Reloading: ", middle: "", suffix: counters, maximumLength)
        case .stopping:
            return "Stopping"
        case .ready:
            if let error = lastReloadError {
                return StatusLine.bounded(prefix: "Reload failed: ", middle: error, suffix: " (running previous config); " + counters, maximumLength)
            }
            return StatusLine.bounded(prefix: "Ready: ", middle: "", suffix: counters, maximumLength)
        }
    }

    /// The message to send.
    public var message: NotifyMessage { .status(text) }

    /// `prefix + middle + suffix` on one line and within `limit` bytes: the middle (free text) is
    /// shortened first, then the whole line is cut.
    static func bounded(prefix: String, middle: String, suffix: String, _ limit: Int) -> String {
        let middle = NotifyMessage.singleLine(middle)
        let fixed = prefix.utf8.count + suffix.utf8.count
        if fixed + middle.utf8.count <= limit { return prefix + middle + suffix }
        let ellipsis = "…"
        let room = limit - fixed - ellipsis.utf8.count
        if room >= 0 { return prefix + utf8Prefix(middle, room) + ellipsis + suffix }
        return utf8Prefix(prefix + middle + suffix, max(0, limit - ellipsis.utf8.count)) + (limit >= ellipsis.utf8.count ? ellipsis : "")
    }

    /// The longest prefix of `text` of whole characters within `bytes` bytes of UTF-8.
    static func utf8Prefix(_ text: String, _ bytes: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= bytes else { break }
            result.append(character)
            used += size
        }
        return result
    }
}

/// Events per second over the last interval, from a growing event counter.
public struct EventRate: Sendable, Hashable {
    private var lastCount: UInt64?
    private var lastUsec: UInt64 = 0
    /// The rate measured by the last ``update(count:nowUsec:)``.
    public private(set) var perSecond: UInt64 = 0

    /// No measurement yet.
    public init() {}

    /// Takes a new reading of the counter at `nowUsec` (`CLOCK_MONOTONIC` microseconds) and
    /// returns the rate since the previous reading (0 on the first one).
    @discardableResult
    public mutating func update(count: UInt64, nowUsec: UInt64) -> UInt64 {
        if let lastCount, nowUsec > lastUsec {
            let events = count >= lastCount ? count - lastCount : 0
            let elapsed = nowUsec - lastUsec
            perSecond = (events.multipliedReportingOverflow(by: 1_000_000).overflow ? UInt64.max : events * 1_000_000) / elapsed
        }
        lastCount = count
        lastUsec = nowUsec
        return perSecond
    }
}
