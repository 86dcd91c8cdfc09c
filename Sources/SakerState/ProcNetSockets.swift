import Glibc
import SakerEvent

/// The sockets of one network namespace, by inode, read from `/proc/PID/net/{tcp,tcp6,udp,udp6,
/// unix,netlink}`: how a `socket:[INODE]` descriptor link becomes a tuple or a path.
struct ProcNetSockets {
    /// One socket as the kernel tables describe it.
    enum Entry: Equatable {
        /// An IP socket: its local end, its peer (nil when unconnected) and transport.
        case inet(local: SocketAddress, remote: SocketAddress?, l4: L4Protocol)
        /// A unix socket and its path (empty when unnamed).
        case unix(path: String)
        /// A netlink socket.
        case netlink
    }

    private(set) var entries: [UInt64: Entry] = [:]
    /// Local ports of unconnected (listening or bound) TCP and UDP sockets: a connection whose
    /// local port is among them was accepted, so this side is the server.
    private var serverPorts: [L4Protocol: Set<UInt16>] = [:]

    /// Reads the tables under `netDirectory` (`/proc/PID/net`); missing tables are skipped.
    /// With `tcpFromNetlink` (only valid for the caller's own network namespace) TCP sockets
    /// come from `NETLINK_SOCK_DIAG` instead, falling back to the files if the kernel refuses.
    init(netDirectory: String, buffer: inout [UInt8], tcpFromNetlink: Bool) {
        let limit = 64 << 20
        var tables: [(String, L4Protocol, Bool)] = [("udp", .udp, false), ("udp6", .udp, true)]
        if tcpFromNetlink, let v4 = SocketDiagnostics.tcpSockets(family: AF_INET),
            let v6 = SocketDiagnostics.tcpSockets(family: AF_INET6)
        {
            for socket in v4 + v6 {
                if socket.remote == nil, case .inet(_, let port) = socket.local {
                    serverPorts[.tcp, default: []].insert(port)
                }
                entries[socket.inode] = .inet(local: socket.local, remote: socket.remote, l4: .tcp)
            }
        } else {
            tables += [("tcp", .tcp, false), ("tcp6", .tcp, true)]
        }
        for (file, l4, v6) in tables {
            guard let count = ProcFS.read(netDirectory + "/" + file, into: &buffer, limit: limit) else { continue }
            parseInet(ProcText.string(buffer, count: count), l4: l4, v6: v6)
        }
        if let count = ProcFS.read(netDirectory + "/unix", into: &buffer, limit: limit) {
            parseUnix(ProcText.string(buffer, count: count))
        }
        if let count = ProcFS.read(netDirectory + "/netlink", into: &buffer, limit: limit) {
            parseNetlink(ProcText.string(buffer, count: count))
        }
    }

    /// The snapshot descriptor line for descriptor `fd` linked to socket `inode`, oriented and
    /// role-tagged; nil when the socket is not in the tables (libs skips those too).
    func line(fd: Int64, inode: UInt64) -> String? {
        guard let entry = entries[inode] else { return nil }
        switch entry {
        case .unix(let path):
            return "\(fd) u \(path)"
        case .netlink:
            return "\(fd) n "
        case .inet(let local, let remote, let l4):
            let proto = l4.name ?? "unknown"
            guard let remote else {
                let bound = ProcessTable.unmappedIfMapped(local)
                return "\(fd) \(Self.typeChar(bound)) \(SnapshotDescriptor.render(bound)) \(proto) server"
            }
            guard case .inet(_, let localPort) = local else { return nil }
            let isServer = serverPorts[l4]?.contains(localPort) == true
            var tuple =
                isServer ? SocketTuple(client: remote, server: local) : SocketTuple(client: local, server: remote)
            tuple = ProcessTable.unmapped(tuple)
            return "\(fd) \(Self.typeChar(tuple.server)) \(tuple) \(proto) \(isServer ? "server" : "client")"
        }
    }

    private static func typeChar(_ address: SocketAddress) -> Character {
        address.family == .inet6 ? "6" : "4"
    }

    private mutating func parseInet(_ text: String, l4: L4Protocol, v6: Bool) {
        for line in text.split(separator: "\n").dropFirst() {
            let fields = ProcText.fields(line)
            guard fields.count > 9, let local = Self.address(fields[1], v6: v6),
                let remote = Self.address(fields[2], v6: v6), let inode = UInt64(fields[9]), inode != 0
            else { continue }
            guard case .inet(let remoteIP, let remotePort) = remote, case .inet(_, let localPort) = local else { continue }
            let unconnected = remotePort == 0 && remoteIP.bytes.allSatisfy { $0 == 0 }
            if unconnected { serverPorts[l4, default: []].insert(localPort) }
            entries[inode] = .inet(local: local, remote: unconnected ? nil : remote, l4: l4)
        }
    }

    private mutating func parseUnix(_ text: String) {
        for line in text.split(separator: "\n").dropFirst() {
            let fields = ProcText.fields(line)
            guard fields.count > 6, let inode = UInt64(fields[6]) else { continue }
            let path = fields.count > 7 ? fields[7...].joined(separator: " ") : ""
            entries[inode] = .unix(path: path)
        }
    }

    private mutating func parseNetlink(_ text: String) {
        for line in text.split(separator: "\n").dropFirst() {
            let fields = ProcText.fields(line)
            guard fields.count > 9, let inode = UInt64(fields[9]) else { continue }
            entries[inode] = .netlink
        }
    }

    /// `HEXIP:HEXPORT` as the kernel prints it: the address as 32-bit words in host (little
    /// endian) order, the port as a number.
    static func address(_ text: Substring, v6: Bool) -> SocketAddress? {
        guard let colon = text.firstIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...], radix: 16) else {
            return nil
        }
        let hexIP = text[..<colon]
        let words = v6 ? 4 : 1
        guard hexIP.utf8.count == 8 * words else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * words)
        var index = hexIP.startIndex
        for _ in 0..<words {
            let end = hexIP.index(index, offsetBy: 8)
            guard let word = UInt32(hexIP[index..<end], radix: 16) else { return nil }
            bytes.append(UInt8(word & 0xff))
            bytes.append(UInt8((word >> 8) & 0xff))
            bytes.append(UInt8((word >> 16) & 0xff))
            bytes.append(UInt8(word >> 24))
            index = end
        }
        guard let ip = IPAddress(bytes: bytes) else { return nil }
        return .inet(ip, port: port)
    }
}

extension ProcessTable {
    /// An IPv4-mapped IPv6 address as IPv4 (all-zero stays IPv6, as libs keeps `/proc` servers).
    static func unmappedIfMapped(_ address: SocketAddress) -> SocketAddress {
        guard case .inet(let ip, let port) = address, let v4 = ip.mappedV4 else { return address }
        return .inet(v4, port: port)
    }
}
