public import SakerEvent
public import SakerJSON

/// The type of a field, as libs declares it (`PT_CHARBUF`, `PT_INT64`…): it decides how the
/// values written in a condition are parsed and which operators apply.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    /// Text (`PT_CHARBUF`, `PT_FSPATH`).
    case string
    /// A signed number.
    case int64
    /// An unsigned number.
    case uint64
    /// `true` or `false`.
    case bool
    /// An IPv4 or IPv6 address.
    case ipAddress = "ipaddr"
    /// An IP network: comparisons test whether the address lies in the network written in the
    /// condition (`fd.net = 10.0.0.0/8`).
    case ipNetwork = "ipnet"
    /// A TCP/UDP port.
    case port
    /// A point in time, ns since the epoch.
    case absoluteTime = "abstime"
    /// A duration in ns.
    case relativeTime = "reltime"
    /// Raw bytes (`evt.buffer`).
    case bytes = "bytebuf"

    /// True for the numeric types, compared as numbers.
    public var isNumeric: Bool {
        switch self {
        case .int64, .uint64, .port, .absoluteTime, .relativeTime: true
        default: false
        }
    }
}

/// One value extracted from an event, typed.
public enum FieldValue: Sendable, Hashable {
    /// Text.
    case string(String)
    /// A signed number.
    case int(Int64)
    /// An unsigned number.
    case uint(UInt64)
    /// A boolean.
    case bool(Bool)
    /// An IP address.
    case ip(IPAddress)
    /// Raw bytes.
    case bytes([UInt8])
    /// Several values: a list field (`fd.types`), or every candidate of a field that matches when
    /// any of its values does (`proc.aname`, `fd.ip`).
    case list([FieldValue])

    /// libs' rendering of the value, as printed in a text output.
    public var rendered: String {
        switch self {
        case .string(let s): return s
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .bool(let b): return b ? "true" : "false"
        case .ip(let ip): return ip.description
        case .bytes(let bytes): return FieldValue.renderBytes(bytes)
        case .list(let items):
            var text = "("
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                text += item.rendered
            }
            return text + ")"
        }
    }

    /// The value in a JSON alert's `output_fields`: numbers as numbers, everything else as text.
    public var json: JSONValue {
        switch self {
        case .int(let v): return .int(v)
        case .uint(let v): return .uint(v)
        case .bool(let b): return .bool(b)
        case .list(let items): return .array(items.map(\.json))
        default: return .string(rendered)
        }
    }

    /// The text, when the value is text.
    @inlinable
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a signed number, when it is a number.
    @inlinable
    public var integer: Int64? {
        switch self {
        case .int(let v): return v
        case .uint(let v): return v <= UInt64(Int64.max) ? Int64(v) : nil
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Printable bytes as they are, others as `.` (libs' printable rendering of buffers).
    static func renderBytes(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            scalars.append(byte >= 0x20 && byte < 0x7f ? Unicode.Scalar(byte) : ".")
        }
        return String(scalars)
    }
}

/// An IPv4 or IPv6 network written `address/prefix` (or a bare address: one host).
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address bytes, host bits cleared.
    public let bytes: [UInt8]
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `10.0.0.0/8`, `fe80::/10`, or a single address.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.isV6 ? 128 : 32
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 0, parsed <= bits else { return nil }
            length = parsed
        }
        var bytes = address.bytes
        for index in bytes.indices {
            let start = index * 8
            if start >= length {
                bytes[index] = 0
            } else if start + 8 > length {
                bytes[index] &= UInt8(truncatingIfNeeded: 0xff << (8 - (length - start)))
            }
        }
        self.bytes = bytes
        self.prefixLength = length
    }

    /// True when `address` lies in the network (IPv4-mapped IPv6 addresses count as IPv4).
    public func contains(_ address: IPAddress) -> Bool {
        var candidate = address.bytes
        if candidate.count != bytes.count, let mapped = address.mappedV4 { candidate = mapped.bytes }
        guard candidate.count == bytes.count else { return false }
        var remaining = prefixLength
        var index = 0
        while remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : UInt8(truncatingIfNeeded: 0xff << (8 - remaining))
            if candidate[index] & mask != bytes[index] { return false }
            remaining -= 8
            index += 1
        }
        return true
    }

    /// `address/prefix`.
    public var description: String {
        let address = IPAddress(bytes: bytes).map(\.description) ?? "?"
        return "\(address)/\(prefixLength)"
    }
}
