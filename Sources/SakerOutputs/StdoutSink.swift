import Glibc
public import SakerRules

/// Alerts on standard output (or any descriptor the caller owns), one line each.
public struct StdoutSink: AlertSink {
    /// Text lines or JSON alerts.
    public let format: AlertFormat
    /// Where lines are written; not closed by the sink.
    public let descriptor: Int32

    /// A sink writing to `descriptor` (standard output by default).
    public init(format: AlertFormat = .text, descriptor: Int32 = STDOUT_FILENO) {
        self.format = format
        self.descriptor = descriptor
    }

    /// Writes the batch's lines in one go.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        try Posix.writeAll(descriptor, format.lines(batch), what: "standard output")
    }
}
