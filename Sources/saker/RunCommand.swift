import ArgumentParser
import Glibc
import SakerCapture
import SakerConfig
import SakerEvent
import SakerJSON
import SakerRules
import SakerState

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent in the foreground: watch this host and print alerts.",
        discussion: """
            Compiles the rules (the built-in ruleset unless --rules is given), attaches the eBPF \
            probe with only the syscalls the rules need enabled, seeds the process table from \
            /proc and prints an alert for every matching event. Needs root, or CAP_BPF, \
            CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var rules: RulesOptions

    @Flag(name: .long, help: "Print alerts as Falco's JSON alerts, one per line.")
    var json = false

    @Option(name: .long, help: "Stop after this many seconds (default: run until SIGINT or SIGTERM).")
    var duration: Double?

    @Flag(name: .long, help: "Show libbpf's messages (the verifier log on failures).")
    var verbose = false

    func run() throws {
        installStopHandlers()
        let environment = FieldEnvironment.currentHost()
        // A configuration or rules error stops the agent here, before the kernel is touched.
        guard let setup = try AgentSetup.load(configOptions, rules, environment: environment) else { throw ExitCode(1) }
        let engine = setup.engine
        let configuration = setup.configuration
        var options = ProbeOptions()
        options.verbose = verbose
        options.ringBytes = UInt32(configuration.buffer.ringBufferMiB) * 1024 * 1024
        options.wakeupBytes = UInt64(configuration.buffer.wakeupKiB) * 1024
        if !configuration.selfExclusion { options.excludedProcess = nil }
        let capture: LiveCapture
        do { capture = try LiveCapture(types: engine.interestingTypes, options: options) } catch {
            throw CommandFailure(error.message)
        }
        printError("saker: probe attached, \(engine.rules.count) rules loaded, \(engine.interestingTypes.count) event types watched")
        let scanner = ProcScanner()
        var state = ProcessTable(resolver: { id in scanner.snapshot(id: id, timestamp: Clock.realtimeNanoseconds()) })
        for snapshot in scanProc() { state.apply(snapshot) }
        let users = UserTable(hostRoot: "/")
        let alerts = AlertPrinter(json: json || configuration.jsonOutput)
        let end = duration.map { Clock.realtimeNanoseconds() + UInt64($0 * 1e9) }
        capture.onMalformed = { printError("saker: warning: \($0)") }
        while !shouldStop() {
            if let end, Clock.realtimeNanoseconds() >= end { break }
            do {
                try capture.poll(timeoutMilliseconds: 10) { event in
                    let process = state.apply(event)
                    for alert in engine.process(event, process: process, state: state, users: users) {
                        alerts.print(alert)
                    }
                }
            } catch {
                alerts.flush()
                throw CommandFailure(error.message)
            }
            alerts.flush()
        }
        let stats = capture.statistics
        printError("saker: stopped after \(stats.events) events, \(alerts.count) alerts, \(stats.kernel.dropped) dropped in the kernel")
    }
}
