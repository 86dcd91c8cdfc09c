internal import Glibc

/// Byte-level string operations of the filter operators, as libs' `flt_compare` does them on
/// C strings: no Unicode normalization, ASCII-only case folding.
enum EvaluatorMatching {
    /// Calls `body` with the UTF-8 bytes of `string` (no copy for native strings).
    @inline(__always)
    static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }

    @inline(__always)
    private static func same(_ a: UnsafeBufferPointer<UInt8>, at offset: Int, _ b: [UInt8]) -> Bool {
        b.withUnsafeBufferPointer { p in
            guard let left = a.baseAddress, let right = p.baseAddress else { return true }
            return memcmp(left + offset, right, b.count) == 0
        }
    }

    @inline(__always)
    static func equal(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard value.count == pattern.count else { return false }
        if pattern.isEmpty { return true }
        return same(value, at: 0, pattern)
    }

    @inline(__always)
    static func startsWith(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard value.count >= pattern.count else { return false }
        if pattern.isEmpty { return true }
        return same(value, at: 0, pattern)
    }

    @inline(__always)
    static func endsWith(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard value.count >= pattern.count else { return false }
        if pattern.isEmpty { return true }
        return same(value, at: value.count - pattern.count, pattern)
    }

    /// Substring search: `memchr` for the first byte, then `memcmp`.
    static func contains(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        if pattern.isEmpty { return true }
        guard value.count >= pattern.count, let base = value.baseAddress else { return false }
        let first = Int32(pattern[0])
        let last = value.count - pattern.count
        var start = 0
        while start <= last {
            guard let found = memchr(base + start, first, last - start + 1) else { return false }
            let offset = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if same(value, at: offset, pattern) { return true }
            start = offset + 1
        }
        return false
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Case-insensitive (ASCII) substring search; `pattern` is already lowercase.
    static func containsIgnoringCase(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        if pattern.isEmpty { return true }
        guard value.count >= pattern.count else { return false }
        let first = pattern[0]
        var start = 0
        let last = value.count - pattern.count
        while start <= last {
            if lower(value[start]) == first {
                var index = 1
                while index < pattern.count, lower(value[start + index]) == pattern[index] { index += 1 }
                if index == pattern.count { return true }
            }
            start += 1
        }
        return false
    }

    /// Byte-wise ordering (strcmp).
    static func compare(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Int {
        let count = min(value.count, pattern.count)
        for index in 0..<count where value[index] != pattern[index] {
            return value[index] < pattern[index] ? -1 : 1
        }
        return value.count == pattern.count ? 0 : (value.count < pattern.count ? -1 : 1)
    }

    /// `pmatch`: the value is one of the paths or lies below one of them (component-wise).
    static func pathPrefixMatch(_ value: UnsafeBufferPointer<UInt8>, _ prefixes: [[UInt8]]) -> Bool {
        for prefix in prefixes where startsWith(value, prefix) {
            if value.count == prefix.count || prefix.last == UInt8(ascii: "/") || value[prefix.count] == UInt8(ascii: "/") {
                return true
            }
        }
        return false
    }

    /// A `pmatch` entry: trailing slashes dropped except for `/` itself.
    static func pathPrefix(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return bytes
    }

    /// `glob`/`iglob`: fnmatch(3) without flags: `*` matches any run (slashes included), `?` one
    /// byte, `[…]` a set (`!` or `^` negates, ranges allowed), `\` quotes the next byte.
    static func glob(_ value: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], ignoringCase: Bool) -> Bool {
        var v = 0
        var p = 0
        var starP = -1
        var starV = 0
        @inline(__always) func fold(_ byte: UInt8) -> UInt8 { ignoringCase ? lower(byte) : byte }
        while v < value.count {
            if p < pattern.count {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starV = v
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    p += 1
                    v += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchBracket(pattern, p, fold(value[v]), fold) {
                    if matched {
                        p = next
                        v += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == UInt8(ascii: "\\"), p + 1 < pattern.count {
                        literal = pattern[p + 1]
                        next = p + 2
                    }
                    if fold(literal) == fold(value[v]) {
                        p = next
                        v += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starV += 1
            v = starV
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// Matches a bracket expression starting at `start`; nil when it is not well formed (then
    /// `[` is a literal).
    private static func matchBracket(
        _ pattern: [UInt8], _ start: Int, _ byte: UInt8, _ fold: (UInt8) -> UInt8
    ) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.count, pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^") {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.count {
            var c = pattern[index]
            if c == UInt8(ascii: "]") && !first {
                return (matched != negate, index + 1)
            }
            first = false
            if c == UInt8(ascii: "\\"), index + 1 < pattern.count {
                index += 1
                c = pattern[index]
            }
            if index + 2 < pattern.count, pattern[index + 1] == UInt8(ascii: "-"), pattern[index + 2] != UInt8(ascii: "]") {
                let high = pattern[index + 2]
                if fold(c) <= byte && byte <= fold(high) || c <= byte && byte <= high { matched = true }
                index += 3
                continue
            }
            if fold(c) == byte { matched = true }
            index += 1
        }
        return nil
    }

    /// Parses the hex text of `bcontains`/`bstartswith` (`cafebabe`) into bytes.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
