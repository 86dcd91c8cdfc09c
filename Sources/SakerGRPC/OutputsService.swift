import GRPCCore

/// Falco's `falco.outputs.service`: `sub` streams alerts as they are raised until the client
/// goes away (or the agent stops); `get` streams the alerts queued so far and ends.
struct OutputsService: Falco_Outputs_service.ServiceProtocol {
    let hub: AlertHub

    /// The client's requests carry nothing (Falco's clients send one, or one per poll), so they
    /// are not read: the stream runs from the first moment on.
    func sub(
        request: StreamingServerRequest<Falco_Outputs_request>, context: ServerContext
    ) async throws -> StreamingServerResponse<Falco_Outputs_response> {
        StreamingServerResponse { writer in
            let subscription = hub.subscribe()
            defer { hub.unsubscribe(subscription.id) }
            try await writer.write(contentsOf: subscription.backlog)
            for await response in subscription.responses {
                try await writer.write(response)
            }
            return [:]
        }
    }

    func get(
        request: ServerRequest<Falco_Outputs_request>, context: ServerContext
    ) async throws -> StreamingServerResponse<Falco_Outputs_response> {
        let queued = hub.drainBacklog()
        return StreamingServerResponse { writer in
            try await writer.write(contentsOf: queued)
            return [:]
        }
    }
}
