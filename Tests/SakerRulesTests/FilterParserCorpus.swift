@testable import SakerRules

/// One input of the parser corpus: accepted (with its canonical printed form) or rejected (with
/// the byte offset and kind of the error, as libs' parser reports it).
struct FilterCorpusCase: Sendable, CustomStringConvertible {
    enum Expected: Sendable {
        case accept(canonical: String)
        case reject(offset: Int, code: FilterParseError.Code)
    }

    var input: String
    var expected: Expected

    var description: String { input.debugDescription }
}

/// Accepted, printing as `canonical` (as `input` itself when omitted).
private func ok(_ input: String, _ canonical: String? = nil) -> FilterCorpusCase {
    FilterCorpusCase(input: input, expected: .accept(canonical: canonical ?? input))
}

/// Rejected at byte `offset` with `code`.
private func bad(_ input: String, at offset: Int, _ code: FilterParseError.Code) -> FilterCorpusCase {
    FilterCorpusCase(input: input, expected: .reject(offset: offset, code: code))
}

// Error codes, short.
private let trailing = FilterParseError.Code.trailingInput
private let blankOrParen = FilterParseError.Code.expectedBlankOrParenthesis
private let closeParen = FilterParseError.Code.expectedClosingParenthesis
private let check = FilterParseError.Code.expectedCheck
private let fieldArg = FilterParseError.Code.expectedFieldArgument
private let closeBracket = FilterParseError.Code.expectedClosingBracket
private let op = FilterParseError.Code.expectedOperator
private let value = FilterParseError.Code.expectedValue
private let field = FilterParseError.Code.expectedField
private let transformerArg = FilterParseError.Code.expectedTransformerArgument
private let escape = FilterParseError.Code.invalidEscape
private let empty = FilterParseError.Code.emptyInput

enum FilterParserCorpus {
    /// Every case: hand-written ones, then the generated operator × value grid.
    static let all: [FilterCorpusCase] =
        libsSmokeTests + libsStrings + libsNumbers + libsLists + libsOperators + libsLeftTransformers
        + libsRightTransformers + libsTransformerLists + booleanStructure + whitespace + fieldsAndArguments
        + valuesAndEscapes + transformers + modifiers + quirks + operatorGrid

    // MARK: libs' own parser tests (userspace/libsinsp/test/filter_parser.ut.cpp)

    static let libsSmokeTests: [FilterCorpusCase] = [
        ok("  a", "a"),
        ok("(a)", "a"),
        ok("a and b"),
        ok("a and b and c"),
        ok("a and b and(c)", "a and b and c"),
        ok("(a)and(b)and(c)", "a and b and c"),
        ok("(a and b)", "a and b"),
        ok("a or b"),
        ok("a or b or c"),
        ok("a or b or(c)", "a or b or c"),
        ok("(a)or(b)or(c)", "a or b or c"),
        ok("(a or b)", "a or b"),
        ok("(a.a exists and b)", "a.a exists and b"),
        ok("(a.a exists) and (b)", "a.a exists and b"),
        ok("a.a exists and b"),
        ok("a.a=1 or b.b=2 and c", "a.a = 1 or (b.b = 2 and c)"),
        ok("not (a)", "not a"),
        ok("not(a)", "not a"),
        ok("not (not (a))", "not (not a)"),
        ok("not (a.b=1)", "not a.b = 1"),
        ok("not (a.a exists)", "not a.a exists"),
        ok("not a"),
        ok("a.b = 1 and not a"),
        ok("not not a", "a"),
        ok("(not not a)", "a"),
        ok("not not(a)", "a"),
        ok("not(not(a))", "not (not a)"),
        ok("not(a)and(not(b))", "not a and not b"),
        ok("not a.b=1", "not a.b = 1"),
        ok("not a.a exists"),
        ok("a.b = bla"),
        ok("a.b = 'bla'", "a.b = bla"),
        ok("a.b = not"),
        ok("a.b contains bla"),
        ok("a.b icontains 'bla'", "a.b icontains bla"),
        ok("a.g in (1, 'a', b)", "a.g in (1, a, b)"),
        ok("fd.name=*.log", "fd.name = *.log"),
        ok("a.g in (1, 'a', b.c)", "a.g in (1, a, b.c)"),
        ok("a.b = a.a"),
        ok("a and notb"),
        ok("a or notb"),
        ok("notz and a and b"),
        ok("macro and not_macro"),
        ok("macro and not not_macro"),
        ok("macro and not(not_macro)", "macro and not not_macro"),
        ok("((macro) and (not_macro))", "macro and not_macro"),
        ok("macro and and_macro"),
        ok("((macro) and (and_macro))", "macro and and_macro"),
        ok("macro and or_macro"),
        ok("((macro) and (or_macro))", "macro and or_macro"),
        ok("evt.arg[0] contains /bin"),
        ok("evt.arg[a] contains /bin"),
        bad("a andb", at: 5, blankOrParen),
        bad("aand b", at: 5, trailing),
        bad("a and b and", at: 11, blankOrParen),
        bad("a and b or", at: 10, blankOrParen),
        bad("a and b not", at: 8, trailing),
        bad("and a", at: 4, trailing),
        bad("or a", at: 3, trailing),
        bad("a or b and", at: 10, blankOrParen),
        bad("a or b or", at: 9, blankOrParen),
        bad("a or b not", at: 7, trailing),
        bad("a not b and", at: 2, trailing),
        bad("a not b or", at: 2, trailing),
        bad("a not b not", at: 2, trailing),
        bad("a orb", at: 4, blankOrParen),
        bad("aor b", at: 4, trailing),
        bad("a and or b", at: 9, trailing),
        bad("a andor b", at: 5, blankOrParen),
        bad("a not b", at: 2, trailing),
        bad("a notb", at: 2, trailing),
        bad("anot b", at: 5, trailing),
        bad("a andnot b", at: 5, blankOrParen),
        bad("a andnotb", at: 5, blankOrParen),
        bad("(a)andnot(b)", at: 6, blankOrParen),
        bad("a ornot b", at: 4, blankOrParen),
        bad("a ornotb", at: 4, blankOrParen),
        bad("(a)ornot(b)", at: 5, blankOrParen),
        bad("evt.arg[] contains /bin", at: 8, fieldArg),
        bad("a.b = b = 1", at: 8, trailing),
        bad("(a.b = 1", at: 8, closeParen),
        // `in` matches the start of `invalidoperator`, whose rest is read as a list identifier.
        bad("a.a invalidoperator xxx", at: 20, trailing),
        bad("macro > 12", at: 6, trailing),
        bad("a.g in ( 1 ,, , b)", at: 12, value),
        bad("#a and b; a and b", at: 0, check),
        bad("#a and b; # ; ; a and b", at: 0, check),
        bad("fd.name=/var/lo);g/httpd.log", at: 15, trailing),
    ]

    static let libsStrings: [FilterCorpusCase] = [
        ok("test.str = testval"),
        ok(#"test.str = 0a!@#456:/\.;!$%^&*[]{}|"#),
        ok(#"test.str = """#),
        ok("test.str = ''", #"test.str = """#),
        ok(#"test.str = "0a!@#456:/.; !$%^&*[]{}|""#),
        ok(#"test.str = "test value""#),
        ok("test.str = 'test value'", #"test.str = "test value""#),
        ok(#"test.str[0a!@#456:/\.;!$%^&*(){}|] = testval"#),
        ok("test.str[aaaa1] = a"),
        ok("test.str[1234] = a"),
        ok("test.str[+0.25e+10] = a"),
        ok(#"test.str[""] = empty"#),
        ok("test.str['a aa'] = a", #"test.str["a aa"] = a"#),
        ok(#"test.str["test \"with\"escaping"] = a"#),
        ok(#"test.str = "escape double quote \" ""#),
        ok(#"test.str = 'escape single quote \' '"#, #"test.str = "escape single quote ' ""#),
        ok(#"test.str = 'multiple escape single quote \' \\''"#, #"test.str = "multiple escape single quote ' \\'""#),
        ok(#"test.str = 'mixed "'"#, #"test.str = "mixed \"""#),
        ok(#"test.str = "mixed '""#),
        // libs reads `\ ` as a backslash (kept for old rules); a final backslash prints as `\ `.
        ok(#"test.str = "bad escape \ " "#, #"test.str = "bad escape \ ""#),
        bad("test.str = a,", at: 12, trailing),
        bad("test.str = a=", at: 12, trailing),
        bad(#"test.str = a('")"#, at: 12, trailing),
        bad("test.str = '", at: 11, value),
        bad(#"test.str = ""#, at: 11, value),
        bad(#"test.str = '""#, at: 11, value),
        bad(#"test.str = "'"#, at: 11, value),
        bad("test.str = missing start quote", at: 19, trailing),
        bad("test.str = 'missing end quote", at: 11, value),
        bad(#"test.str = "broken escape double quote"""#, at: 39, trailing),
        bad("test.str = 'broken escape single quote''", at: 39, trailing),
        bad(#"test.str = "mixed \'""#, at: 21, escape),
        bad(#"test.str = 'mixed \"'"#, at: 21, escape),
        bad(#"test.str[0a!@#456:/\.;!$%^&*[]{}] = testval"#, at: 28, closeBracket),
        bad("test.str[] = testval", at: 9, fieldArg),
        bad("test.str[[] = testval", at: 9, fieldArg),
        bad("test.str[]] = testval", at: 9, fieldArg),
        bad("test.str['''] = a", at: 11, closeBracket),
        bad(#"test.str[aaa"] = a"#, at: 12, closeBracket),
        bad("test.str[   test   ] = testval", at: 9, fieldArg),
        bad("test.str[ = testval", at: 9, fieldArg),
        bad("test.str] = testval", at: 8, op),
    ]

    static let libsNumbers: [FilterCorpusCase] = [
        ok("test.num > 1000"),
        ok("test.num < +1"),
        ok("test.num >= -1"),
        ok("test.num <= 0x12345"),
        ok("test.num <= 0XaB00AB"),
        ok("test.num > 1.2"),
        ok("test.num < -1.2"),
        ok("test.num > -0.1222e+10"),
        ok("test.str = !0.1222e+10"),
        ok("test.str = 0xAAA.1"),
        ok("test.str = 0aaaaa"),
        ok("test.str = a"),
        bad("test.num > !0.1222e+10", at: 11, value),
        bad("test.num < 0xAAA.1", at: 16, trailing),
        bad("test.num >= 0aaaaa", at: 13, trailing),
        bad("test.num <= a", at: 12, value),
    ]

    static let libsLists: [FilterCorpusCase] = [
        ok("test.list in ()"),
        ok("test.list in (a)"),
        ok("test.list in ('single-quoted')", "test.list in (single-quoted)"),
        ok(#"test.list in ("double-quoted")"#, "test.list in (double-quoted)"),
        ok(#"test.list in (0a!@#456:/\.;!$%^&*[]{}|)"#),
        ok(#"test.list in (0a!@#456:/\.;!$%^&*[]{}|, value)"#),
        ok(#"test.list in (value, "value", 'value')"#, "test.list in (value, value, value)"),
        ok("test.list in (value)"),
        ok("test.list intersects (value)"),
        ok("test.list pmatch (value)"),
        bad("test.list in (", at: 14, closeParen),
        bad("test.list in )", at: 13, value),
        bad("test.list in (value,)", at: 20, value),
        bad("test.list in (value,,)", at: 20, value),
        bad("test.list in (,)", at: 14, closeParen),
        bad("test.list in (,   ,)", at: 14, closeParen),
        bad("test.list > (value)", at: 12, value),
        bad("test.list = (value)", at: 12, value),
        bad("test.list < (value)", at: 12, value),
        bad("test.list startswith (value)", at: 21, value),
        bad("test.list bstartswith (value)", at: 22, value),
        bad("test.list contains (value)", at: 19, value),
        bad("test.list icontains (value)", at: 20, value),
    ]

    static let libsOperators: [FilterCorpusCase] = [
        ok("test.op exists and macro"),
        ok("test.op exists"),
        ok("test.op = value"),
        ok("test.op =value", "test.op = value"),
        ok("test.op == value"),
        ok("test.op ==value", "test.op == value"),
        ok("test.op != value"),
        ok("test.op !=value", "test.op != value"),
        ok("test.op glob value"),
        ok("test.op iglob value"),
        ok("test.op contains value"),
        ok("test.op icontains value"),
        ok("test.op bcontains 48545450"),
        ok("test.op startswith value"),
        ok("test.op bstartswith 12ab001fc5"),
        ok("test.op endswith value"),
        ok("test.op regex value"),
        ok("test.op > 1"),
        ok("test.op >1", "test.op > 1"),
        ok("test.op < 1"),
        ok("test.op <1", "test.op < 1"),
        ok("test.op >= 1"),
        ok("test.op >=1", "test.op >= 1"),
        ok("test.op <= 1"),
        ok("test.op <=1", "test.op <= 1"),
        ok("test.op in ()"),
        ok("test.op in()", "test.op in ()"),
        ok("test.op intersects ()"),
        ok("test.op intersects()", "test.op intersects ()"),
        ok("test.op pmatch ()"),
        ok("test.op pmatch()", "test.op pmatch ()"),
        ok("test.op existsand macro", "test.op exists and macro"),
        bad("test.op ExIsTs", at: 8, op),
        bad("test.op exists something", at: 15, trailing),
        bad("test.op ===", at: 10, value),
        bad("test.op === value", at: 10, value),
        bad("test.op !==", at: 10, value),
        bad("test.op !== value", at: 10, value),
        bad("test.op startswithvalue", at: 18, op),
        bad("test.op bstartswithvalue", at: 19, op),
        bad("test.op endswithvalue", at: 16, op),
        bad("test.op containsvalue", at: 16, op),
        bad("test.op icontainsvalue", at: 17, op),
        bad("test.op bcontainsvalue", at: 17, op),
        bad("test.op globvalue", at: 12, op),
        bad("test.op iglobvalue", at: 13, op),
        bad("test.op regexvalue", at: 13, op),
        bad("test.op >", at: 9, value),
        bad("test.op <", at: 9, value),
        bad("test.op >=", at: 10, value),
        bad("test.op <=", at: 10, value),
        bad("test.op in", at: 10, value),
        bad("test.op intersects", at: 18, value),
        bad("test.op pmatch", at: 14, value),
    ]

    static let libsLeftTransformers: [FilterCorpusCase] = [
        ok("tolower(test.field) exists"),
        ok("toupper(test.field) exists"),
        ok("b64(test.field) exists"),
        ok("b64(test.field) = value"),
        ok("b64(test.field) == value"),
        ok("b64(test.field) != value"),
        ok("b64(test.field) glob value"),
        ok("(b64(test.field) exists)", "b64(test.field) exists"),
        ok("b64(test.field) exists and b64(test.field) contains 'a'", "b64(test.field) exists and b64(test.field) contains a"),
        ok("b64(test.field) exists or b64(test.field) contains 'a'", "b64(test.field) exists or b64(test.field) contains a"),
        ok("not b64(test.field) exists or b64(test.field) contains 'a'", "not b64(test.field) exists or b64(test.field) contains a"),
        ok("b64(test.field) exists or not b64(test.field) contains 'a'", "b64(test.field) exists or not b64(test.field) contains a"),
        ok("b64(test.field) exists or (b64(test.field) contains 'a')", "b64(test.field) exists or b64(test.field) contains a"),
        ok("not (b64(test.field) exists or b64(test.field) contains 'a')", "not (b64(test.field) exists or b64(test.field) contains a)"),
        ok("b64(toupper(test.field)) exists"),
        ok("toupper(b64(test.field)) exists"),
        ok("b64( test.field) exists", "b64(test.field) exists"),
        ok("b64(test.field ) exists", "b64(test.field) exists"),
        ok("b64(test.field)  exists", "b64(test.field) exists"),
        ok("b64(b64(test.field)) exists"),
        ok("b64( b64(test.field)) exists", "b64(b64(test.field)) exists"),
        ok("b64(b64( test.field)) exists", "b64(b64(test.field)) exists"),
        ok("b64(b64(test.field )) exists", "b64(b64(test.field)) exists"),
        ok("b64(b64(test.field) ) exists", "b64(b64(test.field)) exists"),
        ok("b64(b64(test.field))  exists", "b64(b64(test.field)) exists"),
        bad("val(test.field) exists", at: 3, trailing),
        bad("val(val(test.field)) exists", at: 3, trailing),
        bad("val(b64(test.field)) exists", at: 3, trailing),
        bad("b64(val(test.field)) exists", at: 4, transformerArg),
        bad("b64(test.field [1]) exists", at: 15, closeParen),
        bad("some_fake_transformer(test.field) exists", at: 21, trailing),
        bad("some_fake_transformer (test.field) exists", at: 22, trailing),
        bad("some.fake.transformer(test.field) exists", at: 21, op),
        bad("b64 (test.field) exists", at: 4, trailing),
        bad("b64,(test.field) exists", at: 3, trailing),
        bad("b64(testfield)) exists", at: 4, transformerArg),
        bad("b64(test_field)) exists", at: 4, transformerArg),
        bad("b64(b64)) exists", at: 4, transformerArg),
        bad("b64\n(test.field) exists", at: 4, trailing),
        bad("b64(test.field exists", at: 15, closeParen),
        bad("test.field) exists", at: 10, op),
        bad("b64(b64(test.field exists", at: 19, closeParen),
        bad("b64(b64(test.field) exists", at: 20, closeParen),
        bad("b64(test.field)) exists", at: 15, op),
        bad("(test.field) exists", at: 11, op),
        bad("(test.field exists", at: 18, closeParen),
        bad("a(test.field) exists", at: 1, trailing),
        bad("aaaa(test.field) exists", at: 4, trailing),
        bad("a(b(test.field)) exists", at: 1, trailing),
    ]

    static let libsRightTransformers: [FilterCorpusCase] = [
        ok("some.field = test.field"),
        ok("some.field = val(test.field)"),
        ok("some.field = tolower(test.field)"),
        ok("some.field = toupper(test.field)"),
        ok("some.field = b64(test.field)"),
        ok("(some.field = b64(test.field))", "some.field = b64(test.field)"),
        ok("some.field = b64(test.field) and some.field contains b64(test.field)"),
        ok("not some.field = b64(test.field) or some.field contains b64(test.field)"),
        ok("not (some.field = b64(test.field) or some.field contains b64(test.field))"),
        ok("some.field = b64(toupper(test.field))"),
        ok("some.field = b64( test.field)", "some.field = b64(test.field)"),
        ok("some.field = b64(b64(test.field) )", "some.field = b64(b64(test.field))"),
        ok("tolower(some.field) = b64(test.field)"),
        ok("tolower(some.field) = b64(test.field) or tolower(other.field) = tolower(anoter.field)"),
        ok("some.field = b64 and(some_macro)", "some.field = b64 and some_macro"),
        ok("some.field = b64 or(some_macro)", "some.field = b64 or some_macro"),
        ok("some.field = 'some_fake_transformer(some_macro)'", #"some.field = "some_fake_transformer(some_macro)""#),
        ok(#"some.field = "some_fake_transformer(some_macro)""#),
        bad("some.field = b64and(some_macro)", at: 19, trailing),
        bad("some.field = b64or(some_macro)", at: 18, trailing),
        bad("some.field = val(test.field [1])", at: 28, closeParen),
        bad("some.field = some_fake_transformer(test.field)", at: 34, trailing),
        bad("some.field = some_fake_transformer (test.field)", at: 35, trailing),
        bad("some.field = some.fake.transformer(test.field)", at: 34, trailing),
        bad("some.field = val(val(test.field))", at: 17, field),
        bad("some.field = val(toupper(test.field))", at: 17, field),
        bad("some.field = b64(val(test.field))", at: 17, transformerArg),
        bad("some.field = b64 (test.field)", at: 17, trailing),
        bad("some.field = b64,(test.field)", at: 16, trailing),
        bad("some.field = (b64(test.field))", at: 13, value),
        bad("some.field = (b64(test.field)", at: 13, value),
        bad("some.field = (b64(test.field", at: 13, value),
        bad("some.field = b64(test.field))", at: 28, trailing),
        bad("some.field = b64(testfield))", at: 17, transformerArg),
        bad("some.field = b64(test_field))", at: 17, transformerArg),
        bad("some.field = b64(b64))", at: 17, transformerArg),
        bad("some.field = ((b64(test.field)))", at: 13, value),
        bad("some.field = b64\n(test.field)", at: 17, trailing),
        bad("some.field = b64(test.field", at: 27, closeParen),
        bad("some.field = test.field)", at: 23, trailing),
        bad("some.field = b64(b64(test.field", at: 31, closeParen),
        bad("some.field = b64(b64(test.field)", at: 32, closeParen),
        bad("some.field = (test.field)", at: 13, value),
        bad("some.field = (test.field", at: 13, value),
        bad("some.field = a(test.field)", at: 14, trailing),
        bad("some.field = aaaa(test.field)", at: 17, trailing),
        bad("some.field = a(b(test.field))", at: 14, trailing),
        bad("some.field in (b64(test.field))", at: 18, closeParen),
        bad("some.field in (a, b64(test.field))", at: 21, closeParen),
        bad("some.field in (a, b, b64(test.field))", at: 24, closeParen),
    ]

    static let libsTransformerLists: [FilterCorpusCase] = [
        ok(#"join("-", (fd.name, fd.directory)) = /tmp/test"#),
        ok(#"join(",", (proc.name, proc.pid)) = "myproc,123""#),
        ok(#"join(":", (evt.type, evt.dir)) contains connect"#),
        ok("join('-', (fd.name, fd.directory)) = /tmp/test", #"join("-", (fd.name, fd.directory)) = /tmp/test"#),
        ok("join('-->', (fd.name, fd.directory)) = /tmp/test", #"join("-->", (fd.name, fd.directory)) = /tmp/test"#),
        ok(#"join("-", (fd.name)) = /tmp/test"#),
        ok(#"join("-", (fd.name, fd.directory, proc.name, proc.pid)) = test"#),
        ok(#"join("-", (tolower(fd.name), fd.directory)) = /tmp/test"#),
        ok(#"join("-", (toupper(fd.name), b64(fd.directory))) = /tmp/test"#),
        ok(#"join("-", (tolower(toupper(fd.name)), fd.directory)) = /tmp/test"#),
        ok(#"join("-", ("aaa", "bbb")) = aaa-bbb"#),
        ok(#"join("-", ('aaa', 'bbb')) = aaa-bbb"#, #"join("-", ("aaa", "bbb")) = aaa-bbb"#),
        ok(#"join("-", ("prefix", fd.name, "suffix")) = prefix-/tmp-suffix"#),
        ok(#"join("-", (proc.pid, 123)) contains 123"#),
        ok(#"join("-", (fd.name, fd.directory)) exists"#),
        ok(#"join("-", (fd.name, fd.directory)) in (a, b, c)"#),
        ok(#"not join("-", (fd.name, fd.directory)) = /tmp"#),
        ok(#"evt.type = tolower(join("-", (fd.name, fd.directory)))"#),
        ok(#"len(join("-", (fd.name, fd.directory))) > 5"#),
        ok(#"basename(join("/", (fd.name, fd.directory))) = value"#),
        ok(#"toupper(tolower(join("-", (fd.name, fd.directory)))) = VALUE"#),
        ok(#"join("-", ( fd.name , fd.directory )) = /tmp"#, #"join("-", (fd.name, fd.directory)) = /tmp"#),
        ok(#"join( "-", (fd.name, fd.directory)) = /tmp"#, #"join("-", (fd.name, fd.directory)) = /tmp"#),
        ok(#"join("-" , (fd.name, fd.directory)) = /tmp"#, #"join("-", (fd.name, fd.directory)) = /tmp"#),
        ok(#"join("-", ()) = /tmp"#),
        bad(#"join("-", (fd.name, fd.directory) = /tmp"#, at: 34, closeParen),
        bad(#"join("-", fd.name, fd.directory)) = /tmp"#, at: 32, op),
        bad(#"join("-", (,)) = /tmp"#, at: 11, transformerArg),
        bad(#"join("-", (,fd.name)) = /tmp"#, at: 11, transformerArg),
        bad(#"join("-", (fd.name,)) = /tmp"#, at: 19, transformerArg),
        bad(#"join("-", (fd.name,,fd.directory)) = /tmp"#, at: 19, transformerArg),
        bad(#"join("-", ((fd.name))) = /tmp"#, at: 11, transformerArg),
        bad(#"join("-", (macro)) = /tmp"#, at: 11, transformerArg),
        bad(#"join("-", (barestring)) = /tmp"#, at: 11, transformerArg),
    ]

    // MARK: Saker's own cases

    static let booleanStructure: [FilterCorpusCase] = [
        ok("not not not a", "not a"),
        ok("not not not not a", "a"),
        ok("not not not not not(not not(not not_macro))", "not (not not_macro)"),
        ok("not (not (not a))", "not (not (not a))"),
        ok("not a and not b or not c", "(not a and not b) or not c"),
        ok("a or b and c", "a or (b and c)"),
        ok("(a or b) and c"),
        ok("a and (b or c)"),
        ok("a and (b and c)"),
        ok("(a and b) and c"),
        ok("a or (b or c)"),
        ok("((a))", "a"),
        ok("((((a and b))))", "a and b"),
        ok("not", "not"),
        ok("a and not"),
        ok("nota"),
        ok("not a.b exists and c"),
        ok("not (a and b)"),
        ok("not (a or b)"),
        ok("a and not (b or c) and d"),
        ok("(a)and(b)or(c)", "(a and b) or c"),
        // After `or(`, libs parses only the parenthesised expression, not an `and` chain.
        bad("a or(b)and(c)", at: 7, trailing),
        ok("not(a)or not(b)", "not a or not b"),
        ok("a_1 and B2 and c_"),
        ok("a and b and c and d and e or f", "(a and b and c and d and e) or f"),
        ok("x.y exists or (a and (b or (c and not d)))"),
        bad("", at: 0, empty),
        bad("   ", at: 3, check),
        bad("()", at: 1, check),
        bad("(a", at: 2, closeParen),
        bad("a)", at: 1, trailing),
        bad("((a)", at: 4, closeParen),
        bad("a and", at: 5, blankOrParen),
        bad("a and ", at: 6, check),
        bad("a or ()", at: 6, check),
        bad("not ", at: 4, check),
        bad("not()", at: 4, check),
        bad("1 = 2", at: 0, check),
        bad("_a", at: 0, check),
        bad("a b", at: 2, trailing),
        bad("a && b", at: 2, trailing),
        bad("a || b", at: 2, trailing),
        bad("!a", at: 0, check),
        bad("a and (b or c", at: 13, closeParen),
        bad("a and (b or c))", at: 14, trailing),
        bad("a and b)", at: 7, trailing),
        bad("(a and b or)", at: 11, blankOrParen),
        bad("a or or b", at: 8, trailing),
        bad("a.b exists and", at: 14, blankOrParen),
        bad("a.b exists or", at: 13, blankOrParen),
    ]

    static let whitespace: [FilterCorpusCase] = [
        ok("a\nand\nb", "a and b"),
        ok("\ta\tor\tb\t", "a or b"),
        ok("  proc.name  =  bash  ", "proc.name = bash"),
        ok("proc.name\n=\nbash", "proc.name = bash"),
        ok("proc.name\ncontains\nbash", "proc.name contains bash"),
        ok("proc.name\tin\t(\ta\t,\tb\t)", "proc.name in (a, b)"),
        ok("a\r\nand b", "a and b"),
        ok("not\na", "not a"),
        ok("not\u{0B}a", "not a"),
        ok("a and\u{08}b", "a and b"),
        ok("\u{08}a", "a"),
        ok("(\n  proc.name = a\n  or proc.name = b\n)\nand x", "(proc.name = a or proc.name = b) and x"),
        ok("proc.name exists\n", "proc.name exists"),
        ok("proc.name in (\n  a,\n  b\n)", "proc.name in (a, b)"),
        bad("a\u{0B}and b", at: 1, trailing),
        bad("not\u{08}a", at: 4, trailing),
        bad("a\u{0C}or b", at: 1, trailing),
        bad("proc.name\u{0B}= x", at: 9, op),
    ]

    static let fieldsAndArguments: [FilterCorpusCase] = [
        ok("proc.aname[2] = bash"),
        ok("container.mount.dest[/etc] exists"),
        ok("fd.types[1] in (ipv4)"),
        ok("evt.arg.name = x"),
        ok("evt.arg[0] = x"),
        ok("proc.env[HOME] = /root"),
        ok(#"proc.aname["my name"] = x"#),
        ok("proc.aname['x'] = y", "proc.aname[x] = y"),
        ok("k8s.pod.label[app.kubernetes.io/name] = x"),
        ok("a1.b_2.c3 exists"),
        ok("A.B exists"),
        ok("a.b1.c exists"),
        ok("a.b.c.d.e.f exists"),
        ok("proc.aname[(x)] = y"),
        ok("proc.aname[=,] = y"),
        ok(#"evt.arg["a]b"] = c"#),
        ok(#"evt.arg["a\tb"] = c"#),
        ok(#"evt.arg["x\ "] = c"#, #"evt.arg[x\] = c"#),
        bad("evt.arg.0 exists", at: 7, op),
        bad("a.1 exists", at: 1, trailing),
        bad("a..b exists", at: 1, trailing),
        bad("proc.name[ 1] = x", at: 10, fieldArg),
        bad("proc.name [1] = x", at: 10, op),
        bad("proc.name[1 = x", at: 11, closeBracket),
        bad("proc.name[1]] = x", at: 12, op),
        bad("proc.name[1][2] = x", at: 12, op),
        bad(#"evt.arg["a\x"] = c"#, at: 13, escape),
        bad("proc. = x", at: 4, trailing),
        bad(".name = x", at: 0, check),
    ]

    static let valuesAndEscapes: [FilterCorpusCase] = [
        ok(#"proc.name = "a\tb""#),
        ok(#"proc.name = "a\nb""#),
        ok(#"proc.name = "a\rb""#),
        ok(#"proc.name = "a\fb""#),
        ok(#"proc.name = "a\/b""#, "proc.name = a/b"),
        ok(#"proc.name = "a\\b""#, #"proc.name = a\b"#),
        ok(#"proc.name = "a\bb""#, "proc.name = a\u{08}b"),
        ok(#"proc.name = 'it\'s'"#, #"proc.name = "it's""#),
        ok(#"proc.name = "say \"hi\"""#),
        ok(#"proc.name = "a\\ ""#),
        ok(#"proc.name = "a b\ ""#),
        ok(#"proc.name = 'a\\ b'"#, #"proc.name = "a\\ b""#),
        ok("proc.name = héllo"),
        ok(#"proc.name = "日本 語""#),
        ok("proc.pid = 123"),
        ok("proc.pid = -1"),
        ok("evt.res = EINPROGRESS"),
        ok("fd.num >= 0"),
        ok("evt.count > 1.5e+3"),
        ok("x.y > 1.", "x.y > 1."),
        ok("x.y = <NA>"),
        ok("x.y = a:b/c;d!e"),
        ok("x.y = [a]{b}"),
        ok(#"x.y = "()""#),
        ok(#"x.y = "a=b""#),
        ok(#"x.y = "a,b""#),
        ok("x.y = 'a\"b'", #"x.y = "a\"b""#),
        ok("evt.arg.flags contains O_TRUNC"),
        ok("proc.exe_flags = EXE_WRITABLE|EXE_FROM_MEMFD"),
        bad(#"proc.name = "a\xb""#, at: 18, escape),
        bad(#"proc.name = "a\qb""#, at: 18, escape),
        bad(#"proc.name = "a\u0041""#, at: 21, escape),
        bad(#"proc.name = "C:\\""#, at: 12, value),
        bad("x.y > 1e5", at: 7, trailing),
        bad("x.y > 0x", at: 7, trailing),
        bad("x.y > +", at: 6, value),
        bad("x.y < .5", at: 6, value),
        bad(#"x.y > "1""#, at: 6, value),
        bad("x.y = 'a' 'b'", at: 10, trailing),
        bad("x.y = a\"b", at: 7, trailing),
    ]

    static let transformers: [FilterCorpusCase] = [
        ok("len(proc.args) > 3"),
        ok("basename(proc.exepath) = bash"),
        ok("concat(proc.name, proc.pname) = ab"),
        ok(#"getopt(proc.args, "nt:") intersects (n, t)"#),
        ok(#"join(",", (proc.name, "x")) exists"#),
        ok("tolower(proc.name) = toupper(proc.pname)"),
        ok("proc.name = val(proc.pname)"),
        ok("proc.name in val(proc.pname)"),
        ok("evt.num > val(evt.num)"),
        ok("evt.num > len(proc.name)"),
        ok("tolower(proc.name, proc.pname) exists"),
        ok(#"tolower("x") exists"#),
        ok("len(1) = 2"),
        ok("len(0x1f) = 2"),
        ok("proc.name = val( proc.pname )", "proc.name = val(proc.pname)"),
        ok("proc.name = val(proc.aname[2])"),
        ok("proc.name = tolower(proc.aname[2])"),
        ok("proc.name = concat(proc.pname, \"x\")", #"proc.name = concat(proc.pname, "x")"#),
        ok("tolower(\nproc.name\n) = a", "tolower(proc.name) = a"),
        bad("toupper() exists", at: 8, transformerArg),
        bad("tolower(proc.name,) exists", at: 18, transformerArg),
        bad("proc.name = val(proc.pname", at: 26, closeParen),
        bad("proc.name = val()", at: 16, field),
        bad("proc.name = val(proc.pname, proc.name)", at: 26, closeParen),
        bad("tolower(bare) exists", at: 8, transformerArg),
        bad("tolower(proc.name)", at: 18, op),
        bad("TOLOWER(proc.name) exists", at: 7, trailing),
        bad("proc.name in (val(proc.pname))", at: 17, closeParen),
    ]

    static let modifiers: [FilterCorpusCase] = [
        ok("proc.name == oneof (myexe, bash)"),
        ok("proc.name startswith anyof (ssh, sudo, systemd)"),
        ok("proc.name != allof ()"),
        ok("proc.name = anyof"),
        ok("proc.name =anyof(a,b)", "proc.name = anyof (a, b)"),
        ok(#"proc.name contains oneof ("a b", 'c')"#, #"proc.name contains oneof ("a b", c)"#),
        ok(#"proc.name regex anyof ("^python[23]\\.[0-9]+$", "^node[0-9]+$")"#, #"proc.name regex anyof (^python[23]\.[0-9]+$, ^node[0-9]+$)"#),
        ok("proc.name = anyof and x"),
        ok("proc.name glob allof (/a*, *b)"),
        ok("proc.name bcontains anyof (cafe, babe)"),
        ok("proc.name endswith oneof\n(a)", "proc.name endswith oneof (a)"),
        ok("toupper(proc.name) != allof (BASH, SH)"),
        ok("proc.name == oneof (myexe) and proc.name != allof (bash, sh)"),
        ok("proc.name = oneof", "proc.name = oneof"),
        ok("proc.name in (anyof)"),
        bad("proc.name > anyof (1)", at: 12, value),
        bad("proc.name in anyof (a)", at: 19, trailing),
        bad("proc.name = oneof (a", at: 20, closeParen),
        bad("proc.name = oneof (a,)", at: 21, value),
        bad("proc.name = allof(val(x.y))", at: 21, closeParen),
        bad("proc.name = someof (a)", at: 19, trailing),
    ]

    /// libs behaviours that look surprising but are what Falco does.
    static let quirks: [FilterCorpusCase] = [
        // `in` is matched as a prefix: the rest is a list identifier.
        ok("proc.name inside", "proc.name in side"),
        // `contains` matched without a blank makes the string operators give up, then `in` matches.
        ok("proc.name containsin (a)", "proc.name in (a)"),
        // A first list item that fails (here: a bad escape) means "empty list".
        ok(#"proc.name in ("a\'")"#, "proc.name in ()"),
        // A macro may be called `not`, `and` or `or`.
        ok("not not", "not not"),
        ok("a and or", "a and or"),
        // Numbers are strings for string operators.
        ok("proc.name = 1e5"),
        bad(#"proc.name in ("a" "b")"#, at: 18, closeParen),
        bad("proc.name in (a b)", at: 16, closeParen),
        bad("proc.name == == x", at: 13, value),
        bad("proc.name <> 1", at: 11, value),
        bad("proc.name ~= x", at: 10, op),
        bad("proc.name like x", at: 10, op),
        bad("proc.name", at: 9, op),
        bad("proc.name =", at: 11, value),
        bad("proc.name = 'abc", at: 12, value),
        bad(#"proc.name = "abc"#, at: 12, value),
        bad("proc.name exists exists", at: 17, trailing),
        bad("proc.name = a b", at: 14, trailing),
    ]

    // MARK: Generated: every operator with every value shape

    static let operatorGrid: [FilterCorpusCase] = {
        var cases: [FilterCorpusCase] = []
        let stringOperators = ["=", "==", "!=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
            "endswith", "glob", "iglob", "regex"]
        let stringValues: [(String, String)] = [
            ("bash", "bash"), ("'bash'", "bash"), (#""a b""#, #""a b""#), (#""""#, #""""#), ("12", "12"),
            ("/usr/bin/*", "/usr/bin/*"), ("val(p.q)", "val(p.q)"), ("tolower(p.q)", "tolower(p.q)"),
            ("len(p.q)", "len(p.q)"), ("p.q", "p.q"),
        ]
        for op in stringOperators {
            for (written, canonical) in stringValues {
                cases.append(ok("x.y \(op) \(written)", "x.y \(op) \(canonical)"))
            }
            cases.append(ok("x.y \(op) anyof (a, 'b c')", #"x.y \#(op) anyof (a, "b c")"#))
            cases.append(bad("x.y \(op) (a)", at: 5 + op.utf8.count, value))
            let isWord = op.first?.isLetter == true
            // A word operator at the very end has no blank after it: the operator itself is refused.
            cases.append(bad("x.y \(op)", at: 4 + op.utf8.count, isWord ? .expectedOperator : value))
        }
        for op in ["contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "regex"] {
            // Word operators need a blank after them.
            cases.append(bad("x.y \(op)(a)", at: 4 + op.utf8.count, .expectedOperator))
        }
        for op in ["<", "<=", ">", ">="] {
            for (written, canonical) in [("1", "1"), ("-1", "-1"), ("0x1F", "0x1F"), ("1.5", "1.5"), ("+2e-3", "+2e-3"),
                ("val(p.q)", "val(p.q)"), ("len(p.q)", "len(p.q)")]
            {
                cases.append(ok("x.y \(op) \(written)", "x.y \(op) \(canonical)"))
            }
            cases.append(bad("x.y \(op) abc", at: 5 + op.utf8.count, value))
            cases.append(bad("x.y \(op) anyof (1)", at: 5 + op.utf8.count, value))
        }
        for op in ["in", "intersects", "pmatch"] {
            for (written, canonical) in [("(a, b)", "(a, b)"), ("()", "()"), ("my_list", "my_list"),
                ("('a b', \"c\")", #"("a b", c)"#), ("val(p.q)", "val(p.q)"), ("tolower(p.q)", "tolower(p.q)")]
            {
                cases.append(ok("x.y \(op) \(written)", "x.y \(op) \(canonical)"))
            }
            cases.append(bad("x.y \(op) /bin", at: 5 + op.utf8.count, value))
            cases.append(bad("x.y \(op) (a,", at: 8 + op.utf8.count, value))
        }
        return cases
    }()
}
