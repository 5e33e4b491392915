import AccessCore
import Foundation

/// Writes `daemon-status.json` one at a time; nothing after the clean stop's write.
actor StatusWriter {
    let directory: URL
    let startedAt: Date
    let coordinator: RunCoordinator
    let watch: SessionWatchBoard
    private var stopped = false

    init(directory: URL, startedAt: Date, coordinator: RunCoordinator, watch: SessionWatchBoard) {
        self.directory = directory; self.startedAt = startedAt; self.coordinator = coordinator; self.watch = watch
    }

    func write(listen: String, stopped stopping: Bool) async {
        guard !stopped else { return }
        stopped = stopping
        let snapshot = await coordinator.snapshot()
        let checks = watch.current
        DaemonStatusFile(pid: getpid(), listen: listen, startedAt: startedAt, updatedAt: Date(),
                         stoppedAt: stopping ? Date() : nil, snapshot: snapshot,
                         watchLastCheck: checks.lastCheck, watchNextCheck: checks.nextCheck).write(directory: directory)
    }
}
