import SakerState
import Testing

/// One join-and-normalize case: directory, path, what libs' `concatenate_paths` gives.
struct PathCase: CustomTestStringConvertible, Sendable {
    var directory: String
    var path: String
    var expected: String
    var testDescription: String { "(\"\(directory)\", \"\(path)\") → \"\(expected)\"" }
}

@Suite("Path normalization matches libs' concatenate_paths")
struct PathNormalizationTests {
    static let corpus: [PathCase] = [
        // libs' own unit-test cases.
        PathCase(directory: "", path: "", expected: ""),
        PathCase(directory: "", path: "../", expected: ""),
        PathCase(directory: "", path: "..", expected: ""),
        PathCase(directory: "/", path: "../", expected: "/"),
        PathCase(directory: "a", path: "../", expected: ""),
        PathCase(directory: "a/", path: "../", expected: ""),
        PathCase(directory: "", path: "/foo", expected: "/foo"),
        PathCase(directory: "foo/", path: "..//a", expected: "a"),
        PathCase(directory: "/foo/", path: "..//a", expected: "/a"),
        PathCase(directory: "heolo", path: "w////////////..//////.////////r.|", expected: "r.|"),
        PathCase(directory: "heolo", path: "w/////////////..//", expected: ""),
        PathCase(directory: "", path: "./", expected: ""),
        PathCase(directory: "", path: "dir/term", expected: "dir/term"),
        PathCase(directory: "", path: "//dir/term", expected: "/dir/term"),
        PathCase(directory: "/", path: "dir/term", expected: "/dir/term"),
        PathCase(directory: "", path: "///dir/term", expected: "/dir/term"),
        PathCase(directory: "", path: "./dir/term", expected: "dir/term"),
        PathCase(directory: "/", path: "//dir//////term", expected: "/dir/term"),
        PathCase(directory: "/", path: "/dir/term", expected: "/dir/term"),
        PathCase(directory: "../.../", path: "dir/././././../../.../term/", expected: "../.../term"),
        PathCase(directory: "../.../", path: "/app/custom/dir/././././../../.../term/", expected: "/app/.../term"),
        PathCase(directory: "../.../", path: "/app/custom/dir/././././../../term/", expected: "/app/term"),
        PathCase(directory: "./app", path: "custom/term", expected: "./appcustom/term"),
        PathCase(directory: "/app", path: "custom/term", expected: "/appcustom/term"),
        PathCase(directory: "app", path: "custom/term", expected: "appcustom/term"),
        PathCase(directory: "app/", path: "custom/term", expected: "app/custom/term"),
        PathCase(directory: "app/////", path: "custom////term", expected: "app/////custom/term"),
        PathCase(directory: "/", path: "/app/custom/dir/././././../../term/", expected: "/app/term"),
        PathCase(directory: "/", path: "////app", expected: "/app"),
        PathCase(directory: "/root/", path: "../😀", expected: "/😀"),
        PathCase(directory: "/root/", path: "../诶比西", expected: "/诶比西"),
        PathCase(directory: "/root/", path: "../\u{01}\u{1F}/test", expected: "/\u{FFFD}\u{FFFD}/test"),
        PathCase(directory: "/root/", path: "../\u{85}/test", expected: "/\u{FFFD}/test"),
        // What state tracking relies on.
        PathCase(directory: "", path: "/etc/../etc//passwd", expected: "/etc/passwd"),
        PathCase(directory: "/home/user/", path: "notes.txt", expected: "/home/user/notes.txt"),
        PathCase(directory: "/home/user/", path: "./a/./b", expected: "/home/user/a/b"),
        PathCase(directory: "/home/user/", path: "../../../../etc/shadow", expected: "/etc/shadow"),
        PathCase(directory: "/", path: "/../../..", expected: "/"),
        PathCase(directory: "/var/log/", path: "..", expected: "/var"),
        PathCase(directory: "/var/log/", path: ".", expected: "/var/log"),
        PathCase(directory: "/tmp/", path: "dir/", expected: "/tmp/dir"),
        PathCase(directory: "/tmp/", path: "dir///", expected: "/tmp/dir"),
        PathCase(directory: "/", path: "/", expected: "/"),
        PathCase(directory: "/x/", path: "//", expected: "/"),
        PathCase(directory: "/etc/", path: "..passwd", expected: "/etc/..passwd"),
        PathCase(directory: "/etc/", path: ".hidden/...", expected: "/etc/.hidden/..."),
        PathCase(directory: "<UNKNOWN>", path: "file", expected: "<UNKNOWN>file"),
        PathCase(directory: "/a/b/c/", path: "../../d/../e", expected: "/a/e"),
        PathCase(directory: "/srv/", path: "with space/file name", expected: "/srv/with space/file name"),
        // Already-clean absolute paths come back untouched; nearly clean ones do not.
        PathCase(directory: "/x/", path: "/etc/passwd", expected: "/etc/passwd"),
        PathCase(directory: "/x/", path: "/.hidden/...", expected: "/.hidden/..."),
        PathCase(directory: "/x/", path: "/a/.", expected: "/a"),
        PathCase(directory: "/x/", path: "/a/..", expected: "/"),
        PathCase(directory: "/x/", path: "/a/", expected: "/a"),
        PathCase(directory: "/x/", path: "/a/./b", expected: "/a/b"),
    ]

    @Test("concatenate", arguments: corpus)
    func concatenate(_ testCase: PathCase) {
        #expect(PathNormalization.concatenate(testCase.directory, testCase.path) == testCase.expected)
    }

    @Test func normalizeAloneCollapsesDotsAndSlashes() {
        #expect(PathNormalization.normalize("/etc/../etc//passwd") == "/etc/passwd")
        #expect(PathNormalization.normalize("/usr/bin/") == "/usr/bin")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let bytes: [UInt8] = Array("/root/../".utf8) + [0xff, 0xfe] + Array("/test".utf8)
        let path = String(decoding: bytes, as: UTF8.self)
        #expect(PathNormalization.concatenate("", path) == "/\u{FFFD}\u{FFFD}/test")
    }

    @Test(arguments: [[UInt8(0xef), 0xb7, 0x90], [0xef, 0xbf, 0xbf], [0xf0, 0x9f, 0xbf, 0xbe], [0xe1, 0x80]])
    func nonCharactersAndTruncatedSequencesBecomeOneReplacement(bytes: [UInt8]) {
        let path = String(decoding: Array("../".utf8) + bytes + Array("/test".utf8), as: UTF8.self)
        #expect(PathNormalization.concatenate("/root/", path) == "/\u{FFFD}/test")
    }

    @Test func directoryPrefixAddsOneSlash() {
        #expect(PathNormalization.directoryPrefix("/tmp") == "/tmp/")
        #expect(PathNormalization.directoryPrefix("/tmp/") == "/tmp/")
        #expect(PathNormalization.directoryPrefix("") == "")
    }
}
