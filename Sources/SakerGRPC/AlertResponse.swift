public import SakerRules
import SwiftProtobuf

extension Falco_Outputs_response {
    /// The alert as Falco's gRPC output sends it: `output` is the full text line (time, priority,
    /// message), `output_fields` are rendered as text with `<NA>` for a missing value, an unknown
    /// source is sent as `syscall` (as Falco does).
    public init(_ alert: Alert) {
        self.init()
        time = Google_Protobuf_Timestamp(
            seconds: Int64(alert.time / 1_000_000_000), nanos: Int32(alert.time % 1_000_000_000))
        priority = Falco_Schema_priority(alert.priority)
        source = Falco_Schema_source(alertSource: alert.source)
        rule = alert.rule
        output = alert.text
        var fields: [String: String] = [:]
        fields.reserveCapacity(alert.outputFields.count)
        for field in alert.outputFields { fields[field.key] = field.value?.rendered ?? "<NA>" }
        outputFields = fields
        hostname = alert.hostname
        tags = alert.tags
    }
}

extension Falco_Schema_priority {
    /// The schema priority of a rule priority (the numbers are the same: emergency 0 … debug 7).
    public init(_ priority: RulePriority) {
        switch priority {
        case .emergency: self = .emergency
        case .alert: self = .alert
        case .critical: self = .critical
        case .error: self = .error
        case .warning: self = .warning
        case .notice: self = .notice
        case .informational: self = .informational
        case .debug: self = .debug
        }
    }
}

extension Falco_Schema_source {
    /// `syscall`, `k8s_audit` or `internal`; anything else is `syscall`, as in Falco.
    public init(alertSource: String) {
        switch alertSource {
        case "k8s_audit": self = .k8SAudit
        case "internal": self = .internal
        default: self = .syscall
        }
    }
}
