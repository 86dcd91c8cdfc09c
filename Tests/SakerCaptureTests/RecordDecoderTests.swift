import Testing
import SakerEvent
@testable import SakerCapture
import CSakerProbe

@Suite struct RecordDecoderTests {
    let decoder = RecordDecoder(bootToEpochOffset: 1_700_000_000_000_000_000)

    func decode(_ record: RecordBuilder) throws -> Event {
        let bytes = record.bytes
        return try bytes.withUnsafeBytes { raw in try decoder.decode(raw) }
    }

    @Test func decodesOpenatWithPathFlagsAndDirfd() throws {
        var r = RecordBuilder(ret: 3, args: [UInt64(bitPattern: -100), 0x7fff0000, 0o2000000, 0, 0, 0], tid: 200, pid: 199, nr: 257)
        r.string(1, "/etc/hostname")
        let e = try decode(r)
        #expect(e.type == .openat)
        #expect(e.tid == 200 && e.pid == 199)
        #expect(e.timestamp == 1_700_000_000_000_001_000)
        #expect(e.result == 3)
        #expect(e.param("dirfd") == .fd(-100))
        #expect(e.param("name") == .string("/etc/hostname"))
        #expect(e.param("flags") == .flags(0o2000000, .openFlags))
        #expect(e.params.map(\.name) == ["fd", "dirfd", "name", "flags", "mode", "dev", "ino"])
    }

    @Test func decodesFailedCallsAsNegativeErrno() throws {
        var r = RecordBuilder(ret: -2, nr: 87)
        r.string(1, "/tmp/missing")
        let e = try decode(r)
        #expect(e.type.name == "unlink")
        #expect(e.param("res") == .errno(-2))
        #expect(e.failed)
        #expect(e.param("path") == .string("/tmp/missing"))
    }

    @Test func decodesConnectTupleWithClientFirst() throws {
        var r = RecordBuilder(ret: 0, args: [5, 0, 16, 0, 0, 0], nr: 42)
        var tuple: [UInt8] = RecordBuilder.le(UInt16(2)) + RecordBuilder.le(UInt16(40000)) + RecordBuilder.le(UInt16(8080)) + [0, 0]
        tuple += [127, 0, 0, 1] + Array(repeating: 0, count: 12) + [127, 0, 0, 2] + Array(repeating: 0, count: 12)
        r.blobs.append((5, 0, tuple))
        r.blobs.append((4, 0, [2, 0, 0x1f, 0x90, 127, 0, 0, 2] + Array(repeating: 0, count: 8)))
        let e = try decode(r)
        #expect(e.param("tuple") == .tuple(SocketTuple(client: .inet(.v4(127, 0, 0, 1), port: 40000), server: .inet(.v4(127, 0, 0, 2), port: 8080))))
        #expect(e.param("addr") == .address(.inet(.v4(127, 0, 0, 2), port: 8080)))
        #expect(e.param("fd") == .fd(5))
    }

    @Test func acceptPutsThePeerFirst() throws {
        var r = RecordBuilder(ret: 6, nr: 43)
        var tuple: [UInt8] = RecordBuilder.le(UInt16(2)) + RecordBuilder.le(UInt16(80)) + RecordBuilder.le(UInt16(51000)) + [0, 0]
        tuple += [10, 0, 0, 1] + Array(repeating: 0, count: 12) + [10, 0, 0, 9] + Array(repeating: 0, count: 12)
        r.blobs.append((5, 0, tuple))
        let e = try decode(r)
        #expect(e.param("tuple") == .tuple(SocketTuple(client: .inet(.v4(10, 0, 0, 9), port: 51000), server: .inet(.v4(10, 0, 0, 1), port: 80))))
    }

    @Test func decodesPipeFds() throws {
        var r = RecordBuilder(ret: 0, nr: 293)
        r.blobs.append((6, 0, RecordBuilder.le(Int32(3)) + RecordBuilder.le(Int32(4))))
        let e = try decode(r)
        #expect(e.type == .pipe2 && e.param("fd1") == .fd(3) && e.param("fd2") == .fd(4))
    }

    @Test func decodesExecWithPathsArgsAndCgroup() throws {
        var r = RecordBuilder(kind: 2, nr: 59)
        r.tid = 300; r.pid = 300
        r.blobs.append((8, 0, RecordBuilder.procInfo(tid: 300, pid: 300, ptid: 299, ppid: 299, comm: "cat")))
        r.blobs.append((9, 0, RecordBuilder.leafFirst("/usr/bin/cat")))
        r.blobs.append((10, 0, RecordBuilder.leafFirst("/home/user")))
        r.blobs.append((11, 0, Array("cat\0/etc/hostname\0".utf8)))
        r.blobs.append((13, 0, RecordBuilder.leafFirst("/process_api/abc")))
        r.blobs.append((14, 0, Array("/bin/cat".utf8)))
        let e = try decode(r)
        #expect(e.type == .execve)
        #expect(e.param("exe") == .string("cat"))
        #expect(e.param("args") == .strings(["/etc/hostname"]))
        #expect(e.param("trusted_exepath") == .string("/usr/bin/cat"))
        #expect(e.param("cwd") == .string("/home/user"))
        #expect(e.param("comm") == .string("cat"))
        #expect(e.param("ptid") == .pid(299))
        #expect(e.param("cgroups") == .strings(["0::/process_api/abc"]))
        #expect(e.param("filename") == .string("/bin/cat"))
        #expect(e.param("tty") == .uint(34816))
        #expect(e.param("loginuid") == .int(1000))
    }

    @Test func rootCwdAndMemfdExe() throws {
        var r = RecordBuilder(kind: 2, nr: 322)
        r.blobs.append((8, 0, RecordBuilder.procInfo(tid: 1, pid: 1, ptid: 0, ppid: 0, comm: "x", exeFlags: 4)))
        r.blobs.append((9, 0, Array("memfd:payload\0".utf8)))
        r.blobs.append((10, 0, []))
        let e = try decode(r)
        #expect(e.type == .execveat)
        #expect(e.param("trusted_exepath") == .string("/memfd:payload (deleted)"))
        #expect(e.param("cwd") == .string("/"))
        #expect(e.param("flags") == .flags(4, .execFlags))
    }

    @Test func forkIsTheChildSideCloneEvent() throws {
        var r = RecordBuilder(kind: 3, nr: 56)
        r.tid = 401; r.pid = 401
        r.blobs.append((8, 0, RecordBuilder.procInfo(tid: 401, pid: 401, ptid: 400, ppid: 400, comm: "sh", cloneFlags: 0x1200011)))
        let e = try decode(r)
        #expect(e.type == .clone && e.tid == 401 && e.result == 0)
        #expect(e.param("ptid") == .pid(400))
        #expect(e.param("flags") == .flags(0x1200011, .cloneFlags))
    }

    @Test func exitCarriesStatusAndGroupDeath() throws {
        let r = RecordBuilder(args: [0x0100, 1, 1, 0, 0, 0], kind: 4)
        let e = try decode(r)
        #expect(e.type == .procexit)
        #expect(e.param("ret") == .int(1))
        #expect(e.param("group_dead") == .uint(1))
    }

    @Test func unknownSyscallsKeepRawArguments() throws {
        let r = RecordBuilder(ret: 7, args: [1, 2, 3, 4, 5, 6], nr: 39) // getpid
        let e = try decode(r)
        #expect(e.type.name == "getpid")
        #expect(e.params.map(\.name) == ["res", "a0", "a1", "a2", "a3", "a4", "a5"])
    }

    @Test func truncatedPathsDecodeWhatArrived() throws {
        var r = RecordBuilder(ret: 3, nr: 2)
        r.blobs.append((1, 1, Array("/very/long/pa".utf8)))
        #expect(try decode(r).param("name") == .string("/very/long/pa"))
    }

    @Test func malformedRecordsThrowWithoutCrashing() {
        let short: [UInt8] = Array(repeating: 0, count: 40)
        #expect(throws: RecordDecodeError.self) { try short.withUnsafeBytes { try decoder.decode($0) } }

        var badKind = RecordBuilder(nr: 2)
        badKind.kind = 9
        #expect(throws: RecordDecodeError(reason: "unknown record kind 9", offset: 72)) { try decode(badKind) }

        var overrun = RecordBuilder(nr: 2)
        overrun.blobs.append((1, 0, Array("abc".utf8)))
        var bytes = overrun.bytes
        bytes[82] = 200 // blob length beyond the record
        #expect(throws: RecordDecodeError.self) { try bytes.withUnsafeBytes { try decoder.decode($0) } }

        var lying = RecordBuilder(nr: 2)
        lying.lengthOverride = 500
        #expect(throws: RecordDecodeError.self) { try decode(lying) }

        var badSyscall = RecordBuilder(nr: 600)
        badSyscall.kind = 1
        #expect(throws: RecordDecodeError.self) { try decode(badSyscall) }

        var execWithoutInfo = RecordBuilder(nr: 59)
        execWithoutInfo.kind = 2
        #expect(throws: RecordDecodeError.self) { try decode(execWithoutInfo) }

        // Every prefix of a valid record either decodes or throws.
        var exec = RecordBuilder(kind: 2, nr: 59)
        exec.blobs.append((8, 0, RecordBuilder.procInfo(tid: 1, pid: 1, ptid: 0, ppid: 0, comm: "a")))
        exec.blobs.append((11, 0, Array("a\0b\0".utf8)))
        let full = exec.bytes
        for cut in 0..<full.count {
            var prefix = Array(full[0..<cut])
            if cut >= 78 { prefix[76] = UInt8(cut & 0xff); prefix[77] = UInt8(cut >> 8) }
            _ = try? prefix.withUnsafeBytes { try decoder.decode($0) }
        }
    }

    @Test func descriptorsNameTheArgumentsToCopy() {
        let openat = SyscallCatalog.descriptor(for: .openat, interesting: true)
        #expect(openat.interesting == 1 && openat.str_args.0 == 2)
        let connect = SyscallCatalog.descriptor(for: .connect, interesting: true)
        #expect(connect.sockaddr_arg == 2 && connect.sockaddr_len_arg == 3 && connect.tuple_fd == 2)
        let accept = SyscallCatalog.descriptor(for: .accept4, interesting: false)
        #expect(accept.interesting == 0 && accept.tuple_fd == 1)
        let symlinkat = SyscallCatalog.descriptor(for: EventType(name: "symlinkat")!, interesting: true)
        #expect(symlinkat.str_args.0 == 1 && symlinkat.str_args.1 == 3)
        #expect(SyscallCatalog.descriptor(for: .socketpair, interesting: true).fdpair_arg == 4)
    }
}
