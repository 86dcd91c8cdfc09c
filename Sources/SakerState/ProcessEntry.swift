import SakerEvent

/// One process (thread group) in the ``ProcessTable``: what Falco's threadinfo holds and the
/// `proc.*`, `user.*`, `group.*` and `container.*` fields read.
///
/// A reference type so the hot path updates entries in place and field extractors read them
/// without copying two dozen strings. Only the table changes an entry; everyone else reads.
/// Credentials and capabilities are kept per process, not per thread (glibc applies `set*id`
/// to every thread anyway).
public final class ProcessEntry {
    /// The thread-group id (`proc.pid`), host pid namespace.
    public internal(set) var pid: Int64
    /// The pid inside the process's own pid namespace (`proc.vpid`).
    public internal(set) var vpid: Int64
    /// The parent's thread-group id (`proc.ppid`), after reparenting to the reaper when the
    /// parent exited; -1 when not known.
    public internal(set) var ppid: Int64
    /// The session id (`proc.sid`).
    public internal(set) var sid: Int64
    /// The process group id (`proc.pgid`), host view.
    public internal(set) var pgid: Int64
    /// The process group id in the process's pid namespace (`proc.vpgid`).
    public internal(set) var vpgid: Int64

    /// The command name, at most 15 bytes (`proc.name`).
    public internal(set) var comm: String
    /// `argv[0]` as passed to exec (`proc.exe`).
    public internal(set) var exe: String
    /// The full path of the executable, as the kernel resolved it (`proc.exepath`).
    public internal(set) var exePath: String
    /// The arguments after `argv[0]` (`proc.args`).
    public internal(set) var args: [String]
    /// The environment, `NAME=value` strings (`proc.env`).
    public internal(set) var env: [String]
    /// The working directory, normalized, always ending with `/` as libs keeps it (`proc.cwd`).
    public internal(set) var cwd: String
    /// The root directory (`chroot`), `/` unless changed.
    public internal(set) var root: String

    /// The effective user id (`user.uid`).
    public internal(set) var uid: UInt32
    /// The real user id.
    public internal(set) var realUID: UInt32
    /// The saved set-user-id.
    public internal(set) var savedUID: UInt32
    /// The effective group id (`group.gid`).
    public internal(set) var gid: UInt32
    /// The real group id.
    public internal(set) var realGID: UInt32
    /// The saved set-group-id.
    public internal(set) var savedGID: UInt32
    /// The audit login uid (`user.loginuid`); -1 when unset (the kernel's 4294967295).
    public internal(set) var loginUID: Int64
    /// The controlling terminal's device number, 0 for none (`proc.tty`).
    public internal(set) var tty: UInt32

    /// Inheritable capabilities (`thread.cap_inheritable`).
    public internal(set) var capInheritable: UInt64
    /// Permitted capabilities (`thread.cap_permitted`).
    public internal(set) var capPermitted: UInt64
    /// Effective capabilities (`thread.cap_effective`).
    public internal(set) var capEffective: UInt64

    /// `EXE_*` bits of the executable (``FlagTable/execFlags`` values).
    public internal(set) var exeFlags: UInt64
    /// The executable's inode number.
    public internal(set) var exeInode: UInt64
    /// The executable's inode change time, ns since the epoch (`proc.exe_ino.ctime`).
    public internal(set) var exeCtime: UInt64
    /// The executable's modification time, ns since the epoch (`proc.exe_ino.mtime`).
    public internal(set) var exeMtime: UInt64

    /// When the process was created, ns since the epoch (clone time, or start time from `/proc`).
    public internal(set) var startTime: UInt64
    /// When it last called exec successfully, 0 if never seen.
    public internal(set) var lastExecTime: UInt64
    /// When the whole thread group exited, nil while it runs.
    public internal(set) var exitTime: UInt64?

    /// The cgroups, `subsystem=path` strings.
    public internal(set) var cgroups: [String]
    /// The container the process runs in (`container.id`).
    public internal(set) var container: ContainerID
    /// The pid namespace inode, 0 when not known.
    public internal(set) var pidNamespace: UInt64

    /// The open file descriptors (shared by all threads: Saker models `CLONE_FILES` for threads
    /// and a copy for forked processes, as libs does).
    public internal(set) var fds: FdTable

    /// True when nothing is known about the process yet: events came from a pid the table had
    /// never seen and no resolver could describe it. An exec or snapshot fills it in.
    public internal(set) var isPlaceholder: Bool
    /// True after `prctl(PR_SET_CHILD_SUBREAPER, 1)`: orphaned descendants are reparented here.
    public internal(set) var isChildSubreaper: Bool

    /// Ids of the live threads other than the main one.
    public internal(set) var threadIDs: Set<Int64>
    /// Ids of the live child processes.
    internal var children: [Int64]
    /// How the entry came to be, to arbitrate between the two sides of a fork.
    internal var origin: Origin

    enum Origin: UInt8 {
        case snapshot, childClone, callerClone, exec, placeholder
    }

    init(pid: Int64, timestamp: UInt64) {
        self.pid = pid
        self.vpid = pid
        self.ppid = -1
        self.sid = 0
        self.pgid = 0
        self.vpgid = 0
        self.comm = ""
        self.exe = ""
        self.exePath = ""
        self.args = []
        self.env = []
        self.cwd = "/"
        self.root = "/"
        self.uid = 0
        self.realUID = 0
        self.savedUID = 0
        self.gid = 0
        self.realGID = 0
        self.savedGID = 0
        self.loginUID = -1
        self.tty = 0
        self.capInheritable = 0
        self.capPermitted = 0
        self.capEffective = 0
        self.exeFlags = 0
        self.exeInode = 0
        self.exeCtime = 0
        self.exeMtime = 0
        self.startTime = timestamp
        self.lastExecTime = 0
        self.exitTime = nil
        self.cgroups = []
        self.container = .host
        self.pidNamespace = 0
        self.fds = FdTable()
        self.isPlaceholder = false
        self.isChildSubreaper = false
        self.threadIDs = []
        self.children = []
        self.origin = .placeholder
    }

    /// A child of `parent` created by fork: everything a fork inherits is copied.
    init(forkOf parent: ProcessEntry, pid: Int64, timestamp: UInt64) {
        self.pid = pid
        self.vpid = pid
        self.ppid = parent.pid
        self.sid = parent.sid
        self.pgid = parent.pgid
        self.vpgid = parent.vpgid
        self.comm = parent.comm
        self.exe = parent.exe
        self.exePath = parent.exePath
        self.args = parent.args
        self.env = parent.env
        self.cwd = parent.cwd
        self.root = parent.root
        self.uid = parent.uid
        self.realUID = parent.realUID
        self.savedUID = parent.savedUID
        self.gid = parent.gid
        self.realGID = parent.realGID
        self.savedGID = parent.savedGID
        self.loginUID = parent.loginUID
        self.tty = parent.tty
        self.capInheritable = parent.capInheritable
        self.capPermitted = parent.capPermitted
        self.capEffective = parent.capEffective
        self.exeFlags = parent.exeFlags
        self.exeInode = parent.exeInode
        self.exeCtime = parent.exeCtime
        self.exeMtime = parent.exeMtime
        self.startTime = timestamp
        self.lastExecTime = 0
        self.exitTime = nil
        self.cgroups = parent.cgroups
        self.container = parent.container
        self.pidNamespace = parent.pidNamespace
        self.fds = parent.fds
        self.isPlaceholder = parent.isPlaceholder
        self.isChildSubreaper = false
        self.threadIDs = []
        self.children = []
        self.origin = .childClone
    }

    /// `proc.name`.
    public var name: String { comm }

    /// True until the whole thread group exited.
    public var isAlive: Bool { exitTime == nil }

    /// `proc.cmdline`: the name followed by the arguments, as libs builds it.
    public var cmdline: String {
        guard !comm.isEmpty else { return "" }
        var line = comm
        for arg in args {
            line += " "
            line += arg
        }
        return line
    }

    /// `proc.args`: the arguments joined by spaces.
    public var argumentLine: String { args.joined(separator: " ") }

    /// The value of environment variable `name` (`proc.env[NAME]`), trimmed of spaces as libs does.
    public func environment(_ name: String) -> String? {
        for entry in env {
            guard entry.hasPrefix(name) else { continue }
            let rest = entry.utf8.dropFirst(name.utf8.count)
            guard rest.first == UInt8(ascii: "=") else { continue }
            let value = Substring(rest.dropFirst())
            return String(value.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        }
        return nil
    }

    /// `proc.is_exe_writable`.
    public var isExeWritable: Bool { exeFlags & 1 != 0 }
    /// `proc.is_exe_upper_layer`.
    public var isExeUpperLayer: Bool { exeFlags & 2 != 0 }
    /// `proc.is_exe_from_memfd`.
    public var isExeFromMemfd: Bool { exeFlags & 4 != 0 }
    /// `proc.is_exe_lower_layer`.
    public var isExeLowerLayer: Bool { exeFlags & 8 != 0 }

    /// `proc.is_sid_leader`: the process leads its session.
    public var isSessionLeader: Bool { sid == vpid || sid == pid }
    /// `proc.is_vpgid_leader`: the process leads its process group.
    public var isProcessGroupLeader: Bool { vpgid == vpid }

    /// `proc.exe_ino.ctime_duration_proc_start`: ns between the executable's last status change
    /// and the process start, nil when the executable changed after the start or is unknown.
    public var exeCtimeToStart: UInt64? {
        guard exeCtime != 0, startTime >= exeCtime else { return nil }
        return startTime - exeCtime
    }

    /// How many threads are alive, the main one included (0 once exited).
    public var threadCount: Int { isAlive ? threadIDs.count + 1 : 0 }
}

/// A thread the table knows about other than a process's main thread.
public struct ThreadEntry: Sendable, Equatable {
    /// The thread id (`thread.tid`), host view.
    public var tid: Int64
    /// The thread group it belongs to (`proc.pid`).
    public var pid: Int64
    /// The thread id in its pid namespace (`thread.vtid`), -1 when not known.
    public var vtid: Int64

    /// Creates a thread entry.
    public init(tid: Int64, pid: Int64, vtid: Int64) {
        self.tid = tid
        self.pid = pid
        self.vtid = vtid
    }
}
