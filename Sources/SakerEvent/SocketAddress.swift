/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address; the four bytes in network order (first octet first).
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// An IPv6 address; sixteen bytes in network order.
    case v6([UInt8])

    /// Creates an address from its bytes in network order: 4 bytes for IPv4, 16 for IPv6.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        switch array.count {
        case 4: self = .v4(array[0], array[1], array[2], array[3])
        case 16: self = .v6(array)
        default: return nil
        }
    }

    /// Parses the textual form (`10.0.0.1`, `::1`, `fe80::1`).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let bytes = IPAddress.parseV6(String(text)) else { return nil }
            self = .v6(bytes)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var octets: [UInt8] = []
            for part in parts {
                guard !part.isEmpty, part.count <= 3, let value = UInt8(part) else { return nil }
                octets.append(value)
            }
            self = .v4(octets[0], octets[1], octets[2], octets[3])
        }
    }

    /// The address bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a, let b, let c, let d): return [a, b, c, d]
        case .v6(let bytes): return bytes
        }
    }

    /// True for IPv6 addresses.
    public var isV6: Bool { if case .v6 = self { return true } else { return false } }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), if it is one.
    public var mappedV4: IPAddress? {
        guard case .v6(let b) = self, b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xff, b[11] == 0xff else {
            return nil
        }
        return .v4(b[12], b[13], b[14], b[15])
    }

    /// The usual text form: dotted quad, or RFC 5952 compressed IPv6.
    public var description: String {
        switch self {
        case .v4(let a, let b, let c, let d): return "\(a).\(b).\(c).\(d)"
        case .v6(let bytes): return IPAddress.formatV6(bytes)
        }
    }

    private static func formatV6(_ b: [UInt8]) -> String {
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])) }
        // Longest run of zero groups (length >= 2) becomes "::".
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                text += "::"
                i += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[i], radix: 16)
            i += 1
        }
        return text
    }

    private static func parseV6(_ text: String) -> [UInt8]? {
        var head: [UInt16] = [], tail: [UInt16] = []
        var halves: [String] = []
        var rest = Substring(text)
        while let range = rest.firstRange(of: "::") {
            halves.append(String(rest[rest.startIndex..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        halves.append(String(rest))
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = IPAddress(piece), case .v4(let a, let b, let c, let d) = v4 {
                    result.append(UInt16(a) << 8 | UInt16(b))
                    result.append(UInt16(c) << 8 | UInt16(d))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let first = groups(halves[0]) else { return nil }
        head = first
        if halves.count == 2 {
            guard let second = groups(halves[1]) else { return nil }
            tail = second
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        var bytes: [UInt8] = []
        for g in all { bytes.append(UInt8(g >> 8)); bytes.append(UInt8(g & 0xff)) }
        return bytes
    }
}

/// A socket address family, by its Linux number (`AF_INET` is 2).
public struct AddressFamily: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Linux `AF_*` number.
    public let rawValue: UInt16
    /// Creates a family from its Linux number.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let unspecified = AddressFamily(rawValue: 0)
    public static let unix = AddressFamily(rawValue: 1)
    public static let inet = AddressFamily(rawValue: 2)
    public static let inet6 = AddressFamily(rawValue: 10)
    public static let netlink = AddressFamily(rawValue: 16)
    public static let packet = AddressFamily(rawValue: 17)

    /// The libs rendering: `AF_INET`, `AF_UNIX`…
    public var description: String { FlagTable.socketFamily.render(UInt64(rawValue)) }
}

/// A socket address as a syscall received or returned it.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IP address and port.
    case inet(IPAddress, port: UInt16)
    /// A unix socket path (abstract sockets start with `@`).
    case unix(String)
    /// Another family, by number.
    case other(AddressFamily)

    /// The address family.
    public var family: AddressFamily {
        switch self {
        case .inet(let ip, _): return ip.isV6 ? .inet6 : .inet
        case .unix: return .unix
        case .other(let family): return family
        }
    }

    public var description: String {
        switch self {
        case .inet(let ip, let port): return ip.isV6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        case .unix(let path): return path
        case .other(let family): return family.description
        }
    }
}

/// A connection's two ends, client first, as libs renders `fd.name` for sockets
/// (`10.0.0.1:40000->10.0.0.2:80`).
public struct SocketTuple: Hashable, Sendable, CustomStringConvertible {
    /// The client end (the side that connected).
    public var client: SocketAddress
    /// The server end (the side that accepted).
    public var server: SocketAddress

    /// Creates a tuple.
    public init(client: SocketAddress, server: SocketAddress) {
        self.client = client
        self.server = server
    }

    /// The address family of the connection.
    public var family: AddressFamily { server.family == .unspecified ? client.family : server.family }

    public var description: String {
        switch (client, server) {
        case (.inet(let cip, let cport), .inet(let sip, let sport)):
            if cip.isV6 || sip.isV6 { return "\(cip):\(cport)->\(sip):\(sport)" }
            return "\(cip):\(cport)->\(sip):\(sport)"
        case (_, .unix(let path)):
            return path
        case (.unix(let path), _):
            return path
        default:
            return "\(client)->\(server)"
        }
    }
}
