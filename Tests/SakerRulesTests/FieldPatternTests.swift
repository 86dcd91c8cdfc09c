import SakerRules
import Testing

/// The pattern operators' engines on their own: `regex` (whole-value, RE2-style) and `glob`.
@Suite struct FieldPatternTests {
    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abcd", false), ("a.c", "abc", true), ("a.c", "a\nc", false),
        ("a*", "", true), ("a+", "", false), ("a+b", "aaab", true), ("colou?r", "color", true),
        ("(ab)+", "ababab", true), ("(ab)+", "ababa", false), ("a|bc", "bc", true), ("a|bc", "ac", false),
        ("x(a|b)*y", "xabbay", true), ("[a-c]{2,3}", "abc", true), ("[a-c]{2,3}", "abcd", false),
        ("[^/]+\\.so", "libc.so", true), ("[^/]+\\.so", "/lib/libc.so", false), ("\\d+", "12345", true),
        ("\\w+@\\w+", "a_b@c1", true), ("\\s", " ", true), ("[[:digit:]]{3}", "123", true),
        ("^/etc/.*$", "/etc/passwd", true), ("(?:a|b)c", "bc", true), ("a{3}", "aaa", true), ("a{3}", "aaaa", false),
        ("a.*?b", "axxb", true), ("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false),
    ])
    func regex(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try EvaluatorRegex(pattern).matches(text) == expected, "\(pattern) ~ \(text)")
    }

    @Test(arguments: ["(abc", "abc)", "[abc", "*a", "a{2", "[[:nope:]]"])
    func invalidRegexesAreRejected(_ pattern: String) {
        if pattern == "a{2" {
            // A brace that does not close a bound is a literal, as in RE2's POSIX mode.
            #expect((try? EvaluatorRegex(pattern))?.matches("a{2") == true)
            return
        }
        #expect(throws: EvaluatorRegex.SyntaxError.self, "\(pattern)") { try EvaluatorRegex(pattern) }
    }
}
