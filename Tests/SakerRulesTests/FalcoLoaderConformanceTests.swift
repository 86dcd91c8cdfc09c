import SakerRules
import Testing

// Cases from Falco's own loader tests (unit_tests/engine/test_rule_loader.cpp), checked for the
// same outcome: whether the content loads, and the message Falco reports when it does not.

private func load(_ text: String) -> LoadedRules {
    var loader = RuleLoader()
    loader.load(text: text, name: "rules.yaml")
    return loader.finish()
}

private let legitRule = """
    - rule: legit_rule
      desc: legit rule description
      condition: evt.type=open
      output: user=%user.name command=%proc.cmdline file=%fd.name
      priority: INFO

    """

private let closeRule = """
    - rule: test_rule
      desc: test rule description
      condition: evt.type = close
      output: user=%user.name command=%proc.cmdline file=%fd.name
      priority: INFO
      enabled: false

    """

private let simpleRule = """
    - rule: test_rule
      desc: simple rule
      condition: evt.type in (open,openat)
      output: command=%proc.cmdline
      priority: INFO

    """

/// A case: the rules content, and the error message Falco gives (nil when it loads).
private struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var content: String
    var error: String?
    var testDescription: String { name }
}

private let cases: [Case] = [
    Case(name: "rule_incorrect_override_type", content: legitRule + """
        - rule: legit_rule
          desc: an appended incorrect field
          condition: and proc.name = cat
          priority: WARNING
          override:
            desc: replace
            condition: append
            priority: append
        """, error: "Key 'priority' cannot be appended to, use 'replace' instead"),
    Case(name: "rule_incorrect_append_override", content: legitRule + """
        - rule: legit_rule
          desc: an appended incorrect field
          condition: and proc.name = cat
          append: true
          override:
            desc: replace
            condition: append
        """, error: "Keys 'override' and 'append: true' cannot be used together."),
    Case(name: "macro_override_append_before_macro_definition", content: """
        - macro: open_simple
          condition: or evt.type = openat2
          override:
            condition: append
        - macro: open_simple
          condition: evt.type in (open,openat)
        """, error: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"),
    Case(name: "macro_append_before_macro_definition", content: """
        - macro: open_simple
          condition: or evt.type = openat2
          append: true
        - macro: open_simple
          condition: evt.type in (open,openat)
        """, error: "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"),
    Case(name: "rule_override_append_before_rule_definition", content: """
        - rule: test_rule
          condition: and proc.name = cat
          override:
            condition: append

        """ + simpleRule, error: "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"),
    Case(name: "rule_override_replace_before_rule_definition", content: """
        - rule: test_rule
          condition: and proc.name = cat
          override:
            condition: replace

        """ + simpleRule, error: "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists"),
    Case(name: "rule_append_before_rule_definition", content: """
        - rule: test_rule
          condition: and proc.name = cat
          append: true

        """ + simpleRule, error: "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"),
    Case(name: "list_override_append_before_list_definition", content: """
        - list: dev_creation_binaries
          items: ["csi-provisioner", "csi-attacher"]
          override:
            items: append
        - list: dev_creation_binaries
          items: [blkid]
        """, error: "List uses 'append' or 'override.items: append' but no list by that name already exists"),
    Case(name: "list_append_before_list_definition", content: """
        - list: dev_creation_binaries
          items: ["csi-provisioner", "csi-attacher"]
          append: true
        - list: dev_creation_binaries
          items: [blkid]
        """, error: "List uses 'append' or 'override.items: append' but no list by that name already exists"),
    Case(name: "rule_override_without_field", content: legitRule + """
        - rule: legit_rule
          desc: an appended incorrect field
          override:
            desc: replace
            condition: append
        """, error: "An append override for 'condition' was specified but 'condition' is not defined"),
    Case(name: "rule_override_extra_field", content: legitRule + """
        - rule: legit_rule
          desc: an appended incorrect field
          condition: and proc.name = cat
          priority: WARNING
          override:
            desc: replace
            condition: append
        """, error: "Unexpected key 'priority'"),
    Case(name: "missing_enabled_key_with_override", content: closeRule + """
        - rule: test_rule
          desc: missing enabled key
          condition: and proc.name = cat
          override:
            desc: replace
            condition: append
            enabled: replace
        """, error: "'enabled' was specified but 'enabled' is not defined"),
    Case(name: "required_engine_version_invalid", content: "- required_engine_version: seven\n" + closeRule,
         error: "Unable to parse engine version"),
    Case(name: "macro_override_replace_before_macro_definition", content: """
        - macro: open_simple
          condition: or evt.type = openat2
          override:
            condition: replace
        - macro: open_simple
          condition: evt.type in (open,openat)
        """, error: nil),
    Case(name: "list_override_replace_before_list_definition", content: """
        - list: dev_creation_binaries
          items: ["csi-provisioner", "csi-attacher"]
          override:
            items: replace
        - list: dev_creation_binaries
          items: [blkid]
        """, error: nil),
    Case(name: "required_engine_version_semver", content: "- required_engine_version: 0.26.0\n" + closeRule, error: nil),
    Case(name: "required_engine_version_not_semver", content: "- required_engine_version: 26\n" + closeRule, error: nil),
]

@Suite struct FalcoLoaderConformance {
    @Test(arguments: cases)
    fileprivate func outcomeMatchesFalco(_ testCase: Case) throws {
        let loaded = load(testCase.content)
        if let expected = testCase.error {
            #expect(loaded.errors.count == 1, "\(Diagnostic.render(loaded.diagnostics))")
            #expect(loaded.errors.first?.message.contains(expected) == true, "\(loaded.errors.map(\.message))")
            #expect(loaded.errors.first?.line ?? 0 > 0)
        } else {
            #expect(loaded.errors.isEmpty, "\(Diagnostic.render(loaded.errors))")
        }
    }

    @Test func listAppend() throws {
        let loaded = load("""
            - list: shell_binaries
              items: [ash, bash, csh, ksh, sh, tcsh, zsh, dash]
            - list: shell_binaries
              items: [pwsh]
              override:
                items: append
            """)
        #expect(loaded.list(named: "shell_binaries")?.values == ["ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh", "dash", "pwsh"])
    }

    @Test func conditionAppend() throws {
        let loaded = load("""
            - macro: interactive
              condition: >
                ((proc.aname=sshd and proc.name != sshd) or
                proc.name=systemd-logind or proc.name=login)
            - macro: interactive
              condition: or proc.name = ssh
              override:
                condition: append
            """)
        #expect(loaded.macro(named: "interactive")?.condition.text
            == "((proc.aname=sshd and proc.name != sshd) or proc.name=systemd-logind or proc.name=login)\n or proc.name = ssh")
    }

    @Test func ruleOverrideAppend() throws {
        let loaded = load(legitRule + """
            - rule: legit_rule
              desc: with append
              condition: and proc.name = cat
              output: proc=%proc.name
              override:
                desc: append
                condition: append
                output: append
            """)
        #expect(loaded.warnings.isEmpty)
        let rule = try #require(loaded.rule(named: "legit_rule"))
        #expect(rule.condition.text == "evt.type=open and proc.name = cat")
        #expect(rule.output.text == "user=%user.name command=%proc.cmdline file=%fd.name proc=%proc.name")
        #expect(rule.description.text == "legit rule description with append")
    }

    @Test func ruleAppendWarnsAboutTheDeprecatedFlag() throws {
        let loaded = load(legitRule + "- rule: legit_rule\n  condition: and proc.name = cat\n  append: true\n")
        #expect(loaded.warnings.map(\.code) == [.deprecatedItem])
        #expect(loaded.warnings.first?.message.contains("'append' key is deprecated") == true)
        #expect(loaded.rule(named: "legit_rule")?.condition.text == "evt.type=open and proc.name = cat")
    }

    @Test func ruleOverrideReplace() throws {
        let loaded = load(legitRule + """
            - rule: legit_rule
              desc: a replaced legit description
              condition: evt.type = close
              override:
                desc: replace
                condition: replace
            """)
        let rule = try #require(loaded.rule(named: "legit_rule"))
        #expect(rule.condition.text == "evt.type = close")
        #expect(rule.output.text == "user=%user.name command=%proc.cmdline file=%fd.name")
        #expect(rule.description.text == "a replaced legit description")
    }

    @Test func ruleOverrideAppendReplace() throws {
        let loaded = load(legitRule.replacing("evt.type=open", with: "evt.type = close") + """
            - rule: legit_rule
              desc: a replaced legit description
              condition: and proc.name = cat
              priority: WARNING
              override:
                desc: replace
                condition: append
                priority: replace
            """)
        let rule = try #require(loaded.rule(named: "legit_rule"))
        #expect(rule.condition.text == "evt.type = close and proc.name = cat")
        #expect(rule.priority.name == "Warning")
    }

    @Test func listOverrideAppendTypoIsJustARedefinition() throws {
        let loaded = load("""
            - list: dev_creation_binaries
              items: ["csi-provisioner", "csi-attacher"]
              overridde:
                items: append
            - list: dev_creation_binaries
              items: [blkid]
            """)
        #expect(loaded.errors.isEmpty)
        #expect(loaded.list(named: "dev_creation_binaries")?.values == ["blkid"])
        // Falco's LOAD_UNKNOWN_KEY catches the typo.
        #expect(loaded.warnings.first?.message.contains("did you mean 'override'?") == true)
    }

    @Test func ruleOverrideWithEnabled() throws {
        let loaded = load(closeRule + """
            - rule: test_rule
              desc: correct override
              condition: and proc.name = cat
              enabled: true
              override:
                desc: replace
                condition: append
                enabled: replace
            """)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.rule(named: "test_rule")?.enabled == true)
    }

    @Test func ruleNotEnabledHasNoWarnings() throws {
        let loaded = load(closeRule)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.rule(named: "test_rule")?.enabled == false)
    }

    @Test func ruleEnabledWarning() throws {
        let loaded = load(closeRule + "- rule: test_rule\n  enabled: true\n")
        #expect(loaded.warnings.first?.message.contains("The standalone 'enabled' key usage is deprecated") == true)
        #expect(loaded.rule(named: "test_rule")?.enabled == true)
    }

    @Test func enabledIsIgnoredByAppend() throws {
        let loaded = load(closeRule + "- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n  enabled: true\n")
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "test_rule")?.enabled == false)
    }

    @Test func rewriteRuleReplacesItCompletely() throws {
        let loaded = load(closeRule + """
            - rule: test_rule
              desc: redefined rule syntax
              condition: proc.name = cat
              output: user=%user.name command=%proc.cmdline file=%fd.name
              priority: WARNING
              enabled: true
            """)
        let rule = try #require(loaded.rule(named: "test_rule"))
        #expect(rule.enabled)
        #expect(rule.condition.text == "proc.name = cat")
        #expect(loaded.rules.count == 1)
    }

    @Test func appendingAnExceptionWithNoValuesWarns() throws {
        // Falco's exceptions_append_no_values: `value` instead of `values`.
        let loaded = load("""
            - rule: Test rule with exception append
              desc: d
              condition: evt.type=setuid
              output: Test output
              exceptions:
              - name: image_suffix
                fields: [container.image.repository]
                comps: [endswith]
                values:
                - [test]
              priority: NOTICE
            - rule: Test rule with exception append
              exceptions:
                - name: image_suffix
                  value: secure-inline-scan
              append: true
            """)
        #expect(loaded.errors.isEmpty)
        #expect(loaded.warnings.contains { $0.code == .appendNoValues })
        #expect(loaded.warnings.contains { $0.message.contains("unknown key 'value'") })
    }
}
