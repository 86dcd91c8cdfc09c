public import CSakerProbe
public import SakerEvent

/// Where one Falco parameter of a syscall comes from in a raw probe record.
enum ParamSource: Sendable {
    /// The syscall's return value.
    case result
    /// Raw argument `n` (0-based).
    case arg(Int)
    /// The user string pointed to by argument `n`.
    case string(arg: Int)
    /// The user `struct sockaddr` pointed to by argument `n`, of the length in argument `lengthArg`.
    case sockaddr(arg: Int, lengthArg: Int)
    /// The kernel socket's tuple; `localIsClient` says which end is the client.
    case tuple(localIsClient: Bool)
    /// One of the two fds written to a user `int[2]`.
    case fdPair(Int)
    /// A little-endian field of the struct copied from user memory.
    case structField(offset: Int, size: Int)
    /// The capability set `which` (0 effective, 1 permitted, 2 inheritable) from a capset data struct.
    case capability(Int)
    /// A fixed value.
    case constant(ParamValue)
}

/// What Saker captures for one syscall, and how it turns the raw record into Falco's parameters.
struct SyscallSpec: Sendable {
    let type: EventType
    let sources: [(name: String, source: ParamSource)]
    /// The schema kind of each source, resolved once here rather than per decoded event.
    let kinds: [ParamKind]
    /// Copy the socket tuple of the fd in the result (true) or in argument 0 (false).
    let tupleFromResult: Bool
    let structArg: Int?
    let structLength: Int

    init(_ type: EventType, _ sources: [(String, ParamSource)], tupleFromResult: Bool = false, structArg: Int? = nil, structLength: Int = 0) {
        self.type = type
        self.sources = sources.map { (name: $0.0, source: $0.1) }
        let schema = EventSchema.params(of: type)
        self.kinds = sources.map { source in schema.first(where: { $0.name == source.0 })?.kind ?? .uint }
        self.tupleFromResult = tupleFromResult
        self.structArg = structArg
        self.structLength = structLength
    }

    /// The argument indices whose strings the probe copies, in blob order (STR0, STR1, STR2).
    var stringArgs: [Int] {
        sources.compactMap { if case .string(let arg) = $0.source { return arg } else { return nil } }
    }

    /// The kernel-side descriptor for this syscall.
    func descriptor(interesting: Bool) -> saker_syscall_desc {
        var d = saker_syscall_desc()
        d.interesting = interesting ? 1 : 0
        let strings = stringArgs
        if strings.count > 0 { d.str_args.0 = UInt8(strings[0] + 1) }
        if strings.count > 1 { d.str_args.1 = UInt8(strings[1] + 1) }
        if strings.count > 2 { d.str_args.2 = UInt8(strings[2] + 1) }
        for (_, source) in sources {
            switch source {
            case .sockaddr(let arg, let lengthArg):
                d.sockaddr_arg = UInt8(arg + 1)
                d.sockaddr_len_arg = UInt8(lengthArg + 1)
            case .tuple:
                d.tuple_fd = tupleFromResult ? 1 : 2
            case .fdPair:
                // pipe/pipe2 pass the array in arg 0, socketpair in arg 3.
                d.fdpair_arg = type == .socketpair ? 4 : 1
            case .structField, .capability:
                if let arg = structArg {
                    d.struct_arg = UInt8(arg + 1)
                    d.struct_len = UInt8(structLength)
                }
            default: break
            }
        }
        return d
    }
}

/// The syscalls Saker decodes, with Falco's parameter names, and the set that keeps state.
public enum SyscallCatalog {
    static let specs: [EventType: SyscallSpec] = {
        func t(_ name: String) -> EventType {
            guard let type = EventType(name: name) else { preconditionFailure("unknown syscall \(name)") }
            return type
        }
        let zero = ParamSource.constant(.uint(0))
        var list: [SyscallSpec] = [
            SyscallSpec(t("open"), [("fd", .result), ("name", .string(arg: 0)), ("flags", .arg(1)), ("mode", .arg(2)), ("dev", zero), ("ino", zero)]),
            SyscallSpec(t("openat"), [("fd", .result), ("dirfd", .arg(0)), ("name", .string(arg: 1)), ("flags", .arg(2)), ("mode", .arg(3)), ("dev", zero), ("ino", zero)]),
            SyscallSpec(t("openat2"), [("fd", .result), ("dirfd", .arg(0)), ("name", .string(arg: 1)), ("flags", .structField(offset: 0, size: 8)), ("mode", .structField(offset: 8, size: 8)), ("resolve", .structField(offset: 16, size: 8)), ("dev", zero), ("ino", zero)], structArg: 2, structLength: 24),
            SyscallSpec(t("creat"), [("fd", .result), ("name", .string(arg: 0)), ("mode", .arg(1)), ("dev", zero), ("ino", zero)]),
            SyscallSpec(t("close"), [("res", .result), ("fd", .arg(0))]),
            SyscallSpec(t("dup"), [("res", .result), ("oldfd", .arg(0))]),
            SyscallSpec(t("dup2"), [("res", .result), ("oldfd", .arg(0)), ("newfd", .arg(1))]),
            SyscallSpec(t("dup3"), [("res", .result), ("oldfd", .arg(0)), ("newfd", .arg(1)), ("flags", .arg(2))]),
            SyscallSpec(t("fcntl"), [("res", .result), ("fd", .arg(0)), ("cmd", .arg(1))]),
            SyscallSpec(t("socket"), [("fd", .result), ("domain", .arg(0)), ("type", .arg(1)), ("proto", .arg(2))]),
            SyscallSpec(t("socketpair"), [("res", .result), ("fd1", .fdPair(0)), ("fd2", .fdPair(1)), ("domain", .arg(0)), ("type", .arg(1)), ("proto", .arg(2))]),
            SyscallSpec(t("connect"), [("res", .result), ("tuple", .tuple(localIsClient: true)), ("fd", .arg(0)), ("addr", .sockaddr(arg: 1, lengthArg: 2))]),
            SyscallSpec(t("accept"), [("fd", .result), ("tuple", .tuple(localIsClient: false)), ("queuepct", zero), ("queuelen", zero), ("queuemax", zero)], tupleFromResult: true),
            SyscallSpec(t("accept4"), [("fd", .result), ("tuple", .tuple(localIsClient: false)), ("queuepct", zero), ("queuelen", zero), ("queuemax", zero), ("flags", .arg(3))], tupleFromResult: true),
            SyscallSpec(t("bind"), [("res", .result), ("addr", .sockaddr(arg: 1, lengthArg: 2)), ("fd", .arg(0))]),
            SyscallSpec(t("listen"), [("res", .result), ("fd", .arg(0)), ("backlog", .arg(1))]),
            SyscallSpec(t("sendto"), [("res", .result), ("fd", .arg(0)), ("size", .arg(2)), ("tuple", .tuple(localIsClient: true))]),
            SyscallSpec(t("sendmsg"), [("res", .result), ("fd", .arg(0)), ("size", .result), ("tuple", .tuple(localIsClient: true))]),
            SyscallSpec(t("recvfrom"), [("res", .result), ("fd", .arg(0)), ("size", .arg(2)), ("tuple", .tuple(localIsClient: false))]),
            SyscallSpec(t("recvmsg"), [("res", .result), ("fd", .arg(0)), ("size", .result), ("tuple", .tuple(localIsClient: false))]),
            SyscallSpec(t("read"), [("res", .result), ("fd", .arg(0)), ("size", .arg(2))]),
            SyscallSpec(t("write"), [("res", .result), ("fd", .arg(0)), ("size", .arg(2))]),
            SyscallSpec(t("rename"), [("res", .result), ("oldpath", .string(arg: 0)), ("newpath", .string(arg: 1))]),
            SyscallSpec(t("renameat"), [("res", .result), ("olddirfd", .arg(0)), ("oldpath", .string(arg: 1)), ("newdirfd", .arg(2)), ("newpath", .string(arg: 3))]),
            SyscallSpec(t("renameat2"), [("res", .result), ("olddirfd", .arg(0)), ("oldpath", .string(arg: 1)), ("newdirfd", .arg(2)), ("newpath", .string(arg: 3)), ("flags", .arg(4))]),
            SyscallSpec(t("unlink"), [("res", .result), ("path", .string(arg: 0))]),
            SyscallSpec(t("unlinkat"), [("res", .result), ("dirfd", .arg(0)), ("name", .string(arg: 1)), ("flags", .arg(2))]),
            SyscallSpec(t("rmdir"), [("res", .result), ("path", .string(arg: 0))]),
            SyscallSpec(t("mkdir"), [("res", .result), ("path", .string(arg: 0)), ("mode", .arg(1))]),
            SyscallSpec(t("mkdirat"), [("res", .result), ("dirfd", .arg(0)), ("path", .string(arg: 1)), ("mode", .arg(2))]),
            SyscallSpec(t("link"), [("res", .result), ("oldpath", .string(arg: 0)), ("newpath", .string(arg: 1))]),
            SyscallSpec(t("linkat"), [("res", .result), ("olddir", .arg(0)), ("oldpath", .string(arg: 1)), ("newdir", .arg(2)), ("newpath", .string(arg: 3)), ("flags", .arg(4))]),
            SyscallSpec(t("symlink"), [("res", .result), ("target", .string(arg: 0)), ("linkpath", .string(arg: 1))]),
            SyscallSpec(t("symlinkat"), [("res", .result), ("target", .string(arg: 0)), ("linkdirfd", .arg(1)), ("linkpath", .string(arg: 2))]),
            SyscallSpec(t("chmod"), [("res", .result), ("filename", .string(arg: 0)), ("mode", .arg(1))]),
            SyscallSpec(t("fchmod"), [("res", .result), ("fd", .arg(0)), ("mode", .arg(1))]),
            SyscallSpec(t("fchmodat"), [("res", .result), ("dirfd", .arg(0)), ("filename", .string(arg: 1)), ("mode", .arg(2))]),
            SyscallSpec(t("chdir"), [("res", .result), ("path", .string(arg: 0))]),
            SyscallSpec(t("fchdir"), [("res", .result), ("fd", .arg(0))]),
            SyscallSpec(t("chroot"), [("res", .result), ("path", .string(arg: 0))]),
            SyscallSpec(t("setuid"), [("res", .result), ("uid", .arg(0))]),
            SyscallSpec(t("setgid"), [("res", .result), ("gid", .arg(0))]),
            SyscallSpec(t("setreuid"), [("res", .result), ("ruid", .arg(0)), ("euid", .arg(1))]),
            SyscallSpec(t("setregid"), [("res", .result), ("rgid", .arg(0)), ("egid", .arg(1))]),
            SyscallSpec(t("setresuid"), [("res", .result), ("ruid", .arg(0)), ("euid", .arg(1)), ("suid", .arg(2))]),
            SyscallSpec(t("setresgid"), [("res", .result), ("rgid", .arg(0)), ("egid", .arg(1)), ("sgid", .arg(2))]),
            SyscallSpec(t("setsid"), [("res", .result)]),
            SyscallSpec(t("capset"), [("res", .result), ("cap_inheritable", .capability(2)), ("cap_permitted", .capability(1)), ("cap_effective", .capability(0))], structArg: 1, structLength: 24),
            SyscallSpec(t("prctl"), [("res", .result), ("option", .arg(0)), ("arg2_str", .constant(.string(""))), ("arg2_int", .arg(1))]),
            SyscallSpec(t("ptrace"), [("res", .result), ("request", .arg(0)), ("pid", .arg(1)), ("addr", .arg(2)), ("data", .arg(3))]),
            SyscallSpec(t("mount"), [("res", .result), ("dev", .string(arg: 0)), ("dir", .string(arg: 1)), ("type", .string(arg: 2)), ("flags", .arg(3))]),
            SyscallSpec(t("umount2"), [("res", .result), ("name", .string(arg: 0)), ("flags", .arg(1))]),
            SyscallSpec(t("init_module"), [("res", .result), ("length", .arg(1)), ("uargs", .string(arg: 2))]),
            SyscallSpec(t("finit_module"), [("res", .result), ("fd", .arg(0)), ("uargs", .string(arg: 1)), ("flags", .arg(2))]),
            SyscallSpec(t("bpf"), [("fd", .result), ("cmd", .arg(0))]),
            SyscallSpec(t("setns"), [("res", .result), ("fd", .arg(0)), ("nstype", .arg(1))]),
            SyscallSpec(t("unshare"), [("res", .result), ("flags", .arg(0))]),
            SyscallSpec(t("memfd_create"), [("fd", .result), ("name", .string(arg: 0)), ("flags", .arg(1))]),
            SyscallSpec(t("userfaultfd"), [("res", .result), ("flags", .arg(0))]),
            SyscallSpec(t("io_uring_setup"), [("res", .result), ("entries", .arg(0)), ("flags", .structField(offset: 8, size: 4))], structArg: 1, structLength: 12),
            SyscallSpec(t("pipe"), [("res", .result), ("fd1", .fdPair(0)), ("fd2", .fdPair(1)), ("ino", zero)]),
            SyscallSpec(t("pipe2"), [("res", .result), ("fd1", .fdPair(0)), ("fd2", .fdPair(1)), ("ino", zero), ("flags", .arg(1))]),
            // A failed exec (a successful one comes from sched_process_exec with the new image).
            SyscallSpec(t("execve"), [("res", .result), ("filename", .string(arg: 0))]),
            SyscallSpec(t("execveat"), [("res", .result), ("dirfd", .arg(0)), ("filename", .string(arg: 1)), ("exec_flags", .arg(4))]),
            // The parent side of process creation (the child side comes from sched_process_fork).
            SyscallSpec(t("clone"), [("res", .result), ("flags", .arg(0))]),
            SyscallSpec(t("clone3"), [("res", .result), ("flags", .structField(offset: 0, size: 8))], structArg: 0, structLength: 8),
            SyscallSpec(t("fork"), [("res", .result)]),
            SyscallSpec(t("vfork"), [("res", .result)]),
        ]
        list.sort { $0.type < $1.type }
        var map: [EventType: SyscallSpec] = [:]
        for spec in list { map[spec.type] = spec }
        return map
    }()

    /// ``specs`` indexed by ``EventType/rawValue``, for the per-event lookup.
    static let specsByRawValue: [SyscallSpec?] = {
        var table = [SyscallSpec?](repeating: nil, count: EventType.rawValueBound)
        for (type, spec) in specs { table[Int(type.rawValue)] = spec }
        return table
    }()

    /// Syscalls Saker decodes with Falco's parameter names.
    public static var decodedTypes: [EventType] { specs.keys.sorted() }

    /// What `saker capture` records by default: every decoded syscall but the high-volume data
    /// transfers (read, write, send*, recv*), which `--syscalls` or `--all` add.
    public static var defaultCaptureTypes: Set<EventType> {
        let dataTransfers: Set<String> = ["read", "write", "sendto", "sendmsg", "recvfrom", "recvmsg"]
        return Set(specs.keys.filter { !dataTransfers.contains($0.name) })
    }

    /// Syscalls whose records keep the process and fd tables right; always captured.
    public static let stateTypes: Set<EventType> = {
        let names = [
            "execve", "execveat", "clone", "clone3", "fork", "vfork", "open", "openat", "openat2", "creat", "close",
            "dup", "dup2", "dup3", "fcntl", "socket", "socketpair", "connect", "accept", "accept4", "bind", "listen",
            "pipe", "pipe2", "memfd_create", "userfaultfd", "io_uring_setup", "chdir", "fchdir", "chroot", "setuid",
            "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setsid", "capset",
        ]
        return Set(names.compactMap { EventType(name: $0) })
    }()

    /// The kernel-side descriptor for syscall `type`: decoded syscalls copy their arguments,
    /// others only their raw registers.
    public static func descriptor(for type: EventType, interesting: Bool) -> saker_syscall_desc {
        if let spec = specs[type] { return spec.descriptor(interesting: interesting) }
        var d = saker_syscall_desc()
        d.interesting = interesting ? 1 : 0
        return d
    }
}
