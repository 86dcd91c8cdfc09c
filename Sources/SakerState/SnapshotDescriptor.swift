import SakerEvent

/// The text form of one open descriptor in a `procsnapshot` event's `fds` list:
///
///     FD TYPECHAR NAME
///     FD 4|6 ENDPOINTS [PROTO [ROLE]]
///
/// `TYPECHAR` is libs' `fd.typechar` (`f` file, `d` directory, `4`/`6` IP socket, `u` unix
/// socket, `p` pipe, `e` eventfd, `s` signalfd, `l` epoll, `i` inotify, `t` timerfd, `n` netlink,
/// `m` memfd, `b` bpf, `r` io_uring, `P` pidfd, `o` unknown socket, `X` unsupported). `NAME` is the
/// rest of the line and may contain spaces: a path, a unix socket path, `pipe:[INODE]`, or the
/// `/proc` link of an anonymous inode (`anon_inode:[eventfd]`; `u` with
/// `anon_inode:[userfaultfd]` is a userfaultfd). For IP sockets `ENDPOINTS` is
/// `CLIENT_IP:PORT->SERVER_IP:PORT` for a connection or `IP:PORT` for a bound or listening
/// socket (IPv6 without brackets, as libs prints it), optionally followed by the transport
/// (`tcp`, `udp`, `icmp`, `raw`) and the role (`client`, `server`). Examples:
/// `3 f /etc/passwd`, `4 4 127.0.0.1:5000->127.0.0.1:80 tcp client`, `5 u /run/x.sock`,
/// `6 p pipe:[1234]`.
public enum SnapshotDescriptor {
    /// Parses one line; nil when it is malformed.
    public static func decode(_ line: String) -> (fd: Int64, info: FdInfo)? {
        let text = Substring(line)
        guard let space = text.firstIndex(of: " "), let fd = Int64(text[..<space]), fd >= 0 else { return nil }
        let rest = text[text.index(after: space)...]
        guard let typeChar = rest.first, let decodedType = FdType(typeChar: typeChar) else { return nil }
        var name = rest.dropFirst()
        if name.first == " " { name = name.dropFirst() }
        var type = decodedType
        if type == .unix && name == "anon_inode:[userfaultfd]" { type = .userfaultfd }

        switch type {
        case .ipv4, .ipv6:
            return decodeInet(fd: fd, type: type, text: name).map { (fd, $0) }
        case .unix:
            let path = String(name)
            let socket = SocketInfo(family: .unix, role: path.isEmpty ? .client : .server)
            return (fd, FdInfo(type: .unix, name: path, socket: socket))
        case .netlink:
            return (fd, FdInfo(type: .netlink, socket: SocketInfo(family: .netlink)))
        case .unknown:
            return (fd, FdInfo(type: .unknown, name: String(name), socket: SocketInfo(family: .unspecified)))
        case .pipe:
            var inode: UInt64 = 0
            if name.hasPrefix("pipe:["), name.hasSuffix("]") { inode = UInt64(name.dropFirst(6).dropLast()) ?? 0 }
            return (fd, FdInfo(type: .pipe, name: String(name), inode: inode))
        case .file, .directory, .memfd, .unsupported:
            return (fd, FdInfo(type: type, name: String(name)))
        case .event, .signalfd, .eventpoll, .inotify, .timerfd, .bpf, .userfaultfd, .ioUring, .pidfd:
            // libs names anonymous inodes with an empty fd.name.
            return (fd, FdInfo(type: type))
        }
    }

    /// Renders one line.
    public static func encode(fd: Int64, info: FdInfo) -> String {
        var line = "\(fd) \(info.typeChar) "
        if info.type.isInet, let socket = info.socket {
            if let tuple = socket.tuple {
                line += tuple.description
            } else if let bound = socket.boundAddress {
                line += render(bound)
            } else {
                line += info.name
            }
            if socket.l4Protocol != .unknown || socket.role != .none {
                line += " " + (socket.l4Protocol.name ?? "unknown")
                switch socket.role {
                case .client: line += " client"
                case .server: line += " server"
                case .none: break
                }
            }
            return line
        }
        if info.type == .userfaultfd { return line + "anon_inode:[userfaultfd]" }
        return line + info.name
    }

    /// An address as libs prints a socket endpoint: `IP:PORT` (IPv6 without brackets), or the
    /// path of a unix socket.
    public static func render(_ address: SocketAddress) -> String {
        switch address {
        case .inet(let ip, let port): return "\(ip):\(port)"
        case .unix(let path): return path
        case .other(let family): return family.description
        }
    }

    /// Parses `IP:PORT` (IPv6 with or without brackets).
    public static func parseEndpoint(_ text: Substring) -> SocketAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard let ip = IPAddress(host) else { return nil }
        return .inet(ip, port: port)
    }

    private static func decodeInet(fd: Int64, type: FdType, text: Substring) -> FdInfo? {
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let endpoints = tokens.first else { return nil }
        let proto = tokens.count > 1 ? L4Protocol(name: String(tokens[1])) ?? .unknown : .unknown
        var role: SocketRole = .none
        if tokens.count > 2 {
            switch tokens[2] {
            case "client": role = .client
            case "server": role = .server
            default: break
            }
        }
        let family: AddressFamily = type == .ipv4 ? .inet : .inet6
        var socket = SocketInfo(family: family, l4Protocol: proto)
        if let arrow = endpoints.firstRange(of: "->") {
            guard let client = parseEndpoint(endpoints[..<arrow.lowerBound]),
                let server = parseEndpoint(endpoints[arrow.upperBound...])
            else { return nil }
            let tuple = SocketTuple(client: client, server: server)
            socket.tuple = tuple
            socket.role = role == .none ? .client : role
            socket.isConnected = proto != .udp
            return FdInfo(type: type, name: tuple.description, socket: socket)
        }
        guard let bound = parseEndpoint(endpoints) else { return nil }
        socket.boundAddress = bound
        socket.role = role == .none ? .server : role
        socket.isListening = proto == .tcp
        return FdInfo(type: type, name: render(bound), socket: socket)
    }
}
