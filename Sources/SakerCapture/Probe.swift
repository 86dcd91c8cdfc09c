internal import CSakerProbe
public import SakerEvent
import Glibc

/// Why the probe could not be loaded or read.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
    /// The errno libbpf reported.
    public var code: Int32
    /// A message for a person: what failed and what to do about it.
    public var message: String

    public var description: String { message }
}

/// Options for loading the probe.
public struct ProbeOptions: Sendable {
    /// Ring buffer size in bytes (a power of two).
    public var ringBytes: UInt32 = 8 * 1024 * 1024
    /// Fill level past which the kernel wakes the reader.
    public var wakeupBytes: UInt64 = 256 * 1024
    /// The thread group the kernel skips (the agent's own); nil for none.
    public var excludedProcess: Int32? = getpid()
    /// Attach only the do-nothing program (the benchmark floor).
    public var noopOnly = false
    /// Show libbpf's own messages.
    public var verbose = false

    /// Creates the default options.
    public init() {}
}

/// Kernel-side counters, summed over CPUs.
public struct ProbeCounters: Sendable, Equatable {
    /// Records written to the ring buffer.
    public var emitted: UInt64 = 0
    /// Records lost because the ring buffer was full.
    public var dropped: UInt64 = 0
    /// Records cut at the size limit (or with a blob that did not fit).
    public var truncated: UInt64 = 0
    /// 32-bit (ia32) syscalls seen and not decoded.
    public var compat: UInt64 = 0
}

/// The attached eBPF probe: the programs, the per-syscall descriptors and the ring buffer.
/// Used from one thread; detached when released.
public final class Probe {
    private let handle: OpaquePointer
    private let sink = RecordSink()

    /// Loads and attaches the probe. Nothing is captured until syscalls are enabled with
    /// ``enable(_:allDecoded:)`` (process lifecycle records always flow).
    public init(options: ProbeOptions = ProbeOptions()) throws(ProbeError) {
        var raw = saker_probe_options()
        raw.ring_bytes = options.ringBytes
        raw.self_tgid = UInt32(bitPattern: options.excludedProcess ?? 0)
        raw.wakeup_bytes = options.wakeupBytes
        raw.noop_only = options.noopOnly ? 1 : 0
        raw.verbose = options.verbose ? 1 : 0
        var message = [CChar](repeating: 0, count: 512)
        var pointer: OpaquePointer?
        let rc = saker_probe_open(&raw, &pointer, &message, message.count)
        guard rc == 0, let pointer else {
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ProbeError(code: -rc, message: text.isEmpty ? "loading the probe failed (errno \(-rc))" : text)
        }
        handle = pointer
    }

    deinit { saker_probe_close(handle) }

    /// Sets which syscalls produce records: `types` plus the syscalls that keep state. With
    /// `everything`, every syscall does (raw registers for those Saker does not decode).
    /// Takes effect immediately, without reloading anything.
    public func enable(_ types: Set<EventType>, everything: Bool = false) {
        let wanted = types.union(SyscallCatalog.stateTypes)
        for nr in 0..<Int(SAKER_MAX_SYSCALLS) {
            let type = EventType(x86_64SyscallNumber: nr)
            let on = type.map { everything || wanted.contains($0) } ?? false
            var desc = type.map { SyscallCatalog.descriptor(for: $0, interesting: on) } ?? saker_syscall_desc()
            _ = saker_probe_set_syscall(handle, UInt32(nr), &desc)
        }
    }

    /// Waits up to `timeoutMilliseconds` for records, then hands every available record to
    /// `body`. Returns the number of records handled.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32, _ body: (UnsafeRawBufferPointer) -> Void) throws(ProbeError) -> Int {
        let rc = withoutActuallyEscaping(body) { escapable -> Int32 in
            sink.body = escapable
            defer { sink.body = nil }
            let context = Unmanaged.passUnretained(sink).toOpaque()
            return saker_probe_poll(handle, timeoutMilliseconds, { context, data, size in
                guard let context, let data else { return 0 }
                let sink = Unmanaged<RecordSink>.fromOpaque(context).takeUnretainedValue()
                sink.body?(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }, context)
        }
        if rc < 0 {
            throw ProbeError(code: -rc, message: "reading the ring buffer failed: \(String(cString: strerror(-rc)))")
        }
        return Int(rc)
    }

    /// The kernel-side counters.
    public func counters() -> ProbeCounters {
        var raw = saker_counters()
        _ = saker_probe_counters(handle, &raw)
        return ProbeCounters(emitted: raw.emitted, dropped: raw.dropped, truncated: raw.truncated, compat: raw.compat)
    }
}

private final class RecordSink {
    var body: ((UnsafeRawBufferPointer) -> Void)?
}

/// Clock helpers for turning the probe's boot-clock timestamps into Unix time.
public enum Clock {
    /// Nanoseconds since the Unix epoch, now.
    public static func realtimeNanoseconds() -> UInt64 { read(CLOCK_REALTIME) }

    /// The offset to add to a `CLOCK_BOOTTIME` reading to get Unix time.
    public static func bootToEpochOffset() -> UInt64 { read(CLOCK_REALTIME) &- read(CLOCK_BOOTTIME) }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
