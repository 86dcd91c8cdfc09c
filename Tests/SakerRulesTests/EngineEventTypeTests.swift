import SakerEvent
import SakerRules
import Testing

/// Event-type inference, as libs' `filter_evttype_resolver`: and → intersection, or → union,
/// not → complement (pushed to the leaves), non-`evt.type` checks neutral.
@Suite struct EngineEventTypeTests {
    /// The inferred types, or nil for "all types".
    func types(_ condition: String, macros: String = "") throws -> [String]? {
        var loader = RuleLoader()
        loader.load(text: macros.isEmpty ? "[]" : macros, name: "macros.yaml")
        let compiler = Compiler(rules: loader.finish())
        let set = compiler.eventTypes(of: try FilterParser.parse(condition))
        return set.isAll ? nil : set.types.map(\.name).sorted()
    }

    @Test(arguments: [
        ("evt.type = openat", ["openat"] as [String]?),
        ("evt.type == execve", ["execve"]),
        ("evt.type in (open, openat)", ["open", "openat"]),
        ("evt.type = openat and proc.name = cat", ["openat"]),
        ("evt.type in (open, openat) and evt.type in (openat, execve)", ["openat"]),
        ("evt.type = open or evt.type = execve", ["execve", "open"]),
        ("evt.type = open or proc.name = cat", nil),
        ("proc.name = cat", nil),
        ("not proc.name = cat", nil),
        ("evt.type = open and not proc.name = cat", ["open"]),
        ("evt.type = nosuchevent", []),
        ("evt.type in (connect, nosuchevent)", ["connect"]),
        ("evt.type exists", nil),
        ("evt.type startswith open", nil),
    ])
    func inference(_ condition: String, _ expected: [String]?) throws {
        #expect(try types(condition) == expected, "\(condition)")
    }

    @Test func negationGivesTheComplement() throws {
        let all = EventTypeSet.all.types.count
        let notOpen = try #require(try types("not evt.type = open"))
        #expect(notOpen.count == all - 1)
        #expect(!notOpen.contains("open"))
        let notEqual = try #require(try types("evt.type != open"))
        #expect(notEqual == notOpen)
        // Double negation gives the set back.
        #expect(try types("not evt.type != open") == ["open"])
        #expect(try types("not not evt.type = open") == ["open"])
    }

    @Test func deMorganUnderNegation() throws {
        // not (A or B) = not A and not B: everything but open and execve.
        let both = try #require(try types("not (evt.type = open or evt.type = execve)"))
        #expect(!both.contains("open") && !both.contains("execve"))
        #expect(both.count == EventTypeSet.all.types.count - 2)
        // not (A and B) = not A or not B: the neutral side makes it all types.
        #expect(try types("not (evt.type = open and proc.name = cat)") == nil)
    }

    @Test func macrosAreExpandedForInference() throws {
        let macros = """
            - macro: open_read
              condition: evt.type in (open, openat, openat2) and evt.is_open_read=true
            - macro: spawned_process
              condition: evt.type in (execve, execveat)
            """
        #expect(try types("open_read and proc.name = cat", macros: macros) == ["open", "openat", "openat2"])
        #expect(try types("open_read or spawned_process", macros: macros) == ["execve", "execveat", "open", "openat", "openat2"])
        let notSpawned = try #require(try types("not spawned_process", macros: macros))
        #expect(!notSpawned.contains("execve"))
    }
}
