import Testing
@testable import SakerGRPC

/// The hub behind the gRPC output, without a socket: exact counts, no timing.
@Suite struct AlertHubTests {
    private func responses(_ range: Range<Int>) -> [Falco_Outputs_response] {
        range.map { index in
            var response = Falco_Outputs_response()
            response.output = "alert \(index)"
            return response
        }
    }

    @Test func aNewSubscriberTakesTheWholeBacklogWhateverItsBufferSize() {
        let hub = AlertHub(backlogCapacity: 5_000, subscriberCapacity: 64)
        hub.publish(responses(0..<3_000))
        let subscription = hub.subscribe()
        #expect(subscription.backlog.map(\.output) == responses(0..<3_000).map(\.output))
        #expect(hub.counts == AlertHub.Counts(subscribers: 1, backlog: 0, backlogDropped: 0, subscriberDropped: 0))
    }

    @Test func aSubscriberThatDoesNotReadLosesExactlyWhatDoesNotFitItsBuffer() {
        let hub = AlertHub(backlogCapacity: 100, subscriberCapacity: 64)
        let subscription = hub.subscribe()
        hub.publish(responses(0..<256))
        #expect(hub.counts.subscriberDropped == 192)
        _ = subscription
    }

    @Test func aFullBacklogDropsTheOldestAndClosingCountsWhatIsLeft() {
        let hub = AlertHub(backlogCapacity: 10, subscriberCapacity: 64)
        hub.publish(responses(0..<15))
        #expect(hub.counts.backlogDropped == 5)
        #expect(hub.drainBacklog().map(\.output) == responses(5..<15).map(\.output))
        hub.publish(responses(15..<18))
        hub.close()
        #expect(hub.counts.backlogDropped == 8, "the three alerts nobody fetched count as dropped")
    }
}
