import SakerEvent

// Typed access to the parameters state tracking reads.
extension Event {
    /// A parameter as a signed number.
    func int(_ name: String) -> Int64? { param(name)?.integer }

    /// A parameter as an unsigned number (bit pattern for signed kinds).
    func uint(_ name: String) -> UInt64? {
        guard let value = param(name) else { return nil }
        if case .uint(let v) = value { return v }
        return value.integer.map { UInt64(bitPattern: $0) }
    }

    /// A parameter as text.
    func string(_ name: String) -> String? { param(name)?.text }

    /// A parameter as a list of strings.
    func strings(_ name: String) -> [String]? {
        if case .strings(let list)? = param(name) { return list }
        return nil
    }

    /// A connection tuple parameter.
    func tuple(_ name: String) -> SocketTuple? {
        if case .tuple(let tuple)? = param(name) { return tuple }
        return nil
    }

    /// A socket address parameter.
    func address(_ name: String) -> SocketAddress? {
        if case .address(let address)? = param(name) { return address }
        return nil
    }

    /// A uid/gid argument of a `set*id` call: nil when absent or -1 ("leave unchanged").
    func credential(_ name: String) -> UInt32? {
        guard let value = uint(name) else { return nil }
        if value >= 0xffff_ffff { return nil }
        return UInt32(value)
    }
}
