import AccessCore
import Foundation

/// Writes `daemon-status.json` one at a time; nothing after the clean stop's write.
actor StatusWriter {
    let directory: URL
    let startedAt: Date
    let coordinator: RunCoordinator
    private var stopped = false

    init(directory: URL, startedAt: Date, coordinator: RunCoordinator) {
        self.directory = directory; self.startedAt = startedAt; self.coordinator = coordinator
    }

    func write(listen: String, stopped stopping: Bool) async {
        guard !stopped else { return }
        stopped = stopping
        let snapshot = await coordinator.snapshot()
        DaemonStatusFile(pid: getpid(), listen: listen, startedAt: startedAt, updatedAt: Date(),
                         stoppedAt: stopping ? Date() : nil, snapshot: snapshot).write(directory: directory)
    }
}
