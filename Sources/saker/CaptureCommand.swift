import ArgumentParser
import Glibc
import SakerCapture
import SakerEvent
import SakerJSON
import SakerState

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Record what processes do, live, as JSON lines.",
        discussion: """
            Writes the processes running at start (from /proc), then every captured event, one \
            JSON object per line (docs/capture-format.md). Stop with Ctrl-C, or give --duration. \
            By default Saker records every syscall it decodes (execs, forks, exits, opens, \
            closes, sockets, renames, unlinks, links, chmods, mounts, credential and namespace \
            changes, ptrace, module loads…) except read/write/send/recv, which --syscalls adds; \
            --all records every syscall.
            Needs root, or CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.
            """)

    @Option(name: .long, help: "Stop after this many seconds.")
    var duration: Double?

    @Option(name: [.short, .long], help: "Write to this file ('-' for standard output).")
    var output: String = "-"

    @Flag(name: .long, help: "Record every syscall, not only those Saker decodes and keeps state from.")
    var all = false

    @Option(name: .long, help: "Also record these syscalls (comma-separated names, e.g. 'read,write').")
    var syscalls: String?

    @Option(name: .long, help: "Ring buffer size in MiB (a power of two).")
    var ringMib: UInt32 = 8

    @Flag(name: .long, help: "Show libbpf's messages (the verifier log on failures).")
    var verbose = false

    @Flag(name: .long, help: .hidden)
    var noopProbe = false

    func validate() throws {
        if let duration, !(duration.isFinite && duration > 0 && duration < 1e9) {
            throw ValidationError("--duration must be a positive number of seconds")
        }
        guard ringMib > 0, ringMib & (ringMib - 1) == 0, ringMib <= 1024 else {
            throw ValidationError("--ring-mib must be a power of two between 1 and 1024")
        }
        if let syscalls {
            for name in syscalls.split(separator: ",") where EventType(name: String(name)) == nil {
                throw ValidationError("unknown syscall '\(name)' in --syscalls")
            }
        }
    }

    func run() throws {
        installStopHandlers()
        var options = ProbeOptions()
        options.ringBytes = ringMib * 1024 * 1024
        options.verbose = verbose
        options.noopOnly = noopProbe
        let extra = SyscallCatalog.defaultCaptureTypes.union((syscalls ?? "").split(separator: ",").compactMap { EventType(name: String($0)) })

        if noopProbe {
            let probe: Probe
            do { probe = try Probe(options: options) } catch { throw CommandFailure(error.message) }
            printError("saker: do-nothing probe attached")
            waitForStop(deadline: deadline())
            withExtendedLifetime(probe) {}
            return
        }

        let file: OutputFile
        do { file = try OutputFile(path: output) } catch { throw CommandFailure(error.description) }
        let capture: LiveCapture
        do { capture = try LiveCapture(types: extra, everything: all, options: options) } catch {
            throw CommandFailure(error.message)
        }
        printError("saker: probe attached, capturing to \(output == "-" ? "standard output" : output)")

        var state = ProcessTable()
        var writer = JSONWriter(capacity: 1 << 16)
        let header = CaptureFormat.Header(hostname: hostName(), startTime: Clock.realtimeNanoseconds(), kernel: kernelRelease())
        writer.raw(header.line)
        writer.append(0x0A)

        // The probe is attached first, so nothing happens unseen between the scan and capture.
        for var snapshot in scanProc() {
            snapshot.number = capture.reserveNumber()
            _ = state.apply(snapshot)
            CaptureFormat.write(snapshot, processName: state.process(pid: snapshot.pid)?.comm, to: &writer)
        }
        do { try file.write(writer.bytes) } catch { throw CommandFailure(error.description) }
        writer.reset()

        capture.onMalformed = { printError("saker: warning: \($0)") }
        let end = deadline()
        var failure: String?
        while !shouldStop() {
            if let end, Clock.realtimeNanoseconds() >= end { break }
            do {
                try capture.poll(timeoutMilliseconds: 10) { event in
                    _ = state.apply(event)
                    CaptureFormat.write(event, processName: state.process(pid: event.pid)?.comm, to: &writer)
                }
                try file.write(writer.bytes)
                writer.reset()
            } catch let error as ProbeError {
                failure = error.message
                break
            } catch {
                failure = "\(error)"
                break
            }
        }
        do { try file.flush() } catch { throw CommandFailure(error.description) }
        let stats = capture.statistics
        printError("saker: \(stats.events) events captured, \(stats.kernel.dropped) dropped in the kernel, \(stats.malformed) malformed")
        if let failure { throw CommandFailure(failure) }
    }

    private func deadline() -> UInt64? {
        duration.map { Clock.realtimeNanoseconds() + UInt64($0 * 1e9) }
    }

    private func waitForStop(deadline: UInt64?) {
        while !shouldStop() {
            if let deadline, Clock.realtimeNanoseconds() >= deadline { return }
            usleep(20_000)
        }
    }
}

/// A failure that ends a command with a message and exit status 1 (no stack trace).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
