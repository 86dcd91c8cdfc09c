import Foundation
import Glibc
import Testing
import SakerEvent
import SakerCapture
import SakerTestSupport

/// The live tests' child processes (`SakerTestSupport`).
typealias Child = ChildProcess

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
        /// The capture's own (host) pid: the child, or the launcher's child when there is one.
        let pid: Int32

        /// Starts `saker capture`, through `launcher` (a command and its arguments, e.g. unshare
        /// with `--fork`, which must start saker as its only child) when given.
        init(binary: String, directory: URL, extraArguments: [String] = [], launcher: [String] = []) throws {
            output = directory.appendingPathComponent("capture.jsonl").path
            errorLog = directory.appendingPathComponent("capture.err").path
            let command = launcher + [binary, "capture", "--output", output] + extraArguments
            child = try Child(command[0], Array(command.dropFirst()), stderr: errorLog)
            // Ready once the probe is attached (the command says so on stderr).
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: errorLog, encoding: .utf8), text.contains("attached") {
                    let children = readText("/proc/\(child.pid)/task/\(child.pid)/children").split { $0 == " " || $0 == "\n" }
                    guard let saker = launcher.isEmpty ? child.pid : children.first.flatMap({ Int32($0) }), saker > 0 else {
                        child.signal(SIGKILL)
                        throw LiveTestError("\(command[0]) has no child process running saker")
                    }
                    pid = saker
                    return
                }
                var raw: Int32 = 0
                if waitpid(child.pid, &raw, WNOHANG) == child.pid { break }
                usleep(50_000)
            }
            let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
            child.signal(SIGKILL)
            throw LiveTestError("saker capture did not report being attached: \(log)")
        }

        /// Stops the capture with SIGINT (sent to saker itself, not to a launcher) and returns the
        /// recorded events (header checked).
        func stop() throws -> [Event] {
            // Let the reader drain the workload's last records.
            usleep(300_000)
            kill(pid, SIGINT)
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
