/// Read access to processes by id. The tree walks that fields need — parent, ancestors, session
/// and process-group leaders — are written once, here, for the table and for any view of it.
public protocol ProcessLookup {
    /// The process with this thread-group id.
    func process(pid: Int64) -> ProcessEntry?
    /// The entry of a thread that is not its process's main thread (`clone` with `CLONE_THREAD`).
    func secondaryThread(tid: Int64) -> ThreadEntry?
}

extension ProcessTable: ProcessLookup {}

extension ProcessLookup {
    /// The process a thread belongs to.
    public func process(tid: Int64) -> ProcessEntry? {
        if let thread = secondaryThread(tid: tid) { return process(pid: thread.pid) }
        return process(pid: tid)
    }

    /// The thread with this id (a main thread is reported with `pid == tid`).
    public func thread(tid: Int64) -> ThreadEntry? {
        if let thread = secondaryThread(tid: tid) { return thread }
        guard let process = process(pid: tid), process.isAlive else { return nil }
        return ThreadEntry(tid: tid, pid: tid, vtid: process.vpid)
    }

    /// The parent process (`proc.pname`, `proc.pcmdline`, `proc.ppid.duration` read it).
    public func parent(of process: ProcessEntry) -> ProcessEntry? {
        guard process.ppid > 0, process.ppid != process.pid else { return nil }
        return self.process(pid: process.ppid)
    }

    /// The ancestor `level` generations up (`proc.aname[N]`): 0 is the process itself, 1 its
    /// parent.
    public func ancestor(of process: ProcessEntry, level: Int) -> ProcessEntry? {
        guard level >= 0, level <= ProcessTable.maxAncestorDepth else { return nil }
        var current = process
        for _ in 0..<level {
            guard let next = parent(of: current) else { return nil }
            current = next
        }
        return current
    }

    /// Calls `body` with each ancestor, parent first, until it returns false or the chain ends
    /// (`proc.aname` without an index: "any ancestor").
    public func forEachAncestor(of process: ProcessEntry, _ body: (ProcessEntry) -> Bool) {
        var current = process
        for _ in 0..<ProcessTable.maxAncestorDepth {
            guard let next = parent(of: current), next !== process else { return }
            guard body(next) else { return }
            current = next
        }
    }

    /// The ancestors, parent first.
    public func ancestors(of process: ProcessEntry) -> [ProcessEntry] {
        var result: [ProcessEntry] = []
        forEachAncestor(of: process) {
            result.append($0)
            return true
        }
        return result
    }

    /// The nearest ancestor matching `predicate`.
    public func firstAncestor(of process: ProcessEntry, where predicate: (ProcessEntry) -> Bool) -> ProcessEntry? {
        var found: ProcessEntry?
        forEachAncestor(of: process) {
            if predicate($0) {
                found = $0
                return false
            }
            return true
        }
        return found
    }

    /// The session leader (`proc.sname`), found as libs does: the process whose pid is the
    /// session id when the process is in the host pid namespace, else the eldest consecutive
    /// ancestor with the same session id (possibly the process itself).
    public func sessionLeader(of process: ProcessEntry) -> ProcessEntry? {
        leader(of: process, id: process.sid, key: \.sid)
    }

    /// The process group leader (`proc.vpgid.name`, `proc.vpgid.exe`), found like
    /// ``sessionLeader(of:)`` with the process group id.
    public func processGroupLeader(of process: ProcessEntry) -> ProcessEntry? {
        leader(of: process, id: process.vpgid, key: \.vpgid)
    }

    private func leader(of process: ProcessEntry, id: Int64, key: KeyPath<ProcessEntry, Int64>) -> ProcessEntry? {
        if process.vpid == process.pid, id > 0, let leader = self.process(pid: id) { return leader }
        var leader = process
        forEachAncestor(of: process) {
            guard $0[keyPath: key] == id else { return false }
            leader = $0
            return true
        }
        return leader
    }
}
