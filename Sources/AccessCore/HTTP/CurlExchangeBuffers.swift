import CCurl
import Foundation

/// The per-exchange state libcurl's callbacks write into, reached through an Unmanaged context pointer.
final class CurlExchangeBuffers {
    var body = Data()
    /// Lowercased names; a new status line (redirect, 100 Continue) starts a fresh set.
    var headers: [String: String] = [:]
    private let upload: Data
    private var uploadOffset = 0
    /// Refuses bodies past this size: a misbehaving server must not exhaust memory.
    let maxBodyBytes: Int

    init(upload: Data = Data(), maxBodyBytes: Int = 64 << 20) {
        self.upload = upload
        self.maxBodyBytes = maxBodyBytes
    }

    func appendHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") { headers = [:]; return }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return }
        headers[name] = value
    }

    /// Copies up to `capacity` bytes of the upload into `buffer`; 0 means done.
    func readUpload(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBytes { raw in
            let start = raw.baseAddress!.advanced(by: uploadOffset)
            UnsafeMutableRawPointer(buffer).copyMemory(from: start, byteCount: count)
        }
        uploadOffset += count
        return count
    }

    /// Installs the write, header and read callbacks on `handle`, all pointing at `self`.
    /// The caller keeps `self` alive until perform returns.
    func install(on handle: CurlHandle) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try handle.set(CURLOPT_WRITEDATA, pointer: context)
        try handle.set(CURLOPT_HEADERDATA, pointer: context)
        try handle.set(CURLOPT_READDATA, pointer: context)
        try handle.setWriteFunction { ptr, size, count, userdata in
            guard let ptr, let userdata else { return 0 }
            let buffers = Unmanaged<CurlExchangeBuffers>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = size * count
            // Returning less than given makes curl abort with CURLE_WRITE_ERROR.
            guard buffers.body.count + bytes <= buffers.maxBodyBytes else { return 0 }
            buffers.body.append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: bytes)
            return bytes
        }
        try handle.setHeaderFunction { ptr, size, count, userdata in
            guard let ptr, let userdata else { return 0 }
            let buffers = Unmanaged<CurlExchangeBuffers>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = size * count
            let data = Data(bytes: ptr, count: bytes)
            buffers.appendHeaderLine(String(decoding: data, as: UTF8.self))
            return bytes
        }
        try handle.setReadFunction { ptr, size, count, userdata in
            guard let ptr, let userdata else { return 0 }
            let buffers = Unmanaged<CurlExchangeBuffers>.fromOpaque(userdata).takeUnretainedValue()
            return buffers.readUpload(into: ptr, capacity: size * count)
        }
    }
}
