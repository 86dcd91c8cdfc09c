import SakerEvent
import SakerState

// `proc.*`, `thread.*`, `user.*` and `group.*`: fields of the process an event belongs to
// (libs' `sinsp_filter_check_thread`, `_user` and `_group`).

extension FieldRegistry {
    /// A field of the event's process.
    private static func process(
        _ name: String, _ type: FieldType, _ description: String,
        _ body: @escaping @Sendable (ProcessEntry) -> FieldValue?
    ) -> FieldDefinition {
        FieldDefinition(name, type, description) { c, _ in c.process.flatMap(body) }
    }

    /// A field of the event's process that needs the process table (ancestors, leaders).
    private static func related(
        _ name: String, _ type: FieldType, _ description: String,
        _ body: @escaping @Sendable (ProcessEntry, FieldStateView) -> FieldValue?
    ) -> FieldDefinition {
        FieldDefinition(name, type, description) { c, _ in
            guard let process = c.process else { return nil }
            return body(process, c.state)
        }
    }

    /// An ancestor field: `[N]` is the Nth ancestor (0 the process itself), no index means any
    /// ancestor (parent first), as libs' `proc.aname`.
    private static func ancestor(
        _ name: String, _ type: FieldType, _ description: String,
        _ body: @escaping @Sendable (ProcessEntry) -> FieldValue?
    ) -> FieldDefinition {
        FieldDefinition(name, type, argument: .optionalIndex, matching: .anyValueWithoutArgument, description) {
            c, argument in
            guard let process = c.process else { return nil }
            if let level = argument.index {
                return c.state.ancestor(of: process, level: level).flatMap(body)
            }
            var values: [FieldValue] = []
            c.state.forEachAncestor(of: process) { ancestor in
                if let value = body(ancestor) { values.append(value) }
                return true
            }
            return values.isEmpty ? nil : .list(values)
        }
    }

    static let processFields: [FieldDefinition] = [
        process("proc.pid", .int64, "The process id (thread-group id), host view.") { .int($0.pid) },
        process("proc.ppid", .int64, "The parent's process id.") { $0.ppid > 0 ? .int($0.ppid) : nil },
        process("proc.vpid", .int64, "The process id in its own pid namespace.") { $0.vpid >= 0 ? .int($0.vpid) : nil },
        related("proc.pvpid", .int64, "The parent's process id in its pid namespace.") { p, s in
            s.parent(of: p).flatMap { $0.vpid >= 0 ? .int($0.vpid) : nil }
        },
        process("proc.sid", .int64, "The session id.") { .int($0.sid) },
        process("proc.vpgid", .int64, "The process group id in the process's pid namespace.") { .int($0.vpgid) },
        process("proc.pgid", .int64, "The process group id, host view.") { .int($0.pgid) },
        process("proc.name", .string, "The command name (comm, at most 15 characters).") { .string($0.comm) },
        process("proc.exe", .string, "The first command-line argument (argv[0]).") { .string($0.exe) },
        process("proc.exepath", .string, "The full path of the executable.") { .string($0.exePath) },
        process("proc.cmdline", .string, "The command name followed by the arguments.") { .string($0.cmdline) },
        process("proc.exeline", .string, "argv[0] followed by the arguments.") { p in
            var line = p.exe
            for arg in p.args { line += " " + arg }
            return .string(line)
        },
        process("proc.args", .string, "The arguments, joined by spaces.") { .string($0.argumentLine) },
        process("proc.cmdnargs", .uint64, "The number of arguments.") { .uint(UInt64($0.args.count)) },
        process("proc.cmdlenargs", .uint64, "The total length of the arguments.") { p in
            .uint(UInt64(p.args.reduce(0) { $0 + $1.utf8.count }))
        },
        process("proc.cwd", .string, "The working directory.") { .string($0.cwd) },
        FieldDefinition(
            "proc.env", .string, argument: .optionalKey,
            "The environment (`NAME=value` joined by spaces), or one variable's value with `[NAME]`."
        ) { c, argument in
            guard let process = c.process else { return nil }
            if let name = argument.text { return process.environment(name).map { .string($0) } }
            return .string(process.env.joined(separator: " "))
        },
        process("proc.tty", .uint64, "The controlling terminal's device number, 0 for none.") { .uint(UInt64($0.tty)) },
        related("proc.pname", .string, "The parent's command name.") { p, s in s.parent(of: p).map { .string($0.comm) } },
        related("proc.pexe", .string, "The parent's argv[0].") { p, s in s.parent(of: p).map { .string($0.exe) } },
        related("proc.pexepath", .string, "The parent's executable path.") { p, s in
            s.parent(of: p).map { .string($0.exePath) }
        },
        related("proc.pcmdline", .string, "The parent's command line.") { p, s in
            s.parent(of: p).map { .string($0.cmdline) }
        },
        ancestor("proc.aname", .string, "The Nth ancestor's name (`[0]` is the process); without index, any ancestor.") {
            .string($0.comm)
        },
        ancestor("proc.aexe", .string, "The Nth ancestor's argv[0]; without index, any ancestor.") { .string($0.exe) },
        ancestor("proc.aexepath", .string, "The Nth ancestor's executable path; without index, any ancestor.") {
            .string($0.exePath)
        },
        ancestor("proc.apid", .int64, "The Nth ancestor's pid; without index, any ancestor.") { .int($0.pid) },
        ancestor("proc.acmdline", .string, "The Nth ancestor's command line; without index, any ancestor.") {
            .string($0.cmdline)
        },
        related("proc.sname", .string, "The name of the session leader.") { p, s in
            s.sessionLeader(of: p).map { .string($0.comm) }
        },
        related("proc.sid.exe", .string, "The session leader's argv[0].") { p, s in
            s.sessionLeader(of: p).map { .string($0.exe) }
        },
        related("proc.sid.exepath", .string, "The session leader's executable path.") { p, s in
            s.sessionLeader(of: p).map { .string($0.exePath) }
        },
        related("proc.vpgid.name", .string, "The name of the process group leader.") { p, s in
            s.processGroupLeader(of: p).map { .string($0.comm) }
        },
        related("proc.vpgid.exe", .string, "The process group leader's argv[0].") { p, s in
            s.processGroupLeader(of: p).map { .string($0.exe) }
        },
        related("proc.vpgid.exepath", .string, "The process group leader's executable path.") { p, s in
            s.processGroupLeader(of: p).map { .string($0.exePath) }
        },
        process("proc.is_vpgid_leader", .bool, "True when the process leads its process group.") {
            .bool($0.isProcessGroupLeader)
        },
        process("proc.is_sid_leader", .bool, "True when the process leads its session.") { .bool($0.isSessionLeader) },
        related("proc.loginshellid", .int64, "The pid of the eldest shell (a name ending in `sh`) among the process and its ancestors.") {
            p, s in
            var found: Int64? = isShell(p.comm) ? p.pid : nil
            s.forEachAncestor(of: p) { ancestor in
                if isShell(ancestor.comm) { found = ancestor.pid }
                return true
            }
            return found.map { .int($0) }
        },
        FieldDefinition("proc.duration", .relativeTime, "Nanoseconds since the process started.") { c, _ in
            guard let process = c.process, process.startTime != 0, c.event.timestamp >= process.startTime else {
                return nil
            }
            return .uint(c.event.timestamp - process.startTime)
        },
        FieldDefinition("proc.ppid.duration", .relativeTime, "Nanoseconds since the parent started.") { c, _ in
            guard let process = c.process, let parent = c.state.parent(of: process), parent.startTime != 0,
                c.event.timestamp >= parent.startTime
            else { return nil }
            return .uint(c.event.timestamp - parent.startTime)
        },
        process("proc.start_ts", .absoluteTime, "When the process started, ns since the epoch.") {
            $0.startTime != 0 ? .uint($0.startTime) : nil
        },
        process("proc.exe_ino", .int64, "The inode number of the executable.") {
            $0.exeInode != 0 ? .int(Int64(truncatingIfNeeded: $0.exeInode)) : nil
        },
        process("proc.exe_ino.ctime", .absoluteTime, "The executable's last status change, ns since the epoch.") {
            $0.exeCtime != 0 ? .uint($0.exeCtime) : nil
        },
        process("proc.exe_ino.mtime", .absoluteTime, "The executable's last modification, ns since the epoch.") {
            $0.exeMtime != 0 ? .uint($0.exeMtime) : nil
        },
        process(
            "proc.exe_ino.ctime_duration_proc_start", .relativeTime,
            "Nanoseconds between the executable's last status change and the process start."
        ) { $0.exeCtimeToStart.map { .uint($0) } },
        process("proc.is_exe_writable", .bool, "True when the executable is writable by the process's user.") {
            .bool($0.isExeWritable)
        },
        process("proc.is_exe_upper_layer", .bool, "True when the executable lives in an overlayfs upper layer.") {
            .bool($0.isExeUpperLayer)
        },
        process("proc.is_exe_lower_layer", .bool, "True when the executable lives in an overlayfs lower layer.") {
            .bool($0.isExeLowerLayer)
        },
        process("proc.is_exe_from_memfd", .bool, "True when the executable is a memfd (fileless execution).") {
            .bool($0.isExeFromMemfd)
        },
        process("proc.is_container_healthcheck", .bool, "True for a container health check (never on the host).") {
            _ in .bool(false)
        },
        process("proc.is_container_liveness_probe", .bool, "True for a Kubernetes liveness probe (never on the host).") {
            _ in .bool(false)
        },
        process("proc.is_container_readiness_probe", .bool, "True for a Kubernetes readiness probe (never on the host).") {
            _ in .bool(false)
        },
        process("proc.nthreads", .uint64, "The number of live threads, the main one included.") {
            .uint(UInt64($0.threadCount))
        },
        process("proc.fdopencount", .uint64, "The number of open descriptors.") { .uint(UInt64($0.fds.count)) },
    ]

    /// `proc.stdin.type`, `proc.stdout.name`…: descriptors 0, 1 and 2 of the process.
    static let standardStreamFields: [FieldDefinition] = {
        var fields: [FieldDefinition] = []
        for (number, stream) in ["stdin", "stdout", "stderr"].enumerated() {
            let fd = Int64(number)
            fields.append(FieldDefinition("proc.\(stream).type", .string, "The type of the process's \(stream) (file, pipe, ipv4…).") {
                c, _ in
                guard let info = c.process?.fds[fd], info.type != .unknown, info.type != .unsupported else { return nil }
                return .string(info.typeName)
            })
            fields.append(FieldDefinition("proc.\(stream).name", .string, "The name of the process's \(stream).") { c, _ in
                c.process?.fds[fd].map { .string($0.name) }
            })
        }
        return fields
    }()

    static let threadFields: [FieldDefinition] = [
        FieldDefinition("thread.tid", .int64, "The thread id, host view.") { c, _ in .int(c.event.tid) },
        FieldDefinition("thread.vtid", .int64, "The thread id in its pid namespace.") { c, _ in
            guard let thread = c.state.thread(tid: c.event.tid), thread.vtid >= 0 else { return nil }
            return .int(thread.vtid)
        },
        FieldDefinition("thread.ismain", .bool, "True for the main thread of its process.") { c, _ in
            .bool(c.event.tid == c.event.pid)
        },
        process("thread.cap_permitted", .string, "The permitted capabilities (`CAP_CHOWN CAP_SYS_ADMIN …`).") {
            .string(capabilityNames($0.capPermitted))
        },
        process("thread.cap_effective", .string, "The effective capabilities (`CAP_CHOWN CAP_SYS_ADMIN …`).") {
            .string(capabilityNames($0.capEffective))
        },
        process("thread.cap_inheritable", .string, "The inheritable capabilities (`CAP_CHOWN CAP_SYS_ADMIN …`).") {
            .string(capabilityNames($0.capInheritable))
        },
    ]

    // Unknown users and groups read as libs' usergroup manager records them: `<NA>` for every
    // attribute, except that uid/gid 0 is always `root` (home `/root`).
    static let userFields: [FieldDefinition] = [
        process("user.uid", .uint64, "The effective user id.") { .uint(UInt64($0.uid)) },
        FieldDefinition("user.name", .string, "The effective user's name (`<NA>` when unknown).") { c, _ in
            guard let uid = c.process?.uid else { return nil }
            return .string(c.user(uid)?.name ?? (uid == 0 ? "root" : "<NA>"))
        },
        FieldDefinition("user.homedir", .string, "The effective user's home directory.") { c, _ in
            guard let uid = c.process?.uid else { return nil }
            return .string(c.user(uid)?.home ?? (uid == 0 ? "/root" : "<NA>"))
        },
        FieldDefinition("user.shell", .string, "The effective user's login shell.") { c, _ in
            guard let uid = c.process?.uid else { return nil }
            return .string(c.user(uid)?.shell ?? "<NA>")
        },
        process("user.loginuid", .int64, "The audit login uid; -1 when not set.") { .int($0.loginUID) },
        FieldDefinition("user.loginname", .string, "The name of the login user (`<NA>` when unset or unknown).") {
            c, _ in
            guard let process = c.process else { return nil }
            guard process.loginUID >= 0, process.loginUID < 0xffff_ffff else { return .string("<NA>") }
            let uid = UInt32(process.loginUID)
            return .string(c.user(uid)?.name ?? (uid == 0 ? "root" : "<NA>"))
        },
        process("group.gid", .uint64, "The effective group id.") { .uint(UInt64($0.gid)) },
        FieldDefinition("group.name", .string, "The effective group's name (`<NA>` when unknown).") { c, _ in
            guard let gid = c.process?.gid else { return nil }
            return .string(c.groupName(gid) ?? (gid == 0 ? "root" : "<NA>"))
        },
    ]

    static func isShell(_ comm: String) -> Bool {
        let bytes = comm.utf8
        guard bytes.count >= 2 else { return false }
        var iterator = bytes.reversed().makeIterator()
        return iterator.next() == UInt8(ascii: "h") && iterator.next() == UInt8(ascii: "s")
    }

    /// Capability names in bit order, as libs' `caps_to_string` renders a set.
    static let capabilityTable: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// `CAP_CHOWN CAP_SYS_ADMIN` for a capability bit set.
    public static func capabilityNames(_ set: UInt64) -> String {
        var text = ""
        for (bit, name) in capabilityTable.enumerated() where set & (1 << UInt64(bit)) != 0 {
            if !text.isEmpty { text += " " }
            text += name
        }
        return text
    }
}
