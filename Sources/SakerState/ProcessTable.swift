import SakerEvent

/// The process, thread and file-descriptor state of the host, kept from the event stream: what
/// Falco's thread manager and fd tables hold, and what the rules engine's `proc.*`, `thread.*`,
/// `fd.*` fields read.
///
/// Feed every event to ``apply(_:)`` in stream order; it returns the process the event belongs
/// to, already updated (post-exec for an `execve`, still holding the fd a `close` releases), so
/// field extraction needs no second lookup. Live start and replay go through the same path: the
/// `/proc` seed is a series of `procsnapshot` events (see ``ProcScanner``).
///
/// The table is the hot path: a plain struct, no actor, no lock, one owner. Its entries are
/// ``ProcessEntry`` objects it updates in place, so a copy of the table shares them: keep one
/// table, update it through `inout`/`mutating` access only, and hand readers a `borrowing`
/// reference (copies are fine for reading, as tests do, but never apply events to two copies).
///
/// Bounds: at most ``Limits/maxProcesses`` entries and ``Limits/maxThreads`` extra threads
/// (exited entries are evicted first, then new ones are dropped and counted), at most
/// ``Limits/maxFdsPerProcess`` descriptors per process. Exited processes stay for
/// ``Limits/exitedRetention`` nanoseconds of event time so late events still resolve.
public struct ProcessTable {
    /// Size bounds and retention.
    public struct Limits: Sendable, Equatable {
        /// Most process entries, exited ones awaiting purge included.
        public var maxProcesses: Int
        /// Most threads tracked besides main threads.
        public var maxThreads: Int
        /// Most open descriptors tracked per process.
        public var maxFdsPerProcess: Int
        /// How long an exited process stays resolvable, in ns of event time.
        public var exitedRetention: UInt64

        /// Creates limits; the defaults suit a busy host.
        public init(
            maxProcesses: Int = 131_072, maxThreads: Int = 131_072, maxFdsPerProcess: Int = 4096,
            exitedRetention: UInt64 = 1_000_000_000
        ) {
            self.maxProcesses = maxProcesses
            self.maxThreads = maxThreads
            self.maxFdsPerProcess = maxFdsPerProcess
            self.exitedRetention = exitedRetention
        }
    }

    /// Counters for metrics.
    public struct Statistics: Sendable, Equatable {
        /// Live processes.
        public var processes: Int = 0
        /// Exited processes kept for late events.
        public var exitedProcesses: Int = 0
        /// Live threads, main threads included.
        public var threads: Int = 0
        /// Open descriptors across live processes.
        public var fds: Int = 0
        /// Exited processes removed so far.
        public var purged: UInt64 = 0
        /// Events from processes the table did not know.
        public var lookupsMissed: UInt64 = 0
        /// Of those, how many the resolver described.
        public var resolved: UInt64 = 0
        /// Processes not tracked because the table was full.
        public var processesDropped: UInt64 = 0
        /// Threads not tracked because the thread map was full.
        public var threadsDropped: UInt64 = 0
        /// Descriptors not tracked because their process's table was full.
        public var fdsDropped: UInt64 = 0
    }

    /// Describes a process the table has never seen, given its pid or the id of one of its
    /// threads: the live agent reads `/proc` (``ProcScanner/snapshot(id:timestamp:)``) and returns
    /// a `procsnapshot` event, or nil when the process is gone. Without a resolver (replay,
    /// tests) unknown processes become placeholders that a later exec fills in.
    public typealias Resolver = (_ id: Int64) -> Event?

    /// Size bounds and retention.
    public let limits: Limits
    /// How unknown processes are looked up; nil for pure mode.
    public var resolver: Resolver?

    var processes: [Int64: ProcessEntry] = [:]
    var threads: [Int64: ThreadEntry] = [:]
    var exitQueue: [ExitRecord] = []
    var exitQueueHead = 0
    var pendingFdRemoval: (entry: ProcessEntry, fd: Int64)?
    var needsRelink = false
    var counters = Statistics()

    /// `fd.name_changed`: true when the event last applied changed the name of an existing
    /// descriptor (a connect, bind, or datagram that filled in its tuple).
    public internal(set) var fdNameChanged = false

    struct ExitRecord {
        var time: UInt64
        var entry: ProcessEntry
    }

    /// Longest ancestor chain walked: a guard against cycles from inconsistent input.
    public static let maxAncestorDepth = 256

    /// Creates an empty table.
    public init(limits: Limits = Limits(), resolver: Resolver? = nil) {
        self.limits = limits
        self.resolver = resolver
    }

    // MARK: - Updating

    /// Updates the state for one event and returns the process it belongs to, or nil when the
    /// table is full. Removals the event itself still needs (the descriptor a `close` releases)
    /// take effect at the next call or at ``flushPending()``.
    @discardableResult
    public mutating func apply(_ event: Event) -> ProcessEntry? {
        flushPending()
        fdNameChanged = false
        if exitQueueHead < exitQueue.count { purgeExited(now: event.timestamp) }
        let action = StateAction.of(event.type)
        if needsRelink && action != .snapshot { relinkChildren() }
        switch action {
        case .none: return entry(for: event)
        case .snapshot: return applySnapshot(event)
        case .clone: return applyClone(event)
        case .exec: return applyExec(event)
        case .exit: return applyExit(event)
        default: break
        }
        guard let process = entry(for: event) else { return nil }
        switch action {
        case .open, .openat, .creat: applyOpen(event, action: action, process: process)
        case .close: applyClose(event, process: process)
        case .dup, .fcntl: applyDup(event, action: action, process: process)
        case .socket: applySocket(event, process: process)
        case .socketpair, .pipe: applyPair(event, action: action, process: process)
        case .connect: applyConnect(event, process: process)
        case .accept: applyAccept(event, process: process)
        case .bind: applyBind(event, process: process)
        case .listen: applyListen(event, process: process)
        case .send, .receive: applyDatagram(event, outgoing: action == .send, process: process)
        case .memfd, .userfaultfd, .ioUring, .bpf: applyAnonymousFd(event, action: action, process: process)
        case .chdir, .fchdir, .chroot: applyDirectoryChange(event, action: action, process: process)
        case .setuid, .setgid, .setreuid, .setregid, .setresuid, .setresgid:
            applyCredentials(event, action: action, process: process)
        case .setsid, .capset, .prctl, .namespaces: applyProcessAttribute(event, action: action, process: process)
        case .none, .snapshot, .clone, .exec, .exit: break
        }
        return process
    }

    /// Carries out removals deferred by the last ``apply(_:)``.
    public mutating func flushPending() {
        if let pending = pendingFdRemoval {
            pending.entry.fds.remove(pending.fd)
            pendingFdRemoval = nil
        }
    }

    /// Removes exited processes whose retention ended at event time `now`.
    public mutating func purgeExited(now: UInt64) {
        while exitQueueHead < exitQueue.count {
            let record = exitQueue[exitQueueHead]
            guard now >= record.time, now - record.time >= limits.exitedRetention else { break }
            purge(record.entry)
            exitQueueHead += 1
        }
        compactExitQueue()
    }

    // MARK: - Lookups

    /// The process with this thread-group id, exited ones still retained included.
    public func process(pid: Int64) -> ProcessEntry? { processes[pid] }

    /// The entry of a non-main thread; ``ProcessLookup/thread(tid:)`` covers main threads too.
    public func secondaryThread(tid: Int64) -> ThreadEntry? { threads[tid] }

    /// How many process entries the table holds, exited ones included.
    public var count: Int { processes.count }

    /// Calls `body` for every process entry, in no particular order, until it returns false.
    public func forEachProcess(_ body: (ProcessEntry) -> Bool) {
        for process in processes.values where !body(process) { return }
    }

    /// Counters, computed on demand (metrics read them every few seconds, not per event).
    public var statistics: Statistics {
        var result = counters
        result.processes = 0
        result.exitedProcesses = 0
        result.fds = 0
        result.threads = 0
        for process in processes.values {
            if process.isAlive {
                result.processes += 1
                result.threads += process.threadCount
                result.fds += process.fds.count
            } else {
                result.exitedProcesses += 1
            }
        }
        return result
    }

    // MARK: - Internal bookkeeping

    /// The process of the event's pid, creating it (resolver or placeholder) when unknown, and
    /// registering the event's thread.
    mutating func entry(for event: Event) -> ProcessEntry? {
        if let process = processes[event.pid] {
            if event.tid != event.pid, process.isAlive, threads[event.tid] == nil {
                registerThread(
                    event.tid, in: process, vtid: process.vpid == process.pid ? event.tid : -1, at: event.timestamp)
            }
            return process
        }
        return resolve(id: event.pid, tid: event.tid, timestamp: event.timestamp)
    }

    /// Finds or creates the process of an id the table does not know (a pid, or a thread id
    /// when `tid` equals it).
    mutating func resolve(id: Int64, tid: Int64, timestamp: UInt64) -> ProcessEntry? {
        counters.lookupsMissed += 1
        if let resolver, let snapshot = resolver(id), snapshot.type == .procsnapshot {
            let resolved = applySnapshot(snapshot)
            if let resolved {
                counters.resolved += 1
                if tid != resolved.pid, resolved.isAlive, threads[tid] == nil {
                    registerThread(tid, in: resolved, vtid: -1, at: timestamp)
                }
                return resolved
            }
        }
        guard id > 0 else { return nil }
        let placeholder = ProcessEntry(pid: id, timestamp: timestamp)
        placeholder.isPlaceholder = true
        placeholder.vpid = -1
        placeholder.origin = .placeholder
        guard insert(placeholder) else { return nil }
        if tid != id { registerThread(tid, in: placeholder, vtid: -1, at: timestamp) }
        return placeholder
    }

    /// The thread-group id of a thread the table knows.
    func threadGroup(of tid: Int64) -> Int64? {
        if let thread = threads[tid] { return thread.pid }
        if processes[tid] != nil { return tid }
        return nil
    }

    mutating func registerThread(_ tid: Int64, in process: ProcessEntry, vtid: Int64, at timestamp: UInt64) {
        guard tid > 0, tid != process.pid else { return }
        if threads[tid] == nil && threads.count >= limits.maxThreads {
            counters.threadsDropped += 1
            return
        }
        if let previous = threads[tid], previous.pid != process.pid {
            processes[previous.pid]?.threadIDs.remove(tid)
        }
        // The id was a process's whose exit we missed: it is a thread now.
        if let stale = processes[tid], stale.isAlive { terminate(stale, at: timestamp, reaperTID: nil) }
        threads[tid] = ThreadEntry(tid: tid, pid: process.pid, vtid: vtid)
        process.threadIDs.insert(tid)
    }

    mutating func removeThread(_ tid: Int64) {
        guard let thread = threads.removeValue(forKey: tid) else { return }
        processes[thread.pid]?.threadIDs.remove(tid)
    }

    /// Adds (or replaces) an entry, within the bound. Returns false when it was dropped.
    @discardableResult
    mutating func insert(_ entry: ProcessEntry) -> Bool {
        if let existing = processes[entry.pid] {
            if existing !== entry {
                // The pid was reused and we missed the old process's exit.
                terminate(existing, at: entry.startTime, reaperTID: nil)
            }
        } else if processes.count >= limits.maxProcesses {
            evictExited()
            if processes.count >= limits.maxProcesses {
                counters.processesDropped += 1
                return false
            }
        }
        processes[entry.pid] = entry
        // The id was a thread's whose exit we missed: it is a process now.
        if threads[entry.pid] != nil { removeThread(entry.pid) }
        link(entry)
        return true
    }

    /// Records `entry` among its parent's children; false when the parent is not known.
    @discardableResult
    mutating func link(_ entry: ProcessEntry) -> Bool {
        guard entry.ppid > 0, entry.ppid != entry.pid, let parent = processes[entry.ppid], parent.isAlive else {
            return false
        }
        if !parent.children.contains(entry.pid) { parent.children.append(entry.pid) }
        return true
    }

    /// Rebuilds every children list (after a `/proc` seed delivered children before parents).
    mutating func relinkChildren() {
        needsRelink = false
        for process in processes.values { process.children.removeAll(keepingCapacity: true) }
        for process in processes.values where process.isAlive { link(process) }
    }

    /// Marks a whole thread group dead: its threads go, its children move to the reaper, and
    /// the entry waits in the exit queue until its retention ends.
    mutating func terminate(_ entry: ProcessEntry, at time: UInt64, reaperTID: Int64?) {
        guard entry.isAlive else { return }
        entry.exitTime = time
        for tid in entry.threadIDs { threads.removeValue(forKey: tid) }
        entry.threadIDs.removeAll()
        if let parent = parent(of: entry), let index = parent.children.firstIndex(of: entry.pid) {
            parent.children.swapAt(index, parent.children.count - 1)
            parent.children.removeLast()
        }
        if !entry.children.isEmpty {
            let reaper = self.reaper(for: entry, reaperTID: reaperTID)
            let reaperEntry = processes[reaper].flatMap { $0.isAlive && $0 !== entry ? $0 : nil }
            for childPID in entry.children {
                guard let child = processes[childPID], child.isAlive, child.ppid == entry.pid else { continue }
                child.ppid = reaper
                if let reaperEntry, !reaperEntry.children.contains(childPID) { reaperEntry.children.append(childPID) }
            }
            entry.children.removeAll()
        }
        exitQueue.append(ExitRecord(time: time, entry: entry))
    }

    /// Where orphans of `entry` go: the reaper the kernel reported, else the nearest child
    /// subreaper or pid-namespace init among its ancestors, else pid 1.
    private func reaper(for entry: ProcessEntry, reaperTID: Int64?) -> Int64 {
        if let reaperTID, reaperTID > 0, let pid = threadGroup(of: reaperTID), pid != entry.pid,
            processes[pid]?.isAlive == true
        {
            return pid
        }
        let found = firstAncestor(of: entry) { $0.isAlive && ($0.isChildSubreaper || $0.vpid == 1) }
        return found?.pid ?? 1
    }

    private mutating func purge(_ entry: ProcessEntry) {
        guard let current = processes[entry.pid], current === entry else { return }
        processes.removeValue(forKey: entry.pid)
        if let pending = pendingFdRemoval, pending.entry === entry { pendingFdRemoval = nil }
        counters.purged += 1
    }

    /// Purges exited entries early, oldest first, until the table is under its bound.
    private mutating func evictExited() {
        while exitQueueHead < exitQueue.count && processes.count >= limits.maxProcesses {
            purge(exitQueue[exitQueueHead].entry)
            exitQueueHead += 1
        }
        compactExitQueue()
    }

    private mutating func compactExitQueue() {
        if exitQueueHead == exitQueue.count {
            exitQueue.removeAll(keepingCapacity: true)
            exitQueueHead = 0
        } else if exitQueueHead > 1024 && exitQueueHead * 2 > exitQueue.count {
            exitQueue.removeFirst(exitQueueHead)
            exitQueueHead = 0
        }
    }
}
