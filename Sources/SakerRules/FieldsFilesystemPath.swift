import SakerEvent
import SakerState

// `fs.path.*`: the path a filesystem syscall operates on, whatever the syscall calls it
// (libs' `sinsp_filter_check_fspath`): set only when the call succeeded.

extension FieldRegistry {
    /// Which parameter holds the path, the source and the target, per syscall.
    private enum PathRole {
        case path, source, target
    }

    /// `(syscall, role) → parameter name`; `fd` means the event's descriptor name.
    private static let pathParameters: [String: [PathRole: String]] = [
        "mkdir": [.path: "path"], "mkdirat": [.path: "path"], "rmdir": [.path: "path"], "unlink": [.path: "path"],
        "unlinkat": [.path: "name"], "open": [.path: "name"], "openat": [.path: "name"], "openat2": [.path: "name"],
        "chmod": [.path: "filename"], "fchmodat": [.path: "filename"], "fchmod": [.path: "fd"],
        "chown": [.path: "path"], "lchown": [.path: "path"], "fchown": [.path: "fd"], "fchownat": [.path: "pathname"],
        "quotactl": [.path: "special"], "umount": [.path: "name"], "umount2": [.path: "name"],
        "rename": [.source: "oldpath", .target: "newpath"], "renameat": [.source: "oldpath", .target: "newpath"],
        "renameat2": [.source: "oldpath", .target: "newpath"],
        "link": [.source: "newpath", .target: "oldpath"], "linkat": [.source: "newpath", .target: "oldpath"],
        "symlink": [.source: "linkpath", .target: "target"], "symlinkat": [.source: "linkpath", .target: "target"],
        "mount": [.source: "dev", .target: "dir"],
    ]

    /// The path of `role` for the event, resolved against the working directory unless `raw`.
    private static func fsPath(_ context: inout FieldContext, _ role: PathRole, raw: Bool) -> FieldValue? {
        let event = context.event
        guard let parameter = pathParameters[event.type.name]?[role], let result = event.result, result >= 0 else {
            return nil
        }
        if parameter == "fd" {
            guard let fd = context.fd() else { return nil }
            return .string(raw && !fd.rawName.isEmpty ? fd.rawName : fd.name)
        }
        guard let path = event.param(parameter)?.text else { return nil }
        if raw || path.utf8.first == UInt8(ascii: "/") {
            return .string(raw ? path : PathNormalization.normalize(path))
        }
        guard let cwd = context.process?.cwd else { return .string(path) }
        return .string(PathNormalization.concatenate(cwd, path))
    }

    /// `(directory descriptor, path)` parameter pairs of the `*at` calls, for `evt.abspath*`.
    private static let directoryRelativePaths: [String: (path: (String, String)?, source: (String, String)?, destination: (String, String)?)] = [
        "openat": (("dirfd", "name"), nil, nil), "openat2": (("dirfd", "name"), nil, nil),
        "unlinkat": (("dirfd", "name"), nil, nil), "mkdirat": (("dirfd", "path"), nil, nil),
        "fchmodat": (("dirfd", "filename"), nil, nil), "fchownat": (("dirfd", "pathname"), nil, nil),
        "renameat": (nil, ("olddirfd", "oldpath"), ("newdirfd", "newpath")),
        "renameat2": (nil, ("olddirfd", "oldpath"), ("newdirfd", "newpath")),
        "linkat": (nil, ("olddir", "oldpath"), ("newdir", "newpath")),
        "symlinkat": (nil, nil, ("linkdirfd", "linkpath")),
    ]

    /// The absolute path of a `(dirfd, path)` pair: relative paths resolve against the directory
    /// descriptor, or the working directory for `AT_FDCWD`.
    private static func absolutePath(_ context: inout FieldContext, _ pair: (String, String)?) -> FieldValue? {
        guard let (dirfdName, pathName) = pair, let path = context.event.param(pathName)?.text else { return nil }
        if path.utf8.first == UInt8(ascii: "/") { return .string(PathNormalization.normalize(path)) }
        guard let process = context.process else { return nil }
        let dirfd = context.event.param(dirfdName)?.integer ?? -100
        if dirfd == -100 { return .string(PathNormalization.concatenate(process.cwd, path)) }
        guard let directory = process.fds[dirfd] else { return nil }
        return .string(PathNormalization.concatenate(PathNormalization.directoryPrefix(directory.name), path))
    }

    static let filesystemPathFields: [FieldDefinition] = [
        FieldDefinition("evt.abspath", .string, "The absolute path of an `*at` call's (dirfd, path) argument.") { c, _ in
            absolutePath(&c, directoryRelativePaths[c.event.type.name]?.path)
        },
        FieldDefinition("evt.abspath.src", .string, "The absolute source path of renameat or linkat.") { c, _ in
            absolutePath(&c, directoryRelativePaths[c.event.type.name]?.source)
        },
        FieldDefinition("evt.abspath.dst", .string, "The absolute destination path of renameat, linkat or symlinkat.") {
            c, _ in absolutePath(&c, directoryRelativePaths[c.event.type.name]?.destination)
        },
        FieldDefinition("fs.path.name", .string, "The path a filesystem call operated on, resolved against the working directory.") {
            c, _ in fsPath(&c, .path, raw: false)
        },
        FieldDefinition("fs.path.nameraw", .string, "The path a filesystem call operated on, as passed.") { c, _ in
            fsPath(&c, .path, raw: true)
        },
        FieldDefinition("fs.path.source", .string, "The source path of rename, link, symlink or mount, resolved.") {
            c, _ in fsPath(&c, .source, raw: false)
        },
        FieldDefinition("fs.path.sourceraw", .string, "The source path of rename, link, symlink or mount, as passed.") {
            c, _ in fsPath(&c, .source, raw: true)
        },
        FieldDefinition("fs.path.target", .string, "The target path of rename, link, symlink or mount, resolved.") {
            c, _ in fsPath(&c, .target, raw: false)
        },
        FieldDefinition("fs.path.targetraw", .string, "The target path of rename, link, symlink or mount, as passed.") {
            c, _ in fsPath(&c, .target, raw: true)
        },
    ]
}
