/// How a parameter's value is typed: the schema a recorded line is read back with.
public enum ParamKind: Sendable, Equatable {
    case int, uint, errno, fd, pid, string, bytes, strings, mode, address, tuple
    case flags(FlagTable)
}

/// Falco's parameter list for each event type Saker produces (exit-event parameters, with the
/// enter-event ones folded in, as libs' current event table has them).
///
/// Types without an entry are still valid events (`capture --all`); they carry `res` and the six
/// raw arguments `a0`…`a5`.
public enum EventSchema {
    /// The parameters of `type`, in order.
    public static func params(of type: EventType) -> [(name: String, kind: ParamKind)] {
        byRawValue[Int(type.rawValue)] ?? genericParams
    }

    /// True when Saker knows the real parameter names of `type`.
    public static func isDescribed(_ type: EventType) -> Bool { byRawValue[Int(type.rawValue)] != nil }

    /// ``table`` indexed by ``EventType/rawValue``: the decoder and replay look schemas up per
    /// event, so no string hashing there.
    private static let byRawValue: [[(name: String, kind: ParamKind)]?] = {
        var result = [[(name: String, kind: ParamKind)]?](repeating: nil, count: EventType.rawValueBound)
        for (name, params) in table {
            if let type = EventType(name: name) { result[Int(type.rawValue)] = params }
        }
        return result
    }()

    /// The kind of one parameter of `type`, if it has one by that name.
    public static func kind(of name: String, in type: EventType) -> ParamKind? {
        params(of: type).first(where: { $0.name == name })?.kind
    }

    /// Parameters of syscalls Saker captures without decoding.
    public static let genericParams: [(name: String, kind: ParamKind)] = [
        ("res", .errno), ("a0", .uint), ("a1", .uint), ("a2", .uint), ("a3", .uint), ("a4", .uint), ("a5", .uint),
    ]

    /// Parameters of a successful exec (and of a process snapshot).
    public static let processParams: [(name: String, kind: ParamKind)] = [
        ("exe", .string), ("args", .strings), ("tid", .pid), ("pid", .pid), ("ptid", .pid), ("cwd", .string),
        ("comm", .string), ("cgroups", .strings), ("env", .strings), ("tty", .uint), ("pgid", .pid), ("vpgid", .pid),
        ("sid", .pid), ("loginuid", .int), ("flags", .flags(.execFlags)), ("cap_inheritable", .uint),
        ("cap_permitted", .uint), ("cap_effective", .uint), ("exe_ino", .uint), ("exe_ino_ctime", .uint),
        ("exe_ino_mtime", .uint), ("uid", .uint), ("gid", .uint), ("trusted_exepath", .string),
        ("vtid", .pid), ("vpid", .pid), ("pidns", .uint), ("start_ts", .uint),
    ]

    private static let table: [String: [(name: String, kind: ParamKind)]] = {
        var t: [String: [(name: String, kind: ParamKind)]] = [:]
        let exec = [("res", ParamKind.errno)] + processParams + [("filename", .string)]
        t["execve"] = exec
        t["execveat"] = exec + [("dirfd", .fd), ("exec_flags", .uint)]
        t["procsnapshot"] = processParams + [("fds", .strings)]
        let clone: [(name: String, kind: ParamKind)] = [
            ("res", .pid), ("tid", .pid), ("pid", .pid), ("ptid", .pid), ("comm", .string),
            ("flags", .flags(.cloneFlags)), ("uid", .uint), ("gid", .uint), ("vtid", .pid), ("vpid", .pid),
        ]
        for name in ["clone", "clone3", "fork", "vfork"] { t[name] = clone }
        t["procexit"] = [("status", .int), ("ret", .int), ("sig", .uint), ("core", .uint), ("reaper_tid", .pid), ("group_dead", .uint)]
        t["open"] = [("fd", .fd), ("name", .string), ("flags", .flags(.openFlags)), ("mode", .mode), ("dev", .uint), ("ino", .uint)]
        t["openat"] = [("fd", .fd), ("dirfd", .fd), ("name", .string), ("flags", .flags(.openFlags)), ("mode", .mode), ("dev", .uint), ("ino", .uint)]
        t["openat2"] = [("fd", .fd), ("dirfd", .fd), ("name", .string), ("flags", .flags(.openFlags)), ("mode", .mode), ("resolve", .uint), ("dev", .uint), ("ino", .uint)]
        t["creat"] = [("fd", .fd), ("name", .string), ("mode", .mode), ("dev", .uint), ("ino", .uint)]
        t["close"] = [("res", .errno), ("fd", .fd)]
        t["dup"] = [("res", .fd), ("oldfd", .fd)]
        t["dup2"] = [("res", .fd), ("oldfd", .fd), ("newfd", .fd)]
        t["dup3"] = [("res", .fd), ("oldfd", .fd), ("newfd", .fd), ("flags", .flags(.fdFlags))]
        t["fcntl"] = [("res", .fd), ("fd", .fd), ("cmd", .flags(.fcntlCommand))]
        t["socket"] = [("fd", .fd), ("domain", .flags(.socketFamily)), ("type", .uint), ("proto", .uint)]
        t["socketpair"] = [("res", .errno), ("fd1", .fd), ("fd2", .fd), ("domain", .flags(.socketFamily)), ("type", .uint), ("proto", .uint)]
        t["connect"] = [("res", .errno), ("tuple", .tuple), ("fd", .fd), ("addr", .address)]
        t["accept"] = [("fd", .fd), ("tuple", .tuple), ("queuepct", .uint), ("queuelen", .uint), ("queuemax", .uint)]
        t["accept4"] = t["accept"]! + [("flags", .flags(.fdFlags))]
        t["bind"] = [("res", .errno), ("addr", .address), ("fd", .fd)]
        t["listen"] = [("res", .errno), ("fd", .fd), ("backlog", .int)]
        t["sendto"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("tuple", .tuple), ("data", .bytes)]
        t["sendmsg"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("tuple", .tuple), ("data", .bytes)]
        t["recvfrom"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("tuple", .tuple), ("data", .bytes)]
        t["recvmsg"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("tuple", .tuple), ("data", .bytes)]
        t["read"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("data", .bytes)]
        t["write"] = [("res", .errno), ("fd", .fd), ("size", .uint), ("data", .bytes)]
        t["rename"] = [("res", .errno), ("oldpath", .string), ("newpath", .string)]
        t["renameat"] = [("res", .errno), ("olddirfd", .fd), ("oldpath", .string), ("newdirfd", .fd), ("newpath", .string)]
        t["renameat2"] = t["renameat"]! + [("flags", .flags(.renameFlags))]
        t["unlink"] = [("res", .errno), ("path", .string)]
        t["unlinkat"] = [("res", .errno), ("dirfd", .fd), ("name", .string), ("flags", .flags(.unlinkatFlags))]
        t["rmdir"] = [("res", .errno), ("path", .string)]
        t["mkdir"] = [("res", .errno), ("path", .string), ("mode", .mode)]
        t["mkdirat"] = [("res", .errno), ("dirfd", .fd), ("path", .string), ("mode", .mode)]
        t["link"] = [("res", .errno), ("oldpath", .string), ("newpath", .string)]
        t["linkat"] = [("res", .errno), ("olddir", .fd), ("oldpath", .string), ("newdir", .fd), ("newpath", .string), ("flags", .flags(.linkatFlags))]
        t["symlink"] = [("res", .errno), ("target", .string), ("linkpath", .string)]
        t["symlinkat"] = [("res", .errno), ("target", .string), ("linkdirfd", .fd), ("linkpath", .string)]
        // libs renders chmod modes as S_I* names (PT_MODE), other modes in octal.
        t["chmod"] = [("res", .errno), ("filename", .string), ("mode", .flags(.fileMode))]
        t["fchmod"] = [("res", .errno), ("fd", .fd), ("mode", .flags(.fileMode))]
        t["fchmodat"] = [("res", .errno), ("dirfd", .fd), ("filename", .string), ("mode", .flags(.fileMode))]
        t["chdir"] = [("res", .errno), ("path", .string)]
        t["fchdir"] = [("res", .errno), ("fd", .fd)]
        t["chroot"] = [("res", .errno), ("path", .string)]
        t["setuid"] = [("res", .errno), ("uid", .uint)]
        t["setgid"] = [("res", .errno), ("gid", .uint)]
        t["setreuid"] = [("res", .errno), ("ruid", .uint), ("euid", .uint)]
        t["setregid"] = [("res", .errno), ("rgid", .uint), ("egid", .uint)]
        t["setresuid"] = [("res", .errno), ("ruid", .uint), ("euid", .uint), ("suid", .uint)]
        t["setresgid"] = [("res", .errno), ("rgid", .uint), ("egid", .uint), ("sgid", .uint)]
        t["setsid"] = [("res", .pid)]
        t["capset"] = [("res", .errno), ("cap_inheritable", .uint), ("cap_permitted", .uint), ("cap_effective", .uint)]
        t["prctl"] = [("res", .errno), ("option", .flags(.prctlOption)), ("arg2_str", .string), ("arg2_int", .int)]
        t["ptrace"] = [("res", .errno), ("request", .flags(.ptraceRequest)), ("pid", .pid), ("addr", .uint), ("data", .uint)]
        t["mount"] = [("res", .errno), ("dev", .string), ("dir", .string), ("type", .string), ("flags", .flags(.mountFlags))]
        t["umount2"] = [("res", .errno), ("name", .string), ("flags", .flags(.umountFlags))]
        t["init_module"] = [("res", .errno), ("length", .uint), ("uargs", .string)]
        t["finit_module"] = [("res", .errno), ("fd", .fd), ("uargs", .string), ("flags", .flags(.moduleFlags))]
        t["bpf"] = [("fd", .fd), ("cmd", .flags(.bpfCommand))]
        t["setns"] = [("res", .errno), ("fd", .fd), ("nstype", .flags(.namespaceFlags))]
        t["unshare"] = [("res", .errno), ("flags", .flags(.namespaceFlags))]
        t["memfd_create"] = [("fd", .fd), ("name", .string), ("flags", .flags(.memfdFlags))]
        t["userfaultfd"] = [("res", .fd), ("flags", .flags(.fdFlags))]
        t["io_uring_setup"] = [("res", .fd), ("entries", .uint), ("flags", .uint)]
        t["pipe"] = [("res", .errno), ("fd1", .fd), ("fd2", .fd), ("ino", .uint)]
        t["pipe2"] = [("res", .errno), ("fd1", .fd), ("fd2", .fd), ("ino", .uint), ("flags", .flags(.fdFlags))]
        return t
    }()
}
