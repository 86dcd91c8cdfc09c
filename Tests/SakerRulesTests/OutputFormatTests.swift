import SakerEvent
import SakerJSON
import SakerRules
import SakerState
import Testing

@Suite struct OutputFormatTests {
    typealias F = FieldFixtures

    func render(_ format: String, for event: Event = F.openShadow) throws -> (String, [(key: String, value: FieldValue?)]) {
        let table = F.table(through: event)
        let compiled = try OutputFormat(format)
        var context = FieldContext(event: event, table: table, environment: F.environment)
        let result = compiled.render(&context)
        return (result.message, result.fields)
    }

    @Test func fieldsAreSubstitutedAndMissingOnesPrintNA() throws {
        let (message, _) = try render("File %fd.name opened by %proc.name (image=%container.image.repository)")
        #expect(message == "File /etc/shadow opened by cat (image=<NA>)")
    }

    @Test func indexedAndArgumentFields() throws {
        let (message, _) = try render("gp=%proc.aname[2] ggp=%proc.aname[3] far=%proc.aname[7] flags=%evt.arg.flags name=%evt.arg.name")
        #expect(message == "gp=sshd ggp=systemd far=<NA> flags=O_RDONLY|O_CLOEXEC name=/etc/shadow")
    }

    @Test func ancestorFieldsWithoutIndexPrintTheProcessItself() throws {
        // libs extracts proc.aname without index at level 0 (only comparisons search ancestors).
        #expect(try render("%proc.aname %proc.apid").0 == "cat 300")
    }

    @Test func typedValuesRenderAsLibsDoes() throws {
        let (message, _) = try render("pid=%proc.pid uid=%user.uid login=%user.loginuid tty=%proc.tty read=%evt.is_open_read caps=%thread.cap_effective")
        #expect(message == "pid=300 uid=0 login=1000 tty=34816 read=true caps=CAP_CHOWN CAP_SYS_ADMIN")
        let (network, _) = try render("%fd.sip:%fd.sport %fd.l4proto %evt.res", for: F.connect)
        #expect(network == "93.184.216.34:443 tcp EINPROGRESS")
    }

    @Test func textAroundFieldsIsKept() throws {
        #expect(try render("100% sure: %proc.name.").0 == "100% sure: cat.")
        #expect(try render("no fields at all").0 == "no fields at all")
        #expect(try render("(%proc.name)").0 == "(cat)")
    }

    @Test func controlCharactersAreDroppedFromValues() throws {
        var open = F.openShadow
        open.setParam("name", .string("/tmp/evil\nfake: Critical x"))
        let (message, fields) = try render("file=%evt.arg.name", for: open)
        #expect(message == "file=/tmp/evilfake: Critical x")
        #expect(fields.first?.value == .string("/tmp/evilfake: Critical x"))
    }

    @Test func outputFieldsAreSortedByNameWithNilForMissing() throws {
        let (_, fields) = try render("%proc.name %fd.name %container.image.repository %proc.aname[2] %proc.name")
        #expect(fields.map(\.key) == ["container.image.repository", "fd.name", "proc.aname[2]", "proc.name"])
        #expect(fields[0].value == nil)
        #expect(fields[2].value == .string("sshd"))
    }

    @Test func unknownFieldsAreRejectedWithTheirOffset() {
        #expect(throws: OutputFormat.Error.self) { try OutputFormat("x=%proc.nmae") }
        do {
            _ = try OutputFormat("x=%proc.nmae")
        } catch {
            #expect(error.offset == 2)
            #expect(error.message.contains("did you mean `proc.name`?"))
        }
    }

    @Test func theJSONAlertHasFalcosShape() {
        let alert = Alert(
            rule: "Read sensitive file untrusted", priority: .warning, source: "syscall",
            tags: ["T1555", "filesystem", "mitre_credential_access"], time: F.base + 123_456_789,
            hostname: "testhost", message: "Sensitive file opened (file=/etc/shadow)",
            outputFields: [
                ("container.image.repository", nil), ("fd.name", .string("/etc/shadow")), ("proc.pid", .int(300)),
                ("proc.tty", .uint(34816)), ("evt.is_open_read", .bool(true)),
            ])
        #expect(alert.text == "12:00:00.123456789: Warning Sensitive file opened (file=/etc/shadow)")
        #expect(alert.json == """
            {"hostname":"testhost","output":"12:00:00.123456789: Warning Sensitive file opened (file=/etc/shadow)",\
            "output_fields":{"container.image.repository":null,"fd.name":"/etc/shadow","proc.pid":300,\
            "proc.tty":34816,"evt.is_open_read":true},"priority":"Warning","rule":"Read sensitive file untrusted",\
            "source":"syscall","tags":["T1555","filesystem","mitre_credential_access"],\
            "time":"2026-11-27T12:00:00.123456789Z"}
            """)
    }

    @Test(arguments: [
        (RulePriority.emergency, "Emergency"), (.alert, "Alert"), (.critical, "Critical"), (.error, "Error"),
        (.warning, "Warning"), (.notice, "Notice"), (.informational, "Informational"), (.debug, "Debug"),
    ])
    func prioritiesPrintAsFalcoNamesThem(_ priority: RulePriority, _ name: String) {
        let alert = Alert(rule: "r", priority: priority, time: F.base, message: "m")
        #expect(alert.text == "12:00:00.000000000: \(name) m")
        #expect(alert.json.contains("\"priority\":\"\(name)\""))
    }

    @Test func timesRenderInUTCWithNanoseconds() {
        #expect(FieldTime.rfc3339(0) == "1970-01-01T00:00:00.000000000Z")
        #expect(FieldTime.rfc3339(951_782_400_000_000_001) == "2000-02-29T00:00:00.000000001Z")
        #expect(FieldTime.clock(F.base + 86_399_999_999_999) == "11:59:59.999999999")
    }

    @Test func anEngineAlertSerializesItsOutputFields() throws {
        var loader = RuleLoader()
        loader.load(text: """
            - rule: Shadow
              desc: d
              condition: evt.type = openat and fd.name = /etc/shadow
              output: shadow read by %proc.name (pid=%proc.pid image=%container.image.repository)
              priority: CRITICAL
              tags: [b, a]
            """, name: "o.yaml")
        let engine = RuleEngine(rules: loader.finish(), environment: F.environment)
        let alert = try #require(engine.process(F.openShadow, state: F.table([F.openShadow])).first)
        #expect(alert.json == """
            {"hostname":"testhost","output":"12:00:00.000003000: Critical shadow read by cat (pid=300 image=<NA>)",\
            "output_fields":{"container.image.repository":null,"proc.name":"cat","proc.pid":300},\
            "priority":"Critical","rule":"Shadow","source":"syscall","tags":["a","b"],\
            "time":"2026-11-27T12:00:00.000003000Z"}
            """)
    }
}
