import SakerConfig
import SakerGRPC
import SakerOutputs

/// Builds the alert router the configuration's `outputs:` describe.
enum OutputSetup {
    /// One sink per enabled output, each behind its own bounded queue and thread.
    static func router(for configuration: AgentConfiguration, json forceJSON: Bool) throws(SinkError) -> OutputRouter {
        let outputs = configuration.outputs
        let format: AlertFormat = forceJSON || configuration.jsonOutput ? .json : .text
        var sinks: [OutputRouter.Output] = []
        if outputs.stdout.enabled { sinks.append(.init(name: "stdout", sink: StdoutSink(format: format))) }
        if outputs.file.enabled {
            sinks.append(.init(name: "file", sink: FileSink(path: outputs.file.path, format: format, keepAlive: outputs.file.keepAlive)))
        }
        if outputs.syslog.enabled {
            sinks.append(.init(name: "syslog", sink: SyslogSink(facility: outputs.syslog.facility, format: format)))
        }
        if outputs.journald.enabled { sinks.append(.init(name: "journald", sink: JournaldSink())) }
        if outputs.program.enabled {
            sinks.append(.init(name: "program", sink: ProgramSink(
                command: outputs.program.command, format: format, keepAlive: outputs.program.keepAlive)))
        }
        if outputs.http.enabled {
            let http = outputs.http
            sinks.append(.init(name: "http", sink: try HttpSink(.init(
                url: http.url, timeoutMilliseconds: http.timeout.milliseconds, retries: http.retries,
                caFile: http.caFile, clientCert: http.clientCert, clientKey: http.clientKey))))
        }
        if outputs.grpc.enabled {
            let grpc = outputs.grpc
            // The backlog kept for `get` is as large as an output queue.
            sinks.append(.init(name: "grpc", sink: try GrpcSink(.init(
                socket: grpc.socket, mode: grpc.mode, group: grpc.group,
                backlogCapacity: configuration.outputsQueue.capacity))))
        }
        let rate = configuration.outputsRate
        let limiter = rate.perRulePerSecond > 0 ? RuleRateLimiter(perSecond: rate.perRulePerSecond, burst: rate.burst) : .unlimited
        return try OutputRouter(outputs: sinks, queueCapacity: configuration.outputsQueue.capacity, rateLimit: limiter)
    }
}
