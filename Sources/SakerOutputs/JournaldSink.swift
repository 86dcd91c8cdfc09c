public import SakerRules

/// Alerts to the systemd journal through its native protocol (`systemd.journal-fields(7)`,
/// "Native Journal Protocol"): one datagram per alert on `/run/systemd/journal/socket`, each field
/// `NAME=value\n`, or — when the value holds a newline — `NAME\n`, the value's length as a 64-bit
/// little-endian integer, the value, `\n`.
///
/// Fields: `MESSAGE` (the rule output), `PRIORITY` (emergency 0 … debug 7), `SYSLOG_IDENTIFIER`,
/// `SAKER_RULE`, `SAKER_PRIORITY`, `SAKER_SOURCE`, `SAKER_TAGS` (comma-separated),
/// `SAKER_HOSTNAME`, `SAKER_TIME` (RFC 3339 is in the JSON; this is ns since the epoch), and one
/// `SAKER_FIELD_<NAME>` per output field (`proc.name` → `SAKER_FIELD_PROC_NAME`; a missing value
/// is `<NA>`, as in the text line).
///
/// Datagrams larger than the socket's limit (about 200 KiB) would need a memfd; alerts are far
/// smaller, and such a send fails and is counted.
public final class JournaldSink: AlertSink {
    /// journald's native socket.
    public static let defaultSocketPath = "/run/systemd/journal/socket"

    /// The socket datagrams are sent to.
    public var socketPath: String { sender.path }
    /// `SYSLOG_IDENTIFIER`, so `journalctl -t saker` finds the alerts.
    public let identifier: String
    private let sender: DatagramSender

    /// A sink sending to `socketPath` (journald's by default).
    public init(socketPath: String = JournaldSink.defaultSocketPath, identifier: String = "saker") {
        sender = DatagramSender(path: socketPath)
        self.identifier = identifier
    }

    /// The fields of one alert, in the order they are sent.
    public func fields(for alert: Alert) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", alert.message),
            ("PRIORITY", String(alert.priority.rawValue)),
            ("SYSLOG_IDENTIFIER", identifier),
            ("SAKER_RULE", alert.rule),
            ("SAKER_PRIORITY", alert.priority.name),
            ("SAKER_SOURCE", alert.source),
            ("SAKER_TAGS", alert.tags.joined(separator: ",")),
        ]
        if !alert.hostname.isEmpty { fields.append(("SAKER_HOSTNAME", alert.hostname)) }
        fields.append(("SAKER_TIME", String(alert.time)))
        for (key, value) in alert.outputFields {
            fields.append(("SAKER_FIELD_" + Self.fieldName(key), value?.rendered ?? "<NA>"))
        }
        return fields
    }

    /// The datagram for one alert.
    public func datagram(for alert: Alert) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, value) in fields(for: alert) { Self.append(name: name, value: value, to: &bytes) }
        return bytes
    }

    /// Sends one datagram per alert; stops at the first that fails.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        try sender.send(batch.lazy.map(datagram(for:)))
    }

    /// Closes the socket; the next batch creates a new one.
    public func reopen() { sender.close() }

    /// Closes the socket.
    public func close() { sender.close() }

    /// A journal field name for an output field: upper-cased ASCII letters and digits, anything
    /// else `_` (`fd.name` → `FD_NAME`, `proc.aname[2]` → `PROC_ANAME_2_`), cut so that with the
    /// `SAKER_FIELD_` prefix it stays within journald's 64 characters (longer names are dropped).
    public static func fieldName(_ key: String) -> String {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32) ?? "_")
            case "A"..."Z", "0"..."9": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        return String(name.prefix(64 - "SAKER_FIELD_".count))
    }

    /// Appends one field in the native protocol's form.
    static func append(name: String, value: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        let utf8 = Array(value.utf8)
        if utf8.contains(0x0A) {
            bytes.append(0x0A)
            withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(UInt8(ascii: "="))
        }
        bytes.append(contentsOf: utf8)
        bytes.append(0x0A)
    }
}
