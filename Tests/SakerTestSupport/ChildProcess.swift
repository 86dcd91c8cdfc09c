import Glibc

/// A child process for tests: started with posix_spawn (default signal dispositions, nothing
/// blocked, whatever the runner's thread has) and reaped with waitpid, with no run loop involved
/// (Foundation's `Process.waitUntilExit` hangs under the test runner).
public final class ChildProcess {
    /// Why a child could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// The program and the system's reason.
        public let description: String
    }

    /// The child's process id.
    public let pid: pid_t
    private var status: Int32?

    /// Starts `path` with `arguments`. Standard output goes to `stdout`; standard error to
    /// `stderr`, or to the same file when `stderr` is nil. The files are truncated, or appended to
    /// with `append`. The environment is the runner's plus `environment`.
    public init(
        _ path: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String? = "/dev/null",
        append: Bool = false, environment extra: [String: String] = [:]
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, mode, 0o644)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, mode, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = Self.environment(adding: extra).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw StartError(description: "cannot start \(path): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Sends a signal.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the child to end (at most `timeout` seconds; then it is killed) and returns its
    /// exit status (128 + the signal when a signal ended it).
    @discardableResult
    public func wait(timeout: Double = 60) -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        var waited = 0.0
        while waitpid(pid, &raw, WNOHANG) != pid {
            if waited >= timeout {
                kill(pid, SIGKILL)
                waitpid(pid, &raw, 0)
                break
            }
            usleep(10_000)
            waited += 0.01
        }
        // WIFEXITED / WEXITSTATUS, spelled out (they are C macros).
        let code: Int32 = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = code
        return code
    }

    /// `NAME=value` entries: the runner's environment with `extra` set over it.
    private static func environment(adding extra: [String: String]) -> [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if extra[name] == nil { entries.append(text) }
            index += 1
        }
        return entries + extra.map { "\($0.key)=\($0.value)" }
    }
}

/// The whole file as text; empty when missing.
public func readText(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = read(fd, &chunk, chunk.count)
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Polls `condition` every 5 ms for at most `seconds`, sleeping the task in between; whether it
/// became true.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// Polls `condition` every 5 ms for at most `seconds`; whether it became true.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
    while true {
        if condition() { return true }
        clock_gettime(CLOCK_MONOTONIC, &now)
        if Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 >= deadline { return false }
        usleep(5_000)
    }
}
