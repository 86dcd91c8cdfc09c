import ArgumentParser
import SakerCapture
import SakerEvent
import SakerJSON
import SakerRules
import SakerState

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording made by `saker capture` back through Saker's state and rules.",
        discussion: """
            Reads the JSON lines of FILE ('-' for standard input), rebuilding the process tree and \
            fd tables as the live agent would, evaluates the rules (the built-in ruleset unless \
            --rules is given) and prints the alerts. Needs no privileges and no kernel support.
            """)

    @Argument(help: "The recording (JSON lines, docs/capture-format.md).")
    var file: String

    @OptionGroup var rules: RulesOptions

    @Flag(name: .long, help: "Print alerts as Falco's JSON alerts, one per line.")
    var json = false

    @Flag(name: .long, help: "Print every event (with its process name) instead of alerts.")
    var events = false

    func run() throws {
        let environment = FieldEnvironment.currentHost()
        var engine: RuleEngine?
        if !events {
            let loaded = rules.loadWithoutConfiguration(environment: environment)
            if !loaded.diagnostics.filter({ $0.severity == .error }).isEmpty || loaded.engine == nil {
                printError(Diagnostic.render(loaded.diagnostics))
                throw ExitCode(1)
            }
            engine = loaded.engine
        }
        let reader: LineReader
        do { reader = try LineReader(path: file) } catch { throw CommandFailure(error.description) }
        guard let headerLine = reader.next() else { throw CommandFailure("\(file):1: error: the file is empty") }
        do { _ = try CaptureFormat.parseHeader(headerLine, file: file) } catch { throw CommandFailure(error.description) }

        var state = ProcessTable()
        var count = 0
        let alerts = AlertPrinter(json: json)
        let out = try? OutputFile(path: "-")
        var writer = JSONWriter(capacity: 1 << 16)
        while let line = reader.next() {
            if line.isEmpty { continue }
            let event: Event
            do { event = try CaptureFormat.parseEvent(line, file: file, line: reader.lineNumber) } catch {
                alerts.flush()
                throw CommandFailure(error.description)
            }
            let process = state.apply(event)
            count += 1
            if let engine {
                for alert in engine.process(event, process: process, state: state) { alerts.print(alert) }
                if count % 4096 == 0 { alerts.flush() }
            } else if !event.type.isSynthetic {
                CaptureFormat.write(event, processName: process?.comm, to: &writer)
                if writer.bytes.count > 1 << 16 {
                    try? out?.write(writer.bytes)
                    writer.reset()
                }
            }
        }
        alerts.flush()
        try? out?.write(writer.bytes)
        try? out?.flush()
        printError("saker: replayed \(count) events, \(alerts.count) alerts")
    }
}
