import SakerEvent
import SakerState
import Testing

/// systemd(1) → sshd(100) → bash(200) → sudo(300) → sh(400), built from snapshots and events.
private func makeTree() -> ProcessTable {
    var table = ProcessTable()
    table.apply(Make.snapshot(pid: 1, parent: 0, exe: "/sbin/init", comm: "systemd", sid: 1))
    table.apply(Make.snapshot(pid: 100, parent: 1, exe: "/usr/sbin/sshd", args: ["-D"], sid: 100))
    table.apply(Make.fork(child: 200, parent: 100, comm: "sshd"))
    table.apply(Make.exec(pid: 200, parent: 100, exe: "-bash", comm: "bash", sid: 200, exepath: "/usr/bin/bash"))
    table.apply(Make.fork(child: 300, parent: 200, comm: "bash"))
    table.apply(Make.exec(pid: 300, parent: 200, exe: "sudo", args: ["-s"], sid: 200, exepath: "/usr/bin/sudo"))
    table.apply(Make.fork(child: 400, parent: 300, comm: "sudo"))
    table.apply(Make.exec(pid: 400, parent: 300, exe: "/bin/sh", args: ["-c", "id"], sid: 200, exepath: "/usr/bin/dash"))
    return table
}

@Suite("Process tree from fork, exec and exit")
struct ProcessTreeTests {
    @Test func execReplacesProgramAndKeepsParent() throws {
        let table = makeTree()
        let sh = try #require(table.process(pid: 400))
        #expect(sh.comm == "sh")
        #expect(sh.exe == "/bin/sh")
        #expect(sh.exePath == "/usr/bin/dash")
        #expect(sh.args == ["-c", "id"])
        #expect(sh.cmdline == "sh -c id")
        #expect(sh.ppid == 300)
        #expect(sh.cwd == "/root/")
        #expect(sh.lastExecTime == 1_000_000_000)
        #expect(sh.environment("HOME") == "/root")
    }

    @Test func parentNameAndCommandLine() throws {
        let table = makeTree()
        let sh = try #require(table.process(pid: 400))
        let parent = try #require(table.parent(of: sh))
        #expect(parent.name == "sudo")
        #expect(parent.cmdline == "sudo -s")
    }

    @Test func nthAncestor() throws {
        let table = makeTree()
        let sh = try #require(table.process(pid: 400))
        #expect(table.ancestor(of: sh, level: 0)?.name == "sh")
        #expect(table.ancestor(of: sh, level: 1)?.name == "sudo")
        #expect(table.ancestor(of: sh, level: 2)?.name == "bash")
        #expect(table.ancestor(of: sh, level: 3)?.name == "sshd")
        #expect(table.ancestor(of: sh, level: 4)?.name == "systemd")
        #expect(table.ancestor(of: sh, level: 5) == nil)
    }

    @Test func anyAncestor() throws {
        let table = makeTree()
        let sh = try #require(table.process(pid: 400))
        #expect(table.ancestors(of: sh).map(\.name) == ["sudo", "bash", "sshd", "systemd"])
        #expect(table.firstAncestor(of: sh, where: { $0.name == "sshd" })?.pid == 100)
        #expect(table.firstAncestor(of: sh, where: { $0.name == "nginx" }) == nil)
    }

    @Test func sessionLeaderIsTheProcessWhosePidIsTheSessionId() throws {
        let table = makeTree()
        let sh = try #require(table.process(pid: 400))
        #expect(table.sessionLeader(of: sh)?.name == "bash")
    }

    @Test func sessionLeaderFallsBackToEldestAncestorInTheSession() throws {
        var table = makeTree()
        table.apply(Make.exit(pid: 200))
        let sh = try #require(table.process(pid: 400))
        // bash (the leader) exited but stays retained: it still answers.
        #expect(table.sessionLeader(of: sh)?.name == "bash")
        table.purgeExited(now: 100_000_000_000)
        // Purged: sudo is the eldest ancestor left with session 200.
        #expect(table.sessionLeader(of: sh)?.name == "sudo")
    }

    @Test func processGroupLeader() throws {
        var table = makeTree()
        table.apply(Make.fork(child: 500, parent: 400, comm: "sh"))
        let child = try #require(table.process(pid: 500))
        #expect(child.vpgid == 400)
        #expect(!child.isProcessGroupLeader)
        #expect(table.processGroupLeader(of: child)?.name == "sh")
        #expect(table.process(pid: 400)?.isProcessGroupLeader == true)
    }

    @Test func forkCopiesParentState() throws {
        var table = makeTree()
        table.apply(Make.openat(pid: 400, fd: 3, name: "/etc/hosts"))
        table.apply(Make.fork(child: 500, parent: 400, comm: "sh", uid: 0, at: 3_000_000_000))
        let child = try #require(table.process(pid: 500))
        #expect(child.ppid == 400)
        #expect(child.exe == "/bin/sh")
        #expect(child.exePath == "/usr/bin/dash")
        #expect(child.args == ["-c", "id"])
        #expect(child.cwd == "/root/")
        #expect(child.env.contains("PATH=/usr/bin"))
        #expect(child.fds[3]?.name == "/etc/hosts")
        #expect(child.startTime == 3_000_000_000)
        #expect(child.lastExecTime == 0)
        #expect(child.container == table.process(pid: 400)?.container)
    }

    @Test func threadCreationRegistersAThreadNotAProcess() throws {
        var table = makeTree()
        let before = table.count
        table.apply(Make.thread(401, of: 400))
        #expect(table.count == before)
        #expect(table.process(tid: 401)?.pid == 400)
        #expect(table.thread(tid: 401) == ThreadEntry(tid: 401, pid: 400, vtid: 401))
        #expect(table.process(pid: 400)?.threadCount == 2)
        // An event from the thread resolves to its process.
        let owner = table.apply(Make.openat(pid: 400, tid: 401, fd: 5, name: "/tmp/x"))
        #expect(owner?.pid == 400)
        // A thread forking creates a child of the process, not of the thread.
        table.apply(Make.fork(child: 600, parent: 401, comm: "sh"))
        #expect(table.process(pid: 600)?.ppid == 400)
    }

    @Test func threadExitRemovesOnlyTheThread() throws {
        var table = makeTree()
        table.apply(Make.thread(401, of: 400))
        table.apply(Make.exit(pid: 400, tid: 401, groupDead: false))
        #expect(table.thread(tid: 401) == nil)
        #expect(table.process(pid: 400)?.isAlive == true)
        #expect(table.process(pid: 400)?.threadCount == 1)
    }

    @Test func execFromAThreadEndsTheOtherThreads() throws {
        var table = makeTree()
        table.apply(Make.thread(401, of: 400))
        table.apply(Make.thread(402, of: 400))
        table.apply(Make.exec(pid: 400, exe: "/usr/bin/id", exepath: "/usr/bin/id"))
        #expect(table.thread(tid: 401) == nil)
        #expect(table.thread(tid: 402) == nil)
        #expect(table.process(pid: 400)?.threadCount == 1)
    }

    @Test func exitMarksTheProcessAndReparentsItsChildren() throws {
        var table = makeTree()
        let exited = table.apply(Make.exit(pid: 300, reaper: 1))
        #expect(exited?.pid == 300)
        #expect(exited?.isAlive == false)
        let sh = try #require(table.process(pid: 400))
        #expect(sh.ppid == 1)
        #expect(table.parent(of: sh)?.name == "systemd")
    }

    @Test func orphansGoToTheNearestChildSubreaper() throws {
        var table = makeTree()
        table.apply(
            Make.event(
                "prctl", pid: 100,
                [
                    ("res", .errno(0)), ("option", .flags(36, .prctlOption)), ("arg2_str", .string("")),
                    ("arg2_int", .int(1)),
                ]))
        table.apply(Make.exit(pid: 300, reaper: 0))
        #expect(table.process(pid: 400)?.ppid == 100)
    }

    @Test func cloneParentMakesASibling() throws {
        var table = makeTree()
        table.apply(Make.fork(child: 500, parent: 400, comm: "sh", flags: 0x8000))
        #expect(table.process(pid: 500)?.ppid == 300)
    }

    @Test func callerSideCloneCreatesTheChildWhenItsOwnSideIsMissing() throws {
        var table = makeTree()
        let caller = table.apply(
            Make.event(
                "clone", pid: 400,
                [("res", .pid(700)), ("tid", .pid(400)), ("pid", .pid(400)), ("ptid", .pid(300)), ("comm", .string("sh")),
                 ("flags", .flags(0x11, .cloneFlags))]))
        #expect(caller?.pid == 400)
        let child = try #require(table.process(pid: 700))
        #expect(child.ppid == 400)
        #expect(child.comm == "sh")
        // The child's own side arriving later keeps the entry.
        table.apply(Make.fork(child: 700, parent: 400, comm: "sh", uid: 33))
        #expect(table.process(pid: 700) === child)
        #expect(child.uid == 33)
    }

    @Test func callerSideVforkNeverResurrectsAnExitedChild() throws {
        var table = makeTree()
        table.apply(Make.fork(child: 700, parent: 400, comm: "sh", type: "vfork"))
        table.apply(Make.exec(pid: 700, parent: 400, exe: "/bin/true"))
        table.apply(Make.exit(pid: 700))
        table.apply(Make.event("vfork", pid: 400, [("res", .pid(700)), ("tid", .pid(400)), ("pid", .pid(400))]))
        #expect(table.process(pid: 700)?.isAlive == false)
    }

    @Test func failedExecChangesNothing() throws {
        var table = makeTree()
        var failed = Make.exec(pid: 400, exe: "/nonexistent")
        failed.setParam("res", .errno(-2))
        table.apply(failed)
        #expect(table.process(pid: 400)?.exe == "/bin/sh")
    }

    @Test func unknownProcessBecomesAPlaceholderThatExecFillsIn() throws {
        var table = ProcessTable()
        let applied = table.apply(Make.openat(pid: 900, fd: 3, name: "/etc/passwd"))
        let placeholder = try #require(applied)
        #expect(placeholder.isPlaceholder)
        #expect(placeholder.comm == "")
        #expect(table.statistics.lookupsMissed == 1)
        table.apply(Make.exec(pid: 900, parent: 1, exe: "/usr/bin/cat", args: ["/etc/passwd"]))
        #expect(table.process(pid: 900) === placeholder)
        #expect(!placeholder.isPlaceholder)
        #expect(placeholder.name == "cat")
        #expect(placeholder.ppid == 1)
        #expect(placeholder.fds[3]?.name == "/etc/passwd")
    }

    @Test func resolverDescribesUnknownProcesses() throws {
        var asked: [Int64] = []
        var table = ProcessTable()
        table.resolver = { id in
            asked.append(id)
            return id == 900 ? Make.snapshot(pid: 900, parent: 1, exe: "/usr/bin/python3", comm: "python3") : nil
        }
        let resolved = table.apply(Make.openat(pid: 900, tid: 901, fd: 3, name: "x"))
        #expect(asked == [900])
        #expect(resolved?.name == "python3")
        #expect(resolved?.isPlaceholder == false)
        #expect(table.process(tid: 901)?.pid == 900)
        #expect(table.statistics.resolved == 1)
        // A second event does not ask again.
        table.apply(Make.openat(pid: 900, fd: 4, name: "y"))
        #expect(asked == [900])
    }

    @Test func snapshotsInAnyOrderLinkChildrenForReparenting() throws {
        var table = ProcessTable()
        table.apply(Make.snapshot(pid: 30, parent: 20, exe: "/bin/c"))
        table.apply(Make.snapshot(pid: 20, parent: 10, exe: "/bin/b"))
        table.apply(Make.snapshot(pid: 10, parent: 1, exe: "/bin/a"))
        table.apply(Make.snapshot(pid: 1, parent: 0, exe: "/sbin/init"))
        table.apply(Make.exit(pid: 20, reaper: 10))
        #expect(table.process(pid: 30)?.ppid == 10)
    }

    @Test func aThreadIdReusedAsAProcessIsAProcess() throws {
        var table = makeTree()
        table.apply(Make.thread(401, of: 400))
        // Thread 401 ended unseen; 401 is now a new process.
        table.apply(Make.fork(child: 401, parent: 100, comm: "sshd"))
        #expect(table.process(tid: 401)?.pid == 401)
        #expect(table.process(pid: 400)?.threadCount == 1)
    }

    @Test func aProcessIdReusedAsAThreadEndsTheStaleProcess() throws {
        var table = makeTree()
        let stale = try #require(table.process(pid: 300))
        table.apply(Make.thread(300, of: 400))
        #expect(!stale.isAlive)
        #expect(table.process(tid: 300)?.pid == 400)
        #expect(table.process(pid: 400)?.ppid == 1, "sudo's orphans went to the reaper")
    }

    @Test func pidReuseReplacesAStaleEntry() throws {
        var table = makeTree()
        let old = try #require(table.process(pid: 400))
        // 400 exited without us seeing it; a new process got the same pid.
        table.apply(Make.fork(child: 400, parent: 100, comm: "sshd", at: 9_000_000_000))
        let fresh = try #require(table.process(pid: 400))
        #expect(fresh !== old)
        #expect(fresh.ppid == 100)
        #expect(!old.isAlive)
    }
}
