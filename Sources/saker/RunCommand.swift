import ArgumentParser
import Glibc
import SakerCapture
import SakerEvent
import SakerJSON
import SakerState

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent in the foreground.",
        discussion: """
            Attaches the eBPF probe, seeds its process table from /proc and follows what \
            processes do. Needs root, or CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE \
            and CAP_DAC_READ_SEARCH.
            """)

    @Flag(name: .long, help: "Show libbpf's messages (the verifier log on failures).")
    var verbose = false

    func run() throws {
        installStopHandlers()
        var options = ProbeOptions()
        options.verbose = verbose
        let capture: LiveCapture
        do { capture = try LiveCapture(types: [], options: options) } catch { throw CommandFailure(error.message) }
        printError("saker: probe attached")
        var state = ProcessTable()
        for snapshot in scanProc() { _ = state.apply(snapshot) }
        let out = try? OutputFile(path: "-")
        var writer = JSONWriter(capacity: 1 << 16)
        while !shouldStop() {
            do {
                try capture.poll(timeoutMilliseconds: 10) { event in
                    _ = state.apply(event)
                    CaptureFormat.write(event, processName: state.process(pid: event.pid)?.comm, to: &writer)
                }
            } catch {
                throw CommandFailure(error.message)
            }
            try? out?.write(writer.bytes)
            try? out?.flush()
            writer.reset()
        }
        printError("saker: stopped after \(capture.statistics.events) events, \(capture.statistics.kernel.dropped) dropped")
    }
}
