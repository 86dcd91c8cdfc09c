import Glibc

/// A fault injected on purpose, for tests only: `SAKER_TEST_FAULT=stall-reader` or
/// `SAKER_TEST_FAULT=stall-evaluator`, optionally followed by `:after=SECONDS`.
///
/// The run loop reads it once at start and asks ``stalls(_:elapsedUsec:)`` each turn; a stalled
/// stage does no work and records no heartbeat (it sleeps through its turn), while signal
/// handling goes on, so the watchdog withholds its pings and systemd restarts the agent — which
/// is what the watchdog tests check. The shipped unit file never sets this variable, and nothing
/// else reads it.
public struct PipelineFault: Sendable, Hashable, CustomStringConvertible {
    /// The variable read by ``fromEnvironment()``.
    public static let environmentVariable = "SAKER_TEST_FAULT"

    /// The stage that stops.
    public let stage: PipelineStage
    /// How long after start the stall begins, in microseconds (0: at once).
    public let afterUsec: UInt64

    /// A stall of `stage` from `afterUsec` after start.
    public init(stalling stage: PipelineStage, afterUsec: UInt64 = 0) {
        self.stage = stage
        self.afterUsec = afterUsec
    }

    /// The fault set in the environment, or `nil` when the variable is unset or empty.
    public static func fromEnvironment() throws(PipelineFaultError) -> PipelineFault? {
        guard let raw = getenv(environmentVariable) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : try PipelineFault(parsing: value)
    }

    /// Parses `stall-reader`, `stall-evaluator`, optionally with `:after=SECONDS` (a decimal
    /// number, such as `2` or `0.5`).
    public init(parsing value: String) throws(PipelineFaultError) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts[0] {
        case "stall-reader": stage = .reader
        case "stall-evaluator": stage = .evaluator
        default: throw PipelineFaultError(value: value, problem: "unknown fault `\(parts[0])`; expected `stall-reader` or `stall-evaluator`")
        }
        guard parts.count == 2 else {
            afterUsec = 0
            return
        }
        let option = parts[1]
        guard option.hasPrefix("after="), let seconds = Double(option.dropFirst("after=".count)), seconds.isFinite, seconds >= 0, seconds < 1e9 else {
            throw PipelineFaultError(value: value, problem: "expected `:after=SECONDS` with a number of seconds, got `:\(option)`")
        }
        afterUsec = UInt64((seconds * 1_000_000).rounded())
    }

    /// Whether `stage` must stall now, `elapsedUsec` microseconds after the run loop started.
    public func stalls(_ stage: PipelineStage, elapsedUsec: UInt64) -> Bool {
        stage == self.stage && elapsedUsec >= afterUsec
    }

    /// The fault in the variable's syntax.
    public var description: String {
        let name = "stall-\(stage.rawValue)"
        guard afterUsec > 0 else { return name }
        let seconds = afterUsec / 1_000_000, fraction = afterUsec % 1_000_000
        if fraction == 0 { return "\(name):after=\(seconds)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(name):after=\(seconds).\(digits)"
    }
}

/// A `SAKER_TEST_FAULT` value that cannot be understood.
public struct PipelineFaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable's value.
    public let value: String
    /// What is wrong with it.
    public let problem: String

    /// A sentence for the log.
    public var description: String { "\(PipelineFault.environmentVariable)=\(value): \(problem)" }
}
