/// Path joining and normalization with the semantics of libs' `sinsp_utils::concatenate_paths`,
/// so `fd.name`, `proc.cwd` and friends render exactly as Falco renders them.
///
/// The rules, taken from libs' own unit tests:
/// - An absolute `path` ignores the directory: `("/x/", "/etc//passwd")` → `/etc/passwd`.
/// - A relative `path` is appended to `directory` *as is*: the directory is expected to end
///   with `/` and is not cleaned (`("app/////", "a//b")` → `app/////a/b`; `("/app", "x")` →
///   `/appx`).
/// - In `path`, empty components and `.` are dropped, `..` removes the previous component,
///   including components of `directory`, but never the root (`("/", "../")` → `/`); a `..`
///   with nothing left to remove in a relative result is dropped (`("", "../a")` → `a`).
/// - A trailing `/` is removed, except for the root itself; an empty `path` gives `""`.
/// - Bytes that are not valid UTF-8, control characters and Unicode non-characters in `path`
///   become U+FFFD, as libs' `sanitize_string` does.
public enum PathNormalization {
    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// Joins `path` to `directory` (which should end with `/`) and normalizes the result.
    public static func concatenate(_ directory: String, _ path: String) -> String {
        if isCleanAbsolute(path) { return path }
        var pathCopy = path
        return pathCopy.withUTF8 { pathBytes -> String in
            guard !pathBytes.isEmpty else { return "" }
            var output: [UInt8] = []
            let absolute = pathBytes[0] == slash
            if absolute {
                output.reserveCapacity(pathBytes.count)
                output.append(slash)
            } else {
                output.reserveCapacity(directory.utf8.count + pathBytes.count)
                output.append(contentsOf: directory.utf8)
            }
            // The first component is glued to the directory as libs does (no separator added);
            // later ones are separated by exactly one slash.
            var separate = false
            var index = 0
            let count = pathBytes.count
            while index < count {
                if pathBytes[index] == slash {
                    index += 1
                    continue
                }
                var end = index
                while end < count && pathBytes[end] != slash { end += 1 }
                let length = end - index
                if length == 1 && pathBytes[index] == dot {
                    // "." adds nothing.
                } else if length == 2 && pathBytes[index] == dot && pathBytes[index + 1] == dot {
                    removeLastComponent(&output)
                } else {
                    if separate, let last = output.last, last != slash { output.append(slash) }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: pathBytes[index..<end]))
                    separate = true
                }
                index = end
            }
            while output.count > 1 && output.last == slash { output.removeLast() }
            return makeString(output)
        }
    }

    /// Normalizes a path on its own: `concatenate("", path)`.
    public static func normalize(_ path: String) -> String { concatenate("", path) }

    /// The directory part to join relative names to, as libs derives it from a directory's
    /// `fd.name` or a cwd: the name itself when it is empty or ends with `/`, else name + `/`.
    public static func directoryPrefix(_ name: String) -> String {
        if name.isEmpty || name.utf8.last == slash { return name }
        return name + "/"
    }

    /// True for an absolute path that normalization would return unchanged (printable ASCII, no
    /// empty, `.` or `..` component, no trailing slash): the common case, answered without
    /// copying.
    private static func isCleanAbsolute(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard utf8.first == slash else { return false }
        if utf8.count == 1 { return true }
        return utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes[bytes.count - 1] != slash else { return false }
            var componentStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte >= 0x20 && byte < 0x7f else { return false }
                guard byte == slash else { continue }
                let length = index - componentStart
                if index > 0 {
                    // The component that just ended: empty, "." or "..".
                    if length == 0 { return false }
                    if length == 1 && bytes[componentStart] == dot { return false }
                    if length == 2 && bytes[componentStart] == dot && bytes[componentStart + 1] == dot { return false }
                }
                componentStart = index + 1
            }
            let length = bytes.count - componentStart
            if length == 1 && bytes[componentStart] == dot { return false }
            if length == 2 && bytes[componentStart] == dot && bytes[componentStart + 1] == dot { return false }
            return true
        } ?? false
    }

    /// Removes the last component of `output` (and the slashes after it), keeping a leading root.
    private static func removeLastComponent(_ output: inout [UInt8]) {
        while output.count > 1 && output.last == slash { output.removeLast() }
        if output.count == 1 && output[0] == slash { return }
        while let last = output.last, last != slash { output.removeLast() }
    }

    /// Builds the string, replacing what libs' `sanitize_string` replaces (the directory part
    /// comes from state that is already clean, so sanitizing it again changes nothing).
    private static func makeString(_ bytes: [UInt8]) -> String {
        if !bytes.contains(where: { $0 < 0x20 || $0 >= 0x7f }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Invalid UTF-8 is replaced by maximal subparts during decoding; then control characters
        // and non-characters are replaced too.
        let decoded = String(decoding: bytes, as: UTF8.self)
        var result = String.UnicodeScalarView()
        for scalar in decoded.unicodeScalars {
            result.append(isPrintable(scalar) ? scalar : "\u{FFFD}")
        }
        return String(result)
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7f && value < 0xa0) { return false }
        if value >= 0xfdd0 && value <= 0xfdef { return false }
        if value & 0xfffe == 0xfffe { return false }
        return true
    }
}
