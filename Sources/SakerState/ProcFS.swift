import Glibc

/// The few file-system reads `/proc` scanning needs, straight over Glibc (no Foundation): whole
/// small files into a reused buffer, symbolic links, numeric directory listings, `stat`.
/// Every call tolerates the file vanishing (a process exiting mid-scan): it returns nil.
enum ProcFS {
    /// Reads up to `limit` bytes of the file at `path` into `buffer` (whose contents it
    /// replaces) and returns how many bytes are valid, or nil when it cannot be read.
    static func read(_ path: String, into buffer: inout [UInt8], limit: Int) -> Int? {
        read(path, in: AT_FDCWD, into: &buffer, limit: limit)
    }

    /// Like ``read(_:into:limit:)`` for a name relative to an open directory.
    static func read(_ name: String, in directory: Int32, into buffer: inout [UInt8], limit: Int) -> Int? {
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        let initial = min(limit, 4096)
        if buffer.count < initial { buffer = [UInt8](repeating: 0, count: initial) }
        var total = 0
        while total < limit {
            if total == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, limit - buffer.count)))
            }
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.read(fd, base + total, raw.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return total > 0 ? total : nil
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Opens a directory to read names relative to it; the caller closes the descriptor.
    static func openDirectory(_ path: String, in directory: Int32 = AT_FDCWD) -> Int32? {
        let fd = openat(directory, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// The target of the symbolic link at `path`, or nil.
    static func readLink(_ path: String, in directory: Int32 = AT_FDCWD) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { storage -> String? in
            guard let base = storage.baseAddress else { return nil }
            let count = readlinkat(directory, path, base, storage.count)
            guard count > 0 else { return nil }
            let bytes = UnsafeRawBufferPointer(start: base, count: count)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The numeric entry names of a directory (`/proc`, `/proc/PID/fd`), in directory order,
    /// at most `limit` of them; nil when the directory cannot be opened.
    static func numericEntries(_ path: String, in directory: Int32 = AT_FDCWD, limit: Int) -> [Int64]? {
        guard let fd = openDirectory(path, in: directory) else { return nil }
        guard let stream = fdopendir(fd) else {
            _ = close(fd)
            return nil
        }
        defer { closedir(stream) }
        var numbers: [Int64] = []
        while numbers.count < limit, let entry = readdir(stream) {
            var name = entry.pointee.d_name
            let number = withUnsafeBytes(of: &name) { bytes -> Int64? in
                var value: Int64 = 0
                var digits = 0
                for byte in bytes {
                    if byte == 0 { break }
                    guard byte >= 0x30 && byte <= 0x39, digits < 18 else { return nil }
                    value = value * 10 + Int64(byte - 0x30)
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            if let number { numbers.append(number) }
        }
        return numbers
    }

    /// A `timespec` as ns since the epoch; times before the epoch count as 0.
    static func nanoseconds(_ time: timespec) -> UInt64 {
        guard time.tv_sec >= 0 else { return 0 }
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(clamping: time.tv_nsec)
    }

    /// `stat(2)` of `path`, following links; nil when it fails.
    static func status(_ path: String, in directory: Int32 = AT_FDCWD) -> stat? {
        var result = stat()
        guard fstatat(directory, path, &result, 0) == 0 else { return nil }
        return result
    }
}

/// Small parsers over the bytes of `/proc` files. They work on bytes, not `Character`s: grapheme
/// breaking is most of the cost of naive `String` splitting, and `/proc` text is ASCII.
enum ProcText {
    /// A run of bytes inside a read buffer.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// Splits `bytes[0..<count]` at `separator`, dropping one trailing empty piece.
    static func split(_ bytes: [UInt8], count: Int, separator: UInt8) -> [String] {
        var result: [String] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<count where buffer[index] == separator {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self))
                start = index + 1
            }
            if start < count {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<count]), as: UTF8.self))
            }
        }
        return result
    }

    /// The text of `bytes[0..<count]`.
    static func string(_ bytes: [UInt8], count: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[0..<count]), as: UTF8.self) }
    }

    /// Calls `body` with each line of `bytes[0..<count]`, newline excluded.
    static func forEachLine(_ bytes: [UInt8], count: Int, _ body: (Bytes) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            let all = UnsafeBufferPointer(rebasing: buffer[0..<count])
            var start = all.startIndex
            for index in all.indices where all[index] == 0x0a {
                body(all[start..<index])
                start = index + 1
            }
            if start < all.endIndex { body(all[start..<all.endIndex]) }
        }
    }

    /// The space- or tab-separated fields of a line.
    static func fields(_ line: Bytes) -> [Bytes] {
        var result: [Bytes] = []
        var start: Int?
        for index in line.indices {
            let byte = line[index]
            if byte == 0x20 || byte == 0x09 {
                if let begin = start {
                    result.append(line[begin..<index])
                    start = nil
                }
            } else if start == nil {
                start = index
            }
        }
        if let begin = start { result.append(line[begin..<line.endIndex]) }
        return result
    }

    /// True when `bytes` spell `literal`.
    static func equals(_ bytes: Bytes, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        var index = bytes.startIndex
        let pointer = literal.utf8Start
        for offset in 0..<literal.utf8CodeUnitCount {
            if bytes[index] != pointer[offset] { return false }
            index += 1
        }
        return true
    }

    /// A decimal number, optionally negative.
    static func decimal(_ bytes: Bytes) -> Int64? {
        var index = bytes.startIndex
        var negative = false
        if index < bytes.endIndex && bytes[index] == 0x2d {
            negative = true
            index += 1
        }
        guard index < bytes.endIndex, bytes.endIndex - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < bytes.endIndex {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// A hexadecimal number.
    static func hexadecimal(_ bytes: Bytes) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// The text of some bytes.
    static func text(_ bytes: Bytes) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self)
    }

    /// Whitespace-separated fields of a line of text.
    static func fields(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}
