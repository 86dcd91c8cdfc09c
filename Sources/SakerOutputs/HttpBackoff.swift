/// The waits between the attempts of one HTTP delivery: `initial`, doubling, never more than
/// `maximum` (100 ms, 200 ms, 400 ms … 5 s, 5 s …). Pure, so the schedule is tested without I/O.
public struct HttpBackoff: Sendable, Equatable {
    /// The wait before the first retry, in milliseconds.
    public var initialMilliseconds: Int64
    /// The longest wait, in milliseconds.
    public var maximumMilliseconds: Int64

    /// 100 ms doubling to 5 s.
    public static let standard = HttpBackoff(initialMilliseconds: 100, maximumMilliseconds: 5000)

    /// Creates a schedule; a maximum below the initial wait is raised to it.
    public init(initialMilliseconds: Int64, maximumMilliseconds: Int64) {
        self.initialMilliseconds = max(initialMilliseconds, 0)
        self.maximumMilliseconds = max(maximumMilliseconds, self.initialMilliseconds)
    }

    /// The wait before retry number `retry` (1 for the first retry).
    public func delayMilliseconds(beforeRetry retry: Int) -> Int64 {
        guard retry > 1 else { return initialMilliseconds }
        let shift = min(retry - 1, 40)
        let (scaled, overflow) = initialMilliseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? maximumMilliseconds : min(scaled, maximumMilliseconds)
    }
}
