import AccessCore
import Foundation
import Hummingbird
import NIOCore

/// JSON replies of the daemon's routes.
enum Reply {
    static func json(_ status: HTTPResponse.Status, _ value: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data + [0x0A])))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["error": message])
    }

    static func text(_ body: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func iso(_ date: Date?) -> Any { date.map { TimeText.iso($0) } ?? NSNull() }
}
