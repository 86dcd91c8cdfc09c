import SakerEvent
import SakerState
import Testing

private func makeTable() -> ProcessTable {
    var table = ProcessTable()
    table.apply(Make.exec(pid: 7, exe: "/usr/bin/curl"))
    return table
}

private func connect(_ fd: Int64, _ tuple: SocketTuple?, addr: SocketAddress? = nil, res: Int64 = 0) -> Event {
    var params: [(String, ParamValue)] = [("res", .errno(res))]
    if let tuple { params.append(("tuple", .tuple(tuple))) }
    params.append(("fd", .fd(fd)))
    if let addr { params.append(("addr", .address(addr))) }
    return Make.event("connect", pid: 7, params)
}

private func datagram(_ type: String, fd: Int64, _ tuple: SocketTuple, res: Int64 = 10) -> Event {
    Make.event(type, pid: 7, [("res", .errno(res)), ("fd", .fd(fd)), ("size", .uint(10)), ("tuple", .tuple(tuple))])
}

@Suite("Sockets: tuples and roles")
struct SocketTests {
    @Test func connectMakesAClientNamedByTheTuple() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 2, type: 1, proto: 6))
        let tuple = Make.tuple(Make.inet("10.0.0.1", 40000), Make.inet("10.0.0.2", 80))
        table.apply(connect(3, tuple, addr: Make.inet("10.0.0.2", 80)))
        let info = try #require(table.process(pid: 7)?.fds[3])
        let socket = try #require(info.socket)
        #expect(info.typeChar == "4")
        #expect(info.name == "10.0.0.1:40000->10.0.0.2:80")
        #expect(socket.role == .client)
        #expect(socket.isConnected)
        #expect(socket.l4Protocol == .tcp)
        #expect(socket.reportedL4Protocol == .tcp)
        #expect(socket.localAddress == Make.inet("10.0.0.1", 40000))
        #expect(socket.remoteAddress == Make.inet("10.0.0.2", 80))
        #expect(socket.serverAddress == Make.inet("10.0.0.2", 80))
        #expect(socket.clientAddress == Make.inet("10.0.0.1", 40000))
        #expect(!table.fdNameChanged)
    }

    @Test func freshSocketHasNoProtocolReportedUntilItHasARole() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 2, type: 2, proto: 0))
        let socket = try #require(table.process(pid: 7)?.fds[3]?.socket)
        #expect(socket.l4Protocol == .udp)
        #expect(socket.reportedL4Protocol == .unknown)
    }

    @Test func connectInProgressCountsAndRefusedDoesNot() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3))
        table.apply(Make.socket(pid: 7, fd: 4))
        let tuple = Make.tuple(Make.inet("10.0.0.1", 40000), Make.inet("10.0.0.2", 443))
        table.apply(connect(3, tuple, res: -115))
        table.apply(connect(4, tuple, res: -111))
        let process = try #require(table.process(pid: 7))
        #expect(process.fds[3]?.socket?.isConnected == true)
        #expect(process.fds[3]?.name == "10.0.0.1:40000->10.0.0.2:443")
        #expect(process.fds[4]?.socket?.tuple == nil)
        #expect(process.fds[4]?.name == "")
    }

    @Test func connectWithOnlyTheAddressKnowsTheServerEnd() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3))
        table.apply(connect(3, nil, addr: Make.inet("192.168.1.1", 22)))
        #expect(table.process(pid: 7)?.fds[3]?.name == "0.0.0.0:0->192.168.1.1:22")
    }

    @Test func ipv6AndMappedIPv4() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 10))
        table.apply(Make.socket(pid: 7, fd: 4, domain: 10))
        table.apply(connect(3, Make.tuple(Make.inet("::1", 40000), Make.inet("::1", 80))))
        table.apply(connect(4, Make.tuple(Make.inet("::ffff:127.0.0.1", 40001), Make.inet("::ffff:127.0.0.1", 80))))
        let process = try #require(table.process(pid: 7))
        #expect(process.fds[3]?.typeChar == "6")
        #expect(process.fds[3]?.name == "::1:40000->::1:80")
        #expect(process.fds[4]?.typeChar == "4")
        #expect(process.fds[4]?.name == "127.0.0.1:40001->127.0.0.1:80")
    }

    @Test func unixConnectIsNamedByThePath() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 1))
        table.apply(connect(3, SocketTuple(client: .unix(""), server: .unix("/run/docker.sock"))))
        let info = try #require(table.process(pid: 7)?.fds[3])
        #expect(info.typeChar == "u")
        #expect(info.name == "/run/docker.sock")
        #expect(info.socket?.role == .client)
    }

    @Test func bindListenAcceptMakeServers() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, type: 1, proto: 6))
        table.apply(Make.event("bind", pid: 7, [("res", .errno(0)), ("addr", .address(Make.inet("0.0.0.0", 8080))), ("fd", .fd(3))]))
        table.apply(Make.event("listen", pid: 7, [("res", .errno(0)), ("fd", .fd(3)), ("backlog", .int(128))]))
        let listener = try #require(table.process(pid: 7)?.fds[3])
        #expect(listener.name == "0.0.0.0:8080")
        #expect(listener.socket?.role == .server)
        #expect(listener.socket?.isListening == true)
        #expect(listener.socket?.localAddress == Make.inet("0.0.0.0", 8080))
        #expect(listener.socket?.reportedL4Protocol == .tcp)

        let tuple = Make.tuple(Make.inet("10.0.0.9", 5555), Make.inet("10.0.0.1", 8080))
        table.apply(
            Make.event(
                "accept4", pid: 7,
                [("fd", .fd(5)), ("tuple", .tuple(tuple)), ("queuepct", .uint(0)), ("queuelen", .uint(0)),
                 ("queuemax", .uint(128)), ("flags", .flags(0o2000000, .fdFlags))]))
        let accepted = try #require(table.process(pid: 7)?.fds[5])
        let socket = try #require(accepted.socket)
        #expect(accepted.typeChar == "4")
        #expect(accepted.name == "10.0.0.9:5555->10.0.0.1:8080")
        #expect(accepted.closeOnExec)
        #expect(socket.role == .server)
        #expect(socket.isConnected)
        #expect(socket.l4Protocol == .tcp)
        #expect(socket.localAddress == Make.inet("10.0.0.1", 8080))
        #expect(socket.remoteAddress == Make.inet("10.0.0.9", 5555))
    }

    @Test func bindToTheIPv6AnyAddressIsReportedAsIPv4LikeLibs() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 10))
        table.apply(Make.event("bind", pid: 7, [("res", .errno(0)), ("addr", .address(Make.inet("::", 443))), ("fd", .fd(3))]))
        let info = try #require(table.process(pid: 7)?.fds[3])
        #expect(info.typeChar == "4")
        #expect(info.name == "0.0.0.0:443")
    }

    @Test func unconnectedDatagramSenderIsAClient() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 2, type: 2))
        table.apply(datagram("sendto", fd: 3, Make.tuple(Make.inet("10.0.0.1", 5000), Make.inet("8.8.8.8", 53))))
        let info = try #require(table.process(pid: 7)?.fds[3])
        #expect(info.name == "10.0.0.1:5000->8.8.8.8:53")
        #expect(info.socket?.role == .client)
        #expect(info.socket?.l4Protocol == .udp)
        #expect(info.socket?.remoteAddress == Make.inet("8.8.8.8", 53))
    }

    @Test func boundDatagramReceiverIsAServerAndItsNameChanges() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 2, type: 2))
        table.apply(Make.event("bind", pid: 7, [("res", .errno(0)), ("addr", .address(Make.inet("0.0.0.0", 53))), ("fd", .fd(3))]))
        table.apply(datagram("recvfrom", fd: 3, Make.tuple(Make.inet("10.0.0.7", 4444), Make.inet("10.0.0.1", 53))))
        let info = try #require(table.process(pid: 7)?.fds[3])
        #expect(table.fdNameChanged)
        #expect(info.name == "10.0.0.7:4444->10.0.0.1:53")
        #expect(info.socket?.role == .server)
        #expect(info.socket?.localAddress == Make.inet("10.0.0.1", 53))
        // The reply goes the other way but keeps the client → server orientation.
        table.apply(datagram("sendto", fd: 3, Make.tuple(Make.inet("10.0.0.1", 53), Make.inet("10.0.0.7", 4444))))
        #expect(table.process(pid: 7)?.fds[3]?.name == "10.0.0.7:4444->10.0.0.1:53")
        #expect(!table.fdNameChanged)
    }

    @Test func datagramOnAnUnknownDescriptorCreatesAUDPSocket() throws {
        var table = makeTable()
        table.apply(datagram("sendmsg", fd: 9, Make.tuple(Make.inet("10.0.0.1", 5000), Make.inet("10.0.0.53", 53))))
        let info = try #require(table.process(pid: 7)?.fds[9])
        #expect(info.typeChar == "4")
        #expect(info.socket?.l4Protocol == .udp)
        #expect(info.name == "10.0.0.1:5000->10.0.0.53:53")
    }

    @Test func datagramsDoNotRenameAConnectedTCPSocket() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, type: 1, proto: 6))
        table.apply(connect(3, Make.tuple(Make.inet("10.0.0.1", 40000), Make.inet("10.0.0.2", 80))))
        table.apply(datagram("sendto", fd: 3, Make.tuple(Make.inet("10.0.0.1", 1), Make.inet("10.0.0.3", 2))))
        #expect(table.process(pid: 7)?.fds[3]?.name == "10.0.0.1:40000->10.0.0.2:80")
    }

    @Test func reconnectingChangesTheName() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 7, fd: 3, domain: 2, type: 2))
        table.apply(connect(3, Make.tuple(Make.inet("10.0.0.1", 5000), Make.inet("10.0.0.2", 53))))
        table.apply(connect(3, Make.tuple(Make.inet("10.0.0.1", 5000), Make.inet("10.0.0.3", 53))))
        #expect(table.fdNameChanged)
        #expect(table.process(pid: 7)?.fds[3]?.name == "10.0.0.1:5000->10.0.0.3:53")
    }
}
