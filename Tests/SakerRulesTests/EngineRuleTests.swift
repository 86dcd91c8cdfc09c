import SakerEvent
import SakerRules
import SakerState
import Testing

@Suite struct EngineRuleTests {
    typealias F = FieldFixtures

    func engine(_ yaml: String, minimumPriority: RulePriority = .debug, matching: RuleEngine.Matching = .first)
        -> RuleEngine
    {
        var loader = RuleLoader()
        loader.load(text: yaml, name: "rules.yaml")
        let loaded = loader.finish()
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        return RuleEngine(
            rules: loaded, minimumPriority: minimumPriority, environment: F.environment, matching: matching)
    }

    static let twoRules = """
        - macro: open_read
          condition: evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f'
        - list: secrets
          items: [/etc/shadow, /etc/sudoers]
        - rule: Secret read
          desc: a secret file was read
          condition: open_read and fd.name in (secrets)
          output: Secret read (file=%fd.name proc=%proc.name parent=%proc.aname[1] gp=%proc.aname[2] missing=%container.image.repository)
          priority: WARNING
          tags: [filesystem, mitre_credential_access]
        - rule: Any open by cat
          desc: cat opened something
          condition: open_read and proc.name = cat
          output: cat opened %fd.name
          priority: NOTICE
        """

    @Test func aMatchingEventRaisesAnAlertWithItsOutput() throws {
        let engine = engine(Self.twoRules)
        #expect(!engine.hasErrors, "\(Diagnostic.render(engine.diagnostics))")
        let table = F.table([F.openShadow])
        let alerts = engine.process(F.openShadow, state: table)
        try #require(alerts.count == 1)
        let alert = alerts[0]
        #expect(alert.rule == "Secret read")
        #expect(alert.priority == .warning)
        #expect(alert.tags == ["filesystem", "mitre_credential_access"])
        #expect(alert.message == "Secret read (file=/etc/shadow proc=cat parent=bash gp=sshd missing=<NA>)")
        #expect(alert.text == "12:00:00.000003000: Warning Secret read (file=/etc/shadow proc=cat parent=bash gp=sshd missing=<NA>)")
        #expect(alert.hostname == "testhost")
    }

    @Test func allMatchingModeReportsEveryRule() {
        let engine = engine(Self.twoRules, matching: .all)
        let table = F.table([F.openShadow])
        #expect(engine.process(F.openShadow, state: table).map(\.rule) == ["Secret read", "Any open by cat"])
    }

    @Test func sharedMacrosAreEvaluatedPerEvent() {
        let engine = engine("""
            - macro: is_shadow
              condition: fd.name = /etc/shadow
            - rule: Shadow
              desc: d
              condition: evt.type = openat and is_shadow
              output: shadow
              priority: WARNING
            - rule: Not shadow
              desc: d
              condition: evt.type = openat and not is_shadow
              output: other
              priority: WARNING
            """, matching: .all)
        #expect(engine.process(F.openShadow, state: F.table([F.openShadow])).map(\.rule) == ["Shadow"])
        var other = F.openShadow
        other.setParam("name", .string("/etc/hosts"))
        #expect(engine.process(other, state: F.table([other])).map(\.rule) == ["Not shadow"])
    }

    @Test func rulesBelowTheMinimumPriorityAreNotEvaluated() {
        let engine = engine(Self.twoRules, minimumPriority: .warning, matching: .all)
        #expect(engine.rules.map(\.name) == ["Secret read"])
    }

    @Test func onlyRulesIndexedForTheEventTypeRun() {
        let engine = engine(Self.twoRules)
        #expect(engine.interestingTypes == [.open, .openat, .openat2])
        let table = F.table([F.openShadow, F.socket, F.connect])
        #expect(engine.process(F.connect, state: table).isEmpty)
    }

    @Test func snapshotsNeverReachRules() {
        let engine = engine("""
            - rule: Everything
              desc: d
              condition: proc.name exists
              output: x
              priority: INFO
            """)
        let table = F.table()
        #expect(engine.process(F.setup[0], state: table).isEmpty)
        #expect(!engine.process(F.openShadow, state: F.table([F.openShadow])).isEmpty)
        #expect(engine.diagnostics.contains { $0.code == .noEventType && $0.severity == .warning })
    }

    @Test func unknownFieldsAreErrorsAtTheirPositionWithASuggestion() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - rule: Bad
              desc: d
              condition: evt.type = open and proc.nmae = cat
              output: x
              priority: WARNING
            """, name: "bad.yaml")
        let engine = RuleEngine(rules: loader.finish())
        let error = try #require(engine.diagnostics.first { $0.severity == .error })
        #expect(error.file == "bad.yaml")
        #expect(error.line == 3)
        #expect(error.column == 34)
        #expect(error.code == .compileCondition)
        #expect(error.message.contains("proc.nmae"))
        #expect(error.message.contains("did you mean `proc.name`?"))
        #expect(error.rendered().hasPrefix("bad.yaml:3:34: error: "))
        #expect(engine.rules.isEmpty)
    }

    @Test func unknownFieldsInExceptionsPointAtTheException() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - rule: R
              desc: d
              condition: evt.type = open
              output: x
              priority: WARNING
              exceptions:
                - name: by_name
                  fields: [proc.nmae]
                  values: [[cat]]
            """, name: "exc.yaml")
        let loaded = loader.finish()
        let engine = RuleEngine(rules: loaded)
        let error = try #require(engine.diagnostics.first { $0.severity == .error }, "\(Diagnostic.render(loaded.diagnostics))")
        #expect(error.line == 8)
        #expect(error.column == 16)
        #expect(error.message.contains("did you mean `proc.name`?"))
    }

    @Test func exceptionsKeepMatchingEventsQuiet() {
        let engine = engine("""
            - rule: Shadow
              desc: d
              condition: evt.type = openat and fd.name = /etc/shadow
              output: x
              priority: WARNING
              exceptions:
                - name: trusted
                  fields: [proc.name, fd.directory]
                  comps: [=, pmatch]
                  values: [[cat, [/etc]]]
            """)
        #expect(!engine.hasErrors, "\(Diagnostic.render(engine.diagnostics))")
        #expect(engine.process(F.openShadow, state: F.table([F.openShadow])).isEmpty)
    }

    @Test func errorsInsideMacrosPointIntoTheMacro() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - macro: broken
              condition: fd.nmae = x
            - rule: Uses broken
              desc: d
              condition: evt.type = open and broken
              output: x
              priority: WARNING
            """, name: "m.yaml")
        let engine = RuleEngine(rules: loader.finish())
        let error = try #require(engine.diagnostics.first { $0.severity == .error })
        #expect(error.line == 2)
        #expect(error.column == 14)
        #expect(error.message.contains("did you mean `fd.name`?"))
    }

    @Test func macrosSeeOnlyEarlierMacros() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - macro: first
              condition: second
            - macro: second
              condition: proc.name = cat
            - rule: R
              desc: d
              condition: evt.type = open and first
              output: x
              priority: WARNING
            """, name: "order.yaml")
        let engine = RuleEngine(rules: loader.finish())
        let error = try #require(engine.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("Undefined macro 'second'"))
        #expect(error.line == 2)
    }

    @Test func skipIfUnknownFilterTurnsTheErrorIntoAWarning() {
        var loader = RuleLoader()
        loader.load(text: """
            - rule: Future
              desc: d
              condition: evt.type = open and proc.future_field = 1
              output: x
              priority: WARNING
              skip-if-unknown-filter: true
            """, name: "skip.yaml")
        let engine = RuleEngine(rules: loader.finish())
        #expect(!engine.hasErrors)
        #expect(engine.diagnostics.contains { $0.code == .unknownFilter })
        #expect(engine.rules.isEmpty)
    }

    @Test func unknownOutputFieldsAreOutputErrors() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - rule: Out
              desc: d
              condition: evt.type = open
              output: file=%fd.nam
              priority: WARNING
            """, name: "out.yaml")
        let engine = RuleEngine(rules: loader.finish())
        let error = try #require(engine.diagnostics.first { $0.severity == .error })
        #expect(error.code == .compileOutput)
        #expect(error.line == 4)
        #expect(error.column == 16)
    }

    @Test func unusedMacrosAndListsAreWarned() {
        let engine = engine("""
            - list: used_names
              items: [cat]
            - list: lonely_names
              items: [dog]
            - macro: used_macro
              condition: proc.name in (used_names)
            - macro: lonely_macro
              condition: proc.name = dog
            - rule: R
              desc: d
              condition: evt.type = open and used_macro
              output: x
              priority: WARNING
            """)
        let unused = engine.diagnostics.filter { $0.code == .unusedMacro || $0.code == .unusedList }
        #expect(unused.map(\.message) == [
            "macro 'lonely_macro' is not referenced by any rule or macro",
            "list 'lonely_names' is not referenced by any rule, macro or list",
        ])
        #expect(unused.allSatisfy { $0.severity == .warning })
    }

    @Test func rulesThatCanNeverMatchAreWarned() {
        let engine = engine("""
            - rule: Never
              desc: d
              condition: evt.type = switch and proc.name = cat
              output: x
              priority: WARNING
            """)
        #expect(engine.diagnostics.contains { $0.message.contains("matches no event type") })
        #expect(engine.interestingTypes.isEmpty)
    }

    @Test func comparisonsWithNAAreWarned() {
        let engine = engine("""
            - rule: NA
              desc: d
              condition: evt.type = open and proc.name != "<NA>"
              output: x
              priority: WARNING
            """)
        #expect(engine.diagnostics.contains { $0.code == .unsafeNACheck })
    }
}

@Suite struct EngineUpstreamBehaviour {
    typealias F = FieldFixtures

    @Test func catReadingShadowFiresTheStableRule() throws {
        let loaded = RuleLoader.load(paths: [engineUpstreamPath("falco_rules.yaml")])
        let engine = RuleEngine(rules: loaded, environment: F.environment)
        let table = F.table([F.openShadow])
        let alerts = engine.process(F.openShadow, state: table)
        let alert = try #require(alerts.first)
        #expect(alert.rule == "Read sensitive file untrusted")
        #expect(alert.priority == .warning)
        let fields = Dictionary(uniqueKeysWithValues: alert.outputFields.map { ($0.key, $0.value) })
        #expect(fields["fd.name"] == .string("/etc/shadow"))
        #expect(fields["proc.name"] == .string("cat"))
        #expect(fields["proc.pname"] == .string("bash"))
        #expect(fields["user.name"] == .string("root"))
        #expect(fields["evt.type"] == .string("openat"))
        #expect(fields["proc.aname[2]"] == .string("sshd"))
    }

    @Test func readingAnOrdinaryFileStaysQuiet() {
        let loaded = RuleLoader.load(paths: [engineUpstreamPath("falco_rules.yaml")])
        let engine = RuleEngine(rules: loaded, environment: F.environment)
        var open = F.openShadow
        open.setParam("name", .string("/etc/hostname"))
        let table = F.table([open])
        #expect(engine.process(open, state: table).isEmpty)
    }

    func stableEngine() -> RuleEngine {
        RuleEngine(rules: RuleLoader.load(paths: [engineUpstreamPath("falco_rules.yaml")]), environment: F.environment)
    }

    @Test func ptraceAttachFiresWithTheParentCommandLine() throws {
        let alert = try #require(stableEngine().process(F.ptrace, state: F.table(through: F.ptrace)).first)
        #expect(alert.rule == "PTRACE attached to process")
        #expect(alert.message.hasPrefix("Detected ptrace PTRACE_ATTACH attempt | proc_pcmdline=bash evt_type=ptrace user=root"))
    }

    @Test func aSymlinkOverASensitiveFileFires() throws {
        let symlink = F.event("symlinkat", pid: 300, at: 8_000, [
            EventParam("res", .errno(0)), EventParam("target", .string("/etc/shadow")),
            EventParam("linkdirfd", .fd(-100)), EventParam("linkpath", .string("/tmp/innocent")),
        ])
        let alert = try #require(stableEngine().process(symlink, state: F.table([symlink])).first)
        #expect(alert.rule == "Create Symlink Over Sensitive Files")
        let fields = Dictionary(uniqueKeysWithValues: alert.outputFields.map { ($0.key, $0.value) })
        #expect(fields["evt.arg.target"] == .string("/etc/shadow"))
        #expect(fields["evt.arg.linkpath"] == .string("/tmp/innocent"))
        var harmless = symlink
        harmless.setParam("target", .string("/etc/hostname"))
        #expect(stableEngine().process(harmless, state: F.table([harmless])).isEmpty)
    }

    @Test func executionFromDevShmFires() throws {
        let clone = F.event("clone", pid: 400, at: 9_000, [
            EventParam("res", .pid(0)), EventParam("tid", .pid(400)), EventParam("pid", .pid(400)),
            EventParam("ptid", .pid(200)), EventParam("comm", .string("bash")),
            EventParam("flags", .flags(0, .cloneFlags)), EventParam("uid", .uint(1000)), EventParam("gid", .uint(1000)),
        ])
        let exec = F.event("execve", pid: 400, at: 9_500, [
            EventParam("res", .errno(0)), EventParam("exe", .string("/dev/shm/payload")), EventParam("args", .strings([])),
            EventParam("tid", .pid(400)), EventParam("pid", .pid(400)), EventParam("ptid", .pid(200)),
            EventParam("cwd", .string("/home/alice")), EventParam("comm", .string("payload")),
            EventParam("trusted_exepath", .string("/dev/shm/payload")), EventParam("uid", .uint(1000)),
        ])
        let alerts = stableEngine().process(exec, state: F.table([clone, exec]))
        #expect(alerts.map(\.rule) == ["Execution from /dev/shm"])
    }

    @Test func ordinaryHostActivityIsQuiet() {
        let engine = RuleEngine(
            rules: RuleLoader.load(paths: ["falco_rules.yaml", "falco-incubating_rules.yaml"].map { engineUpstreamPath($0) }),
            environment: F.environment, matching: .all)
        let sshdReadsShadow = F.event("openat", pid: 100, at: 10_000, number: 1, [
            EventParam("fd", .fd(7)), EventParam("dirfd", .fd(-100)), EventParam("name", .string("/etc/shadow")),
            EventParam("flags", .flags(0o2000000, .openFlags)), EventParam("mode", .mode(0)),
        ])
        let clone = F.event("clone", pid: 500, at: 10_100, number: 2, [
            EventParam("res", .pid(0)), EventParam("tid", .pid(500)), EventParam("pid", .pid(500)),
            EventParam("ptid", .pid(200)), EventParam("comm", .string("bash")),
            EventParam("flags", .flags(0, .cloneFlags)), EventParam("uid", .uint(1000)), EventParam("gid", .uint(1000)),
        ])
        let ls = F.event("execve", pid: 500, at: 10_200, number: 3, [
            EventParam("res", .errno(0)), EventParam("exe", .string("ls")), EventParam("args", .strings(["-la", "/tmp"])),
            EventParam("tid", .pid(500)), EventParam("pid", .pid(500)), EventParam("ptid", .pid(200)),
            EventParam("cwd", .string("/home/alice")), EventParam("comm", .string("ls")),
            EventParam("trusted_exepath", .string("/usr/bin/ls")), EventParam("uid", .uint(1000)),
            EventParam("loginuid", .int(1000)), EventParam("tty", .uint(34816)),
        ])
        let lsReadsHosts = F.event("openat", pid: 500, at: 10_300, number: 4, [
            EventParam("fd", .fd(3)), EventParam("dirfd", .fd(-100)), EventParam("name", .string("/etc/hosts")),
            EventParam("flags", .flags(0o2000000, .openFlags)), EventParam("mode", .mode(0)),
        ])
        var table = F.table()
        var alerts: [String] = []
        for event in [sshdReadsShadow, clone, ls, lsReadsHosts, F.socket, F.connect] {
            let process = table.apply(event)
            alerts += engine.process(event, process: process, state: table).map(\.rule)
        }
        #expect(alerts.isEmpty)
    }
}
