/// A `major.minor.patch` version, compared and matched as libs' `sinsp_version` does.
public struct EngineVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major number.
    public var major: UInt32
    /// The minor number.
    public var minor: UInt32
    /// The patch number.
    public var patch: UInt32

    /// The Falco engine version whose rules language Saker implements. The upstream rules files
    /// it was checked against require `0.57.0`.
    public static let saker = EngineVersion(major: 0, minor: 57, patch: 0)

    /// Creates a version.
    public init(major: UInt32, minor: UInt32, patch: UInt32) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `x.y.z` as `sscanf("%u.%u.%u")` does: three dot-separated numbers at the start of
    /// the text; anything after them is ignored. Nil when there are not three numbers.
    public init?(parsing text: String) {
        var numbers: [UInt32] = []
        var current: UInt32?
        var iterator = text.utf8.makeIterator()
        while numbers.count < 3 {
            let byte = iterator.next()
            if let byte, byte >= 48, byte <= 57 {
                let (times, overflow1) = (current ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(UInt32(byte - 48))
                guard !overflow1, !overflow2 else { return nil }
                current = sum
                continue
            }
            guard let value = current else { return nil }
            numbers.append(value)
            current = nil
            if numbers.count == 3 { break }
            guard byte == UInt8(ascii: ".") else { return nil }
        }
        self.init(major: numbers[0], minor: numbers[1], patch: numbers[2])
    }

    /// True when a component with this version satisfies a requirement for `required`: same
    /// major version, and at least as new.
    public func isCompatible(with required: EngineVersion) -> Bool {
        major == required.major && self >= required
    }

    /// Orders by major, minor, then patch.
    public static func < (lhs: EngineVersion, rhs: EngineVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// `major.minor.patch`.
    public var description: String { "\(major).\(minor).\(patch)" }
}
