import Glibc

/// Where `$NOTIFY_SOCKET` points: a socket file or a Linux abstract socket.
public enum NotifyAddress: Sendable, Hashable, CustomStringConvertible {
    /// A socket file, such as `/run/systemd/notify`.
    case path(String)
    /// An abstract socket, written `@name` in the variable; its address is a NUL byte followed by
    /// the name, with no terminator (abstract names are length-delimited).
    case abstract(String)

    /// The longest `sun_path`.
    static let sunPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// Parses a `$NOTIFY_SOCKET` value. Relative paths, empty names and other schemes (such as
    /// `vsock:`) are refused, as are names that do not fit in `sun_path`.
    public init(parsing value: String) throws(NotifyError) {
        if value.hasPrefix("@") {
            let name = String(value.dropFirst())
            guard !name.isEmpty else { throw NotifyError(.invalidAddress, address: value, "an abstract socket needs a name after `@`") }
            self = .abstract(name)
        } else if value.hasPrefix("/") {
            self = .path(value)
        } else {
            throw NotifyError(.invalidAddress, address: value, "expected an absolute path or an `@` abstract socket name")
        }
        guard sunPath.count <= NotifyAddress.sunPathCapacity else {
            throw NotifyError(.invalidAddress, address: value, "longer than the \(NotifyAddress.sunPathCapacity - 1) bytes a unix socket address holds")
        }
    }

    /// The bytes of `sun_path`: a path with its NUL terminator, or NUL and the abstract name.
    var sunPath: [UInt8] {
        switch self {
        case .path(let path): return Array(path.utf8) + [0]
        case .abstract(let name): return [0] + Array(name.utf8)
        }
    }

    /// The form used in `$NOTIFY_SOCKET`.
    public var description: String {
        switch self {
        case .path(let path): return path
        case .abstract(let name): return "@" + name
        }
    }

    /// Calls `body` with this address as a `sockaddr` and its exact length.
    func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = sunPath
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes.prefix(raw.count))
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size
        let length = socklen_t(pathOffset + min(bytes.count, NotifyAddress.sunPathCapacity))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
