internal import CSakerProbe

/// The capabilities the agent runs with, and dropping the rest at start.
public enum Privileges {
    /// A Linux capability by number.
    public struct Capability: Hashable, Sendable, CustomStringConvertible {
        /// The `CAP_*` number.
        public let number: Int
        /// The `CAP_*` name.
        public let name: String

        public var description: String { name }

        public static let dacReadSearch = Capability(number: 2, name: "CAP_DAC_READ_SEARCH")
        public static let sysPtrace = Capability(number: 19, name: "CAP_SYS_PTRACE")
        public static let sysResource = Capability(number: 24, name: "CAP_SYS_RESOURCE")
        public static let perfmon = Capability(number: 38, name: "CAP_PERFMON")
        public static let bpf = Capability(number: 39, name: "CAP_BPF")
    }

    /// What the agent needs (docs/security.md says why each one).
    public static let needed: [Capability] = [.bpf, .perfmon, .sysResource, .sysPtrace, .dacReadSearch]

    /// The effective capability set, as a bit mask (nil if it cannot be read).
    public static func effective() -> UInt64? {
        var effective: UInt64 = 0, permitted: UInt64 = 0
        return saker_capabilities(&effective, &permitted) == 0 ? effective : nil
    }

    /// Drops every capability but ``needed`` from all sets, the bounding set included, so
    /// nothing the agent starts can regain them. Returns the capabilities kept.
    @discardableResult
    public static func dropAllButNeeded() throws(ProbeError) -> [Capability] {
        let keep = needed.reduce(UInt64(0)) { $0 | (1 << UInt64($1.number)) }
        let rc = saker_keep_only_capabilities(keep)
        guard rc == 0 else { throw ProbeError(code: -rc, message: "dropping capabilities failed (errno \(-rc))") }
        let now = effective() ?? 0
        return needed.filter { now & (1 << UInt64($0.number)) != 0 }
    }
}
