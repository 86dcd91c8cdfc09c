import Glibc

/// A joinable POSIX thread running one closure: each sink's drain loop gets its own, so a sink
/// that blocks never holds up another.
final class WorkerThread: Sendable {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// Starts `body` on a new thread; `name` says which in an error. (Swift's Glibc module does not
    /// expose `pthread_setname_np`.)
    /// The corresponding C function is `pthread_create`.
    init(name: String, _ body: @escaping @Sendable () -> Void) throws(SinkError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SinkError("cannot start the \(name) thread", errno: result)
        }
        self.thread = thread
    }

    /// Waits for the thread to finish. The corresponding C function is `pthread_join`.
    func join() {
        _ = pthread_join(thread, nil)
    }
}
