import Glibc
public import SakerRules
import Synchronization

/// Alert lines piped to a command run with `/bin/sh -c`.
///
/// With `keepAlive`, one process reads every batch; when it has exited (or the write finds its
/// end closed) it is reaped and started again, and the batch is written to the new one. Without,
/// each batch gets its own process, which sees end of input after the batch and is waited for.
///
/// The command's standard input is one end of a `socketpair` rather than a pipe: writes use
/// `MSG_NOSIGNAL`, so a dead reader is an `EPIPE` error instead of a SIGPIPE that would kill the
/// agent, without touching the process's signal dispositions.
public final class ProgramSink: AlertSink {
    private struct Child {
        var pid: pid_t
        var input: Int32
    }

    private struct State {
        var child: Child?
        var started = 0
    }

    /// The shell command.
    public let command: String
    /// Text lines or JSON alerts.
    public let format: AlertFormat
    /// One long-running process rather than one per batch.
    public let keepAlive: Bool
    /// How long a write may wait for the command to read, and how long a finished process may
    /// take to exit before it is killed.
    public let timeoutMilliseconds: Int
    private let state = Mutex(State())

    /// A sink piping to `command`.
    public init(command: String, format: AlertFormat = .text, keepAlive: Bool = false, timeoutMilliseconds: Int = 5_000) {
        self.command = command
        self.format = format
        self.keepAlive = keepAlive
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    deinit { close() }

    /// The running process (with `keepAlive`), if any.
    public var processID: pid_t? { state.withLock { $0.child?.pid } }

    /// Processes started after the first: restarts with `keepAlive`, one per batch without.
    public var restarts: Int { state.withLock { max($0.started - 1, 0) } }

    /// Writes the batch's lines to the command, starting (or restarting) it as needed.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        let bytes = format.lines(batch)
        try state.withLock { (state: inout State) throws(SinkError) in
            if let child = state.child, Self.hasExited(child) {
                Self.release(child)
                state.child = nil
            }
            if state.child == nil {
                state.child = try spawn()
                state.started += 1
            }
            guard var child = state.child else { return }
            do throws(SinkError) {
                try Posix.writeAll(child.input, bytes, socket: true, what: "the program `\(command)`")
            } catch {
                guard error.errno == EPIPE || error.errno == ECONNRESET else { throw error }
                // It died since the check above: start it again and give the batch to the new one.
                finish(child)
                state.child = nil
                child = try spawn()
                state.child = child
                state.started += 1
                try Posix.writeAll(child.input, bytes, socket: true, what: "the program `\(command)`")
            }
            if !keepAlive {
                finish(child)
                state.child = nil
            }
        }
    }

    /// Ends the kept-alive process: closes its input and waits for it (killing it after the timeout).
    public func close() {
        let child = state.withLock { state -> Child? in
            defer { state.child = nil }
            return state.child
        }
        if let child { finish(child) }
    }

    private func spawn() throws(SinkError) -> Child {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw SinkError.system("cannot create the input of `\(command)`")
        }
        var timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
        _ = setsockopt(ends[0], SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Only the write direction is used; the command reading its stdin sees EOF when we close.
        _ = shutdown(ends[1], Int32(SHUT_WR))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDIN_FILENO)
        // The command starts with default signal handling and nothing blocked, whatever the agent
        // set for itself (it ignores SIGPIPE, and an ignored signal survives exec).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environ)
        Glibc.close(ends[1])
        guard result == 0 else {
            Glibc.close(ends[0])
            throw SinkError("cannot start `/bin/sh -c \(command)`", errno: result)
        }
        return Child(pid: pid, input: ends[0])
    }

    /// Closes the process's input, then waits for it to exit, killing it after the timeout.
    private func finish(_ child: Child) {
        Glibc.close(child.input)
        let deadline = Posix.monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
        var status: Int32 = 0
        while Posix.monotonicNanoseconds() < deadline {
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == child.pid || (result < 0 && errno != EINTR) { return }
            usleep(2_000)
        }
        kill(child.pid, SIGKILL)
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// Closes the input of a process already reaped.
    private static func release(_ child: Child) {
        Glibc.close(child.input)
    }

    /// Whether the process has exited; reaps it if so. (With SIGCHLD ignored there is nothing to
    /// reap and `ECHILD` also means it is gone.)
    private static func hasExited(_ child: Child) -> Bool {
        var status: Int32 = 0
        let result = waitpid(child.pid, &status, WNOHANG)
        return result == child.pid || (result < 0 && errno == ECHILD)
    }
}
