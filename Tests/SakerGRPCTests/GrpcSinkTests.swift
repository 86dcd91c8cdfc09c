import GRPCCore
import Glibc
import SakerGRPC
import SakerOutputs
import SakerRules
import SwiftProtobuf
import Testing
import SakerTestSupport

@Suite(.serialized) struct GrpcSinkTests {
    /// Every test's socket belongs to group `saker`: make sure it exists whatever runs first.
    init() throws { _ = try sakerGroupID() }

    @Test func aSubscriberReceivesTheDeliveredAlertsWithFalcosFields() async throws {
        let path = temporarySocketPath("sub")
        defer { removeSocket(path) }
        let sink = try GrpcSink(.init(socket: path, group: "saker"))
        defer { sink.close() }
        let received = try await subscribe(to: sink, at: path, count: 3) {
            try? sink.deliver([makeAlert(0), makeAlert(1), makeAlert(2, source: "internal")])
        }
        #expect(received.map(\.output) == (0..<3).map { makeAlert($0).text })
        let first = try #require(received.first)
        #expect(first.rule == "Read sensitive file untrusted")
        #expect(first.priority == .warning)
        #expect(first.source == .syscall)
        #expect(received.last?.source == .internal)
        #expect(first.hostname == "web-1")
        #expect(first.tags == ["filesystem", "mitre_credential_access"])
        #expect(first.outputFields == ["fd.name": "/etc/shadow", "proc.pid": "42", "proc.aname[2]": "<NA>"])
        #expect(first.time.seconds == 1_764_251_553)
        #expect(first.time.nanos == 123_456_789)
        #expect(first.output.hasSuffix(": Warning alert 0 file=/etc/shadow"))
    }

    @Test func getReturnsTheQueuedAlertsAndEnds() async throws {
        let path = temporarySocketPath("get")
        defer { removeSocket(path) }
        let sink = try GrpcSink(.init(socket: path, group: "saker"))
        defer { sink.close() }
        try sink.deliver([makeAlert(0), makeAlert(1), makeAlert(2)])
        #expect(sink.statistics.backlog == 3)
        let (first, second) = try await withOutputsClient(path) { outputs in
            let first = try await outputs.get(Falco_Outputs_request()) { response in
                try await response.messages.reduce(into: [String]()) { $0.append($1.output) }
            }
            let second = try await outputs.get(Falco_Outputs_request()) { response in
                try await response.messages.reduce(into: [String]()) { $0.append($1.output) }
            }
            return (first, second)
        }
        #expect(first == (0..<3).map { makeAlert($0).text })
        #expect(second.isEmpty, "get takes what it returns off the queue")
        #expect(sink.statistics.backlog == 0)
    }

    @Test func aNewSubscriberFirstReceivesWhatWasQueued() async throws {
        let path = temporarySocketPath("backlog")
        defer { removeSocket(path) }
        let sink = try GrpcSink(.init(socket: path, group: "saker"))
        defer { sink.close() }
        try sink.deliver([makeAlert(0), makeAlert(1)])
        let received = try await subscribe(to: sink, at: path, count: 3) { try? sink.deliver([makeAlert(2)]) }
        #expect(received.map(\.output) == (0..<3).map { makeAlert($0).text })
    }

    @Test func theSocketHasTheConfiguredModeAndGroup() throws {
        let gid = try sakerGroupID()
        let path = temporarySocketPath("mode")
        defer { removeSocket(path) }
        let sink = try GrpcSink(.init(socket: path, mode: 0o660, group: "saker"))
        var info = stat()
        try #require(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(info.st_gid == gid)
        sink.close()
        #expect(access(path, F_OK) != 0, "the socket file is removed when the sink closes")
    }

    @Test func aStaleSocketIsReplacedButAnythingElseIsLeftAlone() throws {
        let path = temporarySocketPath("stale")
        defer { removeSocket(path) }
        let first = try GrpcSink(.init(socket: path, group: "saker"))
        // A second agent (a restart after a crash) takes the path over; the first one's close
        // leaves the new socket in place.
        let second = try GrpcSink(.init(socket: path, group: "saker"))
        first.close()
        #expect(access(path, F_OK) == 0)
        second.close()

        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        close(fd)
        do {
            _ = try GrpcSink(.init(socket: path, group: "saker"))
            Issue.record("replaced a regular file")
        } catch {
            #expect(error.message == "outputs.grpc.socket \(path) exists and is not a socket; not replacing it")
        }
    }

    @Test func aMissingGroupIsReportedByName() {
        do {
            _ = try GrpcSink(.init(socket: temporarySocketPath("group"), group: "no-such-group-saker"))
            Issue.record("accepted a missing group")
        } catch {
            #expect(error.message.hasPrefix("outputs.grpc.group no-such-group-saker does not exist"))
        }
    }

    @Test func aSubscriberThatDoesNotReadLosesAlertsButNeverStallsTheSink() async throws {
        let path = temporarySocketPath("slow")
        defer { removeSocket(path) }
        let sink = try GrpcSink(.init(socket: path, group: "saker", subscriberCapacity: 64))
        defer { sink.close() }
        let elapsed = try await withOutputsClient(path) { outputs in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Subscribes, then reads nothing for a long time.
                    try await outputs.sub(requestProducer: { try await $0.write(Falco_Outputs_request()) }) { _ in
                        try await Task.sleep(for: .seconds(60))
                    }
                }
                let subscribed = await eventually(within: 10) { sink.statistics.subscribers == 1 }
                try #require(subscribed)
                let clock = ContinuousClock()
                let elapsed = try clock.measure {
                    for batch in 0..<100 { try sink.deliver((0..<256).map { makeAlert(batch * 256 + $0) }) }
                }
                group.cancelAll()
                return elapsed
            }
        }
        let statistics = sink.statistics
        // How many are lost depends on how much the client's transport window (8 MiB) absorbs and
        // how fast the server's handler runs: AlertHubTests counts drops exactly. Here: the sink
        // never waited for the client, and what was lost is what the output reports.
        // Counted with the output's drops, so /metrics and `saker status` show them.
        #expect(sink.droppedPastQueue == statistics.subscriberDropped + statistics.backlogDropped)
        #expect(elapsed < .seconds(2), "delivering 25,600 alerts took \(elapsed)")
        print("grpc: 25600 alerts to a subscriber that does not read took \(elapsed); \(statistics)")
    }
}
