import SakerEvent

// Process lifecycle: snapshot, fork/clone, exec, exit, and the per-process attributes that
// syscalls change (credentials, session, capabilities, directories).
extension ProcessTable {
    /// A process that existed when capture started (or that the resolver read from `/proc`).
    mutating func applySnapshot(_ event: Event) -> ProcessEntry? {
        let pid = event.int("pid") ?? event.pid
        guard pid > 0 else { return nil }
        let existing = processes[pid]
        if let existing, existing.isAlive, !existing.isPlaceholder {
            // Events got here first; they are newer than `/proc`.
            return existing
        }
        let process: ProcessEntry
        let isNew: Bool
        if let existing, existing.isAlive {
            process = existing
            isNew = false
        } else {
            process = ProcessEntry(pid: pid, timestamp: event.timestamp)
            isNew = true
        }
        process.origin = .snapshot
        process.isPlaceholder = false
        process.vpid = pid
        fill(process, from: event, isNewProcess: true)
        if let ptid = event.int("ptid") { process.ppid = threadGroup(of: ptid) ?? ptid }
        if let lines = event.strings("fds") {
            for line in lines {
                guard let (fd, info) = SnapshotDescriptor.decode(line) else { continue }
                if !process.fds.insert(info, at: fd, limit: limits.maxFdsPerProcess) { counters.fdsDropped += 1 }
            }
        }
        if isNew {
            guard insert(process) else { return nil }
        }
        if !link(process) && process.ppid > 0 { needsRelink = true }
        return process
    }

    /// Fork, vfork, clone, clone3: the child's side (result 0) creates the child from its parent;
    /// the caller's side (result = child tid) creates it only if the child's side has not been
    /// seen, as libs does for robustness against drops.
    mutating func applyClone(_ event: Event) -> ProcessEntry? {
        guard let result = event.result, result >= 0 else { return entry(for: event) }
        let flags = event.uint("flags") ?? 0
        if result > 0 { return applyCloneCaller(event, childTID: result, flags: flags) }

        let childTID = event.int("tid") ?? event.tid
        let childPID = event.int("pid") ?? event.pid
        if flags & LinuxConstants.cloneThread != 0 || childTID != childPID {
            var group = processes[childPID]
            if group?.isAlive != true { group = resolve(id: childPID, tid: childPID, timestamp: event.timestamp) }
            guard let process = group else { return nil }
            let vtid = event.int("vtid") ?? (process.vpid == process.pid ? childTID : -1)
            registerThread(childTID, in: process, vtid: vtid, at: event.timestamp)
            return process
        }

        if let existing = processes[childPID], existing.isAlive, existing.origin == .callerClone {
            // The caller's side got here first; refine it with the child's own view unless the
            // child already moved on to an exec.
            if existing.lastExecTime == 0 { updateFromClone(existing, event) }
            existing.origin = .childClone
            return existing
        }

        let creatorTID = event.int("ptid") ?? -1
        var caller: ProcessEntry?
        if let callerPID = threadGroup(of: creatorTID), let known = processes[callerPID], known.isAlive {
            caller = known
        } else if creatorTID > 0 {
            caller = resolve(id: creatorTID, tid: creatorTID, timestamp: event.timestamp)
        }
        let child: ProcessEntry
        if let caller {
            child = ProcessEntry(forkOf: caller, pid: childPID, timestamp: event.timestamp)
            child.ppid = flags & LinuxConstants.cloneParent != 0 ? caller.ppid : caller.pid
        } else {
            child = ProcessEntry(pid: childPID, timestamp: event.timestamp)
            child.ppid = creatorTID
            child.isPlaceholder = true
        }
        child.origin = .childClone
        updateFromClone(child, event)
        guard insert(child) else { return nil }
        return child
    }

    private mutating func applyCloneCaller(_ event: Event, childTID: Int64, flags: UInt64) -> ProcessEntry? {
        guard let caller = entry(for: event) else { return nil }
        // A vforked child can exec and exit before the caller returns; never resurrect it.
        if flags & LinuxConstants.cloneVfork != 0 || event.type == .vfork { return caller }
        // Inside a pid namespace the result is a namespace-local id, useless on the host.
        if flags & LinuxConstants.cloneNewPID != 0 || (caller.vpid > 0 && caller.vpid != caller.pid) { return caller }
        if processes[childTID] != nil || threads[childTID] != nil { return caller }
        if flags & LinuxConstants.cloneThread != 0 {
            registerThread(childTID, in: caller, vtid: childTID, at: event.timestamp)
            return caller
        }
        let child = ProcessEntry(forkOf: caller, pid: childTID, timestamp: event.timestamp)
        child.ppid = flags & LinuxConstants.cloneParent != 0 ? caller.ppid : caller.pid
        child.origin = .callerClone
        insert(child)
        return caller
    }

    private func updateFromClone(_ child: ProcessEntry, _ event: Event) {
        if let comm = event.string("comm"), !comm.isEmpty { child.comm = comm }
        if let uid = event.uint("uid") { child.uid = UInt32(truncatingIfNeeded: uid) }
        if let gid = event.uint("gid") { child.gid = UInt32(truncatingIfNeeded: gid) }
        if let vpid = event.int("vpid"), vpid > 0 { child.vpid = vpid }
    }

    /// A successful execve/execveat: the program, its arguments, environment, credentials and
    /// executable attributes change; other threads die; close-on-exec descriptors close.
    mutating func applyExec(_ event: Event) -> ProcessEntry? {
        guard let result = event.result, result >= 0 else { return entry(for: event) }
        let pid = event.int("pid") ?? event.pid
        var process: ProcessEntry
        var isNew = false
        if let existing = processes[pid], existing.isAlive {
            process = existing
        } else {
            process = ProcessEntry(pid: pid, timestamp: event.uint("start_ts") ?? event.timestamp)
            process.origin = .exec
            isNew = true
        }
        let wasPlaceholder = process.isPlaceholder
        for tid in process.threadIDs { threads.removeValue(forKey: tid) }
        process.threadIDs.removeAll()
        fill(process, from: event, isNewProcess: isNew || wasPlaceholder)
        if isNew || wasPlaceholder || process.ppid <= 0, let ptid = event.int("ptid"), ptid > 0 {
            process.ppid = threadGroup(of: ptid) ?? ptid
        }
        process.lastExecTime = event.timestamp
        process.isPlaceholder = false
        process.fds.removeCloseOnExec()
        if isNew {
            guard insert(process) else { return nil }
        } else if wasPlaceholder {
            link(process)
        }
        return process
    }

    /// Copies the execve/procsnapshot parameters into `process`.
    private func fill(_ process: ProcessEntry, from event: Event, isNewProcess: Bool) {
        for param in event.params {
            let value = param.value
            switch param.name {
            case "exe": if let text = value.text { process.exe = text }
            case "args": if case .strings(let list) = value { process.args = list }
            case "comm": if let text = value.text, !text.isEmpty { process.comm = text }
            case "cwd":
                if let text = value.text, !text.isEmpty {
                    process.cwd = PathNormalization.directoryPrefix(PathNormalization.concatenate(process.cwd, text))
                }
            case "env": if case .strings(let list) = value { process.env = list }
            case "cgroups":
                if case .strings(let list) = value {
                    process.cgroups = list
                    process.container = ContainerID.parse(cgroupPaths: list)
                }
            case "tty": if let number = value.integer { process.tty = UInt32(truncatingIfNeeded: number) }
            case "pgid": if let number = value.integer { process.pgid = number }
            case "vpgid": if let number = value.integer { process.vpgid = number }
            case "sid": if let number = value.integer { process.sid = number }
            case "loginuid":
                if let number = value.integer {
                    process.loginUID = (number < 0 || number >= 0xffff_ffff) ? -1 : number
                }
            case "flags": if let number = value.integer { process.exeFlags = UInt64(bitPattern: number) }
            case "cap_inheritable": if let number = value.integer { process.capInheritable = UInt64(bitPattern: number) }
            case "cap_permitted": if let number = value.integer { process.capPermitted = UInt64(bitPattern: number) }
            case "cap_effective": if let number = value.integer { process.capEffective = UInt64(bitPattern: number) }
            case "exe_ino": if let number = value.integer { process.exeInode = UInt64(bitPattern: number) }
            case "exe_ino_ctime": if let number = value.integer { process.exeCtime = UInt64(bitPattern: number) }
            case "exe_ino_mtime": if let number = value.integer { process.exeMtime = UInt64(bitPattern: number) }
            case "uid":
                if let number = value.integer {
                    let uid = UInt32(truncatingIfNeeded: number)
                    process.uid = uid
                    process.savedUID = uid
                    if isNewProcess { process.realUID = uid }
                }
            case "gid":
                if let number = value.integer {
                    let gid = UInt32(truncatingIfNeeded: number)
                    process.gid = gid
                    process.savedGID = gid
                    if isNewProcess { process.realGID = gid }
                }
            case "trusted_exepath": if let text = value.text { process.exePath = text }
            case "vpid": if let number = value.integer, number > 0 { process.vpid = number }
            case "pidns": if let number = value.integer { process.pidNamespace = UInt64(bitPattern: number) }
            case "start_ts":
                if isNewProcess, let number = value.integer, number > 0 { process.startTime = UInt64(bitPattern: number) }
            default: break
            }
        }
        if process.exePath.isEmpty && process.exe.hasPrefix("/") { process.exePath = process.exe }
    }

    /// A thread ended; when `group_dead` says so (or, without it, when the main thread ended and
    /// no other thread is known) the whole process is marked exited.
    mutating func applyExit(_ event: Event) -> ProcessEntry? {
        guard let process = processes[event.pid] else { return nil }
        let groupDead: Bool
        if let flag = event.uint("group_dead") {
            groupDead = flag != 0
        } else {
            groupDead = event.tid == event.pid && process.threadIDs.isEmpty
        }
        if event.tid != event.pid { removeThread(event.tid) }
        if groupDead { terminate(process, at: event.timestamp, reaperTID: event.int("reaper_tid")) }
        return process
    }

    /// setuid, setgid, setreuid, setregid, setresuid, setresgid, on success, with the kernel's
    /// rules for which ids change (a privileged setuid changes all three).
    mutating func applyCredentials(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard event.result == 0 else { return }
        switch action {
        case .setuid:
            guard let uid = event.credential("uid") else { return }
            if process.uid == 0 {
                process.realUID = uid
                process.savedUID = uid
            }
            process.uid = uid
        case .setgid:
            guard let gid = event.credential("gid") else { return }
            if process.uid == 0 {
                process.realGID = gid
                process.savedGID = gid
            }
            process.gid = gid
        case .setreuid:
            let real = event.credential("ruid"), effective = event.credential("euid")
            let oldReal = process.realUID
            if let real { process.realUID = real }
            if let effective { process.uid = effective }
            if real != nil || (effective != nil && effective != oldReal) { process.savedUID = process.uid }
        case .setregid:
            let real = event.credential("rgid"), effective = event.credential("egid")
            let oldReal = process.realGID
            if let real { process.realGID = real }
            if let effective { process.gid = effective }
            if real != nil || (effective != nil && effective != oldReal) { process.savedGID = process.gid }
        case .setresuid:
            if let real = event.credential("ruid") { process.realUID = real }
            if let effective = event.credential("euid") { process.uid = effective }
            if let saved = event.credential("suid") { process.savedUID = saved }
        case .setresgid:
            if let real = event.credential("rgid") { process.realGID = real }
            if let effective = event.credential("egid") { process.gid = effective }
            if let saved = event.credential("sgid") { process.savedGID = saved }
        default: break
        }
    }

    /// setsid, capset, prctl(PR_SET_CHILD_SUBREAPER), and setns/unshare into a new user
    /// namespace (which grants every capability inside it, as libs models it).
    mutating func applyProcessAttribute(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard let result = event.result, result >= 0 else { return }
        switch action {
        case .setsid:
            process.sid = result
            process.pgid = process.pid
            process.vpgid = process.vpid
        case .capset:
            if let value = event.uint("cap_inheritable") { process.capInheritable = value }
            if let value = event.uint("cap_permitted") { process.capPermitted = value }
            if let value = event.uint("cap_effective") { process.capEffective = value }
        case .prctl:
            guard event.uint("option") == LinuxConstants.prSetChildSubreaper else { return }
            process.isChildSubreaper = (event.int("arg2_int") ?? 0) != 0
        case .namespaces:
            guard let flags = event.uint("flags") ?? event.uint("nstype"),
                flags & LinuxConstants.cloneNewUser != 0
            else { return }
            process.capInheritable = LinuxConstants.allCapabilities
            process.capPermitted = LinuxConstants.allCapabilities
            process.capEffective = LinuxConstants.allCapabilities
        default: break
        }
    }

    /// chdir, fchdir, chroot.
    mutating func applyDirectoryChange(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard event.result == 0 else { return }
        switch action {
        case .chdir:
            guard let path = event.string("path"), !path.isEmpty else { return }
            process.cwd = PathNormalization.directoryPrefix(PathNormalization.concatenate(process.cwd, path))
        case .fchdir:
            guard let fd = event.int("fd"), let info = process.fds[fd], !info.name.isEmpty else { return }
            process.cwd = PathNormalization.directoryPrefix(PathNormalization.concatenate(process.cwd, info.name))
        case .chroot:
            guard let path = event.string("path"), !path.isEmpty else { return }
            process.root = PathNormalization.concatenate(process.cwd, path)
        default: break
        }
    }
}
