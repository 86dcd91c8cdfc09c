import SakerRules
import SakerYAML
import Testing

private func load(_ texts: String...) -> LoadedRules {
    var loader = RuleLoader()
    for (index, text) in texts.enumerated() { loader.load(text: text, name: "r\(index).yaml") }
    return loader.finish()
}

/// A rule named R with condition `evt.type = open` and the given exceptions block.
private func rule(exceptions: String) -> String {
    """
    - rule: R
      desc: d
      condition: evt.type = open
      output: o
      priority: INFO
      exceptions:
    \(exceptions)
    """
}

private func condition(_ loaded: LoadedRules) -> String? {
    loaded.rule(named: "R")?.condition.text
}

@Suite struct ExceptionConditions {
    @Test func singleFieldBecomesAnInListWithQuotedSpaces() throws {
        let loaded = load(rule(exceptions: """
                - name: known
                  fields: proc.name
                  values: [bash, "my tool", "'quoted x'"]
            """))
        #expect(loaded.diagnostics.isEmpty, "\(Diagnostic.render(loaded.diagnostics))")
        #expect(condition(loaded) == #"(evt.type = open) and not (proc.name in (bash, "my tool", 'quoted x'))"#)
        #expect(loaded.rule(named: "R")?.baseCondition.text == "evt.type = open")
    }

    @Test func singleFieldWithPmatch() throws {
        let loaded = load(rule(exceptions: """
                - name: dirs
                  fields: fd.name
                  comps: pmatch
                  values: [/tmp, /var/tmp]
            """))
        #expect(condition(loaded) == "(evt.type = open) and not (fd.name pmatch (/tmp, /var/tmp))")
    }

    @Test func tupleBecomesOredConjunctionsWithFalcosSpacing() throws {
        let loaded = load(rule(exceptions: """
                - name: pairs
                  fields: [proc.name, fd.name]
                  comps: [=, startswith]
                  values:
                    - [cat, /etc/passwd]
                    - [my app, /etc/my dir]
            """))
        #expect(condition(loaded) == #"(evt.type = open) and not (( proc.name = cat and  fd.name startswith /etc/passwd) or ( proc.name = "my app" and  fd.name startswith "/etc/my dir"))"#)
    }

    @Test func tupleDefaultsEveryOperatorToEquals() throws {
        let loaded = load(rule(exceptions: """
                - name: pairs
                  fields: [proc.name, proc.pname]
                  values: [[a, b]]
            """))
        #expect(condition(loaded) == "(evt.type = open) and not (( proc.name = a and  proc.pname = b))")
    }

    @Test func tupleValueListsAndListOperators() throws {
        let loaded = load(rule(exceptions: """
                - name: lists
                  fields: [proc.name, fd.directory, proc.aname]
                  comps: [in, in, pmatch]
                  values:
                    - [[sh, "x y"], my_dirs, "(/a, /b)"]
            """))
        #expect(condition(loaded) == #"(evt.type = open) and not (( proc.name in (sh, "x y") and  fd.directory in (my_dirs) and  proc.aname pmatch (/a, /b)))"#)
    }

    @Test func severalExceptionsEachAddAndNot() throws {
        let loaded = load(rule(exceptions: """
                - name: one
                  fields: proc.name
                  values: [a]
                - name: two
                  fields: [user.name]
                  values: [[root]]
            """))
        #expect(condition(loaded) == "(evt.type = open) and not (proc.name in (a)) and not (( user.name = root))")
    }

    @Test func exceptionWithoutValuesOnlyWrapsTheCondition() throws {
        let loaded = load(rule(exceptions: """
                - name: empty_tuple
                  fields: [proc.name, fd.name]
                - name: empty_single
                  fields: proc.name
                  values: []
            """))
        #expect(loaded.errors.isEmpty)
        #expect(condition(loaded) == "(evt.type = open)")
    }

    @Test func everyComparatorIsAccepted() throws {
        let operators = ["=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
                         "startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "in",
                         "intersects", "pmatch", "exists"]
        for op in operators {
            let loaded = load(rule(exceptions: """
                    - name: e
                      fields: [proc.name]
                      comps: ["\(op)"]
                      values: [[x]]
                """))
            #expect(loaded.errors.isEmpty, "\(op): \(Diagnostic.render(loaded.errors))")
            let value = ["in", "intersects", "pmatch"].contains(op) ? "(x)" : "x"
            #expect(condition(loaded) == "(evt.type = open) and not (( proc.name \(op) \(value)))")
        }
    }

    @Test func generatedTextMapsBackToTheValues() throws {
        let loaded = load(rule(exceptions: """
                - name: known
                  fields: proc.name
                  values: [bash, zsh]
            """))
        let rule = try #require(loaded.rule(named: "R"))
        let text = rule.condition.text
        let zsh = try #require(text.utf8.firstRange(of: "zsh".utf8))
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: zsh.lowerBound)
        // `      values: [bash, zsh]` is line 9; zsh starts at column 22.
        #expect(rule.condition.position(ofUTF8Offset: offset)?.description == "r0.yaml:9:22")
        let fieldOffset = text.utf8.count - "proc.name in (bash, zsh))".utf8.count
        #expect(rule.condition.position(ofUTF8Offset: fieldOffset)?.description == "r0.yaml:8:15")
    }
}

@Suite struct ExceptionErrors {
    @Test func singleFieldRejectsNonListOperators() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: proc.name
                  comps: "="
                  values: [a]
            """))
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'e': when fields is a single value, comps must be one of (in, pmatch, intersects)"])
        #expect(loaded.errors.first?.location == "r0.yaml:9:14")
    }

    @Test func fieldsAndCompsMustHaveEqualLength() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: [proc.name, fd.name]
                  comps: [=]
                  values: [[a, b]]
            """))
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'e': fields and comps lists must have equal length"])
    }

    @Test func unsupportedOperatorIsNamed() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: [proc.name]
                  comps: [like]
                  values: [[a]]
            """))
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'e': 'like' is not a supported comparison operator"])
        #expect(loaded.errors.first?.location == "r0.yaml:9:15")
    }

    @Test func singleFieldWithListCompsIsAnError() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: proc.name
                  comps: [in]
                  values: [a]
            """))
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'e': fields and comps must both be strings"])
    }

    @Test func tupleValueOfTheWrongLengthPointsAtTheValue() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: [proc.name, fd.name]
                  values:
                    - [a, b]
                    - [c]
            """))
        let error = try #require(loaded.errors.first)
        #expect(error.location == "r0.yaml:11:11")
        #expect(error.message.hasPrefix("rule 'R': exception 'e': fields and values lists must have equal length"))
    }

    @Test func singleFieldValueThatIsAListIsAnError() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: proc.name
                  values: [[a, b]]
            """))
        #expect(loaded.errors.first?.message.contains("expected values array to contain a list of strings") == true)
    }

    @Test func missingFieldsIsAnError() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  values: [a]
            """))
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'e': missing required key 'fields'"])
    }

    @Test func exceptionsMustBeASequenceOfMappings() throws {
        #expect(load(rule(exceptions: "    foo: bar")).errors.first?.message == "rule 'R': expected a sequence for 'exceptions', found a mapping")
        #expect(load(rule(exceptions: "    - just text")).errors.first?.message == "rule 'R': each exception must be a mapping, found the string 'just text'")
    }

    @Test func duplicateExceptionNamesWarn() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: proc.name
                  values: [a]
                - name: e
                  fields: proc.name
                  values: [b]
            """))
        #expect(loaded.errors.isEmpty)
        #expect(loaded.warnings.map(\.code) == [.exceptionNameNotUnique])
    }

    @Test func unknownExceptionKeyWarns() throws {
        let loaded = load(rule(exceptions: """
                - name: e
                  fields: proc.name
                  value: [a]
            """))
        #expect(loaded.warnings.map(\.message) == ["rule 'R': exception 'e': unknown key 'value'; it is ignored (did you mean 'values'?)"])
    }
}

@Suite struct AppendingExceptions {
    private let base = rule(exceptions: """
            - name: known
              fields: [proc.name, fd.name]
              values:
                - [cat, /etc/hosts]
        """)

    @Test func overrideAppendAddsValuesToAnExistingException() throws {
        let update = """
            - rule: R
              exceptions:
                - name: known
                  values:
                    - [vi, /etc/motd]
              override:
                exceptions: append
            """
        let loaded = load(base, update)
        #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        #expect(condition(loaded) == "(evt.type = open) and not (( proc.name = cat and  fd.name = /etc/hosts) or ( proc.name = vi and  fd.name = /etc/motd))")
        // The appended value maps to the second file.
        let rule = try #require(loaded.rule(named: "R"))
        let text = rule.condition.text
        let vi = try #require(text.utf8.firstRange(of: "vi ".utf8))
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: vi.lowerBound)
        #expect(rule.condition.position(ofUTF8Offset: offset)?.file == "r1.yaml")
    }

    @Test func legacyAppendAddsANewException() throws {
        let update = """
            - rule: R
              append: true
              exceptions:
                - name: more
                  fields: user.name
                  values: [root]
            """
        let loaded = load(base, update)
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "R")?.exceptions.map(\.name) == ["known", "more"])
        #expect(condition(loaded)?.hasSuffix(" and not (user.name in (root))") == true)
    }

    @Test func appendingFieldsToAnExistingExceptionIsAnError() throws {
        let update = """
            - rule: R
              exceptions:
                - name: known
                  fields: [proc.name, fd.name]
                  values: [[a, b]]
              override:
                exceptions: append
            """
        let loaded = load(base, update)
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'known': Can not append exception fields to existing exception, only values"])
        #expect(loaded.errors.first?.location == "r1.yaml:3:7")
    }

    @Test func appendingANewExceptionWithoutValuesIsAnError() throws {
        let update = """
            - rule: R
              exceptions:
                - name: fresh
                  fields: proc.name
              override:
                exceptions: append
            """
        let loaded = load(base, update)
        #expect(loaded.errors.map(\.message) == ["rule 'R': exception 'fresh': Rule exception must have values property with a list of values"])
        #expect(loaded.warnings.map(\.code) == [.appendNoValues])
    }

    @Test func overrideReplaceSwapsTheExceptions() throws {
        let update = """
            - rule: R
              exceptions:
                - name: only
                  fields: proc.name
                  values: [x]
              override:
                exceptions: replace
            """
        let loaded = load(base, update)
        #expect(loaded.errors.isEmpty)
        #expect(condition(loaded) == "(evt.type = open) and not (proc.name in (x))")
    }
}
