/// The configuration that runs when `/etc/saker/saker.yaml` does not exist.
public enum DefaultConfiguration {
    /// Where the main configuration file is looked for.
    public static let mainPath = "/etc/saker/saker.yaml"
    /// Where drop-ins are looked for (`*.yaml` and `*.yml`, merged in lexical order).
    public static let dropInDirectory = "/etc/saker/config.d"
    /// The name diagnostics use for ``text``.
    public static let name = "<embedded default config>"

    /// Every key with its default value, as YAML. Decoding it gives `AgentConfiguration()`
    /// (a test keeps the two equal).
    public static let text = """
        # Saker's default configuration. Every key, with its default value.

        # Rules files and directories, loaded in order (directories: *.yaml and *.yml, lexically).
        rules_files:
          - /usr/share/saker/rules/saker_rules.yaml
          - /etc/saker/rules.d
        # Minimum rule priority to emit: emergency alert critical error warning notice informational debug.
        priority: debug
        json_output: false
        json_include_output_property: true
        json_include_tags_property: true
        # first: an event alerts for the first matching rule only; all: for every matching rule.
        rule_matching: first

        outputs:
          stdout:
            enabled: true
          file:
            enabled: false
            path: /var/log/saker/events.log
            keep_alive: false
          syslog:
            enabled: false
            facility: daemon
          journald:
            enabled: false
          program:
            enabled: false
            command: ""
            keep_alive: false
          http:
            enabled: false
            url: ""
            timeout: 5s
            ca_file: ""
            client_cert: ""
            client_key: ""
            retries: 3
          grpc:
            enabled: false
            socket: /run/saker/saker.sock
            mode: 0660
            group: saker
        # Alerts queued per output before it drops (and counts) them.
        outputs_queue:
          capacity: 10000
        # Per-rule token bucket; per_rule_per_second 0 means unlimited.
        outputs_rate:
          per_rule_per_second: 0
          burst: 1000

        buffer:
          ring_buffer_mib: 8   # a power of two
          wakeup_kib: 64
        syscall_event_drops:
          threshold: 0.1       # fraction of events dropped, 0..1
          actions: [log, alert]
          rate: 0.03333        # actions per second
          max_burst: 1
        watchdog:
          stall_timeout: 30s
          health_interval: 5s
        metrics:
          enabled: false
          listen: 127.0.0.1:8765
        # error warning notice info debug
        log_level: info
        self_exclusion: true
        state:
          max_processes: 65536
          max_fds_per_process: 1024
          exited_retention: 1s

        """
}
