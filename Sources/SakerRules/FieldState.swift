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

    /// The parent process.
    public func parent(of process: ProcessEntry) -> ProcessEntry? {
        guard process.ppid > 0, process.ppid != process.pid else { return nil }
        return processes[process.ppid]
    }

    /// The ancestor `level` generations up: 0 is the process itself, 1 its parent.
    public func ancestor(of process: ProcessEntry, level: Int) -> ProcessEntry? {
        guard level >= 0, level <= ProcessTable.maxAncestorDepth else { return nil }
        var current = process
        for _ in 0..<level {
            guard let next = parent(of: current) else { return nil }
            current = next
        }
        return current
    }

    /// Calls `body` with each ancestor, parent first, until it returns false or the chain ends.
    public func forEachAncestor(of process: ProcessEntry, _ body: (ProcessEntry) -> Bool) {
        var current = process
        for _ in 0..<ProcessTable.maxAncestorDepth {
            guard let next = parent(of: current), next !== process else { return }
            guard body(next) else { return }
            current = next
        }
    }

    /// The session leader (`proc.sname`), found as ``ProcessTable/sessionLeader(of:)`` finds it.
    public func sessionLeader(of process: ProcessEntry) -> ProcessEntry? {
        leader(of: process, id: process.sid, key: \.sid)
    }

    /// The process group leader (`proc.vpgid.name`).
    public func processGroupLeader(of process: ProcessEntry) -> ProcessEntry? {
        leader(of: process, id: process.vpgid, key: \.vpgid)
    }

    private func leader(of process: ProcessEntry, id: Int64, key: KeyPath<ProcessEntry, Int64>) -> ProcessEntry? {
        if process.vpid == process.pid, id > 0, let leader = processes[id] { return leader }
        var leader = process
        forEachAncestor(of: process) {
            guard $0[keyPath: key] == id else { return false }
            leader = $0
            return true
        }
        return leader
    }
}
