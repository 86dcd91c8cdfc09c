import SakerEvent

/// Builds raw probe records byte by byte, as the kernel side lays them out (saker_record.h).
struct RecordBuilder {
    var ts: UInt64 = 1_000
    var ret: Int64 = 0
    var args: [UInt64] = [0, 0, 0, 0, 0, 0]
    var tid: UInt32 = 100
    var pid: UInt32 = 100
    var kind: UInt16 = 1
    var nr: UInt16 = 0
    var cpu: UInt16 = 0
    var blobs: [(tag: UInt8, flags: UInt8, bytes: [UInt8])] = []
    /// Overrides the length field (for malformed records).
    var lengthOverride: UInt16?

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    mutating func string(_ tag: UInt8, _ text: String) { blobs.append((tag, 0, Array(text.utf8))) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out += Self.le(ts) + Self.le(ret)
        for a in args { out += Self.le(a) }
        out += Self.le(tid) + Self.le(pid) + Self.le(kind) + Self.le(nr)
        let body = blobs.reduce(0) { $0 + 4 + $1.bytes.count }
        out += Self.le(lengthOverride ?? UInt16(80 + body)) + Self.le(cpu)
        for blob in blobs {
            out += [blob.tag, blob.flags] + Self.le(UInt16(blob.bytes.count)) + blob.bytes
        }
        return out
    }

    /// A saker_proc_info blob.
    static func procInfo(tid: UInt32, pid: UInt32, ptid: UInt32, ppid: UInt32, uid: UInt32 = 0, comm: String,
                         exeFlags: UInt32 = 0, cloneFlags: UInt64 = 0, loginuid: UInt32 = 1000, tty: UInt32 = 34816) -> [UInt8] {
        var b: [UInt8] = []
        b += le(tid) + le(pid) + le(ptid) + le(ppid)                  // 0
        b += le(UInt32(tid)) + le(UInt32(pid)) + le(UInt32(pid)) + le(UInt32(pid)) + le(UInt32(pid)) // vtid vpid sid pgid vpgid
        b += le(uid) + le(uid) + le(uid) + le(uid)                    // uid gid euid egid
        b += le(loginuid) + le(tty) + le(exeFlags)                    // 52 56 60
        b += le(UInt64(0)) + le(UInt64(0x1ff_ffff_ffff)) + le(UInt64(0x1ff_ffff_ffff)) // caps 64 72 80
        b += le(UInt64(42)) + le(UInt64(7)) + le(UInt64(8)) + le(UInt64(500)) + le(cloneFlags) // 88..127
        b += le(UInt32(4026531836)) + le(UInt32(1024))                // 128 132
        var c = Array(comm.utf8.prefix(15))
        c += Array(repeating: 0, count: 16 - c.count)
        b += c
        precondition(b.count == 152)
        return b
    }

    /// Path components leaf first, NUL-terminated.
    static func leafFirst(_ path: String) -> [UInt8] {
        path.split(separator: "/").reversed().flatMap { Array($0.utf8) + [0] }
    }
}
