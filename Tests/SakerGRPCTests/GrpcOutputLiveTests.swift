import GRPCCore
import GRPCNIOTransportHTTP2
import Glibc
import SakerGRPC
import Testing
import SakerTestSupport

/// `saker run` (the binary `make test` names in SAKER_BIN) with the gRPC output on, on the real
/// kernel, and a Falco gRPC client (the generated stub) on its unix socket.
@Suite(.serialized) struct GrpcOutputLiveTests {
    @Test func aSubscriberReceivesTheAlertForAReadOfEtcShadow() async throws {
        let gid = try sakerGroupID()
        let (binary, dir) = try liveTestSetup()
        let socket = dir + "/run/saker.sock"
        let log = dir + "/agent.log"
        defer {
            for file in [log, dir + "/shadowpeek", socket] { unlink(file) }
            rmdir(dir + "/run")
            rmdir(dir)
        }
        // Root keeps no CAP_CHOWN after start, so the agent gets the socket's group the way the
        // systemd unit gives it (Group=saker): as a group of its own, here a supplementary one.
        let agent = try ChildProcess("/usr/bin/setpriv", [
            "--groups=saker", binary, "run", "-o", "outputs.stdout.enabled=false", "-o", "outputs.grpc.enabled=true",
            "-o", "outputs.grpc.socket=\(socket)",
        ], stdout: log, stderr: nil, append: true)
        var stopped = false
        defer { if !stopped { agent.signal(SIGKILL); agent.wait() } }
        let attached = await eventually(within: 30) { readText(log).contains("attached") }
        try #require(attached, "saker run did not attach: \(readText(log))")
        var info = stat()
        try #require(lstat(socket, &info) == 0, "no socket at \(socket): \(readText(log))")
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(info.st_gid == gid)

        let workload = "cp /bin/cat \(dir)/shadowpeek && \(dir)/shadowpeek /etc/shadow > /dev/null"
        let alert = try await withOutputsClient(socket) { outputs in
            try await withThrowingTaskGroup(of: Falco_Outputs_response?.self) { group in
                group.addTask {
                    try await outputs.sub(requestProducer: { try await $0.write(Falco_Outputs_request()) }) { response in
                        for try await message in response.messages where message.outputFields["fd.name"] == "/etc/shadow" {
                            return message
                        }
                        return nil
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    return nil
                }
                // Alerts raised before the subscription reached the agent wait in its queue and
                // are streamed first, so the workload need not wait for the subscription.
                let workloadStatus = try ChildProcess("/bin/bash", ["--norc", "-c", workload]).wait()
                #expect(workloadStatus == 0, "the workload failed")
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
        let received = try #require(alert, "no alert for /etc/shadow within 30 s: \(readText(log))")
        #expect(received.rule == "Read sensitive file by untrusted program")
        #expect(received.priority == .warning)
        #expect(received.source == .syscall)
        #expect(received.outputFields["proc.name"] == "shadowpeek")
        #expect(received.output.contains("Warning Sensitive file opened for reading by untrusted program"))
        #expect(received.tags.contains("mitre_credential_access"))
        #expect(!received.hostname.isEmpty)

        agent.signal(SIGTERM)
        let status = agent.wait(timeout: 30)
        stopped = true
        #expect(status == 0, "saker run exited with \(status): \(readText(log))")
        #expect(access(socket, F_OK) != 0, "the agent left its socket behind")
    }

    @Test func withoutTheGroupTheAgentRefusesToStartAndSaysWhy() throws {
        _ = try sakerGroupID()
        let (binary, dir) = try liveTestSetup()
        let socket = dir + "/saker.sock"
        let log = dir + "/agent.log"
        defer {
            unlink(log)
            unlink(socket)
            rmdir(dir)
        }
        // Root with no supplementary group: after dropping its capabilities it cannot chown.
        let agent = try ChildProcess("/usr/bin/setpriv", [
            "--clear-groups", binary, "run", "-o", "outputs.stdout.enabled=false", "-o", "outputs.grpc.enabled=true",
            "-o", "outputs.grpc.socket=\(socket)",
        ], stdout: log, stderr: nil, append: true)
        let status = agent.wait(timeout: 30)
        #expect(status == 1, "\(readText(log))")
        #expect(readText(log).contains("cannot give \(socket) to group saker: not permitted, as the agent keeps no CAP_CHOWN"), "\(readText(log))")
        #expect(access(socket, F_OK) != 0, "a socket with the wrong group was left behind")
    }
}
