import ArgumentParser
import Glibc
import SakerCapture
import SakerConfig
import SakerEvent
import SakerJSON
import SakerOutputs
import SakerRules
import SakerState
import SakerSystemd

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent in the foreground: watch this host and print alerts.",
        discussion: """
            Loads the configuration and compiles the rules (a configuration or rules error exits \
            non-zero before the kernel is touched), attaches the eBPF probe with only the syscalls \
            the rules need enabled, seeds the process table from /proc and prints an alert for \
            every matching event. Under systemd (Type=notify) it reports READY=1 once events flow, \
            STATUS=, WATCHDOG=1 while the pipeline makes progress, RELOADING=1 on SIGHUP (a broken \
            configuration keeps the running one) and STOPPING=1 on SIGTERM. Needs root, or \
            CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var rules: RulesOptions

    @Flag(name: .long, help: "Print alerts as Falco's JSON alerts, one per line.")
    var json = false

    @Option(name: .long, help: "Stop after this many seconds (default: run until SIGINT or SIGTERM).")
    var duration: Double?

    @Flag(name: .long, help: "Show libbpf's messages (the verifier log on failures).")
    var verbose = false

    func validate() throws {
        if let duration, !(duration.isFinite && duration > 0 && duration < 1e9) {
            throw ValidationError("--duration must be a positive number of seconds")
        }
    }

    func run() throws {
        installStopHandlers()
        // Least privilege: whatever we started with (root, or the unit's ambient set), keep only
        // CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.
        do {
            let kept = try Privileges.dropAllButNeeded()
            if getuid() == 0 { printError("saker: running as root with only \(kept.map(\.name).joined(separator: ", "))") }
        } catch {
            printError("saker: warning: could not drop capabilities: \(error.message)")
        }
        let notify: NotifySocket
        // A short send timeout: a busy systemd must not stall the event loop.
        do { notify = try NotifySocket.fromEnvironment(unsetEnvironment: true, sendTimeoutMilliseconds: 50) } catch {
            throw CommandFailure("\(error)")
        }
        let watchdog: WatchdogConfiguration?
        let fault: PipelineFault?
        do {
            watchdog = try WatchdogConfiguration.fromEnvironment(unsetEnvironment: true)
            fault = try PipelineFault.fromEnvironment()
        } catch {
            throw CommandFailure("\(error)")
        }
        // Large rule sets take a while to compile: ask systemd for more start time while loading.
        sendNotify(notify, .extendTimeout(usec: 30_000_000), .status(StatusLine(phase: .starting("loading configuration and rules")).text))
        let environment = FieldEnvironment.currentHost()
        // A configuration or rules error stops the agent here, before the kernel is touched.
        let setup: AgentSetup
        do { setup = try AgentSetup.load(configOptions, rules, environment: environment) } catch { throw ExitCode(1) }
        let configuration = setup.configuration
        var options = ProbeOptions()
        options.verbose = verbose
        options.ringBytes = UInt32(configuration.buffer.ringBufferMiB) * 1024 * 1024
        options.wakeupBytes = UInt64(configuration.buffer.wakeupKiB) * 1024
        if !configuration.selfExclusion { options.excludedProcess = nil }
        sendNotify(notify, .status(StatusLine(phase: .starting("attaching the probe")).text))
        let capture: LiveCapture
        do { capture = try LiveCapture(types: setup.engine.interestingTypes, options: options) } catch {
            throw CommandFailure(error.message)
        }
        printError("saker: probe attached, \(setup.engine.rules.count) rules loaded, \(setup.engine.interestingTypes.count) event types watched")
        let router: OutputRouter
        do { router = try OutputSetup.router(for: configuration, json: json) } catch { throw CommandFailure("starting the outputs: \(error)") }
        let loop = AgentLoop(
            setup: setup, capture: capture, notify: notify, watchdog: watchdog, fault: fault,
            reload: { () throws(AgentSetup.Failure) -> AgentSetup in try AgentSetup.load(configOptions, rules, environment: environment) },
            router: router, forceJSON: json, environment: environment)
        try loop.run(duration: duration)
    }
}
