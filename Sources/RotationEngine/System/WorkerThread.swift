#if canImport(Glibc)
import Glibc
#endif

/// A joinable pthread running one closure: the compression pipeline's reader, workers and writer
/// block on I/O and on each other, which Dispatch's shared pool would not tolerate.
struct WorkerThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// `pthread_create`; fails with its error code (EAGAIN when out of threads).
    static func start(_ body: @escaping @Sendable () -> Void) throws(SystemError) -> WorkerThread {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let failed = system_errorNumber("pthread_create", "") {
            pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        }
        if let failed {
            Unmanaged<Body>.fromOpaque(box).release()
            throw SystemError("pthread_create", path: "", errno: failed)
        }
        return WorkerThread(thread: thread)
    }

    /// `pthread_join`.
    func join() { _ = pthread_join(thread, nil) }
}
