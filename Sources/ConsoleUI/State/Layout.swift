/// Where each part of the screen goes at a given size. Pure, shared by reducer (page sizes) and render.
public struct Layout: Sendable, Equatable {
    public static let minimum = Size(width: 80, height: 24)

    public var header: Rect
    public var panes: [Pane: Rect]
    public var status: Rect
    public var footer: Rect
    public var tooSmall: Bool

    public init(size: Size, focus: Pane, zoomed: Bool) {
        let w = size.width, h = size.height
        tooSmall = w < Self.minimum.width || h < Self.minimum.height
        header = Rect(x: 0, y: 0, width: w, height: 1)
        status = Rect(x: 0, y: h - 2, width: w, height: 1)
        footer = Rect(x: 0, y: h - 1, width: w, height: 1)
        panes = [:]
        guard !tooSmall else { return }
        let body = Rect(x: 0, y: 1, width: w, height: h - 3)
        if zoomed { panes[focus] = body; return }
        // Left column: the short lists; right column: users above the live log.
        let leftWidth = max(30, w * 3 / 10)
        let (left, right) = body.splitLeft(leftWidth)
        let quarter = left.height / 4
        let (scripts, r1) = left.splitTop(left.height - 3 * quarter)
        let (review, r2) = r1.splitTop(quarter)
        let (retry, session) = r2.splitTop(quarter)
        let (users, log) = right.splitTop(right.height * 3 / 5)
        panes = [.scripts: scripts, .review: review, .retry: retry, .session: session, .users: users, .log: log]
    }
}
