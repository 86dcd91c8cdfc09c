/// The kind of an ``Event``: a syscall (named as Falco names it, `openat`, `execve`…) or one of
/// the few non-syscall events Saker produces (`procexit`, and the synthetic `procsnapshot`).
///
/// The raw value is a small dense number so rules can be indexed by it in an array: syscalls use
/// their x86_64 number, other events start at ``firstSpecialRawValue``.
public struct EventType: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The dense identifier of this type.
    public let rawValue: UInt16

    /// Creates a type from its dense identifier, if one with that identifier exists.
    public init?(rawValue: UInt16) {
        guard EventType.name(of: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a type from its Falco name (`"openat"`, `"procexit"`), if Saker knows it.
    public init?(name: String) {
        guard let raw = EventType.byName[name] else { return nil }
        self.rawValue = raw
    }

    /// The type of the syscall with this x86_64 number, if the number names a syscall.
    public init?(x86_64SyscallNumber nr: Int) {
        guard nr >= 0, nr < EventType.x86_64SyscallNames.count, !EventType.x86_64SyscallNames[nr].isEmpty else {
            return nil
        }
        self.rawValue = UInt16(nr)
    }

    /// The Falco name of the type: what `evt.type` renders.
    public var name: String { EventType.name(of: rawValue) ?? "unknown" }

    public var description: String { name }

    /// True for syscall events; false for `procexit` and synthetic events.
    public var isSyscall: Bool { rawValue < EventType.firstSpecialRawValue }

    /// The x86_64 syscall number of this type, or nil for non-syscall events.
    public var x86_64SyscallNumber: Int? { isSyscall ? Int(rawValue) : nil }

    /// True for events Saker makes up to describe state (never produced by the kernel, never
    /// shown to rules).
    public var isSynthetic: Bool { self == .procsnapshot }

    public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The first raw value used by non-syscall events.
    public static let firstSpecialRawValue: UInt16 = 1000

    /// A process (thread) ended. Params: `status`, `ret`, `sig`, `core`, `reaper_tid`.
    public static let procexit = EventType(unchecked: 1000)
    /// Synthetic: a process that already existed when capture started, read from `/proc`.
    /// Carries the same params as a successful `execve` so a replay rebuilds the process tree.
    public static let procsnapshot = EventType(unchecked: 1001)

    static let specialNames: [String] = ["procexit", "procsnapshot"]

    /// Every type Saker knows, syscalls first.
    public static let all: [EventType] = {
        var result: [EventType] = []
        for (nr, name) in x86_64SyscallNames.enumerated() where !name.isEmpty {
            result.append(EventType(unchecked: UInt16(nr)))
        }
        for index in specialNames.indices {
            result.append(EventType(unchecked: firstSpecialRawValue + UInt16(index)))
        }
        return result
    }()

    /// An upper bound on raw values, for sizing arrays indexed by ``rawValue``.
    public static let rawValueBound: Int = Int(firstSpecialRawValue) + specialNames.count

    private static func name(of raw: UInt16) -> String? {
        if raw < firstSpecialRawValue {
            let nr = Int(raw)
            guard nr < x86_64SyscallNames.count, !x86_64SyscallNames[nr].isEmpty else { return nil }
            return x86_64SyscallNames[nr]
        }
        let index = Int(raw - firstSpecialRawValue)
        return index < specialNames.count ? specialNames[index] : nil
    }

    private static let byName: [String: UInt16] = {
        var map: [String: UInt16] = [:]
        for type in all { map[type.name] = type.rawValue }
        return map
    }()
}

extension EventType {
    // The syscall types other modules name directly.
    public static let read = EventType(name: "read")!
    public static let write = EventType(name: "write")!
    public static let open = EventType(name: "open")!
    public static let openat = EventType(name: "openat")!
    public static let openat2 = EventType(name: "openat2")!
    public static let creat = EventType(name: "creat")!
    public static let close = EventType(name: "close")!
    public static let execve = EventType(name: "execve")!
    public static let execveat = EventType(name: "execveat")!
    public static let clone = EventType(name: "clone")!
    public static let clone3 = EventType(name: "clone3")!
    public static let fork = EventType(name: "fork")!
    public static let vfork = EventType(name: "vfork")!
    public static let dup = EventType(name: "dup")!
    public static let dup2 = EventType(name: "dup2")!
    public static let dup3 = EventType(name: "dup3")!
    public static let fcntl = EventType(name: "fcntl")!
    public static let socket = EventType(name: "socket")!
    public static let socketpair = EventType(name: "socketpair")!
    public static let connect = EventType(name: "connect")!
    public static let accept = EventType(name: "accept")!
    public static let accept4 = EventType(name: "accept4")!
    public static let bind = EventType(name: "bind")!
    public static let listen = EventType(name: "listen")!
    public static let sendto = EventType(name: "sendto")!
    public static let sendmsg = EventType(name: "sendmsg")!
    public static let recvfrom = EventType(name: "recvfrom")!
    public static let recvmsg = EventType(name: "recvmsg")!
    public static let pipe = EventType(name: "pipe")!
    public static let pipe2 = EventType(name: "pipe2")!
    public static let memfdCreate = EventType(name: "memfd_create")!
    public static let userfaultfd = EventType(name: "userfaultfd")!
    public static let ioUringSetup = EventType(name: "io_uring_setup")!
    public static let bpf = EventType(name: "bpf")!
    public static let chdir = EventType(name: "chdir")!
    public static let fchdir = EventType(name: "fchdir")!
    public static let chroot = EventType(name: "chroot")!
    public static let setuid = EventType(name: "setuid")!
    public static let setgid = EventType(name: "setgid")!
    public static let setresuid = EventType(name: "setresuid")!
    public static let setresgid = EventType(name: "setresgid")!
    public static let setreuid = EventType(name: "setreuid")!
    public static let setregid = EventType(name: "setregid")!
    public static let setsid = EventType(name: "setsid")!
    public static let capset = EventType(name: "capset")!
    public static let prctl = EventType(name: "prctl")!
    public static let rename = EventType(name: "rename")!
    public static let renameat = EventType(name: "renameat")!
    public static let renameat2 = EventType(name: "renameat2")!
}
