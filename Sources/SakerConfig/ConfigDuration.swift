/// A length of time written in the configuration as a number and a unit: `500ms`, `30s`, `5m`, `1h`.
public struct ConfigDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The duration in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration from milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// A duration of whole seconds.
    public static func seconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 1000) }

    /// A duration of milliseconds.
    public static func milliseconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value) }

    /// The duration in nanoseconds (saturating).
    public var nanoseconds: Int64 {
        milliseconds.multipliedReportingOverflow(by: 1_000_000).overflow ? .max : milliseconds * 1_000_000
    }

    /// Parses `<digits><unit>` with unit `ms`, `s`, `m` or `h`; nil for anything else.
    public init?(parsing text: String) {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        let unit = text.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 12, let value = Int64(digits) else { return nil }
        let factor: Int64
        switch unit {
        case "ms": factor = 1
        case "s": factor = 1000
        case "m": factor = 60_000
        case "h": factor = 3_600_000
        default: return nil
        }
        self.milliseconds = value * factor
    }

    /// The shortest exact form: `1h`, `5m`, `30s` or `500ms`.
    public var description: String {
        let units: [(Int64, String)] = [(3_600_000, "h"), (60_000, "m"), (1000, "s")]
        for (factor, unit) in units where milliseconds != 0 && milliseconds % factor == 0 {
            return "\(milliseconds / factor)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// Orders by length.
    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }
}
