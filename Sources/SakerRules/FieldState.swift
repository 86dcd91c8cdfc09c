public import SakerState

/// What field extractors read from the process table for one event: the process and thread maps
/// (shared, not copied) and `fd.name_changed`. The lookups are ``ProcessLookup``'s, as for the table.
///
/// Build one per event and drop it before the table changes again: while a view holds the maps,
/// the table's next update would have to copy them.
public struct FieldStateView {
    private let processes: [Int64: ProcessEntry]
    private let threads: [Int64: ThreadEntry]
    /// `fd.name_changed` for the event just applied.
    public let fdNameChanged: Bool

    /// A view of `table`.
    public init(_ table: borrowing ProcessTable) {
        processes = table.processesByPID
        threads = table.threadsByTID
        fdNameChanged = table.fdNameChanged
    }

    /// An empty view (no processes).
    public init() {
        processes = [:]
        threads = [:]
        fdNameChanged = false
    }

    /// The process with this thread-group id.
    public func process(pid: Int64) -> ProcessEntry? { processes[pid] }

    /// The entry of a non-main thread; ``ProcessLookup/thread(tid:)`` covers main threads too.
    public func secondaryThread(tid: Int64) -> ThreadEntry? { threads[tid] }
}

extension FieldStateView: ProcessLookup {}
