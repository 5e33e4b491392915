import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A read-only map of a big file that cannot kill the process. Mapping a 50 MB snapshot costs ~3 ms
/// where reading it costs ~30 (copy and fresh pages) and parsing the copy is slower again (no large
/// pages). But a file rewritten in place while mapped (`cp backup.json` over a snapshot truncates it
/// first) makes every access past its new end a SIGBUS. So while a mapping is in use, a SIGBUS handler
/// puts a zero page where a page went missing and marks the mapping torn: the reader sees NUL bytes
/// (never valid JSON, so the parse fails) and `DurableFile.withContents` reads the file instead. A
/// SIGBUS anywhere else goes to the handler that was there before (the terminal's, which restores
/// the screen, or the runtime's crash report).
enum GuardedMapping {
    /// One guarded range: taken by one mapping at a time, read by the handler without a lock.
    private struct Slot: ~Copyable {
        let taken = Atomic<Bool>(false)
        let start = Atomic<Int>(0)
        let end = Atomic<Int>(0)
        let torn = Atomic<Bool>(false)
    }

    /// Four mappings at once (the console, the daemon's pages, tests side by side); a fifth reader
    /// meanwhile reads its file.
    private static let slot0 = Slot(), slot1 = Slot(), slot2 = Slot(), slot3 = Slot()
    private static let slotCount = 4
    private static func slot<R>(_ i: Int, _ body: (borrowing Slot) -> R) -> R {
        switch i {
        case 0: return body(slot0)
        case 1: return body(slot1)
        case 2: return body(slot2)
        default: return body(slot3)
        }
    }

    /// The SIGBUS handler found before ours, which gets what is not ours. Written only while the
    /// install lock is held.
    nonisolated(unsafe) private static var previous = sigaction()
    private static let installLock = NSLock()

    #if os(Linux)
    private typealias Handler = @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void
    private static let handler: Handler = { signal, info, _ in
        let address = Int(bitPattern: info?.pointee._sifields._sigfault.si_addr)
        for i in 0..<GuardedMapping.slotCount {
            let ours = GuardedMapping.slot(i) { s -> Bool in
                let from = s.start.load(ordering: .acquiring)
                guard from != 0, address >= from, address < s.end.load(ordering: .acquiring) else { return false }
                let page = Int(getpagesize())
                _ = mmap(UnsafeMutableRawPointer(bitPattern: address & ~(page - 1)), page, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
                s.torn.store(true, ordering: .releasing)
                return true
            }
            if ours { return }
        }
        // Not ours: the handler before takes it when the access faults again.
        sigaction(signal, &GuardedMapping.previous, nil)
    }

    /// Makes the handler the SIGBUS handler, the one found there its `previous`. Checked at every
    /// mapping, not once: whoever installs a handler later (the terminal's) is then chained behind
    /// it instead of replacing it.
    private static func installed() -> Bool {
        installLock.withLock {
            var current = sigaction()
            guard sigaction(SIGBUS, nil, &current) == 0 else { return false }
            let ours = unsafeBitCast(handler, to: UnsafeRawPointer.self)
            if current.sa_flags & SA_SIGINFO != 0, let theirs = current.__sigaction_handler.sa_sigaction,
               unsafeBitCast(theirs, to: UnsafeRawPointer.self) == ours {
                return true
            }
            previous = current
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = handler
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            return sigaction(SIGBUS, &action, nil) == 0
        }
    }
    #endif

    /// `body` over `size` bytes of `fd` mapped, or nil when the file could not be mapped (every slot
    /// in use, no handler, mmap failed) or was cut while mapped: the caller reads it then.
    static func with<R>(fd: Int32, size: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        #if os(Linux)
        guard size > 0, installed(),
              let i = (0..<slotCount).first(where: { i in slot(i) { $0.taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged } })
        else { return nil }
        defer { slot(i) { $0.taken.store(false, ordering: .releasing) } }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, size) }
        slot(i) { s in
            s.torn.store(false, ordering: .relaxed)
            s.end.store(Int(bitPattern: map) + size, ordering: .relaxed)
            s.start.store(Int(bitPattern: map), ordering: .releasing)
        }
        defer { slot(i) { s in s.start.store(0, ordering: .releasing); s.end.store(0, ordering: .relaxed) } }
        func torn() -> Bool { slot(i) { $0.torn.load(ordering: .acquiring) } }
        let result: R
        do {
            result = try body(UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size))
        } catch {
            if torn() { return nil }
            throw error
        }
        return torn() ? nil : result
        #else
        return nil
        #endif
    }
}
