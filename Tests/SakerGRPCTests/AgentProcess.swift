import Glibc
import Testing

/// A child process started with posix_spawn (default signal dispositions, nothing blocked) and
/// reaped with waitpid; Foundation's Process hangs under the test runner.
final class AgentProcess {
    let pid: pid_t
    private var status: Int32?

    /// Starts `path` with `arguments`; standard output and error go to `log` (appended).
    init(_ path: String, _ arguments: [String], log: String = "/dev/null") throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let words: [String] = [path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        try #require(rc == 0, "cannot start \(path): \(String(cString: strerror(rc)))")
        pid = child
    }

    /// Sends a signal.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits at most `timeout` seconds (then kills it) and returns the exit status.
    @discardableResult
    func wait(timeout: Double = 60) -> Int32 {
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
        let code: Int32 = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = code
        return code
    }
}

/// The whole file as text; empty when missing.
func readText(_ path: String) -> String {
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
