public import SakerState

/// What field extractors read from the process table for one event: the process and thread maps
/// (shared, not copied) and `fd.name_changed`. Lookups mirror ``ProcessTable``'s.
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

    /// The process a thread belongs to.
    public func process(tid: Int64) -> ProcessEntry? {
        if let thread = threads[tid] { return processes[thread.pid] }
        return processes[tid]
    }

    /// The thread with this id (a main thread is reported with `pid == tid`).
    public func thread(tid: Int64) -> ThreadEntry? {
        if let thread = threads[tid] { return thread }
        guard let process = processes[tid], process.isAlive else { return nil }
        return ThreadEntry(tid: tid, pid: tid, vtid: process.vpid)
    }
}

extension FieldStateView: ProcessLookup {}
