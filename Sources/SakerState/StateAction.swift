import SakerEvent

/// What an event type does to the state, looked up by the type's dense raw value so the hot
/// path dispatches with one array read and a jump table instead of comparing types one by one.
enum StateAction: UInt8 {
    case none
    case snapshot, clone, exec, exit
    case open, openat, creat, close, dup, fcntl
    case socket, socketpair, connect, accept, bind, listen, send, receive
    case pipe, memfd, userfaultfd, ioUring, bpf
    case chdir, fchdir, chroot
    case setuid, setgid, setreuid, setregid, setresuid, setresgid, setsid, capset, prctl, namespaces

    /// The action of every event type, indexed by ``EventType/rawValue``.
    static let table: [StateAction] = {
        var table = [StateAction](repeating: .none, count: EventType.rawValueBound)
        let names: [(String, StateAction)] = [
            ("procsnapshot", .snapshot), ("procexit", .exit),
            ("clone", .clone), ("clone3", .clone), ("fork", .clone), ("vfork", .clone),
            ("execve", .exec), ("execveat", .exec),
            ("open", .open), ("creat", .creat), ("openat", .openat), ("openat2", .openat), ("close", .close),
            ("dup", .dup), ("dup2", .dup), ("dup3", .dup), ("fcntl", .fcntl),
            ("socket", .socket), ("socketpair", .socketpair), ("connect", .connect),
            ("accept", .accept), ("accept4", .accept), ("bind", .bind), ("listen", .listen),
            ("sendto", .send), ("sendmsg", .send), ("recvfrom", .receive), ("recvmsg", .receive),
            ("pipe", .pipe), ("pipe2", .pipe), ("memfd_create", .memfd), ("userfaultfd", .userfaultfd),
            ("io_uring_setup", .ioUring), ("bpf", .bpf),
            ("chdir", .chdir), ("fchdir", .fchdir), ("chroot", .chroot),
            ("setuid", .setuid), ("setgid", .setgid), ("setreuid", .setreuid), ("setregid", .setregid),
            ("setresuid", .setresuid), ("setresgid", .setresgid), ("setsid", .setsid), ("capset", .capset),
            ("prctl", .prctl), ("setns", .namespaces), ("unshare", .namespaces),
        ]
        for (name, action) in names {
            if let type = EventType(name: name), Int(type.rawValue) < table.count {
                table[Int(type.rawValue)] = action
            }
        }
        return table
    }()

    /// The action for `type`.
    @inline(__always)
    static func of(_ type: EventType) -> StateAction {
        let index = Int(type.rawValue)
        return index < table.count ? table[index] : .none
    }
}

/// Linux constants state tracking interprets (x86_64 values).
enum LinuxConstants {
    static let atFdcwd: Int64 = -100
    static let oWronly: UInt64 = 0o1
    static let oCreat: UInt64 = 0o100
    static let oTrunc: UInt64 = 0o1000
    static let oDirectory: UInt64 = 0o200000
    static let oCloexec: UInt64 = 0o2000000
    static let sockCloexec: UInt64 = 0o2000000
    static let mfdCloexec: UInt64 = 1
    static let cloneVfork: UInt64 = 0x4000
    static let cloneParent: UInt64 = 0x8000
    static let cloneThread: UInt64 = 0x10000
    static let cloneNewPID: UInt64 = 0x2000_0000
    static let cloneNewUser: UInt64 = 0x1000_0000
    static let fDupfd: UInt64 = 0
    static let fDupfdCloexec: UInt64 = 1030
    static let prSetChildSubreaper: UInt64 = 36
    static let einprogress: Int64 = 115
    /// Every capability bit up to CAP_CHECKPOINT_RESTORE (40): what a new user namespace grants.
    static let allCapabilities: UInt64 = (1 << 41) - 1
    /// `bpf` commands that return a new descriptor.
    static let bpfCommandsReturningFd: Set<UInt64> = [0, 5, 7, 13, 14, 17, 18, 19, 28, 30, 33]
}
