/// The agent's effective configuration: every key of `saker.yaml`, each with its default.
///
/// Keys follow Falco's naming where Falco has the same setting. ``init()`` gives the defaults,
/// which equal ``DefaultConfiguration/text`` (the configuration that runs when no file exists).
/// Use ``ConfigurationLoader`` to build one from files, drop-ins, overrides and the environment;
/// ``rendered()`` writes it back as YAML.
public struct AgentConfiguration: Sendable, Equatable {
    /// `rules_files`: rules files and directories (whose `*.yaml`/`*.yml` files are loaded in
    /// lexical order), loaded in this order; later definitions win.
    public var rulesFiles: [String] = ["/usr/share/saker/rules/saker_rules.yaml", "/etc/saker/rules.d"]
    /// `priority`: the minimum priority of a rule for its alerts to be emitted.
    public var priority: Priority = .debug
    /// `json_output`: alerts as JSON objects rather than text lines.
    public var jsonOutput: Bool = false
    /// `json_include_output_property`: include the formatted `output` text in JSON alerts.
    public var jsonIncludeOutputProperty: Bool = true
    /// `json_include_tags_property`: include the rule's `tags` in JSON alerts.
    public var jsonIncludeTagsProperty: Bool = true
    /// `rule_matching`: whether an event alerts for the first matching rule only, or for all.
    public var ruleMatching: RuleMatching = .first
    /// `outputs`: where alerts go.
    public var outputs = Outputs()
    /// `outputs_queue`: the bounded queue in front of each output.
    public var outputsQueue = OutputsQueue()
    /// `outputs_rate`: per-rule rate limiting of alerts.
    public var outputsRate = OutputsRate()
    /// `buffer`: the kernel-to-userspace ring buffer.
    public var buffer = Buffer()
    /// `syscall_event_drops`: what to do when the kernel drops events.
    public var syscallEventDrops = SyscallEventDrops()
    /// `watchdog`: pipeline stall detection and health reporting.
    public var watchdog = Watchdog()
    /// `metrics`: the Prometheus and health endpoint.
    public var metrics = Metrics()
    /// `log_level`: the agent's own log verbosity.
    public var logLevel: LogLevel = .info
    /// `self_exclusion`: skip the agent's own threads in the kernel, so it never alerts on itself.
    public var selfExclusion: Bool = true
    /// `state`: bounds of the process and fd tables.
    public var state = StateLimits()

    /// The defaults.
    public init() {}

    /// A rule priority, from most to least severe (Falco's names). The rules engine's own
    /// `RulePriority` is parsed from this name (SakerConfig does not depend on the engine).
    public enum Priority: String, Sendable, Hashable, CaseIterable {
        /// `emergency`
        case emergency
        /// `alert`
        case alert
        /// `critical`
        case critical
        /// `error`
        case error
        /// `warning`
        case warning
        /// `notice`
        case notice
        /// `informational` (`info` is accepted too)
        case informational
        /// `debug`
        case debug
    }

    /// How many rules an event may alert for.
    public enum RuleMatching: String, Sendable, Hashable, CaseIterable {
        /// Only the first matching rule, in load order (Falco's default).
        case first
        /// Every matching rule.
        case all
    }

    /// The agent's own log verbosity.
    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        /// `error`
        case error
        /// `warning`
        case warning
        /// `notice`
        case notice
        /// `info`
        case info
        /// `debug`
        case debug
    }

    /// `outputs`: one section per sink. Only `stdout` is enabled by default.
    public struct Outputs: Sendable, Equatable {
        /// `outputs.stdout`
        public var stdout = Stdout()
        /// `outputs.file`
        public var file = File()
        /// `outputs.syslog`
        public var syslog = Syslog()
        /// `outputs.journald`
        public var journald = Journald()
        /// `outputs.program`
        public var program = Program()
        /// `outputs.http`
        public var http = HTTP()
        /// `outputs.grpc`
        public var grpc = GRPC()

        /// The defaults.
        public init() {}

        /// `outputs.stdout`: alerts on standard output.
        public struct Stdout: Sendable, Equatable {
            /// `enabled` (default `true`).
            public var enabled = true
            /// The defaults.
            public init() {}
        }

        /// `outputs.file`: alerts appended to a file, reopened on SIGUSR1 (logrotate).
        public struct File: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// `path`: an absolute path (default `/var/log/saker/events.log`).
            public var path = "/var/log/saker/events.log"
            /// `keep_alive`: keep the file open between alerts (default `false`).
            public var keepAlive = false
            /// The defaults.
            public init() {}
        }

        /// `outputs.syslog`: alerts to the local syslog socket.
        public struct Syslog: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// `facility` (default `daemon`).
            public var facility: Facility = .daemon
            /// The defaults.
            public init() {}

            /// A syslog facility.
            public enum Facility: String, Sendable, Hashable, CaseIterable {
                /// `kern`
                case kern
                /// `user`
                case user
                /// `mail`
                case mail
                /// `daemon`
                case daemon
                /// `auth`
                case auth
                /// `syslog`
                case syslog
                /// `lpr`
                case lpr
                /// `news`
                case news
                /// `uucp`
                case uucp
                /// `cron`
                case cron
                /// `authpriv`
                case authpriv
                /// `ftp`
                case ftp
                /// `local0`
                case local0
                /// `local1`
                case local1
                /// `local2`
                case local2
                /// `local3`
                case local3
                /// `local4`
                case local4
                /// `local5`
                case local5
                /// `local6`
                case local6
                /// `local7`
                case local7
            }
        }

        /// `outputs.journald`: alerts to the systemd journal with structured fields.
        public struct Journald: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// The defaults.
            public init() {}
        }

        /// `outputs.program`: alert lines piped to a command's standard input.
        public struct Program: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// `command`: run with `/bin/sh -c` (default empty; required when enabled).
            public var command = ""
            /// `keep_alive`: one long-running process rather than one per alert (default `false`).
            public var keepAlive = false
            /// The defaults.
            public init() {}
        }

        /// `outputs.http`: each alert's JSON POSTed to a URL (Falcosidekick's input format).
        public struct HTTP: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// `url`: `http://` or `https://` (default empty; required when enabled).
            public var url = ""
            /// `timeout`: per request (default `5s`).
            public var timeout = ConfigDuration.seconds(5)
            /// `ca_file`: an absolute path to a CA bundle (default empty: the system's).
            public var caFile = ""
            /// `client_cert`: an absolute path to a client certificate (default empty: none).
            public var clientCert = ""
            /// `client_key`: an absolute path to the client certificate's key (default empty: none).
            public var clientKey = ""
            /// `retries`: attempts after the first, with backoff (default `3`, 0…100).
            public var retries = 3
            /// The defaults.
            public init() {}
        }

        /// `outputs.grpc`: Falco's `falco.outputs.service` on a unix socket.
        public struct GRPC: Sendable, Equatable {
            /// `enabled` (default `false`).
            public var enabled = false
            /// `socket`: an absolute path (default `/run/saker/saker.sock`).
            public var socket = "/run/saker/saker.sock"
            /// `mode`: the socket's permission bits, octal (default `0660`).
            public var mode: UInt32 = 0o660
            /// `group`: the socket's group (default `saker`).
            public var group = "saker"
            /// The defaults.
            public init() {}
        }
    }

    /// `outputs_queue`: the bounded queue in front of each output; a full queue drops (and counts).
    public struct OutputsQueue: Sendable, Equatable {
        /// `capacity`: alerts per output (default `10000`, 1…10000000).
        public var capacity = 10_000
        /// The defaults.
        public init() {}
    }

    /// `outputs_rate`: a token bucket per rule.
    public struct OutputsRate: Sendable, Equatable {
        /// `per_rule_per_second`: sustained alerts per second per rule; `0` means unlimited
        /// (default `0`).
        public var perRulePerSecond: Double = 0
        /// `burst`: alerts a rule may emit at once (default `1000`, ≥ 1).
        public var burst = 1000
        /// The defaults.
        public init() {}
    }

    /// `buffer`: the BPF ring buffer between kernel and agent.
    public struct Buffer: Sendable, Equatable {
        /// `ring_buffer_mib`: size in MiB, a power of two (default `8`, 1…1024).
        public var ringBufferMiB = 8
        /// `wakeup_kib`: the reader is woken once this much is pending (default `64`, 0…65536;
        /// 0 wakes it for every record).
        public var wakeupKiB = 64
        /// The defaults.
        public init() {}
    }

    /// `syscall_event_drops`: reacting to kernel drops (Falco's setting of the same name).
    public struct SyscallEventDrops: Sendable, Equatable {
        /// `threshold`: the fraction of dropped events (0…1) above which actions run (default `0.1`).
        public var threshold = 0.1
        /// `actions`: any of `log`, `alert` (default both).
        public var actions: [Action] = [.log, .alert]
        /// `rate`: actions per second, token bucket (default `0.03333`: one every 30 s).
        public var rate = 0.03333
        /// `max_burst`: actions at once (default `1`).
        public var maxBurst = 1
        /// The defaults.
        public init() {}

        /// What to do about drops.
        public enum Action: String, Sendable, Hashable, CaseIterable {
            /// Log a warning.
            case log
            /// Raise the internal alert `Saker internal: syscall event drops`.
            case alert
        }
    }

    /// `watchdog`: when a stalled pipeline stops the systemd watchdog pings.
    public struct Watchdog: Sendable, Equatable {
        /// `stall_timeout`: no progress for this long counts as a stall (default `30s`, 1s…1h).
        public var stallTimeout = ConfigDuration.seconds(30)
        /// `health_interval`: how often health is re-evaluated (default `5s`, 100ms…1h).
        public var healthInterval = ConfigDuration.seconds(5)
        /// The defaults.
        public init() {}
    }

    /// `metrics`: Prometheus `/metrics` and `/healthz`.
    public struct Metrics: Sendable, Equatable {
        /// `enabled` (default `false`).
        public var enabled = false
        /// `listen`: `host:port`, loopback by default (default `127.0.0.1:8765`).
        public var listen = "127.0.0.1:8765"
        /// The defaults.
        public init() {}
    }

    /// `state`: bounds of the process and fd tables kept from events.
    public struct StateLimits: Sendable, Equatable {
        /// `max_processes` (default `65536`, 64…4194304).
        public var maxProcesses = 65_536
        /// `max_fds_per_process` (default `1024`, 16…1048576).
        public var maxFDsPerProcess = 1024
        /// `exited_retention`: how long an exited process is kept for late events (default `1s`,
        /// 0ms…1h).
        public var exitedRetention = ConfigDuration.seconds(1)
        /// The defaults.
        public init() {}
    }
}
