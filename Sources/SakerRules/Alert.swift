public import SakerJSON

/// A rule match, ready for the outputs: Falco's text line and JSON document.
public struct Alert: Sendable {
    /// The rule name.
    public var rule: String
    /// The rule priority.
    public var priority: RulePriority
    /// The event source (`syscall`).
    public var source: String
    /// The rule tags, sorted.
    public var tags: [String]
    /// The event time, ns since the epoch.
    public var time: UInt64
    /// The host name.
    public var hostname: String
    /// The rule output with fields substituted (without time and priority).
    public var message: String
    /// The fields of the output, sorted by name; nil values were missing.
    public var outputFields: [(key: String, value: FieldValue?)]

    /// Creates an alert.
    public init(
        rule: String, priority: RulePriority, source: String = "syscall", tags: [String] = [], time: UInt64,
        hostname: String = "", message: String, outputFields: [(key: String, value: FieldValue?)] = []
    ) {
        self.rule = rule
        self.priority = priority
        self.source = source
        self.tags = tags
        self.time = time
        self.hostname = hostname
        self.message = message
        self.outputFields = outputFields
    }

    /// Falco's text line: `HH:MM:SS.nnnnnnnnn: Priority message` (UTC).
    public var text: String {
        FieldTime.clock(time) + ": " + priority.name + " " + message
    }

    /// Falco's JSON alert as a value: keys `hostname`, `output` (the text line), `output_fields`,
    /// `priority`, `rule`, `source`, `tags`, `time` (RFC 3339, UTC, ns), in that order.
    public var jsonValue: JSONValue {
        .object([
            ("hostname", .string(hostname)),
            ("output", .string(text)),
            ("output_fields", .object(outputFields.map { ($0.key, $0.value?.json ?? .null) })),
            ("priority", .string(priority.name)),
            ("rule", .string(rule)),
            ("source", .string(source)),
            ("tags", .array(tags.map { .string($0) })),
            ("time", .string(FieldTime.rfc3339(time))),
        ])
    }

    /// The JSON alert as one line of text.
    public var json: String { JSONWriter.string(jsonValue) }

    /// Appends the JSON alert to a writer (no newline).
    public func writeJSON(to writer: inout JSONWriter) { writer.write(jsonValue) }
}
