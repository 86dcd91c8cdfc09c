/// Decides when to send `WATCHDOG=1`: only while every watched pipeline stage makes progress.
///
/// A pure state machine: the caller reads the clock and the ``PipelineCounters`` and calls
/// ``tick(nowUsec:progress:)`` as often as it likes (every run-loop turn, or from a timer); the
/// policy answers with an ``Action`` and does no I/O.
///
/// ## The rule
/// Let `T` be the time of the last ping (at first, the policy's start) and `P` the counters then.
/// On a tick at time `now` with counters `Q`:
/// 1. if `now < T + interval`, the answer is ``Action/wait(untilUsec:)``: too early;
/// 2. otherwise, if **every** watched stage has advanced since `P` — its work counter *or* its
///    heartbeat counter is higher in `Q` than in `P` — the answer is ``Action/ping``, and `T`
///    and `P` become `now` and `Q`;
/// 3. otherwise the answer is ``Action/withhold(stalled:sinceUsec:)`` naming the stages that did
///    not advance; `T` and `P` stay, so the next tick that finds them advanced pings at once.
///
/// `interval` is half of `WATCHDOG_USEC`. So a stage that does nothing for a whole interval —
/// not even come round its loop — stops the pings, and systemd, hearing nothing for
/// `WATCHDOG_USEC` after the last ping, kills and restarts the agent. An idle host still gets
/// pings: the reader's poll that times out with no records counts as a heartbeat, and so does
/// an evaluator or output waiting on an empty queue.
public struct WatchdogPolicy: Sendable, Hashable {
    /// What the caller should do after a tick.
    public enum Action: Sendable, Hashable {
        /// Send `WATCHDOG=1` now.
        case ping
        /// Nothing to do before this `CLOCK_MONOTONIC` time (microseconds).
        case wait(untilUsec: UInt64)
        /// A ping is due but these stages have not advanced since the last ping at `sinceUsec`:
        /// send nothing (and log it, once).
        case withhold(stalled: [PipelineStage], sinceUsec: UInt64)
    }

    /// The time between pings, in microseconds.
    public let intervalUsec: UInt64
    /// The stages that must advance between pings.
    public let watchedStages: [PipelineStage]
    /// When the last ping was decided (or the policy started), `CLOCK_MONOTONIC` microseconds.
    public private(set) var lastPingUsec: UInt64
    /// The counters at the last ping (or at the start).
    public private(set) var lastPingProgress: PipelineProgress

    /// A policy pinging every `intervalUsec`, starting at `startUsec` with counters `progress`.
    public init(intervalUsec: UInt64, startUsec: UInt64, progress: PipelineProgress = .init(), watching stages: [PipelineStage] = PipelineStage.allCases) {
        self.intervalUsec = max(intervalUsec, 1)
        self.watchedStages = stages
        self.lastPingUsec = startUsec
        self.lastPingProgress = progress
    }

    /// A policy for the watchdog systemd asked for: pings at half its timeout.
    public init(configuration: WatchdogConfiguration, startUsec: UInt64, progress: PipelineProgress = .init(), watching stages: [PipelineStage] = PipelineStage.allCases) {
        self.init(intervalUsec: configuration.intervalUsec, startUsec: startUsec, progress: progress, watching: stages)
    }

    /// Applies the rule (see the type's documentation) at time `nowUsec` with counters `progress`.
    public mutating func tick(nowUsec: UInt64, progress: PipelineProgress) -> Action {
        let due = lastPingUsec + intervalUsec
        guard nowUsec >= due else { return .wait(untilUsec: due) }
        let stalled = watchedStages.filter { !progress[$0].hasAdvanced(since: lastPingProgress[$0]) }
        guard stalled.isEmpty else { return .withhold(stalled: stalled, sinceUsec: lastPingUsec) }
        lastPingUsec = nowUsec
        lastPingProgress = progress
        return .ping
    }
}
