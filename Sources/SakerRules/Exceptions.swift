import SakerYAML

/// An exception as read from one item, before it is validated against the rule it belongs to.
/// Mirrors Falco's `rule_exception_info`: fields, comps and values are each a scalar or a list,
/// and may be absent when the item appends to or overrides an existing exception.
struct DecodedException {
    var name: String
    var fields: ExceptionEntry?
    var comps: ExceptionEntry?
    var values: [ExceptionEntry]
    var position: SourcePosition
}

/// Falco's exceptions: reading them (`read_rule_exceptions`, rule_loader_reader.cpp), validating
/// them (`validate_exception_info`, rule_loader_collector.cpp) and turning them into condition
/// text (`build_rule_exception_infos`, rule_loader_compiler.cpp).
enum Exceptions {
    /// The operators libs' filter parser accepts (`parser::supported_operators()`).
    static let supportedOperators: Set<String> = [
        "exists", "<=", "<", ">=", ">", "==", "=", "!=", "glob", "iglob", "contains", "icontains",
        "bcontains", "startswith", "bstartswith", "endswith", "regex", "intersects", "in", "pmatch",
    ]

    /// The operators that take a list (`parser::supported_operators(true)`).
    static let listOperators: Set<String> = ["intersects", "in", "pmatch"]

    static let keys: Set<String> = ["name", "fields", "comps", "values"]

    // MARK: Reading

    /// Reads an item's `exceptions`. Nil when the key is absent; empty when it is null.
    ///
    /// - Parameter isUpdate: the item appends to or overrides a rule, so `fields` may be omitted
    ///   (to add values to an existing exception) and a missing `values` is only a warning.
    static func read(
        from rule: RulesFileItemContext, isUpdate: Bool, warnings: inout [Diagnostic]
    ) throws(LoadFailure) -> [DecodedException]? {
        guard let node = rule.node["exceptions"] else { return nil }
        if node.isNull { return [] }
        guard let items = node.sequence else {
            throw rule.failure(
                "expected a sequence for 'exceptions', found \(node.kindDescription)", at: node.position)
        }
        var result: [DecodedException] = []
        for item in items {
            guard item.isMapping else {
                throw rule.failure(
                    "each exception must be a mapping, found \(item.kindDescription)", at: item.position)
            }
            let unnamed = RulesFileItemContext(kind: "\(rule.prefix)exception", name: nil, node: item)
            let name = try unnamed.requiredString("name").scalarValue ?? ""
            let context = RulesFileItemContext(
                kind: "\(rule.prefix)exception", name: name, node: item)
            warnings += context.unknownKeyWarnings(allowed: keys)
            if result.contains(where: { $0.name == name }) {
                warnings.append(context.warning(
                    "multiple definitions of exception '\(name)' in the same rule", code: .exceptionNameNotUnique))
            }

            var exception = DecodedException(
                name: name, fields: nil, comps: nil, values: [], position: item.position)
            if let fields = item["fields"] {
                exception.fields = try entry(fields, context: context, key: "fields", scalarsOnly: true)
            } else if !isUpdate {
                throw context.failure("missing required key 'fields'")
            }
            if let comps = item["comps"] {
                exception.comps = try entry(comps, context: context, key: "comps", scalarsOnly: true)
            }
            if let values = item["values"] {
                guard let valueItems = values.sequence else {
                    throw context.failure(
                        "expected a sequence for 'values', found \(values.kindDescription)", at: values.position)
                }
                for value in valueItems {
                    if let decoded = try entry(value, context: context, key: "values", scalarsOnly: false) {
                        exception.values.append(decoded)
                    }
                }
            } else if isUpdate {
                warnings.append(context.warning(
                    "overriding/appending exception with no values", code: .appendNoValues))
            }
            result.append(exception)
        }
        return result
    }

    /// A scalar or a list of entries. A null `fields` or `comps` reads as absent (Falco then
    /// reports the exception has no fields); null or empty values are errors.
    private static func entry(
        _ node: YAMLNode, context: RulesFileItemContext, key: String, scalarsOnly: Bool
    ) throws(LoadFailure) -> ExceptionEntry? {
        if node.isNull {
            if key == "values" { throw context.failure("exception values must not be empty", at: node.position) }
            return nil
        }
        switch node.content {
        case .scalar(let scalar):
            guard !scalar.value.isEmpty else {
                throw context.failure("'\(key)' must not contain empty strings", at: node.position)
            }
            return .scalar(ExceptionScalar(value: scalar.value, position: node.position, node: node))
        case .sequence(let items):
            var entries: [ExceptionEntry] = []
            for item in items {
                if scalarsOnly, !item.isScalar {
                    throw context.failure(
                        "expected a string in '\(key)', found \(item.kindDescription)", at: item.position)
                }
                if let decoded = try entry(item, context: context, key: key, scalarsOnly: scalarsOnly) {
                    entries.append(decoded)
                }
            }
            return .list(entries, at: node.position)
        case .mapping:
            let expected = scalarsOnly ? "a string or a list of strings" : "a value or a list of values"
            throw context.failure(
                "expected \(expected) for '\(key)', found a mapping", at: node.position)
        }
    }

    // MARK: Validating

    /// Validates a rule's exception and fills in Falco's default operators: `in` for a single
    /// field, `=` for each field of a tuple.
    static func validate(_ exception: DecodedException, rule: String) throws(LoadFailure) -> RuleException {
        let prefix = "rule '\(rule)': exception '\(exception.name)': "
        func fail(_ message: String, at position: SourcePosition? = nil) -> LoadFailure {
            LoadFailure(prefix + message, at: position ?? exception.position, code: .validate)
        }
        guard let fields = exception.fields, isValid(fields) else {
            throw fail("rule exception item must have fields property with a list of fields")
        }
        let comps: ExceptionEntry
        switch fields {
        case .list(let fieldItems, let fieldsPosition):
            if let given = exception.comps {
                comps = given
            } else {
                let defaults = fieldItems.map { _ in
                    ExceptionEntry.scalar(ExceptionScalar(value: "=", position: exception.position, node: nil))
                }
                comps = .list(defaults, at: fieldsPosition)
            }
            guard let compItems = comps.listItems, compItems.count == fieldItems.count else {
                throw fail("fields and comps lists must have equal length", at: comps.position)
            }
            for comp in compItems {
                let text = comp.scalarValue?.value ?? ""
                guard supportedOperators.contains(text) else {
                    throw fail("'\(text)' is not a supported comparison operator", at: comp.position)
                }
            }
        case .scalar:
            comps = exception.comps
                ?? .scalar(ExceptionScalar(value: "in", position: exception.position, node: nil))
            guard let comp = comps.scalarValue else {
                throw fail("fields and comps must both be strings", at: comps.position)
            }
            guard listOperators.contains(comp.value) else {
                throw fail(
                    "when fields is a single value, comps must be one of (in, pmatch, intersects)",
                    at: comp.position)
            }
        }
        return RuleException(
            name: exception.name, fields: fields, comps: comps, values: exception.values,
            position: exception.position)
    }

    /// Falco's `entry::is_valid`: a non-empty scalar or a non-empty list.
    static func isValid(_ entry: ExceptionEntry) -> Bool {
        switch entry {
        case .scalar(let scalar): !scalar.value.isEmpty
        case .list(let items, _): !items.isEmpty
        }
    }

    // MARK: Building the condition

    /// Appends a rule's exceptions to its condition exactly as Falco's `build_rule_exception_infos`
    /// does:
    ///
    /// - the condition is wrapped in parentheses;
    /// - a single-field exception becomes `(field comp (v1, v2, …))`;
    /// - a tuple exception becomes `(( f1 c1 v1 and  f2 c2 v2) or ( f1 c1 w1 and  f2 c2 w2))`
    ///   (the odd spaces are Falco's), where a value that is itself a list becomes `(a, b)` and a
    ///   scalar compared with a list operator is parenthesised;
    /// - values containing a space are double-quoted unless they already start with a quote;
    /// - each non-empty exception is appended as ` and not <exception>`.
    ///
    /// Generated text is attributed to the exception's position, fields, operators and values to
    /// where they were written.
    static func condition(
        _ base: LocatedText, exceptions: [RuleException], rule: String
    ) throws(LoadFailure) -> LocatedText {
        let start = base.startPosition ?? exceptions.first?.position
            ?? SourcePosition(file: "", line: 0, column: 0)
        var condition = LocatedText(generated: "(", at: start)
        condition.append(base)
        condition.append(")", at: start)
        for exception in exceptions {
            let at = exception.position
            let prefix = "rule '\(rule)': exception '\(exception.name)': "
            var inner = LocatedText()
            switch exception.fields {
            case .scalar(let field):
                let comp = exception.comps.scalarValue
                    ?? ExceptionScalar(value: "in", position: at, node: nil)
                for value in exception.values {
                    guard let scalar = value.scalarValue else {
                        throw LoadFailure(
                            prefix + "expected values array to contain a list of strings "
                                + "(fields is a single field, so each value must be a single string)",
                            at: value.position, code: .validate)
                    }
                    if inner.isEmpty {
                        inner.append("(", at: at)
                        inner.append(field.located)
                        inner.append(" ", at: at)
                        inner.append(comp.located)
                        inner.append(" (", at: at)
                    } else {
                        inner.append(", ", at: at)
                    }
                    inner.append(quoted(scalar))
                }
                if !inner.isEmpty { inner.append("))", at: at) }
            case .list(let fieldEntries, _):
                let fields = fieldEntries.compactMap(\.scalarValue)
                let comps = (exception.comps.listItems ?? []).compactMap(\.scalarValue)
                inner.append("(", at: at)
                var first = true
                for value in exception.values {
                    guard let items = value.listItems, items.count == fields.count else {
                        throw LoadFailure(
                            prefix + "fields and values lists must have equal length "
                                + "(\(fields.count) fields, so each value must be a list of \(fields.count))",
                            at: value.position, code: .validate)
                    }
                    if !first { inner.append(" or ", at: at) }
                    first = false
                    inner.append("(", at: at)
                    for (k, field) in fields.enumerated() {
                        if k > 0 { inner.append(" and ", at: at) }
                        let comp = k < comps.count ? comps[k] : ExceptionScalar(value: "=", position: at, node: nil)
                        let valueText: LocatedText
                        switch items[k] {
                        case .list(let listItems, let listPosition):
                            var list = LocatedText(generated: "(", at: listPosition)
                            for (index, item) in listItems.enumerated() {
                                guard let scalar = item.scalarValue else {
                                    throw LoadFailure(
                                        prefix + "exception values may nest lists only one level deep",
                                        at: item.position, code: .validate)
                                }
                                if index > 0 { list.append(", ", at: listPosition) }
                                list.append(quoted(scalar))
                            }
                            list.append(")", at: listPosition)
                            valueText = list
                        case .scalar(let scalar):
                            valueText = listOperators.contains(comp.value) ? parenthesised(scalar) : quoted(scalar)
                        }
                        inner.append(" ", at: at)
                        inner.append(field.located)
                        inner.append(" ", at: at)
                        inner.append(comp.located)
                        inner.append(" ", at: at)
                        inner.append(valueText)
                    }
                    inner.append(")", at: at)
                }
                inner.append(")", at: at)
                if inner.text == "()" { inner = LocatedText() }
            }
            if !inner.isEmpty {
                condition.append(" and not ", at: at)
                condition.append(inner)
            }
        }
        return condition
    }

    /// Falco's `quote_item`: double quotes around a value containing a space, unless it already
    /// starts with a quote. Inner quotes are not escaped (nor are they in Falco).
    static func quoted(_ scalar: ExceptionScalar) -> LocatedText {
        let value = scalar.value
        guard value.utf8.contains(UInt8(ascii: " ")),
              let first = value.utf8.first, first != UInt8(ascii: "\""), first != UInt8(ascii: "'")
        else { return scalar.located }
        var text = LocatedText(generated: "\"", at: scalar.position)
        text.append(scalar.located)
        text.append("\"", at: scalar.position)
        return text
    }

    /// Falco's `paren_item`: parentheses around a value that does not start with one.
    static func parenthesised(_ scalar: ExceptionScalar) -> LocatedText {
        guard scalar.value.utf8.first != UInt8(ascii: "(") else { return scalar.located }
        var text = LocatedText(generated: "(", at: scalar.position)
        text.append(scalar.located)
        text.append(")", at: scalar.position)
        return text
    }
}
