import Glibc
import SakerCapture
import SakerEvent
import SakerState
import SakerSystemd
import Synchronization

/// Set from SIGINT/SIGTERM handlers; loops poll it.
let stopRequested = Atomic<Bool>(false)

/// Set from the SIGHUP handler; the agent loop reloads and clears it.
let reloadRequested = Atomic<Bool>(false)

/// Set from the SIGUSR1 handler (logrotate); the agent loop reopens its output files.
let reopenRequested = Atomic<Bool>(false)

/// Installs handlers that ask the running loop to stop on SIGINT and SIGTERM.
func installStopHandlers() {
    // Initialise the globals the handlers touch now, not lazily inside a handler.
    _ = stopRequested.load(ordering: .relaxed)
    _ = reloadRequested.load(ordering: .relaxed)
    _ = reopenRequested.load(ordering: .relaxed)
    // A parent may have started us with these signals blocked (the mask survives exec).
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGHUP)
    sigaddset(&set, SIGUSR1)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
    signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }
    signal(SIGHUP) { _ in reloadRequested.store(true, ordering: .relaxed) }
    signal(SIGUSR1) { _ in reopenRequested.store(true, ordering: .relaxed) }
    signal(SIGPIPE, SIG_IGN)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    var bytes = Array(message.utf8)
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
    }
}

/// The host name, as `evt.hostname` and the capture header give it.
func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `uname -r`.
func kernelRelease() -> String {
    var u = utsname()
    uname(&u)
    return withUnsafeBytes(of: &u.release) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

/// The processes running now, as `procsnapshot` events; a failed scan is reported and yields none.
func scanProc() -> [Event] {
    do {
        return try ProcScanner().scan(timestamp: Clock.realtimeNanoseconds())
    } catch {
        printError("saker: warning: reading /proc failed: \(error)")
        return []
    }
}

/// True once SIGINT or SIGTERM arrived.
func shouldStop() -> Bool { stopRequested.load(ordering: .relaxed) }

/// True once, after each SIGHUP.
func takeReloadRequest() -> Bool { reloadRequested.exchange(false, ordering: .relaxed) }

/// Whether a failed sd_notify send was already reported (once is enough for the journal).
private let reportedNotifyFailure = Atomic<Bool>(false)

/// Sends sd_notify messages; the first failure is logged, later ones are not (a wrong
/// `NOTIFY_SOCKET` must be visible, but must not flood the log or stop the agent).
func sendNotify(_ socket: NotifySocket, _ messages: NotifyMessage...) {
    do {
        try socket.send(messages)
    } catch {
        if !reportedNotifyFailure.exchange(true, ordering: .relaxed) { printError("saker: warning: sd_notify: \(error)") }
    }
}

/// True once, after each SIGUSR1.
func takeReopenRequest() -> Bool { reopenRequested.exchange(false, ordering: .relaxed) }
