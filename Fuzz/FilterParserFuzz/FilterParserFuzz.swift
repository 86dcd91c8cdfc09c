// libFuzzer entry point for the filter parser. Built by Fuzz/run.sh together with
// Sources/SakerRules/Filter*.swift into one executable (`swiftc -sanitize=fuzzer`).
//
// Every input must parse or fail with an error positioned inside the input; an accepted input
// must print to a canonical form that parses back to the same canonical form; list
// substitution must map every offset back into the condition.

private let lists = FilterListSubstitution(lists: [
    FilterList(name: "shells", items: ["bash", "sh", "a b"]),
    FilterList(name: "empty", items: []),
    FilterList(name: "and", items: ["x"]),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func filterParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let count = input.utf8.count
    do {
        let expression = try FilterParser.parse(input)
        let printed = FilterPrinter.print(expression)
        // Values holding a NUL byte cannot be written back (libs' lexer stops at NUL), and inputs
        // with other control characters are left out of the round trip: libs' lexer treats
        // `\b`, `\f` and `\v` as blanks in some positions and not in others, so the canonical
        // form (which normalises blanks to spaces) can legitimately read differently — e.g. a
        // macro named `or` after `not\b\b`. Crashes and error positions are still checked.
        let hasControl = input.utf8.contains { $0 < 0x20 && $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        if !printed.utf8.contains(0) && !hasControl {
            guard let reparsed = try? FilterParser.parse(printed), FilterPrinter.print(reparsed) == printed else {
                fatalError("canonical form does not read back: \(input.debugDescription) -> \(printed.debugDescription)")
            }
        }
    } catch {
        guard error.position.offset >= 0, error.position.offset <= count,
            error.position == FilterPosition(offset: error.position.offset, in: input)
        else {
            fatalError("error outside the input: \(error) in \(input.debugDescription)")
        }
    }
    let substituted = lists.apply(to: input)
    for offset in stride(from: 0, through: substituted.text.utf8.count, by: 1) {
        let original = substituted.originalOffset(forOffset: offset)
        if original < 0 || original > count {
            fatalError("substitution maps \(offset) outside the input: \(input.debugDescription)")
        }
    }
    return 0
}
