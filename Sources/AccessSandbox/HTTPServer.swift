import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The request context: Hummingbird's core storage plus the channel, which a reset fault closes.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Adapts Hummingbird requests to a handler of `SandboxRequest`s (`SandboxRouter.handle`, or a test's
/// own routes).
struct SandboxHTTPResponder: HTTPResponder {
    typealias Context = SandboxRequestContext
    static let maxBodyBytes = 64 << 20

    let handle: @Sendable (SandboxRequest) async -> Reply

    func respond(to request: Request, context: SandboxRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: SandboxHTTPResponder.maxBodyBytes)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let reply = await handle(SandboxRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            headers: headers, body: Array(body.readableBytesView)))
        if reply.resetConnection {
            // Linger 0 turns the close into a TCP RST, so the client sees a reset, not an empty reply.
            if let socket = context.channel as? any SocketOptionProvider {
                try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await context.channel.close().get()
            throw ConnectionResetByFault()
        }
        var fields = HTTPFields()
        fields[.contentType] = reply.contentType
        for (name, value) in reply.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return Response(status: .init(code: reply.status), headers: fields,
                        body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
}

struct ConnectionResetByFault: Error {}

/// Starts the Hummingbird application in a task and returns once it listens, with the bound port.
enum HTTPServer {
    static func start(host: String, port: Int, logger: Logger? = nil, handle: @escaping @Sendable (SandboxRequest) async -> Reply) async throws
        -> (port: Int, task: Task<Void, Never>) {
        let logger = logger ?? Logger(label: "AccessSandbox", factory: { _ in SwiftLogNoOpLogHandler() })
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: SandboxHTTPResponder(handle: handle),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? port)) },
            logger: logger)
        // Cancelling the returned task shuts the server down gracefully: cancelling the server itself traps
        // in NIO ("Deinited NIOAsyncWriter without calling finish()") when a connection was accepted and not
        // yet served (swift-server/swift-http-server#137; seen here when a test's daemon polled at shutdown).
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [app], logger: logger))
        let server = Task { try await group.run() }
        let task = Task {
            await withTaskCancellationHandler {
                do {
                    try await server.value
                    continuation.yield(.failure(SandboxError.httpServerFailed(host: host, port: port, reason: "server stopped")))
                } catch {
                    continuation.yield(.failure(error))
                }
                continuation.finish()
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        }
        for await event in events {
            switch event {
            case .success(let bound): return (bound, task)
            case .failure(let error):
                if let known = error as? SandboxError { throw known }
                throw SandboxError.httpServerFailed(host: host, port: port, reason: String(describing: error))
            }
        }
        throw SandboxError.httpServerFailed(host: host, port: port, reason: "server stopped")
    }
}
