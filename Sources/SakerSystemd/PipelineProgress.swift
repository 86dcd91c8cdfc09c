import Synchronization

/// A stage of the capture → rules → outputs pipeline that the watchdog watches.
public enum PipelineStage: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The ring-buffer reader: decodes records into events.
    case reader
    /// The evaluator: applies state and runs the rules.
    case evaluator
    /// The outputs: deliver alerts to their sinks.
    case output

    /// The stage's name, as in logs and `SAKER_TEST_FAULT`.
    public var description: String { rawValue }
}

/// How far one stage has got: two counters that only ever grow.
public struct StageProgress: Sendable, Hashable {
    /// Units of real work done: events read, events evaluated or alerts delivered.
    public var work: UInt64
    /// "Idle but polling" heartbeats: the stage came round its loop with nothing to do (a ring-buffer
    /// poll that timed out, an empty queue). These keep an idle host's agent alive.
    public var heartbeats: UInt64

    /// A stage at the given counts.
    public init(work: UInt64 = 0, heartbeats: UInt64 = 0) {
        self.work = work
        self.heartbeats = heartbeats
    }

    /// Whether either counter has grown since `earlier`.
    public func hasAdvanced(since earlier: StageProgress) -> Bool {
        work > earlier.work || heartbeats > earlier.heartbeats
    }
}

/// A snapshot of every stage's counters.
public struct PipelineProgress: Sendable, Hashable {
    /// The ring-buffer reader: `work` counts events read.
    public var reader: StageProgress
    /// The evaluator: `work` counts events evaluated.
    public var evaluator: StageProgress
    /// The outputs: `work` counts alerts delivered.
    public var output: StageProgress

    /// A snapshot with the given counters (all zero by default).
    public init(reader: StageProgress = .init(), evaluator: StageProgress = .init(), output: StageProgress = .init()) {
        self.reader = reader
        self.evaluator = evaluator
        self.output = output
    }

    /// The counters of `stage`.
    public subscript(stage: PipelineStage) -> StageProgress {
        get {
            switch stage {
            case .reader: return reader
            case .evaluator: return evaluator
            case .output: return output
            }
        }
        set {
            switch stage {
            case .reader: reader = newValue
            case .evaluator: evaluator = newValue
            case .output: output = newValue
            }
        }
    }
}

/// Shared, lock-free progress counters: pipeline threads bump them, the watchdog reads them.
///
/// Every operation is one relaxed atomic add or load, cheap enough to do per event or per batch.
public final class PipelineCounters: Sendable {
    private let readerWork = Atomic<UInt64>(0), readerHeartbeats = Atomic<UInt64>(0)
    private let evaluatorWork = Atomic<UInt64>(0), evaluatorHeartbeats = Atomic<UInt64>(0)
    private let outputWork = Atomic<UInt64>(0), outputHeartbeats = Atomic<UInt64>(0)

    /// Counters at zero.
    public init() {}

    /// Records `count` units of work done by `stage` (events read or evaluated, alerts delivered).
    public func recordWork(_ stage: PipelineStage, count: UInt64 = 1) {
        withCounters(stage) { work, _ in _ = work.wrappingAdd(count, ordering: .relaxed) }
    }

    /// Records that `stage` came round its loop, whether or not it had anything to do.
    public func recordHeartbeat(_ stage: PipelineStage) {
        withCounters(stage) { _, heartbeats in _ = heartbeats.wrappingAdd(1, ordering: .relaxed) }
    }

    /// The current counters.
    public func snapshot() -> PipelineProgress {
        var progress = PipelineProgress()
        for stage in PipelineStage.allCases {
            progress[stage] = withCounters(stage) { work, heartbeats in
                StageProgress(work: work.load(ordering: .relaxed), heartbeats: heartbeats.load(ordering: .relaxed))
            }
        }
        return progress
    }

    private func withCounters<R>(_ stage: PipelineStage, _ body: (borrowing Atomic<UInt64>, borrowing Atomic<UInt64>) -> R) -> R {
        switch stage {
        case .reader: return body(readerWork, readerHeartbeats)
        case .evaluator: return body(evaluatorWork, evaluatorHeartbeats)
        case .output: return body(outputWork, outputHeartbeats)
        }
    }
}
