public import SakerEvent

/// What a live capture counted.
public struct CaptureStatistics: Sendable, Equatable {
    /// Events decoded and handed on.
    public var events: UInt64 = 0
    /// Records that could not be decoded (each one is also reported once per reason).
    public var malformed: UInt64 = 0
    /// The kernel-side counters at the last read.
    public var kernel = ProbeCounters()
}

/// Live events from the kernel: the probe plus the decoder, numbering events in order.
///
/// The loop is synchronous and runs on the caller's thread; the hot path is decode → `handler`
/// with no allocation beyond the event's own parameters.
public final class LiveCapture {
    /// The attached probe.
    public let probe: Probe
    private var decoder: RecordDecoder
    private var nextNumber: UInt64 = 1
    private var reportedReasons: Set<String> = []
    /// Counters so far.
    public private(set) var statistics = CaptureStatistics()
    /// Called once for each distinct kind of malformed record.
    public var onMalformed: (RecordDecodeError) -> Void = { _ in }

    /// Loads the probe and enables `types` (plus the state-keeping syscalls), or everything.
    public init(types: Set<EventType>, everything: Bool = false, options: ProbeOptions = ProbeOptions()) throws(ProbeError) {
        probe = try Probe(options: options)
        decoder = RecordDecoder(bootToEpochOffset: Clock.bootToEpochOffset())
        probe.enable(types, everything: everything)
    }

    /// The next event number to be assigned; events read from /proc before capture use the
    /// numbers before it.
    public func reserveNumber() -> UInt64 {
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// Waits up to `timeoutMilliseconds`, then decodes every available record and passes each
    /// event to `handler`. Returns how many events were handled.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32 = 10, _ handler: (inout Event) -> Void) throws(ProbeError) -> Int {
        var handled = 0
        try probe.poll(timeoutMilliseconds: timeoutMilliseconds) { bytes in
            do throws(RecordDecodeError) {
                var event = try decoder.decode(bytes)
                event.number = nextNumber
                nextNumber += 1
                statistics.events += 1
                handled += 1
                handler(&event)
            } catch {
                statistics.malformed += 1
                if reportedReasons.insert(error.reason).inserted { onMalformed(error) }
            }
        }
        statistics.kernel = probe.counters()
        return handled
    }
}
