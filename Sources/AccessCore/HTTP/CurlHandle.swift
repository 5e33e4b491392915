import CCurl
import Foundation

/// A failed curl_easy_perform: the curl code and its text (curl's error buffer carries hosts and ports,
/// never our credentials, which are only ever set as options).
struct CurlFailure: Error, Sendable, Hashable {
    var code: Int
    var message: String
}

/// One libcurl easy handle with the options every exchange shares. Not thread-safe: used by one
/// blocking-pool thread from creation to cleanup.
final class CurlHandle {
    private let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() throws {
        let initCode = ccurl_global_init_once()
        guard initCode == CURLE_OK else { throw CurlFailure(code: Int(initCode.rawValue), message: "curl_global_init failed") }
        guard let h = curl_easy_init() else { throw CurlFailure(code: -1, message: "curl_easy_init failed") }
        handle = h
        try setBaseOptions()
    }

    /// Forgets every option of the last exchange but keeps the handle's open connections, so the next
    /// request to the same host skips the TCP (and TLS) handshake.
    func reset() throws {
        curl_easy_reset(handle)
        for list in lists { curl_slist_free_all(list) }
        lists.removeAll()
        try setBaseOptions()
    }

    private func setBaseOptions() throws {
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        // No signals: timeouts must not use SIGALRM in a multi-threaded process.
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws {
        // libcurl copies string options (since 7.17), so the temporary C string may go away after the call.
        try check(value.withCString { ccurl_setopt_string(handle, option, $0) }, option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(ccurl_setopt_pointer(handle, option, pointer), option)
    }

    func set(_ option: CURLoption, list values: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw CurlFailure(code: -1, message: "curl_slist_append failed")
            }
            list = appended
        }
        guard let list else { return }
        lists.append(list)  // freed in deinit: libcurl keeps pointing at it until cleanup
        try check(ccurl_setopt_slist(handle, option, list), option)
    }

    func set(_ option: CURLoption, offset: Int64) throws {
        try check(ccurl_setopt_off_t(handle, option, curl_off_t(offset)), option)
    }

    func setWriteFunction(_ callback: ccurl_data_callback) throws {
        try check(ccurl_setopt_write_function(handle, callback), CURLOPT_WRITEFUNCTION)
    }

    func setHeaderFunction(_ callback: ccurl_data_callback) throws {
        try check(ccurl_setopt_header_function(handle, callback), CURLOPT_HEADERFUNCTION)
    }

    func setReadFunction(_ callback: ccurl_data_callback) throws {
        try check(ccurl_setopt_read_function(handle, callback), CURLOPT_READFUNCTION)
    }

    /// Blocks until the exchange ends.
    func perform() throws {
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let text = String(cString: curl_easy_strerror(code))
            throw CurlFailure(code: Int(code.rawValue), message: detail.isEmpty ? text : "\(text): \(detail)")
        }
    }

    func responseCode() -> Int {
        var code: Int = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw CurlFailure(code: Int(code.rawValue), message: "curl option \(option.rawValue) refused: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
