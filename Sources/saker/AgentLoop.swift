import Glibc
import SakerCapture
import SakerConfig
import SakerEvent
import SakerMetrics
import SakerOutputs
import SakerRules
import SakerState
import SakerSystemd

/// The agent's main loop: capture → state → rules → alerts, with the systemd protocol around it
/// (READY once events flow, STATUS, WATCHDOG only while the pipeline makes progress, RELOADING on
/// SIGHUP, STOPPING at the end). One thread: nothing here runs concurrently with the hot path.
final class AgentLoop {
    private var setup: AgentSetup
    private let capture: LiveCapture
    private let notify: NotifySocket
    private let fault: PipelineFault?
    private let reload: () throws(AgentSetup.Failure) -> AgentSetup
    private var router: OutputRouter
    private let forceJSON: Bool
    private var alertCount: UInt64 = 0
    private let environment: FieldEnvironment
    private var state: ProcessTable
    private let users = UserTable(hostRoot: "/")
    private var watchdog: WatchdogPolicy?
    private let counters = PipelineCounters()
    private let startUsec = MonotonicClock.microseconds()
    private var ready = false
    private var lastReloadError: String?
    private var lastStatusUsec: UInt64 = 0
    private var eventsAtLastStatus: UInt64 = 0
    private var dropsAtLastAlert: UInt64 = 0
    private var lastDropAlertUsec: UInt64 = 0
    private var reportedStall = false
    /// Prometheus metrics and the /healthz state, when `metrics.enabled`.
    private let metrics: AgentMetrics?
    private let health: PipelineHealth?
    private var metricsServer: MetricsServer?
    private var dropHistory: [UInt64] = []
    /// Test-only: how long a `SAKER_TEST_FAULT` stall lasts (`SAKER_TEST_FAULT_FOR`, seconds).
    private let faultDurationUsec: UInt64?

    init(
        setup: AgentSetup, capture: LiveCapture, notify: NotifySocket, watchdog: WatchdogConfiguration?,
        fault: PipelineFault?, reload: @escaping () throws(AgentSetup.Failure) -> AgentSetup, router: OutputRouter,
        forceJSON: Bool, environment: FieldEnvironment
    ) {
        self.forceJSON = forceJSON
        if setup.configuration.metrics.enabled {
            metrics = AgentMetrics()
            health = PipelineHealth(
                stallAfterUsec: UInt64(max(setup.configuration.watchdog.stallTimeout.milliseconds, 1)) * 1000,
                nowUsec: MonotonicClock.microseconds())
        } else {
            metrics = nil
            health = nil
        }
        faultDurationUsec = getenv("SAKER_TEST_FAULT_FOR").flatMap { Double(String(cString: $0)) }
            .flatMap { $0.isFinite && $0 >= 0 && $0 < 1e9 ? UInt64($0 * 1e6) : nil }
        self.setup = setup
        self.capture = capture
        self.notify = notify
        self.fault = fault
        self.reload = reload
        self.environment = environment
        self.router = router
        let scanner = ProcScanner()
        let limits = setup.configuration.state
        state = ProcessTable(
            limits: ProcessTable.Limits(
                maxProcesses: limits.maxProcesses, maxFdsPerProcess: limits.maxFDsPerProcess,
                exitedRetention: UInt64(limits.exitedRetention.nanoseconds)),
            resolver: { id in scanner.snapshot(id: id, timestamp: Clock.realtimeNanoseconds()) })
        if let watchdog { self.watchdog = WatchdogPolicy(configuration: watchdog, startUsec: startUsec) }
        capture.onMalformed = { printError("saker: warning: \($0)") }
    }

    /// Runs until SIGINT/SIGTERM (or `duration` seconds).
    func run(duration: Double?) throws {
        if let metrics, let health {
            do {
                let server = try MetricsServer(
                    listen: setup.configuration.metrics.listen, metrics: metrics, health: health,
                    clock: { MonotonicClock.microseconds() })
                metricsServer = server
                printError("saker: metrics and health on \(setup.configuration.metrics.listen) (port \(server.port)): /metrics, /healthz")
            } catch {
                throw CommandFailure(error.message)
            }
        }
        for snapshot in scanProc() { state.apply(snapshot) }
        startProbeSelfTest()
        let end = duration.map { MonotonicClock.microseconds() + UInt64($0 * 1e6) }
        while !shouldStop() {
            let now = MonotonicClock.microseconds()
            if let end, now >= end { break }
            if takeReloadRequest() { reloadConfiguration() }
            if let fault, stalled(fault, elapsedUsec: now - startUsec) {
                // Test-only: the pipeline stops making progress; the watchdog must notice.
                usleep(10_000)
                tickWatchdog(now: now)
                continue
            }
            let handled: Int
            let batchStart = MonotonicClock.microseconds()
            do {
                handled = try capture.poll(timeoutMilliseconds: 10) { event in
                    let process = state.apply(event)
                    for alert in setup.engine.process(event, process: process, state: state, users: users) {
                        raise(alert)
                    }
                }
            } catch {
                router.shutdown()
                throw CommandFailure(error.message)
            }
            metrics?.recordBatch(events: handled, seconds: Double(MonotonicClock.microseconds() - batchStart) / 1e6)
            health?.beat(nowUsec: MonotonicClock.microseconds())
            // Progress is counted once per batch: the events read were evaluated in the same pass.
            if handled > 0 {
                counters.recordWork(.reader, count: UInt64(handled))
                counters.recordWork(.evaluator, count: UInt64(handled))
            }
            counters.recordHeartbeat(.reader)
            counters.recordHeartbeat(.evaluator)
            if takeReopenRequest() { router.reopen() }
            counters.recordHeartbeat(.output)
            let after = MonotonicClock.microseconds()
            if !ready && capture.statistics.events > 0 {
                // Probes attached, rules compiled, and records have come through the ring buffer.
                ready = true
                sendNotify(notify, .ready, .status(statusLine(now: after).text))
            }
            tickWatchdog(now: after)
            if after - lastStatusUsec >= 1_000_000 { reportStatus(now: after) }
        }
        sendNotify(notify, .stopping, .status(StatusLine(phase: .stopping, rules: setup.engine.rules.count).text))
        router.shutdown()
        let stats = capture.statistics
        printError("saker: stopped after \(stats.events) events, \(alertCount) alerts, \(stats.kernel.dropped) dropped in the kernel")
        for output in router.counters where output.dropped > 0 || output.failed > 0 {
            printError("saker: output \(output.name): \(output.delivered) delivered, \(output.dropped) dropped, \(output.failed) failed\(output.lastError.map { " (\($0))" } ?? "")")
        }
    }

    /// Hands an alert to every output (never waits for a sink).
    private func raise(_ alert: Alert) {
        alertCount += 1
        metrics?.recordMatch(rule: alert.rule, priority: alert.priority.name)
        _ = router.route(alert)
    }

    /// Calls `router.shutdown()` on a detached thread, so a stuck output cannot stall the loop.
    private func shutDownInBackground(_ router: OutputRouter) {
        let context = Unmanaged.passRetained(router).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<OutputRouter>.fromOpaque(raw).takeRetainedValue().shutdown()
            return nil
        }, context)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<OutputRouter>.fromOpaque(context).release()
            router.shutdown(discardingPending: true)
        }
    }

    /// Whether the test-only fault hook stalls the pipeline now.
    private func stalled(_ fault: PipelineFault, elapsedUsec: UInt64) -> Bool {
        guard fault.stalls(.reader, elapsedUsec: elapsedUsec) || fault.stalls(.evaluator, elapsedUsec: elapsedUsec) else { return false }
        guard let faultDurationUsec else { return true }
        return elapsedUsec < fault.afterUsec + faultDurationUsec
    }

    /// Metrics gauges and the /healthz snapshot, once a second.
    private func publishHealth() {
        guard let metrics, let health else { return }
        let dropped = capture.statistics.kernel.dropped
        dropHistory.append(dropped)
        if dropHistory.count > 4 { dropHistory.removeFirst() }
        var snapshot = PipelineHealth.Snapshot()
        snapshot.events = capture.statistics.events
        snapshot.kernelDrops = dropped
        // Sustained: drops grew in each of the last three seconds.
        snapshot.dropsSustained = dropHistory.count == 4 && zip(dropHistory, dropHistory.dropFirst()).allSatisfy { $0 < $1 }
        for output in router.counters {
            metrics.updateOutput(
                name: output.name, delivered: output.delivered, dropped: output.dropped, failed: output.failed,
                depth: output.queueDepth, healthy: output.healthy)
            if !output.healthy { snapshot.failingOutputs.append("\(output.name): \(output.lastError ?? "failing")") }
        }
        health.publish(snapshot)
        metrics.update(kernelDrops: dropped, rules: setup.engine.rules.count, residentBytes: residentBytes())
    }

    /// Resident set size, from the second field of /proc/self/statm (pages).
    private func residentBytes() -> UInt64 {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return 0 }
        let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = UInt64(fields[1]) else { return 0 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Runs `/bin/true` once: its fork, exec and exit are records the probe must deliver, so READY
    /// comes as soon as the pipeline works end to end, even on a quiet host. (The agent's own
    /// syscalls are excluded in the kernel; a child's are not.)
    private func startProbeSelfTest() {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("true"), nil]
        defer { argv.forEach { free($0) } }
        // The child starts with default signal dispositions (the agent ignores SIGPIPE).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        if posix_spawn(&pid, "/bin/true", nil, &attributes, argv, nil) == 0 {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    private func tickWatchdog(now: UInt64) {
        guard var policy = watchdog else { return }
        if case .ping = policy.tick(nowUsec: now, progress: counters.snapshot()) { sendNotify(notify, .watchdog) }
        watchdog = policy
    }

    private func statusLine(now: UInt64) -> StatusLine {
        let events = capture.statistics.events
        let elapsed = max(now - lastStatusUsec, 1)
        let rate = lastStatusUsec == 0 ? 0 : (events - eventsAtLastStatus) * 1_000_000 / elapsed
        return StatusLine(
            phase: ready ? .ready : .starting("waiting for the first events"), rules: setup.engine.rules.count,
            eventsPerSecond: rate, kernelDrops: capture.statistics.kernel.dropped, lastReloadError: lastReloadError)
    }

    /// STATUS= once a second, and the internal alert when the kernel dropped events.
    private func reportStatus(now: UInt64) {
        let line = statusLine(now: now)
        publishHealth()
        lastStatusUsec = now
        eventsAtLastStatus = capture.statistics.events
        sendNotify(notify, .status(line.text))
        let dropped = capture.statistics.kernel.dropped
        let drops = setup.configuration.syscallEventDrops
        if dropped > dropsAtLastAlert, now - lastDropAlertUsec >= 30_000_000 {
            let lost = dropped - dropsAtLastAlert
            dropsAtLastAlert = dropped
            lastDropAlertUsec = now
            if drops.actions.contains(.log) { printError("saker: warning: the kernel dropped \(lost) events (ring buffer full)") }
            if drops.actions.contains(.alert) {
                raise(Alert(
                    rule: "Saker internal: syscall event drops", priority: .critical, source: "internal",
                    tags: ["saker", "internal"], time: Clock.realtimeNanoseconds(), hostname: environment.hostname,
                    message: "Saker internal: syscall event drops | dropped=\(lost) total_dropped=\(dropped)",
                    outputFields: [("n_drops", .uint(lost)), ("n_drops_total", .uint(dropped))]))
            }
        }
    }

    /// SIGHUP: validate the new configuration and rules beside the running ones; swap them in
    /// if they load (the probe stays attached, the state is kept, the syscall map is updated in
    /// place), else keep running the old ones and say why.
    private func reloadConfiguration() {
        sendNotify(notify, .reloadingNow(), .status(StatusLine(phase: .reloading, rules: setup.engine.rules.count).text))
        printError("saker: reloading the configuration")
        do {
            let candidate = try reload()
            try replaceOutputsIfChanged(for: candidate.configuration)
            setup = candidate
            capture.probe.enable(candidate.engine.interestingTypes)
            lastReloadError = nil
            metrics?.recordReload(succeeded: true)
            printError("saker: reloaded: \(candidate.engine.rules.count) rules from \(candidate.rulesSource)")
        } catch let error as AgentSetup.Failure {
            reportFailedReload(error.firstError)
        } catch {
            reportFailedReload("starting the outputs: \(error)")
        }
        sendNotify(notify, .ready, .status(statusLine(now: MonotonicClock.microseconds()).text))
    }

    /// New outputs settings take effect on reload: a new router starts, then the old one
    /// delivers what it has queued and stops.
    private func replaceOutputsIfChanged(for configuration: AgentConfiguration) throws {
        let old = setup.configuration
        guard configuration.outputs != old.outputs || configuration.outputsQueue != old.outputsQueue
            || configuration.outputsRate != old.outputsRate || configuration.jsonOutput != old.jsonOutput
        else { return }
        let replacement = try OutputSetup.router(for: configuration, json: forceJSON)
        let previous = router
        router = replacement
        // The old outputs deliver what they still hold on their own; the loop does not wait.
        shutDownInBackground(previous)
    }

    private func reportFailedReload(_ reason: String) {
        lastReloadError = reason
        metrics?.recordReload(succeeded: false)
        printError("saker: reload failed, still running the previous configuration: \(reason)")
        raise(Alert(
            rule: "Saker internal: configuration reload failed", priority: .error, source: "internal",
            tags: ["saker", "internal"], time: Clock.realtimeNanoseconds(), hostname: environment.hostname,
            message: "Saker internal: configuration reload failed, previous configuration kept | error=\(reason)",
            outputFields: [("error", .string(reason))]))
    }
}

