import SakerEvent

/// What a file descriptor refers to, as libs classifies it (`fd.type`, `fd.typechar`).
public enum FdType: UInt8, Sendable, CaseIterable {
    /// A regular file, device or other path-named object that is not a directory.
    case file
    /// A directory (opened with `O_DIRECTORY`, or seen as one in `/proc`).
    case directory
    /// An IPv4 socket (IPv4-mapped IPv6 connections are reported as IPv4, as libs does).
    case ipv4
    /// An IPv6 socket.
    case ipv6
    /// A unix-domain socket.
    case unix
    /// A pipe or FIFO.
    case pipe
    /// An eventfd.
    case event
    /// A signalfd.
    case signalfd
    /// An epoll instance.
    case eventpoll
    /// An inotify instance.
    case inotify
    /// A timerfd.
    case timerfd
    /// A netlink socket.
    case netlink
    /// An anonymous memory file from `memfd_create`.
    case memfd
    /// A BPF map, program, link or BTF object.
    case bpf
    /// A userfaultfd.
    case userfaultfd
    /// An io_uring instance.
    case ioUring
    /// A pidfd.
    case pidfd
    /// A socket of a family Saker does not model (`AF_PACKET`…): libs' `SCAP_FD_UNKNOWN`.
    case unknown
    /// Something `/proc` shows that libs cannot classify: libs' `SCAP_FD_UNSUPPORTED`.
    case unsupported

    /// The character libs renders for `fd.typechar`.
    public var typeChar: Character {
        switch self {
        case .file: "f"
        case .directory: "d"
        case .ipv4: "4"
        case .ipv6: "6"
        case .unix: "u"
        case .pipe: "p"
        case .event: "e"
        case .signalfd: "s"
        case .eventpoll: "l"
        case .inotify: "i"
        case .timerfd: "t"
        case .netlink: "n"
        case .memfd: "m"
        case .bpf: "b"
        case .userfaultfd: "u"
        case .ioUring: "r"
        case .pidfd: "P"
        case .unknown: "o"
        case .unsupported: "X"
        }
    }

    /// The string libs renders for `fd.type` (`<NA>` for the types libs has no name for).
    public var typeName: String {
        switch self {
        case .file: "file"
        case .directory: "directory"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .unix: "unix"
        case .pipe: "pipe"
        case .event: "event"
        case .signalfd: "signalfd"
        case .eventpoll: "eventpoll"
        case .inotify: "inotify"
        case .timerfd: "timerfd"
        case .netlink: "netlink"
        case .memfd: "memfd"
        case .bpf: "bpf"
        case .userfaultfd: "userfaultfd"
        case .ioUring: "io_uring"
        case .pidfd: "pidfd"
        case .unknown, .unsupported: "<NA>"
        }
    }

    /// The type for a `fd.typechar` character. `u` is ambiguous in libs (unix sockets and
    /// userfaultfds); it reads as `.unix`.
    public init?(typeChar: Character) {
        switch typeChar {
        case "f": self = .file
        case "d": self = .directory
        case "4": self = .ipv4
        case "6": self = .ipv6
        case "u": self = .unix
        case "p": self = .pipe
        case "e": self = .event
        case "s": self = .signalfd
        case "l": self = .eventpoll
        case "i": self = .inotify
        case "t": self = .timerfd
        case "n": self = .netlink
        case "m": self = .memfd
        case "b": self = .bpf
        case "r": self = .ioUring
        case "P": self = .pidfd
        case "o": self = .unknown
        case "X": self = .unsupported
        default: return nil
        }
    }

    /// True for IPv4 and IPv6 sockets.
    public var isInet: Bool { self == .ipv4 || self == .ipv6 }

    /// True for the socket types (`ipv4`, `ipv6`, `unix`, `netlink`, and unmodelled families).
    public var isSocket: Bool {
        switch self {
        case .ipv4, .ipv6, .unix, .netlink, .unknown: true
        default: false
        }
    }
}

/// Which end of a connection a socket is (libs' `FLAGS_ROLE_CLIENT`/`FLAGS_ROLE_SERVER`).
public enum SocketRole: UInt8, Sendable {
    /// Not known yet (a fresh socket).
    case none
    /// The connecting side (`connect`, or guessed from the first datagram sent).
    case client
    /// The accepting or listening side (`accept`, `bind` with a port, `listen`).
    case server
}

/// The transport protocol of an IP socket (`fd.l4proto`).
public enum L4Protocol: UInt8, Sendable {
    /// Not known.
    case unknown
    /// TCP.
    case tcp
    /// UDP.
    case udp
    /// ICMP.
    case icmp
    /// A raw socket.
    case raw

    /// The libs rendering (`tcp`, `udp`, `icmp`, `raw`), nil when unknown.
    public var name: String? {
        switch self {
        case .unknown: nil
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .raw: "raw"
        }
    }

    /// Parses a rendering back.
    public init?(name: String) {
        switch name {
        case "tcp": self = .tcp
        case "udp": self = .udp
        case "icmp": self = .icmp
        case "raw": self = .raw
        default: return nil
        }
    }

    /// The protocol a `socket(domain, type, protocol)` call creates, as libs infers it.
    public init(socketType: UInt32, protocol proto: UInt32) {
        let base = socketType & 0xff
        let raw: UInt32 = 3  // SOCK_RAW
        switch proto {
        case 6: self = base == raw ? .raw : .tcp  // IPPROTO_TCP
        case 17: self = base == raw ? .raw : .udp  // IPPROTO_UDP
        case 1: self = base == raw ? .raw : .icmp  // IPPROTO_ICMP
        case 255: self = .raw  // IPPROTO_RAW
        case 0:
            switch base {
            case 1: self = .tcp  // SOCK_STREAM
            case 2: self = .udp  // SOCK_DGRAM
            case raw: self = .raw
            default: self = .unknown
            }
        default: self = .unknown
        }
    }
}

/// The socket part of an ``FdInfo``.
public struct SocketInfo: Sendable, Equatable {
    /// The address family the socket was created with (`AF_INET`…).
    public var family: AddressFamily
    /// The `SOCK_*` type without the `SOCK_NONBLOCK`/`SOCK_CLOEXEC` bits, 0 when not known.
    public var socketType: UInt32
    /// The transport protocol.
    public var l4Protocol: L4Protocol
    /// Client or server, when known.
    public var role: SocketRole
    /// Both ends of a connection, client first (set by `connect`, `accept`, and by datagrams
    /// on unconnected sockets).
    public var tuple: SocketTuple?
    /// The local address a server socket is bound to (`bind` with a port, a listening socket
    /// seen in `/proc`).
    public var boundAddress: SocketAddress?
    /// True once `listen` succeeded (or `/proc` showed the socket listening).
    public var isListening: Bool
    /// True once a connection was established (`fd.connected`).
    public var isConnected: Bool

    /// Creates socket state.
    public init(
        family: AddressFamily, socketType: UInt32 = 0, l4Protocol: L4Protocol = .unknown,
        role: SocketRole = .none, tuple: SocketTuple? = nil, boundAddress: SocketAddress? = nil,
        isListening: Bool = false, isConnected: Bool = false
    ) {
        self.family = family
        self.socketType = socketType
        self.l4Protocol = l4Protocol
        self.role = role
        self.tuple = tuple
        self.boundAddress = boundAddress
        self.isListening = isListening
        self.isConnected = isConnected
    }

    /// The server end (`fd.sip`, `fd.sport`): the tuple's server, or the bound address.
    public var serverAddress: SocketAddress? { tuple?.server ?? boundAddress }

    /// The client end (`fd.cip`, `fd.cport`).
    public var clientAddress: SocketAddress? { tuple?.client }

    /// This process's end (`fd.lip`, `fd.lport`): the server end for a server, else the client end.
    public var localAddress: SocketAddress? {
        role == .server ? serverAddress : (tuple?.client ?? boundAddress)
    }

    /// The peer's end (`fd.rip`, `fd.rport`).
    public var remoteAddress: SocketAddress? {
        guard let tuple else { return nil }
        return role == .server ? tuple.client : tuple.server
    }

    /// The protocol as libs reports it for `fd.l4proto`: unknown for an IP socket with no role
    /// yet, unless it is raw.
    public var reportedL4Protocol: L4Protocol {
        if l4Protocol == .raw { return .raw }
        if role == .none && boundAddress == nil { return .unknown }
        return l4Protocol
    }
}

/// One open file descriptor of a process: what Falco's `fd.*` fields read.
public struct FdInfo: Sendable, Equatable {
    /// The kind of object.
    public var type: FdType
    /// The normalized name (`fd.name`): an absolute path for files, the tuple for connected
    /// sockets (`10.0.0.1:40000->10.0.0.2:80`), the bound address for server sockets, the path
    /// for unix sockets, `pipe:[INODE]` for pipes seen in `/proc`, empty when libs has none.
    public var name: String
    /// The path as the process passed it (`fd.nameraw`); empty for non-files.
    public var rawName: String
    /// The open flags, in Linux bit values, plus ``FlagTable/openFlagCreated`` when the open
    /// created the file.
    public var openFlags: UInt64
    /// True when the descriptor closes on exec (`O_CLOEXEC`, `SOCK_CLOEXEC`, `dup3(O_CLOEXEC)`…).
    public var closeOnExec: Bool
    /// The device number of the file, 0 when not known.
    public var device: UInt64
    /// The inode number, 0 when not known.
    public var inode: UInt64
    /// Socket state, for sockets.
    public var socket: SocketInfo?

    /// Creates a descriptor.
    public init(
        type: FdType, name: String = "", rawName: String = "", openFlags: UInt64 = 0,
        closeOnExec: Bool = false, device: UInt64 = 0, inode: UInt64 = 0, socket: SocketInfo? = nil
    ) {
        self.type = type
        self.name = name
        self.rawName = rawName
        self.openFlags = openFlags
        self.closeOnExec = closeOnExec
        self.device = device
        self.inode = inode
        self.socket = socket
    }

    /// `fd.typechar`.
    public var typeChar: Character { type.typeChar }

    /// `fd.type`.
    public var typeName: String { type.typeName }

    /// True for memfd descriptors.
    public var isMemfd: Bool { type == .memfd }

    /// `fd.directory`: the directory itself for a directory, the part of a file's name before
    /// its last `/` (or `/`), nil for other types. Mirrors libs.
    public var directory: String? {
        switch type {
        case .directory: return name
        case .file:
            guard let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")), slash != name.utf8.startIndex else {
                return "/"
            }
            if name.utf8.index(after: slash) == name.utf8.endIndex { return name }
            return String(name[..<slash])
        default: return nil
        }
    }

    /// `fd.filename`: the last component of a file's name, nil for other types.
    public var filename: String? {
        guard type == .file else { return nil }
        guard let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) else { return name }
        let start = name.utf8.index(after: slash)
        if start == name.utf8.endIndex { return name }
        return String(name[start...])
    }
}
