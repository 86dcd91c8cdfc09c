import Testing

@testable import SakerRules

@Suite("Filter parser corpus")
struct FilterParserCorpusTests {
    @Test("the corpus is large")
    func corpusIsLarge() {
        let accepted = FilterParserCorpus.all.filter { if case .accept = $0.expected { true } else { false } }
        #expect(FilterParserCorpus.all.count >= 400)
        #expect(accepted.count >= 150)
        #expect(FilterParserCorpus.all.count - accepted.count >= 150)
    }

    @Test("accepts and rejects what libs does", arguments: FilterParserCorpus.all)
    func corpusCase(_ testCase: FilterCorpusCase) {
        switch testCase.expected {
        case .accept(let canonical):
            do {
                let expression = try FilterParser.parse(testCase.input)
                let printed = FilterPrinter.print(expression)
                #expect(printed == canonical)
                // The canonical form reads back to the same tree.
                let reparsed = try FilterParser.parse(printed)
                #expect(FilterPrinter.print(reparsed) == printed)
                #expect(reparsed.withoutPositions == expression.withoutPositions)
            } catch {
                Issue.record("rejected at \(error.position) (offset \(error.position.offset)): \(error.message)")
            }
        case .reject(let offset, let code):
            do {
                let expression = try FilterParser.parse(testCase.input)
                Issue.record("accepted as \(FilterPrinter.print(expression))")
            } catch {
                #expect(error.position.offset == offset, "\(error.message)")
                #expect(error.code == code, "\(error.message)")
                // Line and column agree with the offset.
                #expect(error.position == FilterPosition(offset: offset, in: testCase.input))
            }
        }
    }
}

extension FilterExpression {
    /// The tree with every position zeroed and quoting forgotten, to compare shapes.
    var withoutPositions: FilterExpression {
        mappingPositions { _ in .start }.mappingLiterals { literal in
            var copy = literal
            copy.isQuoted = false
            return copy
        }
    }

    func mappingLiterals(_ transform: (FilterLiteral) -> FilterLiteral) -> FilterExpression {
        switch self {
        case .and(let children, let position):
            return .and(children.map { $0.mappingLiterals(transform) }, at: position)
        case .or(let children, let position):
            return .or(children.map { $0.mappingLiterals(transform) }, at: position)
        case .not(let child, let position):
            return .not(child.mappingLiterals(transform), at: position)
        case .macro, .unaryCheck:
            return self
        case .binaryCheck(var check):
            switch check.value {
            case .value(let literal): check.value = .value(transform(literal))
            case .list(var list):
                list.items = list.items.map(transform)
                check.value = .list(list)
            case .transformer: break
            }
            return .binaryCheck(check)
        }
    }
}
