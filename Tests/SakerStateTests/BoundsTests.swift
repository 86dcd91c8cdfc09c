import SakerEvent
import SakerState
import Testing

@Suite("Purging and bounds")
struct BoundsTests {
    @Test func exitedProcessesStayForTheRetentionThenGo() throws {
        var table = ProcessTable(limits: .init(exitedRetention: 1_000))
        table.apply(Make.exec(pid: 10, exe: "/bin/true", at: 100))
        table.apply(Make.exit(pid: 10, at: 200))
        // A late event still resolves to the exited process.
        let late = table.apply(Make.event("getpid", pid: 10, at: 900, [("res", .errno(10))]))
        #expect(late?.isAlive == false)
        #expect(table.statistics.exitedProcesses == 1)
        table.apply(Make.event("getpid", pid: 1, at: 1_200, [("res", .errno(1))]))
        #expect(table.process(pid: 10) == nil)
        #expect(table.statistics.purged == 1)
        #expect(table.statistics.exitedProcesses == 0)
    }

    @Test func aNewProcessWithTheSamePidIsNotPurgedByTheOldExit() throws {
        var table = ProcessTable(limits: .init(exitedRetention: 1_000))
        table.apply(Make.exec(pid: 10, exe: "/bin/true", at: 100))
        table.apply(Make.exit(pid: 10, at: 200))
        table.apply(Make.exec(pid: 1, exe: "/sbin/init", at: 300))
        table.apply(Make.fork(child: 10, parent: 1, comm: "init", at: 400))
        table.purgeExited(now: 5_000)
        #expect(table.process(pid: 10)?.isAlive == true)
    }

    @Test func fullTableEvictsExitedProcessesFirst() throws {
        var table = ProcessTable(limits: .init(maxProcesses: 3))
        table.apply(Make.exec(pid: 1, exe: "/sbin/init"))
        table.apply(Make.exec(pid: 2, exe: "/bin/a"))
        table.apply(Make.exec(pid: 3, exe: "/bin/b"))
        table.apply(Make.exit(pid: 2))
        table.apply(Make.exec(pid: 4, exe: "/bin/c"))
        #expect(table.count == 3)
        #expect(table.process(pid: 2) == nil)
        #expect(table.process(pid: 4) != nil)
        #expect(table.statistics.processesDropped == 0)
    }

    @Test func fullTableDropsNewProcessesAndCountsThem() throws {
        var table = ProcessTable(limits: .init(maxProcesses: 2))
        table.apply(Make.exec(pid: 1, exe: "/sbin/init"))
        table.apply(Make.exec(pid: 2, exe: "/bin/a"))
        let dropped = table.apply(Make.fork(child: 3, parent: 2, comm: "a"))
        #expect(dropped == nil)
        #expect(table.process(pid: 3) == nil)
        #expect(table.statistics.processesDropped == 1)
    }

    @Test func threadsAreBounded() throws {
        var table = ProcessTable(limits: .init(maxThreads: 2))
        table.apply(Make.exec(pid: 1, exe: "/usr/bin/java"))
        for tid: Int64 in 2...5 { table.apply(Make.thread(tid, of: 1)) }
        #expect(table.statistics.threads == 3)
        #expect(table.statistics.threadsDropped == 2)
    }

    @Test func descriptorsPerProcessAreBounded() throws {
        var table = ProcessTable(limits: .init(maxFdsPerProcess: 4))
        table.apply(Make.exec(pid: 1, exe: "/bin/app"))
        for fd: Int64 in 0..<6 { table.apply(Make.openat(pid: 1, fd: fd, name: "/f\(fd)")) }
        // Replacing an open number is always allowed.
        table.apply(Make.openat(pid: 1, fd: 0, name: "/replaced"))
        let process = try #require(table.process(pid: 1))
        #expect(process.fds.count == 4)
        #expect(process.fds[0]?.name == "/replaced")
        #expect(table.statistics.fdsDropped == 2)
    }

    @Test func statisticsCountProcessesThreadsAndDescriptors() throws {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 1, exe: "/sbin/init"))
        table.apply(Make.fork(child: 2, parent: 1, comm: "init"))
        table.apply(Make.thread(3, of: 2))
        table.apply(Make.openat(pid: 2, fd: 3, name: "/a"))
        table.apply(Make.openat(pid: 2, fd: 4, name: "/b"))
        let stats = table.statistics
        #expect(stats.processes == 2)
        #expect(stats.threads == 3)
        #expect(stats.fds == 2)
        #expect(stats.lookupsMissed == 0)
    }

    @Test func exitWithoutGroupDeadFallsBackToTheMainThread() throws {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 9, exe: "/bin/sleep"))
        table.apply(Make.event("procexit", pid: 9, at: 5, [("status", .int(0))]))
        #expect(table.process(pid: 9)?.isAlive == false)
        #expect(table.process(pid: 9)?.exitTime == 5)
    }
}
