import Foundation
import Glibc
import Testing
import SakerEvent
import SakerCapture
import SakerState
import SakerTestSupport

/// The workload of the live capture test, and what it must leave in the recording.
@Suite(.serialized) struct LiveCaptureTests {
    /// A TCP listener on 127.0.0.1 with a kernel-chosen port; accepts in the background.
    final class Listener {
        let fd: Int32
        let port: UInt16

        init() throws {
            let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, len) } }
            guard bound == 0, listen(socketFD, 16) == 0 else { throw LiveTestError("cannot listen on 127.0.0.1") }
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &len) } }
            fd = socketFD
            port = UInt16(bigEndian: addr.sin_port)
        }

        deinit { close(fd) }
    }

    struct Recording {
        var events: [Event]
        var shellPid: Int64
        var capturePid: Int64
        var port: UInt16
        var directory: String
    }

    /// Captures while bash opens /etc/hostname from cat, runs /bin/true, connects to a local
    /// listener, renames and unlinks a temp file.
    static func record() throws -> Recording {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let listener = try Listener()
        let capture = try LiveHarness.Capture(binary: binary, directory: dir)
        let script = """
            cat /etc/hostname > /dev/null
            /bin/true
            exec 3<>/dev/tcp/127.0.0.1/\(listener.port)
            echo x > \(dir.path)/a.tmp
            mv \(dir.path)/a.tmp \(dir.path)/b.tmp
            rm \(dir.path)/b.tmp
            exec 3>&-
            """
        let shell = try Child("/bin/bash", ["--norc", "-c", script])
        #expect(shell.wait() == 0)
        let events = try capture.stop()
        try? FileManager.default.removeItem(atPath: capture.output)
        return Recording(events: events, shellPid: Int64(shell.pid), capturePid: Int64(capture.pid),
                         port: listener.port, directory: dir.path)
    }

    /// Process names from the recording's exec and snapshot events (pid → comm).
    static func names(_ events: [Event]) -> [Int64: String] {
        var names: [Int64: String] = [:]
        for e in events where e.type == .execve || e.type == .execveat || e.type == .procsnapshot {
            if case .string(let comm)? = e.param("comm") { names[e.pid] = comm }
        }
        return names
    }

    /// Whether `event` is the shell's connect to the test's listener (and not, say, glibc's
    /// attempt at nscd's unix socket, which some hosts make before it).
    static func isListenerConnect(_ event: Event, _ rec: Recording) -> Bool {
        event.type == .connect && event.pid == rec.shellPid
            && event.param("addr") == .address(.inet(.v4(127, 0, 0, 1), port: rec.port))
    }

    @Test func recordsTheWorkloadWithTheRightProcessesAndNothingOfItsOwn() throws {
        let rec = try Self.record()
        let events = rec.events
        #expect(events.count > 10)

        // cat opened /etc/hostname successfully.
        let catExec = try #require(events.first { $0.type == .execve && $0.param("comm") == .string("cat") && $0.param("args") == .strings(["/etc/hostname"]) })
        #expect(catExec.param("ptid") == .pid(rec.shellPid), "cat's parent is the shell")
        #expect(catExec.param("trusted_exepath") == .string("/usr/bin/cat"))
        let open = try #require(events.first { ($0.type == .openat || $0.type == .open) && $0.pid == catExec.pid && $0.param("name") == .string("/etc/hostname") })
        #expect((open.result ?? -1) >= 0)

        // /bin/true ran from the shell.
        let trueExec = try #require(events.first { $0.type == .execve && $0.param("comm") == .string("true") })
        #expect(trueExec.param("ptid") == .pid(rec.shellPid))
        #expect(trueExec.param("filename") == .string("/bin/true"))
        let fork = try #require(events.first { [EventType.clone, .clone3, .fork, .vfork].contains($0.type) && $0.pid == trueExec.pid && $0.result == 0 })
        #expect(fork.param("ptid") == .pid(rec.shellPid))
        #expect(fork.number < trueExec.number)

        // The shell connected to the listener. It may make other connects first: glibc's resolver
        // tries nscd's unix socket (ENOENT where nscd is absent) on some hosts.
        let connect = try #require(events.first { Self.isListenerConnect($0, rec) })
        #expect(connect.result == 0)
        guard case .tuple(let tuple)? = connect.param("tuple") else { Issue.record("connect without tuple"); return }
        #expect(tuple.server == .inet(.v4(127, 0, 0, 1), port: rec.port))
        guard case .inet(let clientIP, let clientPort) = tuple.client else { Issue.record("client not inet"); return }
        #expect(clientIP == .v4(127, 0, 0, 1) && clientPort != 0)
        #expect(connect.param("addr") == .address(.inet(.v4(127, 0, 0, 1), port: rec.port)))

        // mv renamed, rm unlinked.
        let rename = try #require(events.first { ["rename", "renameat", "renameat2"].contains($0.type.name) && $0.param("newpath") == .string("\(rec.directory)/b.tmp") })
        #expect(rename.result == 0)
        #expect(Self.names(events)[rename.pid] == "mv")
        let unlink = try #require(events.first { ["unlink", "unlinkat"].contains($0.type.name) && ($0.param("name") ?? $0.param("path")) == .string("\(rec.directory)/b.tmp") })
        #expect(unlink.result == 0)
        #expect(Self.names(events)[unlink.pid] == "rm")

        // Every process exit was seen; nothing from saker itself.
        #expect(events.contains { $0.type == .procexit && $0.pid == catExec.pid })
        #expect(!events.contains { $0.pid == rec.capturePid && $0.type != .procsnapshot })
    }

    @Test func replayRebuildsTheProcessTreeAndFdTable() throws {
        let rec = try Self.record()
        var table = ProcessTable()
        var checked = Set<String>()
        for event in rec.events {
            _ = table.apply(event)
            switch event.type {
            case .openat where event.param("name") == .string("/etc/hostname") && event.result ?? -1 >= 0:
                let cat = try #require(table.process(pid: event.pid))
                #expect(cat.comm == "cat")
                #expect(cat.ppid == rec.shellPid)
                let parent = try #require(table.process(pid: cat.ppid))
                #expect(parent.comm == "bash")
                let fd = try #require(event.result)
                #expect(cat.fds[fd]?.name == "/etc/hostname")
                #expect(cat.fds[fd]?.typeChar == "f")
                checked.insert("cat")
            case .connect where Self.isListenerConnect(event, rec):
                let bash = try #require(table.process(pid: rec.shellPid))
                let fd = try #require(event.param("fd")?.integer)
                let info = try #require(bash.fds[fd])
                #expect(info.typeChar == "4")
                #expect(info.socket?.role == .client)
                #expect(info.name.hasSuffix("->127.0.0.1:\(rec.port)"))
                checked.insert("connect")
            case .execve where event.param("comm") == .string("true"):
                let proc = try #require(table.process(pid: event.pid))
                #expect(proc.exePath == "/usr/bin/true")
                #expect(proc.ppid == rec.shellPid)
                #expect(table.process(pid: proc.ppid)?.comm == "bash")
                checked.insert("true")
            default:
                break
            }
        }
        #expect(checked == ["cat", "connect", "true"])
    }

    /// In a PID namespace of its own (as in a container) the agent knows its pid only there, while
    /// the probe sees host ids: the kernel side must still skip the agent's own syscalls. With
    /// `write` recorded, the agent's own writes of the recording would otherwise feed back into it.
    @Test func skipsItsOwnSyscallsInAPIDNamespaceOfItsOwn() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let capture = try LiveHarness.Capture(
            binary: binary, directory: dir, extraArguments: ["--syscalls", "write"],
            launcher: ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc"])
        #expect(capture.pid > 0 && capture.pid != capture.child.pid, "saker's host pid, the launcher's child")
        let shell = try Child("/bin/sh", ["-c", "cat /etc/hostname > /dev/null; echo x > \(dir.path)/w.tmp"])
        #expect(shell.wait() == 0)
        let events = try capture.stop()
        #expect(capture.child.wait() == 0, "unshare ends with saker")
        #expect(events.contains { $0.type == .execve && $0.param("comm") == .string("cat") }, "the host's processes are recorded")
        #expect(events.contains { $0.type == .write && $0.pid == Int64(shell.pid) }, "writes are recorded")
        let own = events.filter { $0.pid == Int64(capture.pid) && $0.type != .procsnapshot }
        let ownTypes = Set(own.map(\.type.name)).sorted()
        #expect(ownTypes == [], "\(own.count) events of saker's own")
        try? FileManager.default.removeItem(at: dir)
    }

    @Test func corruptRecordingsFailWithTheLineNumber() throws {
        let binary = try LiveHarness.sakerBinary()
        let dir = try LiveHarness.temporaryDirectory()
        let path = dir.appendingPathComponent("bad.jsonl").path
        let lines = [
            #"{"saker.capture":{"version":1,"hostname":"h","start":1,"kernel":"k"}}"#,
            #"{"evt.num":1,"evt.time":5,"evt.type":"openat","thread.tid":1,"proc.pid":1,"evt.args":{"fd":3,"name":"/x"}}"#,
            #"{"evt.num":2,"evt.time":6,"evt.type":"openat","thread.tid":1,"proc.pid":1,"evt.args":{"fd":"#,
        ]
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try LiveHarness.run(binary, ["replay", path])
        #expect(result.status != 0)
        #expect(result.error.contains("bad.jsonl:3:"), "\(result.error)")
        #expect(!result.error.contains("Fatal error"))
    }

    @Test func nonRootGetsAClearMessageNamingCapabilities() throws {
        let binary = try LiveHarness.sakerBinary()
        // setpriv drops to an unprivileged uid with no capabilities.
        let result = try LiveHarness.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", binary, "capture", "--duration", "1", "--output", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.error.contains("CAP_BPF"), "\(result.error)")
        #expect(result.error.contains("CAP_PERFMON"))
        #expect(!result.error.contains("libbpf:"), "no libbpf noise: \(result.error)")
    }
}
