#if canImport(Glibc)
import Glibc
#endif

/// A real thread (`pthread_create`), for work that must go on while a test blocks its own thread:
/// Swift concurrency's pool has one thread per core, and blocking tests would starve a `Task`.
public final class BackgroundThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void
    private var started = false

    public init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let me = Unmanaged<BackgroundThread>.fromOpaque(context).takeRetainedValue()
            me.body()
            return nil
        }, context) == 0
        if !started { Unmanaged<BackgroundThread>.fromOpaque(context).release() }
    }

    /// Waits for the body to finish.
    public func join() { if started { pthread_join(thread, nil); started = false } }
}
