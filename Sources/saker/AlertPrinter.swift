import SakerCapture
import SakerJSON
import SakerRules

/// Writes alerts to standard output: Falco's text line, or one JSON alert per line.
final class AlertPrinter {
    private let json: Bool
    private let out: OutputFile?
    private var writer = JSONWriter(capacity: 1 << 14)
    /// Alerts printed so far.
    private(set) var count: UInt64 = 0

    init(json: Bool) {
        self.json = json
        out = try? OutputFile(path: "-")
    }

    func print(_ alert: Alert) {
        count += 1
        if json {
            alert.writeJSON(to: &writer)
        } else {
            writer.raw(alert.text)
        }
        writer.append(0x0A)
    }

    /// Writes out what is buffered (call once per batch of events).
    func flush() {
        guard !writer.bytes.isEmpty else { return }
        try? out?.write(writer.bytes)
        try? out?.flush()
        writer.reset()
    }
}
