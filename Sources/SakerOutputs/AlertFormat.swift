public import SakerRules
import SakerJSON

/// How an alert is written as a line: Falco's text line or Falco's JSON alert.
public enum AlertFormat: Sendable, Hashable {
    /// `HH:MM:SS.nnnnnnnnn: Priority message`
    case text
    /// One JSON alert per line.
    case json

    /// The batch as lines, each ending in a newline.
    public func lines(_ batch: [Alert]) -> [UInt8] {
        var writer = JSONWriter(capacity: 512 * batch.count)
        for alert in batch {
            write(alert, to: &writer)
            writer.append(0x0A)
        }
        return writer.bytes
    }

    /// One alert, without a newline.
    public func line(_ alert: Alert) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        write(alert, to: &writer)
        return writer.bytes
    }

    private func write(_ alert: Alert, to writer: inout JSONWriter) {
        switch self {
        case .text: writer.raw(alert.text)
        case .json: alert.writeJSON(to: &writer)
        }
    }
}
