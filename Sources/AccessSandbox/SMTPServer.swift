import NIOCore
import NIOPosix

/// The SMTP sink's listening socket.
enum SMTPServer {
    static func start(host: String, port: Int, policy: SMTPPolicy = SMTPPolicy(),
                      deliver: @escaping @Sendable (MailMessage) -> Void) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPSession(policy: policy, deliver: deliver))
                }
            }
        do {
            return try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw SandboxError.smtpServerFailed(host: host, port: port, reason: String(describing: error))
        }
    }
}
