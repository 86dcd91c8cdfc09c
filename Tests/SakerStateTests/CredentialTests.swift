import SakerEvent
import SakerState
import Testing

private func makeTable(uid: UInt64 = 0) -> ProcessTable {
    var table = ProcessTable()
    table.apply(Make.exec(pid: 5, exe: "/usr/sbin/daemon", uid: uid, gid: uid, loginuid: 1000))
    return table
}

private func call(_ type: String, _ params: [(String, ParamValue)], res: Int64 = 0) -> Event {
    Make.event(type, pid: 5, [("res", .errno(res))] + params)
}

@Suite("Credentials, capabilities and sessions")
struct CredentialTests {
    @Test func execSetsTheEffectiveIdsAndLoginUID() throws {
        let table = makeTable(uid: 33)
        let process = try #require(table.process(pid: 5))
        #expect(process.uid == 33)
        #expect(process.realUID == 33)
        #expect(process.gid == 33)
        #expect(process.loginUID == 1000)
    }

    @Test(arguments: [Int64(-1), 4_294_967_295])
    func unsetLoginUIDIsMinusOne(raw: Int64) throws {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 5, exe: "/bin/sh", loginuid: raw))
        #expect(table.process(pid: 5)?.loginUID == -1)
    }

    @Test func privilegedSetuidChangesAllThreeIds() throws {
        var table = makeTable()
        table.apply(call("setuid", [("uid", .uint(1000))]))
        let process = try #require(table.process(pid: 5))
        #expect(process.uid == 1000)
        #expect(process.realUID == 1000)
        #expect(process.savedUID == 1000)
    }

    @Test func unprivilegedSetuidChangesTheEffectiveIdOnly() throws {
        var table = makeTable(uid: 1000)
        table.apply(call("setresuid", [("ruid", .uint(1000)), ("euid", .uint(1000)), ("suid", .uint(0))]))
        table.apply(call("setuid", [("uid", .uint(0))]))
        let process = try #require(table.process(pid: 5))
        #expect(process.uid == 0)
        #expect(process.realUID == 1000)
        #expect(process.savedUID == 0)
    }

    @Test func failedSetuidChangesNothing() throws {
        var table = makeTable(uid: 1000)
        table.apply(call("setuid", [("uid", .uint(0))], res: -1))
        #expect(table.process(pid: 5)?.uid == 1000)
    }

    @Test func minusOneLeavesAnIdUnchanged() throws {
        var table = makeTable()
        table.apply(call("setresuid", [("ruid", .uint(4_294_967_295)), ("euid", .uint(65534)), ("suid", .uint(UInt64.max))]))
        table.apply(call("setresgid", [("rgid", .uint(4_294_967_295)), ("egid", .uint(65534)), ("sgid", .uint(4_294_967_295))]))
        let process = try #require(table.process(pid: 5))
        #expect(process.uid == 65534)
        #expect(process.realUID == 0)
        #expect(process.savedUID == 0)
        #expect(process.gid == 65534)
        #expect(process.realGID == 0)
    }

    @Test func setreuidUpdatesTheSavedIdLikeTheKernel() throws {
        var table = makeTable()
        table.apply(call("setreuid", [("ruid", .uint(4_294_967_295)), ("euid", .uint(1000))]))
        let process = try #require(table.process(pid: 5))
        #expect(process.uid == 1000)
        #expect(process.realUID == 0)
        #expect(process.savedUID == 1000)
        table.apply(call("setregid", [("rgid", .uint(50)), ("egid", .uint(50))]))
        #expect(process.gid == 50)
        #expect(process.realGID == 50)
        #expect(process.savedGID == 50)
    }

    @Test func setgid() throws {
        var table = makeTable()
        table.apply(call("setgid", [("gid", .uint(100))]))
        #expect(table.process(pid: 5)?.gid == 100)
    }

    @Test func setuidChangesTheUserName() throws {
        let tree = TemporaryTree()
        defer { tree.remove() }
        tree.file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n")
        tree.file("etc/group", "root:x:0:\nalice:x:1000:\n")
        let users = UserTable(hostRoot: tree.root)
        var table = makeTable()
        let process = try #require(table.process(pid: 5))
        #expect(users.user(uid: process.uid, for: process)?.name == "root")
        table.apply(call("setuid", [("uid", .uint(1000))]))
        #expect(users.user(uid: process.uid, for: process)?.name == "alice")
        #expect(users.user(uid: process.uid, for: process)?.home == "/home/alice")
        #expect(users.loginName(for: process) == "alice")
    }

    @Test func capsetReplacesTheCapabilities() throws {
        var table = makeTable()
        table.apply(
            call("capset", [("cap_inheritable", .uint(0)), ("cap_permitted", .uint(0x3000)), ("cap_effective", .uint(0x1000))]))
        let process = try #require(table.process(pid: 5))
        #expect(process.capPermitted == 0x3000)
        #expect(process.capEffective == 0x1000)
    }

    @Test func unshareIntoANewUserNamespaceGrantsEveryCapability() throws {
        var table = makeTable(uid: 1000)
        table.apply(call("capset", [("cap_inheritable", .uint(0)), ("cap_permitted", .uint(0)), ("cap_effective", .uint(0))]))
        table.apply(call("unshare", [("flags", .flags(0x1000_0000, .namespaceFlags))]))
        #expect(table.process(pid: 5)?.capEffective == (1 << 41) - 1)
    }

    @Test func setsidStartsASessionAndAGroup() throws {
        var table = makeTable()
        table.apply(Make.fork(child: 6, parent: 5, comm: "daemon"))
        table.apply(Make.event("setsid", pid: 6, [("res", .pid(6))]))
        let process = try #require(table.process(pid: 6))
        #expect(process.sid == 6)
        #expect(process.pgid == 6)
        #expect(process.isSessionLeader)
        #expect(process.isProcessGroupLeader)
        #expect(table.sessionLeader(of: process) === process)
    }
}
