import ArgumentParser

/// The `saker` command line: a thin layer over the Saker modules.
@main
struct Saker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saker",
        abstract: "Saker watches what processes do on this host (through eBPF) and raises alerts from Falco rules.",
        discussion: """
            Start with `saker run` (as root, or with CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE, \
            CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH). `saker capture` records what happens as JSON \
            lines, and `saker replay` plays such a recording back, with no kernel access needed.
            """,
        version: SakerVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, StatusCommand.self, ListFieldsCommand.self, CaptureCommand.self, ReplayCommand.self, VersionCommand.self]
    )
}

/// The version of this build.
enum SakerVersion {
    static let current = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print Saker's version and the capture format it writes.")

    func run() {
        print("saker \(SakerVersion.current) (capture format 1, x86_64)")
    }
}
