import SakerRules
import SakerYAML
import Testing

/// Loads in-memory files in order.
private func load(_ files: (name: String, text: String)...) -> LoadedRules {
    var loader = RuleLoader()
    for file in files { loader.load(text: file.text, name: file.name) }
    return loader.finish()
}

private func load(_ text: String) -> LoadedRules {
    load((name: "rules.yaml", text: text))
}

/// The only error, as `file:line:column: message`.
private func onlyError(_ loaded: LoadedRules) throws -> String {
    try #require(loaded.errors.count == 1, "\(Diagnostic.render(loaded.diagnostics))")
    let error = loaded.errors[0]
    return "\(error.location): \(error.message)"
}

private let shellRule = """
    - rule: Shell spawned
      desc: a shell
      condition: evt.type = execve and proc.name = bash
      output: "shell %proc.name"
      priority: WARNING
      tags: [shell, mitre_execution, shell]
    """

@Suite struct RuleDefinitions {
    @Test func ruleWithEveryFieldLoads() throws {
        let loaded = load(shellRule)
        #expect(loaded.diagnostics.isEmpty)
        let rule = try #require(loaded.rule(named: "Shell spawned"))
        #expect(rule.description.text == "a shell")
        #expect(rule.condition.text == "evt.type = execve and proc.name = bash")
        #expect(rule.output.text == "shell %proc.name")
        #expect(rule.priority == .warning)
        #expect(rule.tags == ["mitre_execution", "shell"])
        #expect(rule.source == "syscall")
        #expect(rule.enabled)
        #expect(rule.warnEventTypes)
        #expect(!rule.skipIfUnknownFilter)
        #expect(rule.position.description == "rules.yaml:1:3")
        #expect(rule.priorityPosition.description == "rules.yaml:5:13")
    }

    @Test(arguments: [
        ("EMERGENCY", RulePriority.emergency), ("Alert", .alert), ("critical", .critical),
        ("ERROR", .error), ("warning", .warning), ("Notice", .notice),
        ("INFORMATIONAL", .informational), ("info", .informational), ("INFO", .informational),
        ("debug", .debug),
    ])
    func priorityNamesAreCaseInsensitiveWithInfoAlias(_ text: String, _ expected: RulePriority) throws {
        let loaded = load(shellRule.replacing("priority: WARNING", with: "priority: \(text)"))
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "Shell spawned")?.priority == expected)
    }

    @Test func invalidPriorityPointsAtTheValue() throws {
        let loaded = load(shellRule.replacing("priority: WARNING", with: "priority: LOUD"))
        #expect(try onlyError(loaded).hasPrefix("rules.yaml:5:13: rule 'Shell spawned': Invalid priority 'LOUD'"))
        #expect(loaded.rules.isEmpty)
    }

    @Test func missingRequiredFieldPointsAtTheItem() throws {
        let text = """
            - list: a
              items: [x]
            - rule: No output
              desc: d
              condition: evt.type = open
              priority: INFO
            """
        let loaded = load(text)
        #expect(try onlyError(loaded) == "rules.yaml:3:3: rule 'No output': missing required key 'output'")
        #expect(loaded.errors[0].code == .yamlValidate)
    }

    @Test func wrongTypePointsAtTheValue() throws {
        let text = """
            - macro: m
              condition:
                - evt.type = open
            """
        #expect(try onlyError(load(text)) == "rules.yaml:3:5: macro 'm': expected a string for 'condition', found a sequence")
    }

    @Test func wrongBooleanPointsAtTheValue() throws {
        let loaded = load(shellRule + "\n  enabled: maybe\n")
        #expect(try onlyError(loaded) == "rules.yaml:7:12: rule 'Shell spawned': expected a boolean (true or false) for 'enabled', found the string 'maybe'")
    }

    @Test func emptyValueIsAnError() throws {
        let text = "- macro: m\n  condition:\n"
        #expect(try onlyError(load(text)) == "rules.yaml:2:13: macro 'm': key 'condition' is empty")
    }

    @Test func badYAMLReportsLibyamlPosition() throws {
        let text = "- rule: r\n  desc: [unclosed\n- rule: s\n"
        let loaded = load(text)
        let error = try #require(loaded.errors.first)
        #expect(error.code == .yamlParse)
        #expect(error.file == "rules.yaml")
        #expect(error.line == 3)
        #expect(error.message.contains("while parsing a flow sequence"))
    }

    @Test func unknownKeyIsAWarningWithASuggestion() throws {
        let loaded = load(shellRule + "\n  prority: ERROR\n")
        #expect(loaded.errors.isEmpty)
        let warning = try #require(loaded.warnings.first)
        #expect(warning.code == .unknownKey)
        #expect(warning.location == "rules.yaml:7:3")
        #expect(warning.message == "rule 'Shell spawned': unknown key 'prority'; it is ignored (did you mean 'priority'?)")
    }

    @Test func keyOfAnotherItemTypeIsUnknown() throws {
        let loaded = load("- list: l\n  items: [a]\n  condition: x\n")
        #expect(loaded.warnings.map(\.message) == ["list 'l': unknown key 'condition'; it is ignored"])
    }

    @Test func unknownTopLevelItemIsAWarning() throws {
        let loaded = load("- rul: x\n  desc: y\n")
        let warning = try #require(loaded.warnings.first)
        #expect(warning.code == .unknownItem)
        #expect(warning.location == "rules.yaml:1:3")
        #expect(warning.message.contains("did you mean 'rule'?"))
    }

    @Test func itemThatIsNotAMappingIsAnError() throws {
        #expect(try onlyError(load("- just a string\n")).hasPrefix("rules.yaml:1:3: unexpected element type"))
    }

    @Test func documentThatIsAMappingIsAnError() throws {
        #expect(try onlyError(load("rule: x\n")).hasPrefix("rules.yaml:1:1: rules content is not a YAML sequence"))
    }

    @Test func multipleDocumentsAreRead() throws {
        let loaded = load("- list: a\n  items: [x]\n---\n- list: b\n  items: [y]\n")
        #expect(loaded.lists.map(\.name) == ["a", "b"])
    }

    @Test func flagsAreRead() throws {
        let loaded = load(shellRule + "\n  warn_evttypes: false\n  skip-if-unknown-filter: true\n  source: syscall\n")
        let rule = try #require(loaded.rule(named: "Shell spawned"))
        #expect(!rule.warnEventTypes)
        #expect(rule.skipIfUnknownFilter)
    }

    @Test func brokenItemDoesNotStopTheFile() throws {
        let text = """
            - rule: Broken
              desc: d
              condition: evt.type = open
              priority: INFO
            - rule: Broken
              append: true
              condition: and proc.name = x
            - list: after
              items: [a]
            """
        let loaded = load(text)
        // One error for the broken rule; the append to it is not reported a second time.
        #expect(loaded.errors.count == 1)
        #expect(loaded.list(named: "after") != nil)
    }

    @Test func missingFileIsAReadError() throws {
        let loaded = RuleLoader.load(paths: ["/nonexistent/saker-rules.yaml"])
        let error = try #require(loaded.errors.first)
        #expect(error.code == .fileRead)
        #expect(error.rendered() == "/nonexistent/saker-rules.yaml: error: cannot open '/nonexistent/saker-rules.yaml': No such file or directory")
    }

    @Test func invalidNamesAreWarnings() throws {
        let loaded = load("- list: \"bad name\"\n  items: []\n- macro: 9lives\n  condition: x\n")
        #expect(loaded.errors.isEmpty)
        #expect(Set(loaded.warnings.map(\.code)) == [.invalidListName, .invalidMacroName])
    }
}

@Suite struct LastDefinitionWins {
    @Test func ruleRedefinedInALaterFileReplacesItButKeepsItsSlot() throws {
        let other = "- list: l\n  items: [a]\n"
        let redefined = shellRule.replacing("priority: WARNING", with: "priority: ERROR")
            .replacing("proc.name = bash", with: "proc.name = zsh")
        let loaded = load((name: "a.yaml", text: shellRule + "\n" + other), (name: "b.yaml", text: redefined))
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rules.count == 1)
        let rule = try #require(loaded.rules.first)
        #expect(rule.priority == .error)
        #expect(rule.condition.text.hasSuffix("zsh"))
        #expect(rule.position.file == "b.yaml")
        #expect(rule.index == 0)
        #expect(rule.visibility == 2)
    }

    @Test func macroRedefinitionKeepsSlotAndRaisesVisibility() throws {
        let text = """
            - macro: a
              condition: evt.type = open
            - macro: b
              condition: a
            - macro: a
              condition: evt.type = close
            """
        let loaded = load(text)
        #expect(loaded.macros.map(\.name) == ["a", "b"])
        let a = try #require(loaded.macro(named: "a"))
        #expect(a.condition.text == "evt.type = close")
        #expect(a.index == 0)
        #expect(a.visibility == 2)
        // b may refer to a (defined in an earlier slot).
        #expect(a.index < (loaded.macro(named: "b")?.visibility ?? 0))
    }

    @Test func standaloneEnabledTogglesAnExistingRule() throws {
        let loaded = load((name: "a.yaml", text: shellRule), (name: "b.yaml", text: "- rule: Shell spawned\n  enabled: false\n"))
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "Shell spawned")?.enabled == false)
        #expect(loaded.warnings.map(\.code) == [.deprecatedItem])
    }

    @Test func standaloneEnabledForAnUnknownRuleIsAnError() throws {
        #expect(try onlyError(load("- rule: Ghost\n  enabled: true\n")) == "rules.yaml:1:3: rule 'Ghost': Rule has 'enabled' key but no rule by that name already exists")
    }

    @Test func disabledRuleIsKeptDisabled() throws {
        let loaded = load(shellRule + "\n  enabled: false\n")
        #expect(loaded.rule(named: "Shell spawned")?.enabled == false)
        #expect(loaded.rules.count == 1)
    }

    @Test func ruleRedefinedWithAnotherSourceIsAnError() throws {
        let other = shellRule + "\n  source: k8s_audit\n"
        let loaded = load((name: "a.yaml", text: shellRule), (name: "b.yaml", text: other))
        #expect(loaded.errors.map(\.message) == ["rule 'Shell spawned': Rule has been re-defined with a different source"])
    }
}

@Suite struct AppendAndOverride {
    @Test func legacyListAppendAddsItemsAndWarns() throws {
        let loaded = load("- list: l\n  items: [a, b]\n- list: l\n  append: true\n  items: [c]\n")
        #expect(loaded.list(named: "l")?.values == ["a", "b", "c"])
        let warning = try #require(loaded.warnings.first)
        #expect(warning.code == .deprecatedItem)
        #expect(warning.location == "rules.yaml:4:3")
    }

    @Test func listOverrideAppendAndReplace() throws {
        let text = """
            - list: l
              items: [a]
            - list: l
              items: [b]
              override:
                items: append
            - list: m
              items: [a]
            - list: m
              items: [z]
              override:
                items: replace
            """
        let loaded = load(text)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.list(named: "l")?.values == ["a", "b"])
        #expect(loaded.list(named: "m")?.values == ["z"])
    }

    @Test func macroAppendJoinsWithASpace() throws {
        let text = """
            - macro: m
              condition: evt.type = open
            - macro: m
              condition: or evt.type = close
              override:
                condition: append
            """
        let loaded = load(text)
        #expect(loaded.macro(named: "m")?.condition.text == "evt.type = open or evt.type = close")
    }

    @Test func appendToUndefinedListMacroOrRuleIsAnError() throws {
        #expect(try onlyError(load("- list: l\n  append: true\n  items: [a]\n")).hasSuffix("List uses 'append' or 'override.items: append' but no list by that name already exists"))
        #expect(try onlyError(load("- macro: m\n  condition: x\n  override:\n    condition: append\n")).hasSuffix("Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"))
        let rule = "- rule: Ghost\n  condition: and x\n  override:\n    condition: append\n"
        #expect(try onlyError(load(rule)) == "rules.yaml:1:3: rule 'Ghost': Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists")
    }

    @Test func overrideReplaceOfAnUndefinedRuleIsAnError() throws {
        let rule = "- rule: Ghost\n  priority: ERROR\n  override:\n    priority: replace\n"
        #expect(try onlyError(load(rule)) == "rules.yaml:1:3: rule 'Ghost': An 'override.<key>: replace' to a rule was requested but no rule by that name already exists")
    }

    @Test func ruleOverrideAppendsAndReplacesPerKey() throws {
        let update = """
            - rule: Shell spawned
              condition: and not user.name = root
              output: (user=%user.name)
              desc: in a container
              tags: [container]
              priority: CRITICAL
              enabled: false
              override:
                condition: append
                output: append
                desc: append
                tags: append
                priority: replace
                enabled: replace
            """
        let loaded = load((name: "a.yaml", text: shellRule), (name: "b.yaml", text: update))
        #expect(loaded.diagnostics.isEmpty, "\(Diagnostic.render(loaded.diagnostics))")
        let rule = try #require(loaded.rule(named: "Shell spawned"))
        #expect(rule.condition.text == "evt.type = execve and proc.name = bash and not user.name = root")
        #expect(rule.output.text == "shell %proc.name (user=%user.name)")
        #expect(rule.description.text == "a shell in a container")
        #expect(rule.tags == ["container", "mitre_execution", "shell"])
        #expect(rule.priority == .critical)
        #expect(rule.priorityPosition.file == "b.yaml")
        #expect(!rule.enabled)
        // The appended part of the condition maps to the second file.
        let offset = rule.condition.text.utf8.count - "not user.name = root".utf8.count
        #expect(rule.condition.position(ofUTF8Offset: offset)?.description == "b.yaml:2:18")
        #expect(rule.condition.position(ofUTF8Offset: 0)?.description == "a.yaml:3:14")
    }

    @Test func overrideReplaceOfTagsAndCondition() throws {
        let update = """
            - rule: Shell spawned
              condition: evt.type = execve
              tags: [replaced]
              override:
                condition: replace
                tags: replace
            """
        let loaded = load(shellRule + "\n" + update)
        let rule = try #require(loaded.rule(named: "Shell spawned"))
        #expect(rule.condition.text == "evt.type = execve")
        #expect(rule.tags == ["replaced"])
    }

    @Test func overrideAndLegacyAppendTogetherIsAnError() throws {
        let update = "- rule: Shell spawned\n  condition: and x\n  append: true\n  override:\n    condition: append\n"
        let loaded = load(shellRule + "\n" + update)
        #expect(loaded.errors.map(\.message) == ["rule 'Shell spawned': Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."])
    }

    @Test func overriddenKeyThatIsNotDefinedIsAnError() throws {
        let update = "- rule: Shell spawned\n  condition: and x\n  override:\n    condition: append\n    output: append\n"
        let loaded = load(shellRule + "\n" + update)
        #expect(try onlyError(loaded) == "rules.yaml:11:5: rule 'Shell spawned': An append override for 'output' was specified but 'output' is not defined")
    }

    @Test func definedKeyMissingFromOverrideIsAnError() throws {
        let update = "- rule: Shell spawned\n  condition: and x\n  output: more\n  override:\n    condition: append\n"
        let loaded = load(shellRule + "\n" + update)
        #expect(try onlyError(loaded) == "rules.yaml:9:3: rule 'Shell spawned': Unexpected key 'output': no corresponding entry under 'override' is defined.")
    }

    @Test func overrideOperationErrors() throws {
        let bad = "- rule: Shell spawned\n  priority: INFO\n  override:\n    priority: append\n"
        #expect(try onlyError(load(shellRule + "\n" + bad)) == "rules.yaml:10:5: rule 'Shell spawned': Key 'priority' cannot be appended to, use 'replace' instead")
        let unknown = "- rule: Shell spawned\n  condition: x\n  override:\n    condition: merge\n"
        #expect(try onlyError(load(shellRule + "\n" + unknown)) == "rules.yaml:10:16: rule 'Shell spawned': Invalid override operation for key 'condition': 'merge'. Allowed values are: append, replace")
        let notOverridable = "- list: l\n  items: [a]\n  override:\n    items: merge\n    other: replace\n"
        #expect(try onlyError(load(notOverridable)).contains("Invalid override operation for key 'items'"))
    }

    @Test func legacyRuleAppendAppendsConditionOnly() throws {
        let update = "- rule: Shell spawned\n  append: true\n  condition: and proc.pname = sshd\n  output: ignored\n"
        let loaded = load(shellRule + "\n" + update)
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "Shell spawned")?.condition.text == "evt.type = execve and proc.name = bash and proc.pname = sshd")
        #expect(loaded.rule(named: "Shell spawned")?.output.text == "shell %proc.name")
        #expect(Set(loaded.warnings.map(\.code)) == [.deprecatedItem, .unknownKey])
    }

    @Test func legacyAppendWithNothingToAppendIsAnError() throws {
        let update = "- rule: Shell spawned\n  append: true\n"
        #expect(try onlyError(load(shellRule + "\n" + update)).hasSuffix("Appended rule must have exceptions or condition property"))
    }
}

@Suite struct RequirementsAndSources {
    @Test func engineVersionTooNewIsAnError() throws {
        #expect(try onlyError(load("- required_engine_version: 0.99.0\n")) == "rules.yaml:1:28: Rules require engine version 0.99.0, but engine version is 0.57.0")
        #expect(try onlyError(load("- required_engine_version: 1.0.0\n")).contains("engine version is 0.57.0"))
    }

    @Test func engineVersionFormsAreAccepted() throws {
        #expect(load("- required_engine_version: 12\n").requiredEngineVersion == EngineVersion(major: 0, minor: 12, patch: 0))
        #expect(load("- required_engine_version: 0.31.0\n").requiredEngineVersion?.description == "0.31.0")
        #expect(try onlyError(load("- required_engine_version: soon\n")).contains("Unable to parse engine version 'soon'"))
    }

    @Test func containerPluginRequirementIsSatisfied() throws {
        let loaded = load("- required_plugin_versions:\n  - name: container\n    version: 9.9.9\n")
        #expect(loaded.diagnostics.isEmpty)
    }

    @Test func otherPluginRequirementIsAnErrorAtItsEntry() throws {
        let text = """
            - required_plugin_versions:
              - name: container
                version: 0.4.0
              - name: k8saudit
                version: 0.7.0
                alternatives:
                  - name: k8saudit-eks
                    version: 0.4.0
            """
        let message = try onlyError(load(text))
        #expect(message.hasPrefix("rules.yaml:4:5: Plugin requirement not satisfied, must load one of: k8saudit (>= 0.7.0), k8saudit-eks (>= 0.4.0)"))
    }

    @Test func alternativeContainerSatisfiesTheRequirement() throws {
        let text = "- required_plugin_versions:\n  - name: other\n    version: 1.0.0\n    alternatives:\n      - name: container\n        version: 0.4.0\n"
        #expect(load(text).errors.isEmpty)
    }

    @Test func invalidPluginVersionIsAnError() throws {
        let text = "- required_plugin_versions:\n  - name: container\n    version: latest\n"
        #expect(try onlyError(load(text)) == "rules.yaml:2:5: Invalid required version 'latest' for plugin 'container'")
    }

    @Test func ruleForAnotherSourceIsKeptAndSkippedWithAWarning() throws {
        let text = """
            - rule: K8s thing
              desc: d
              condition: ka.verb = create
              output: o
              priority: NOTICE
              source: k8s_audit
              exceptions:
                - name: e
                  fields: [ka.user.name]
                  values: [[admin]]
            """
        let loaded = load(text)
        #expect(loaded.errors.isEmpty)
        let warning = try #require(loaded.warnings.first)
        #expect(warning.code == .unknownSource)
        #expect(warning.message == "rule 'K8s thing': Unknown source k8s_audit, skipping")
        let rule = try #require(loaded.rule(named: "K8s thing"))
        #expect(!rule.isSourceLoaded)
        #expect(rule.condition.text == "ka.verb = create")
        #expect(loaded.evaluableRules.isEmpty)
    }
}

@Suite struct OverrideWarnings {
    @Test func keysAnOverrideDoesNotApplyAreWarnedAbout() throws {
        let update = "- rule: Shell spawned\n  source: k8s_audit\n  priority: ERROR\n  override:\n    priority: replace\n"
        let loaded = load(shellRule + "\n" + update)
        #expect(loaded.errors.isEmpty)
        #expect(loaded.rule(named: "Shell spawned")?.source == "syscall")
        #expect(loaded.warnings.map(\.message) == ["rule 'Shell spawned': key 'source' is ignored in an 'override' item (only the keys listed under 'override' are applied)"])
        #expect(loaded.warnings.first?.location == "rules.yaml:8:3")
    }

    @Test func overrideThatIsNotAMappingIsAnError() throws {
        let update = "- rule: Shell spawned\n  priority: ERROR\n  override: priority\n"
        #expect(try onlyError(load(shellRule + "\n" + update)) == "rules.yaml:9:13: rule 'Shell spawned': expected a mapping for 'override' (key: append or replace), found the string 'priority'")
    }
}
