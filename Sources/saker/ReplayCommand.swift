import ArgumentParser
import SakerCapture
import SakerEvent
import SakerJSON
import SakerState

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording made by `saker capture` back through Saker's state tracking.",
        discussion: """
            Reads the JSON lines of FILE ('-' for standard input), rebuilding the process tree and \
            fd tables as the live agent would, and prints each event with the process it belongs \
            to. Needs no privileges and no kernel support.
            """)

    @Argument(help: "The recording (JSON lines, docs/capture-format.md).")
    var file: String

    @Flag(name: .long, help: "Print nothing per event; only the summary.")
    var quiet = false

    func run() throws {
        let reader: LineReader
        do { reader = try LineReader(path: file) } catch { throw CommandFailure(error.description) }
        guard let headerLine = reader.next() else { throw CommandFailure("\(file):1: error: the file is empty") }
        do { _ = try CaptureFormat.parseHeader(headerLine, file: file) } catch { throw CommandFailure(error.description) }
        var state = ProcessTable()
        var count = 0
        let out = try? OutputFile(path: "-")
        var writer = JSONWriter(capacity: 1 << 16)
        while let line = reader.next() {
            if line.isEmpty { continue }
            let event: Event
            do { event = try CaptureFormat.parseEvent(line, file: file, line: reader.lineNumber) } catch {
                throw CommandFailure(error.description)
            }
            _ = state.apply(event)
            count += 1
            if !quiet && !event.type.isSynthetic {
                CaptureFormat.write(event, processName: state.process(pid: event.pid)?.comm, to: &writer)
                if writer.bytes.count > 1 << 16 {
                    try? out?.write(writer.bytes)
                    writer.reset()
                }
            }
        }
        try? out?.write(writer.bytes)
        try? out?.flush()
        printError("saker: replayed \(count) events")
    }
}
