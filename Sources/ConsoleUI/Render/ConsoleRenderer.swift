import AccessCore
import Foundation

/// Draws a ConsoleState into a Screen. Pure: the same state gives the same cells.
public enum ConsoleRenderer {
    public static func render(_ s: ConsoleState) -> Screen {
        var screen = Screen(size: s.size)
        let layout = s.layout
        if layout.tooSmall {
            drawTooSmall(&screen, s.size)
            return screen
        }
        drawHeader(&screen, s, layout.header)
        for (pane, rect) in layout.panes { drawPane(&screen, s, pane, rect) }
        drawStatus(&screen, s, layout.status)
        drawFooter(&screen, s, layout.footer)
        if let modal = s.modal { drawModal(&screen, s, modal) }
        return screen
    }

    static func drawTooSmall(_ screen: inout Screen, _ size: Size) {
        let lines = ["Enlarge the terminal", "(need \(Layout.minimum.width)x\(Layout.minimum.height),",
                     "have \(size.width)x\(size.height))", "q quits"]
        let one = "Enlarge the terminal (need \(Layout.minimum.width)x\(Layout.minimum.height), have \(size.width)x\(size.height)); q quits"
        if CharWidth.of(one) <= size.width {
            screen.put(one, x: (size.width - CharWidth.of(one)) / 2, y: size.height / 2, style: .bold)
            return
        }
        let top = max(0, (size.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            screen.put(l, x: max(0, (size.width - CharWidth.of(l)) / 2), y: top + i, style: .bold)
        }
    }

    static func drawPane(_ screen: inout Screen, _ s: ConsoleState, _ pane: Pane, _ rect: Rect) {
        let focused = s.focus == pane
        switch pane {
        case .scripts: PaneViews.scripts(&screen, s, rect, focused)
        case .users: PaneViews.users(&screen, s, rect, focused)
        case .review: PaneViews.review(&screen, s, rect, focused)
        case .retry: PaneViews.retry(&screen, s, rect, focused)
        case .session: PaneViews.session(&screen, s, rect, focused)
        case .log: PaneViews.log(&screen, s, rect, focused)
        }
    }
}
