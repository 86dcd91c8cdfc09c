/// A rule's priority, from most to least severe (Falco's `falco_common::priority_type`).
public enum RulePriority: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// `emergency`
    case emergency = 0
    /// `alert`
    case alert
    /// `critical`
    case critical
    /// `error`
    case error
    /// `warning`
    case warning
    /// `notice`
    case notice
    /// `informational` (also written `info`)
    case informational
    /// `debug`
    case debug

    /// Parses a priority name the way Falco does: case-insensitive, with `info` accepted for
    /// `informational`. Nil for anything else.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "info" {
            self = .informational
            return
        }
        guard let match = RulePriority.allCases.first(where: { $0.name.lowercased() == lower }) else {
            return nil
        }
        self = match
    }

    /// The name Falco prints in alerts: `Emergency`, `Alert`, `Critical`, `Error`, `Warning`,
    /// `Notice`, `Informational`, `Debug`.
    public var name: String {
        switch self {
        case .emergency: "Emergency"
        case .alert: "Alert"
        case .critical: "Critical"
        case .error: "Error"
        case .warning: "Warning"
        case .notice: "Notice"
        case .informational: "Informational"
        case .debug: "Debug"
        }
    }

    /// ``name``.
    public var description: String { name }

    /// More severe priorities sort first (`emergency < debug`), as in Falco's enum; use
    /// `priority <= minimum` to keep alerts at least as severe as `minimum`.
    public static func < (lhs: RulePriority, rhs: RulePriority) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
