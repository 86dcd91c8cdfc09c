/// The tables that turn numeric syscall arguments into the names libs renders
/// (`O_WRONLY|O_CREAT`, `AF_INET`, `PTRACE_ATTACH`, `EXE_WRITABLE`).
///
/// Values are stored as Linux passes them; each table renders them in libs' order so that
/// substring comparisons in rules (`evt.arg.flags contains O_TRUNC`) and printed outputs match Falco.
public enum FlagTable: UInt8, Sendable, CaseIterable {
    /// `open`/`openat` flags, access mode included.
    case openFlags
    /// `AF_*` constants.
    case socketFamily
    /// `SOCK_*` types (with `SOCK_NONBLOCK`/`SOCK_CLOEXEC` bits).
    case socketType
    /// `PTRACE_*` requests.
    case ptraceRequest
    /// `PR_*` options.
    case prctlOption
    /// `CLONE_*` flags.
    case cloneFlags
    /// `MS_*` mount flags.
    case mountFlags
    /// `MNT_*` umount flags.
    case umountFlags
    /// `CLONE_NEW*` namespace flags (unshare, setns).
    case namespaceFlags
    /// `F_*` fcntl commands.
    case fcntlCommand
    /// `EXE_*` flags of an executed file.
    case execFlags
    /// `RENAME_*` flags.
    case renameFlags
    /// `AT_*` flags of linkat.
    case linkatFlags
    /// `AT_REMOVEDIR` of unlinkat.
    case unlinkatFlags
    /// `MFD_*` flags.
    case memfdFlags
    /// `O_CLOEXEC`/`O_NONBLOCK`/`O_DIRECT` for pipe2 and dup3.
    case fdFlags
    /// `BPF_*` commands.
    case bpfCommand
    /// `MODULE_INIT_*` flags of finit_module.
    case moduleFlags
    /// `S_I*` permission bits of chmod, fchmod and fchmodat (libs' `chmod_mode`).
    case fileMode

    /// The table's entries in libs' rendering order.
    public var entries: [(name: String, value: UInt64)] { FlagTable.storage[Int(rawValue)].entries }

    /// The libs rendering of a value.
    public func render(_ value: UInt64) -> String {
        if self == .openFlags { return FlagTable.renderOpenFlags(value) }
        let table = FlagTable.storage[Int(rawValue)]
        if !table.bitmask {
            for entry in table.entries where entry.value == value { return entry.name }
            return String(value)
        }
        if value == 0 { return table.zeroName ?? "0" }
        var remaining = value
        var parts: [String] = []
        for entry in table.entries where entry.value != 0 && remaining & entry.value == entry.value {
            parts.append(entry.name)
            remaining &= ~entry.value
        }
        if remaining != 0 { parts.append("0x" + String(remaining, radix: 16)) }
        return parts.joined(separator: "|")
    }

    /// Parses a rendering back (`O_WRONLY|O_CREAT`, a constant name, or a number).
    public func parse(_ text: String) -> UInt64? {
        if self != .fileMode, let number = UInt64(text) { return number }
        if text.hasPrefix("0x"), let number = UInt64(text.dropFirst(2), radix: 16) { return number }
        // Modes are written in octal (`04755`).
        if self == .fileMode, text.hasPrefix("0"), let number = UInt64(text, radix: 8) { return number }
        let table = FlagTable.storage[Int(rawValue)]
        var value: UInt64 = 0
        for part in text.split(separator: "|") {
            let name = String(part)
            if let zero = table.zeroName, name == zero { continue }
            if part.hasPrefix("0x"), let number = UInt64(part.dropFirst(2), radix: 16) {
                value |= number
                continue
            }
            guard let entry = table.entries.first(where: { $0.name == name }) else { return nil }
            value |= entry.value
        }
        return value
    }

    private struct Storage: Sendable {
        var entries: [(name: String, value: UInt64)]
        var bitmask: Bool
        var zeroName: String? = nil
    }

    // Linux open(2) bits, by their x86_64 values.
    static let oCreat: UInt64 = 0o100, oExcl: UInt64 = 0o200, oTrunc: UInt64 = 0o1000
    static let oAppend: UInt64 = 0o2000, oNonblock: UInt64 = 0o4000, oDsync: UInt64 = 0o10000
    static let oDirect: UInt64 = 0o40000, oLargefile: UInt64 = 0o100000, oDirectory: UInt64 = 0o200000
    static let oCloexec: UInt64 = 0o2000000, oSync: UInt64 = 0o4010000, oTmpfile: UInt64 = 0o20200000
    static let oPath: UInt64 = 0o10000000
    /// Not a Linux bit: set by Saker when the open created the file, rendered `O_F_CREATED` as libs does.
    public static let openFlagCreated: UInt64 = 1 << 40

    private static let openBits: [(String, UInt64)] = [
        ("O_LARGEFILE", oLargefile), ("O_DIRECTORY", oDirectory), ("O_DIRECT", oDirect),
        ("O_TRUNC", oTrunc), ("O_SYNC", oSync), ("O_NONBLOCK", oNonblock), ("O_EXCL", oExcl),
        ("O_DSYNC", oDsync), ("O_APPEND", oAppend), ("O_CREAT", oCreat),
    ]

    private static func renderOpenFlags(_ value: UInt64) -> String {
        var remaining = value & ~openFlagCreated
        var parts: [String] = []
        if remaining & oTmpfile == oTmpfile { remaining &= ~(oTmpfile) }
        for (name, bit) in openBits where remaining & bit == bit {
            parts.append(name)
            remaining &= ~bit
        }
        switch remaining & 3 {
        case 0: parts.append("O_RDONLY")
        case 1: parts.append("O_WRONLY")
        default: parts.append("O_RDWR")
        }
        remaining &= ~3
        if remaining & oCloexec != 0 { parts.append("O_CLOEXEC"); remaining &= ~oCloexec }
        if value & oTmpfile == oTmpfile { parts.append("O_TMPFILE") }
        if remaining & oPath != 0 { parts.append("O_PATH"); remaining &= ~oPath }
        if value & openFlagCreated != 0 { parts.append("O_F_CREATED") }
        return parts.joined(separator: "|")
    }

    private static let openParseEntries: [(name: String, value: UInt64)] =
        openBits.map { (name: $0.0, value: $0.1) } + [
            ("O_RDONLY", 0), ("O_WRONLY", 1), ("O_RDWR", 2), ("O_CLOEXEC", oCloexec), ("O_TMPFILE", oTmpfile),
            ("O_PATH", oPath), ("O_F_CREATED", openFlagCreated), ("O_NONE", 0),
        ]

    private static let storage: [Storage] = [
        // openFlags (parsing only; rendering is special-cased above)
        Storage(entries: openParseEntries, bitmask: true, zeroName: "O_RDONLY"),
        // socketFamily
        Storage(entries: [
            ("AF_UNSPEC", 0), ("AF_UNIX", 1), ("AF_INET", 2), ("AF_AX25", 3), ("AF_IPX", 4), ("AF_APPLETALK", 5),
            ("AF_NETROM", 6), ("AF_BRIDGE", 7), ("AF_ATMPVC", 8), ("AF_X25", 9), ("AF_INET6", 10), ("AF_ROSE", 11),
            ("AF_DECnet", 12), ("AF_NETBEUI", 13), ("AF_SECURITY", 14), ("AF_KEY", 15), ("AF_NETLINK", 16),
            ("AF_PACKET", 17), ("AF_ASH", 18), ("AF_ECONET", 19), ("AF_ATMSVC", 20), ("AF_RDS", 21), ("AF_SNA", 22),
            ("AF_IRDA", 23), ("AF_PPPOX", 24), ("AF_WANPIPE", 25), ("AF_LLC", 26), ("AF_IB", 27), ("AF_MPLS", 28),
            ("AF_CAN", 29), ("AF_TIPC", 30), ("AF_BLUETOOTH", 31), ("AF_IUCV", 32), ("AF_RXRPC", 33), ("AF_ISDN", 34),
            ("AF_PHONET", 35), ("AF_IEEE802154", 36), ("AF_CAIF", 37), ("AF_ALG", 38), ("AF_NFC", 39), ("AF_VSOCK", 40),
            ("AF_KCM", 41), ("AF_QIPCRTR", 42), ("AF_SMC", 43), ("AF_XDP", 44),
        ], bitmask: false),
        // socketType
        Storage(entries: [
            ("SOCK_STREAM", 1), ("SOCK_DGRAM", 2), ("SOCK_RAW", 3), ("SOCK_RDM", 4), ("SOCK_SEQPACKET", 5),
            ("SOCK_DCCP", 6), ("SOCK_PACKET", 10), ("SOCK_NONBLOCK", 0o4000), ("SOCK_CLOEXEC", 0o2000000),
        ], bitmask: false),
        // ptraceRequest
        Storage(entries: [
            ("PTRACE_TRACEME", 0), ("PTRACE_PEEKTEXT", 1), ("PTRACE_PEEKDATA", 2), ("PTRACE_PEEKUSR", 3),
            ("PTRACE_POKETEXT", 4), ("PTRACE_POKEDATA", 5), ("PTRACE_POKEUSR", 6), ("PTRACE_CONT", 7),
            ("PTRACE_KILL", 8), ("PTRACE_SINGLESTEP", 9), ("PTRACE_GETREGS", 12), ("PTRACE_SETREGS", 13),
            ("PTRACE_GETFPREGS", 14), ("PTRACE_SETFPREGS", 15), ("PTRACE_ATTACH", 16), ("PTRACE_DETACH", 17),
            ("PTRACE_GETFPXREGS", 18), ("PTRACE_SETFPXREGS", 19), ("PTRACE_SYSCALL", 24),
            ("PTRACE_SETOPTIONS", 0x4200), ("PTRACE_GETEVENTMSG", 0x4201), ("PTRACE_GETSIGINFO", 0x4202),
            ("PTRACE_SETSIGINFO", 0x4203), ("PTRACE_GETREGSET", 0x4204), ("PTRACE_SETREGSET", 0x4205),
            ("PTRACE_SEIZE", 0x4206), ("PTRACE_INTERRUPT", 0x4207), ("PTRACE_LISTEN", 0x4208),
            ("PTRACE_PEEKSIGINFO", 0x4209), ("PTRACE_GETSIGMASK", 0x420a), ("PTRACE_SETSIGMASK", 0x420b),
        ], bitmask: false),
        // prctlOption
        Storage(entries: [
            ("PR_SET_PDEATHSIG", 1), ("PR_GET_PDEATHSIG", 2), ("PR_GET_DUMPABLE", 3), ("PR_SET_DUMPABLE", 4),
            ("PR_SET_KEEPCAPS", 8), ("PR_SET_NAME", 15), ("PR_GET_NAME", 16), ("PR_GET_SECCOMP", 21),
            ("PR_SET_SECCOMP", 22), ("PR_CAPBSET_READ", 23), ("PR_CAPBSET_DROP", 24), ("PR_SET_SECUREBITS", 28),
            ("PR_SET_CHILD_SUBREAPER", 36), ("PR_GET_CHILD_SUBREAPER", 37), ("PR_SET_NO_NEW_PRIVS", 38),
            ("PR_GET_NO_NEW_PRIVS", 39), ("PR_SET_THP_DISABLE", 41), ("PR_CAP_AMBIENT", 47),
        ], bitmask: false),
        // cloneFlags
        Storage(entries: [
            ("CLONE_FILES", 0x400), ("CLONE_FS", 0x200), ("CLONE_IO", 0x8000_0000), ("CLONE_NEWIPC", 0x0800_0000),
            ("CLONE_NEWNET", 0x4000_0000), ("CLONE_NEWNS", 0x20000), ("CLONE_NEWPID", 0x2000_0000),
            ("CLONE_NEWUTS", 0x0400_0000), ("CLONE_PARENT", 0x8000), ("CLONE_PARENT_SETTID", 0x0010_0000),
            ("CLONE_PTRACE", 0x2000), ("CLONE_SIGHAND", 0x800), ("CLONE_SYSVSEM", 0x40000), ("CLONE_THREAD", 0x10000),
            ("CLONE_UNTRACED", 0x0080_0000), ("CLONE_VM", 0x100), ("CLONE_NEWUSER", 0x1000_0000),
            ("CLONE_CHILD_CLEARTID", 0x0020_0000), ("CLONE_CHILD_SETTID", 0x0100_0000), ("CLONE_SETTLS", 0x80000),
            ("CLONE_STOPPED", 0x0200_0000), ("CLONE_VFORK", 0x4000), ("CLONE_NEWCGROUP", 0x0200_0000),
            ("CLONE_PIDFD", 0x1000),
        ], bitmask: true, zeroName: "0"),
        // mountFlags
        Storage(entries: [
            ("RDONLY", 1), ("NOSUID", 2), ("NODEV", 4), ("NOEXEC", 8), ("SYNCHRONOUS", 16), ("REMOUNT", 32),
            ("MANDLOCK", 64), ("DIRSYNC", 128), ("NOATIME", 1024), ("NODIRATIME", 2048), ("BIND", 4096),
            ("MOVE", 8192), ("REC", 16384), ("SILENT", 32768), ("POSIXACL", 1 << 16), ("UNBINDABLE", 1 << 17),
            ("PRIVATE", 1 << 18), ("SLAVE", 1 << 19), ("SHARED", 1 << 20), ("RELATIME", 1 << 21),
            ("KERNMOUNT", 1 << 22), ("I_VERSION", 1 << 23), ("STRICTATIME", 1 << 24), ("LAZYTIME", 1 << 25),
            ("NOSEC", 1 << 28), ("BORN", 1 << 29), ("ACTIVE", 1 << 30), ("NOUSER", 1 << 31),
        ], bitmask: true, zeroName: "0"),
        // umountFlags
        Storage(entries: [("FORCE", 1), ("DETACH", 2), ("EXPIRE", 4), ("NOFOLLOW", 8)], bitmask: true, zeroName: "0"),
        // namespaceFlags
        Storage(entries: [
            ("CLONE_FILES", 0x400), ("CLONE_FS", 0x200), ("CLONE_NEWCGROUP", 0x0200_0000),
            ("CLONE_NEWIPC", 0x0800_0000), ("CLONE_NEWNET", 0x4000_0000), ("CLONE_NEWNS", 0x20000),
            ("CLONE_NEWPID", 0x2000_0000), ("CLONE_NEWTIME", 0x80), ("CLONE_NEWUSER", 0x1000_0000),
            ("CLONE_NEWUTS", 0x0400_0000), ("CLONE_SYSVSEM", 0x40000),
        ], bitmask: true, zeroName: "0"),
        // fcntlCommand
        Storage(entries: [
            ("F_DUPFD", 0), ("F_GETFD", 1), ("F_SETFD", 2), ("F_GETFL", 3), ("F_SETFL", 4), ("F_GETLK", 5),
            ("F_SETLK", 6), ("F_SETLKW", 7), ("F_SETOWN", 8), ("F_GETOWN", 9), ("F_SETSIG", 10), ("F_GETSIG", 11),
            ("F_SETOWN_EX", 15), ("F_GETOWN_EX", 16), ("F_OFD_GETLK", 36), ("F_OFD_SETLK", 37),
            ("F_OFD_SETLKW", 38), ("F_SETLEASE", 1024), ("F_GETLEASE", 1025), ("F_NOTIFY", 1026),
            ("F_DUPFD_CLOEXEC", 1030), ("F_SETPIPE_SZ", 1031), ("F_GETPIPE_SZ", 1032),
        ], bitmask: false),
        // execFlags: Saker's bits, named as libs names them.
        Storage(entries: [
            ("EXE_WRITABLE", 1), ("EXE_UPPER_LAYER", 2), ("EXE_FROM_MEMFD", 4), ("EXE_LOWER_LAYER", 8),
        ], bitmask: true, zeroName: "0"),
        // renameFlags
        Storage(entries: [("RENAME_NOREPLACE", 1), ("RENAME_EXCHANGE", 2), ("RENAME_WHITEOUT", 4)], bitmask: true, zeroName: "0"),
        // linkatFlags
        Storage(entries: [("AT_SYMLINK_FOLLOW", 0x400), ("AT_EMPTY_PATH", 0x1000)], bitmask: true, zeroName: "0"),
        // unlinkatFlags
        Storage(entries: [("AT_REMOVEDIR", 0x200)], bitmask: true, zeroName: "0"),
        // memfdFlags
        Storage(entries: [
            ("MFD_CLOEXEC", 1), ("MFD_ALLOW_SEALING", 2), ("MFD_HUGETLB", 4), ("MFD_NOEXEC_SEAL", 8), ("MFD_EXEC", 16),
        ], bitmask: true, zeroName: "0"),
        // fdFlags
        Storage(entries: [("O_CLOEXEC", 0o2000000), ("O_NONBLOCK", 0o4000), ("O_DIRECT", 0o40000)], bitmask: true, zeroName: "0"),
        // bpfCommand
        Storage(entries: [
            ("BPF_MAP_CREATE", 0), ("BPF_MAP_LOOKUP_ELEM", 1), ("BPF_MAP_UPDATE_ELEM", 2), ("BPF_MAP_DELETE_ELEM", 3),
            ("BPF_MAP_GET_NEXT_KEY", 4), ("BPF_PROG_LOAD", 5), ("BPF_OBJ_PIN", 6), ("BPF_OBJ_GET", 7),
            ("BPF_PROG_ATTACH", 8), ("BPF_PROG_DETACH", 9), ("BPF_PROG_TEST_RUN", 10), ("BPF_PROG_GET_NEXT_ID", 11),
            ("BPF_MAP_GET_NEXT_ID", 12), ("BPF_PROG_GET_FD_BY_ID", 13), ("BPF_MAP_GET_FD_BY_ID", 14),
            ("BPF_OBJ_GET_INFO_BY_FD", 15), ("BPF_PROG_QUERY", 16), ("BPF_RAW_TRACEPOINT_OPEN", 17),
            ("BPF_BTF_LOAD", 18), ("BPF_BTF_GET_FD_BY_ID", 19), ("BPF_TASK_FD_QUERY", 20),
            ("BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21), ("BPF_MAP_FREEZE", 22), ("BPF_BTF_GET_NEXT_ID", 23),
            ("BPF_MAP_LOOKUP_BATCH", 24), ("BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25), ("BPF_MAP_UPDATE_BATCH", 26),
            ("BPF_MAP_DELETE_BATCH", 27), ("BPF_LINK_CREATE", 28), ("BPF_LINK_UPDATE", 29),
            ("BPF_LINK_GET_FD_BY_ID", 30), ("BPF_LINK_GET_NEXT_ID", 31), ("BPF_ENABLE_STATS", 32),
            ("BPF_ITER_CREATE", 33), ("BPF_LINK_DETACH", 34), ("BPF_PROG_BIND_MAP", 35),
        ], bitmask: false),
        // moduleFlags
        Storage(entries: [("MODULE_INIT_IGNORE_MODVERSIONS", 1), ("MODULE_INIT_IGNORE_VERMAGIC", 2), ("MODULE_INIT_COMPRESSED_FILE", 4)], bitmask: true, zeroName: "0"),
        // fileMode, in libs' order
        Storage(entries: [
            ("S_IXOTH", 0o1), ("S_IWOTH", 0o2), ("S_IROTH", 0o4), ("S_IXGRP", 0o10), ("S_IWGRP", 0o20),
            ("S_IRGRP", 0o40), ("S_IXUSR", 0o100), ("S_IWUSR", 0o200), ("S_IRUSR", 0o400), ("S_ISVTX", 0o1000),
            ("S_ISGID", 0o2000), ("S_ISUID", 0o4000),
        ], bitmask: true, zeroName: "0"),
    ]
}
