// The engine benchmark (`make bench`, part 2): events per second per core through a rules set,
// on events already decoded in memory — state update, rule evaluation, and formatting every
// alert as Falco's JSON — read from a capture file made by `saker capture`.
//
//   saker-engine-bench CAPTURE.jsonl RULES.yaml...
import Glibc
import SakerCapture
import SakerEvent
import SakerJSON
import SakerRules
import SakerState

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func fail(_ message: String) -> Never {
    let line = Array("saker-engine-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: saker-engine-bench CAPTURE.jsonl RULES.yaml...") }

// Load the stream into memory first: decoding JSON is not part of what is measured here.
var events: [Event] = []
do {
    let reader = try LineReader(path: arguments[1])
    guard let header = reader.next() else { fail("empty capture") }
    _ = try CaptureFormat.parseHeader(header, file: arguments[1])
    while let line = reader.next() {
        events.append(try CaptureFormat.parseEvent(line, file: arguments[1], line: reader.lineNumber))
    }
} catch {
    fail("\(error)")
}

let compileStart = now()
let loaded = RuleLoader.load(paths: Array(arguments[2...]))
guard !loaded.hasErrors else { fail(Diagnostic.render(loaded.diagnostics)) }
let engine = RuleEngine(rules: loaded, environment: FieldEnvironment.currentHost())
guard !engine.hasErrors else { fail(Diagnostic.render(engine.diagnostics)) }
let compileSeconds = now() - compileStart
let rssBefore = peakRSSMiB()

// Best of three passes, each with a fresh process table (the stream rebuilds it).
var best = Double.infinity
var alerts = 0
var jsonBytes = 0
for _ in 0..<3 {
    var table = ProcessTable()
    var writer = JSONWriter(capacity: 1 << 16)
    alerts = 0
    jsonBytes = 0
    let start = now()
    for event in events {
        let process = table.apply(event)
        for alert in engine.process(event, process: process, state: table) {
            alerts += 1
            alert.writeJSON(to: &writer)
            writer.append(0x0A)
            if writer.bytes.count > 1 << 16 {
                jsonBytes += writer.bytes.count
                writer.reset()
            }
        }
    }
    jsonBytes += writer.bytes.count
    best = min(best, now() - start)
}

let rate = Double(events.count) / best
print("engine alone: \(events.count) events, \(engine.rules.count) rules (compiled in \(Int(compileSeconds * 1000)) ms), "
    + "\(alerts) alerts (\(jsonBytes / 1024) KiB JSON)")
print("engine alone: \(Int(rate)) events/s/core (best of 3; goal >= 1000000), \(String(Int(1e9 / rate))) ns/event")
print("engine alone: peak RSS \(Int(peakRSSMiB())) MiB (\(Int(rssBefore)) MiB after loading the stream and compiling)")
