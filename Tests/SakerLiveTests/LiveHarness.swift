import Foundation
import Glibc
import Testing
import SakerEvent
import SakerCapture

/// A child process started with posix_spawn and reaped with waitpid: no run loop involved
/// (Foundation's Process.waitUntilExit hung under the test runner here).
final class Child {
    let pid: pid_t
    private var status: Int32?

    /// Starts `path` with `arguments`; standard output and error go to the given files (or /dev/null).
    init(_ path: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String = "/dev/null", environment extra: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Children start with default dispositions and nothing blocked, whatever the runner's thread has.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw LiveTestError("cannot start \(path): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Sends a signal.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the child to end (at most `timeout` seconds; then it is killed) and returns its exit status.
    @discardableResult
    func wait(timeout: Double = 60) -> Int32 {
        if let status { return status }
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        while true {
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &raw, 0)
                break
            }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS, spelled out (they are C macros).
        let code: Int32 = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = code
        return code
    }
}

/// Helpers for tests that run the real `saker` binary against the real kernel (as root).
enum LiveHarness {
    /// The binary under test: `make test` sets SAKER_BIN. A missing binary fails the test.
    static func sakerBinary() throws -> String {
        let path = try #require(ProcessInfo.processInfo.environment["SAKER_BIN"], "SAKER_BIN is not set: run the live tests through `make test`")
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(path) is not an executable")
        return path
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("saker-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to completion and returns its exit status and output.
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path
        let child = try Child(path, arguments, stdout: out, stderr: err)
        let status = child.wait()
        return (status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// A running `saker capture`.
    final class Capture {
        let child: Child
        let output: String
        let errorLog: String

        init(binary: String, directory: URL, extraArguments: [String] = []) throws {
            output = directory.appendingPathComponent("capture.jsonl").path
            errorLog = directory.appendingPathComponent("capture.err").path
            child = try Child(binary, ["capture", "--output", output] + extraArguments, stderr: errorLog)
            // Ready once the probe is attached (the command says so on stderr).
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: errorLog, encoding: .utf8), text.contains("attached") { return }
                var raw: Int32 = 0
                if waitpid(child.pid, &raw, WNOHANG) == child.pid { break }
                usleep(50_000)
            }
            let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
            child.signal(SIGKILL)
            throw LiveTestError("saker capture did not report being attached: \(log)")
        }

        var pid: Int32 { child.pid }

        /// Stops the capture with SIGINT and returns the recorded events (header checked).
        func stop() throws -> [Event] {
            // Let the reader drain the workload's last records.
            usleep(300_000)
            child.signal(SIGINT)
            let status = child.wait(timeout: 30)
            let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
            guard status == 0 else { throw LiveTestError("saker capture exited with \(status): \(log)") }
            return try LiveHarness.readCapture(output)
        }
    }

    /// Reads a capture file with the library's reader.
    static func readCapture(_ path: String) throws -> [Event] {
        let reader = try LineReader(path: path)
        guard let header = reader.next() else { throw LiveTestError("empty capture file") }
        _ = try CaptureFormat.parseHeader(header, file: path)
        var events: [Event] = []
        while let line = reader.next() {
            events.append(try CaptureFormat.parseEvent(line, file: path, line: reader.lineNumber))
        }
        return events
    }
}

struct LiveTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
