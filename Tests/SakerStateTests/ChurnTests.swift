import Testing
import SakerEvent
import SakerState

/// A host that forks, execs and exits for a long time keeps a bounded table.
@Suite struct ChurnTests {
    @Test func longForkExecExitChurnPurgesEverything() {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 100, parent: 1, exe: "/usr/bin/bash", at: 1))
        var time: UInt64 = 1_000_000_000
        for i in 0..<50_000 {
            let child = Int64(1_000 + i)
            time += 1_000_000 // 1 ms apart: 50 s of event time in all
            table.apply(Make.fork(child: child, parent: 100, at: time))
            table.apply(Make.thread(child + 100_000, of: child, at: time))
            table.apply(Make.exec(pid: child, parent: 100, exe: "/usr/bin/true", at: time))
            table.apply(Make.event("procexit", pid: child, tid: child + 100_000, at: time, [("status", .int(0)), ("group_dead", .uint(0))]))
            table.apply(Make.event("procexit", pid: child, at: time, [("status", .int(0)), ("group_dead", .uint(1))]))
        }
        let stats = table.statistics
        // Only what exited within the retention window (1 s of event time) may remain.
        #expect(stats.processes < 1_200, "\(stats)")
        #expect(stats.threads < 1_200, "\(stats)")
        #expect(stats.purged > 48_000, "\(stats)")
    }
}
