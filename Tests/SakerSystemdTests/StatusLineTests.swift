import Testing
import SakerSystemd

@Suite("StatusLine: the STATUS= text")
struct StatusLineTests {
    @Test("ready: rules, events per second and drops")
    func ready() {
        #expect(StatusLine(phase: .ready, rules: 36, eventsPerSecond: 1520, kernelDrops: 0).text == "Ready: 36 rules, 1520 ev/s, 0 drops")
        #expect(StatusLine(phase: .ready, rules: 1, eventsPerSecond: 0, kernelDrops: 1).text == "Ready: 1 rule, 0 ev/s, 1 drop")
    }

    @Test("a failed reload says so, and that the previous config runs on")
    func reloadFailed() {
        let status = StatusLine(phase: .ready, rules: 36, eventsPerSecond: 1520, kernelDrops: 3, lastReloadError: "/etc/saker/saker.yaml:3:5: unknown key `prority` (did you mean `priority`?)")
        #expect(status.text == "Reload failed: /etc/saker/saker.yaml:3:5: unknown key `prority` (did you mean `priority`?) (running previous config); 36 rules, 1520 ev/s, 3 drops")
        #expect(status.message == .status(status.text))
    }

    @Test("starting, reloading and stopping")
    func phases() {
        #expect(StatusLine(phase: .starting("compiling 36 rules")).text == "Starting: compiling 36 rules")
        #expect(StatusLine(phase: .reloading, rules: 36, eventsPerSecond: 10, kernelDrops: 0).text == "Reloading: 36 rules, 10 ev/s, 0 drops")
        #expect(StatusLine(phase: .stopping).text == "Stopping")
    }

    @Test("a multi-line error becomes one line")
    func oneLine() {
        let status = StatusLine(phase: .ready, rules: 2, lastReloadError: "a.yaml:1:1: bad\n  here\n  ^")
        #expect(status.text == "Reload failed: a.yaml:1:1: bad   here   ^ (running previous config); 2 rules, 0 ev/s, 0 drops")
    }

    @Test("a long error is shortened with … and the text stays within the bound", arguments: [80, 120, 256])
    func bounded(limit: Int) {
        let error = "/etc/saker/rules.d/custom.yaml:120:7: " + String(repeating: "é long explanation ", count: 40)
        let text = StatusLine(phase: .ready, rules: 36, eventsPerSecond: 1520, kernelDrops: 0, lastReloadError: error, maximumLength: limit).text
        #expect(text.utf8.count <= limit)
        #expect(text.hasPrefix("Reload failed: /etc/s"))
        #expect(text.hasSuffix("… (running previous config); 36 rules, 1520 ev/s, 0 drops"))
    }

    @Test("a bound too small for the fixed parts still holds")
    func tinyBound() {
        let text = StatusLine(phase: .ready, rules: 36, eventsPerSecond: 1520, kernelDrops: 0, lastReloadError: "x", maximumLength: 20).text
        #expect(text.utf8.count <= 20)
        #expect(text.hasPrefix("Reload failed"))
    }

    @Test("the default bound is 256 bytes")
    func defaultBound() {
        let text = StatusLine(phase: .starting(String(repeating: "z", count: 1000))).text
        #expect(text.utf8.count == StatusLine.defaultMaximumLength)
    }

    @Test("EventRate: events per second over the last interval")
    func eventRate() {
        var rate = EventRate()
        #expect(rate.update(count: 1000, nowUsec: 5_000_000) == 0)
        #expect(rate.update(count: 2520, nowUsec: 6_000_000) == 1520)
        #expect(rate.update(count: 2620, nowUsec: 6_500_000) == 200)
        #expect(rate.update(count: 2620, nowUsec: 6_500_000) == 200)
        #expect(rate.perSecond == 200)
        #expect(rate.update(count: 2620, nowUsec: 7_500_000) == 0)
    }
}

@Suite("PipelineFault: SAKER_TEST_FAULT")
struct PipelineFaultTests {
    @Test("stall-reader and stall-evaluator, at once or after some seconds", arguments: [
        ("stall-reader", PipelineFault(stalling: .reader)),
        ("stall-evaluator", PipelineFault(stalling: .evaluator)),
        ("stall-reader:after=5", PipelineFault(stalling: .reader, afterUsec: 5_000_000)),
        ("stall-evaluator:after=0.25", PipelineFault(stalling: .evaluator, afterUsec: 250_000)),
    ])
    func parses(value: String, expected: PipelineFault) throws {
        let fault = try PipelineFault(parsing: value)
        #expect(fault == expected)
        #expect(fault.description == value)
    }

    @Test("only the named stage stalls, and only from its start time")
    func stalls() throws {
        let fault = try PipelineFault(parsing: "stall-evaluator:after=2")
        #expect(!fault.stalls(.evaluator, elapsedUsec: 1_999_999))
        #expect(fault.stalls(.evaluator, elapsedUsec: 2_000_000))
        #expect(!fault.stalls(.reader, elapsedUsec: 9_000_000))
    }

    @Test("unknown faults and malformed options are typed errors", arguments: ["stall-output", "crash", "stall-reader:", "stall-reader:after=", "stall-reader:after=-1", "stall-reader:after=soon", "stall-reader:delay=2"])
    func invalid(value: String) throws {
        let error = try #require(throws: PipelineFaultError.self) { try PipelineFault(parsing: value) }
        #expect(error.value == value)
        #expect(error.description.hasPrefix("SAKER_TEST_FAULT=\(value): "))
    }
}
