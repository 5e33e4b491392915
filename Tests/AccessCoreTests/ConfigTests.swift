import Foundation
import Testing
@testable import AccessCore

@Suite struct ConfigTests {
    static let repoConfig: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.json").path
    }()

    func exampleDoc() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.repoConfig))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func issues(_ doc: [String: Any], env: [String: String] = [:]) -> [String] {
        let data = try! JSONSerialization.data(withJSONObject: doc)
        do { _ = try ConfigLoader.parse(data, file: "config.json", environment: env); return [] }
        catch let e as ConfigError { return e.issues.map(\.description) }
        catch { return ["unexpected \(error)"] }
    }

    @Test func committedExampleIsValid() throws {
        let config = try ConfigLoader.load(path: Self.repoConfig, environment: [:])
        #expect(config.tradingview.mode == .direct)
        #expect(config.wordpress.style == .memberpress)
        #expect(config.products["103"]?.scripts.count == 3)
        #expect(config.products["104"]?.scripts.first?.term == .lifetime)
        #expect(config.scriptIds.count == 4)
        #expect(config.title(ofScript: "PUB;0c0ffee0c0ffee0c0ffee0c0ffee0c0f") == "Lifetime Toolkit")
        #expect(config.wordpress.auth?.secret?.resolve(["MEMBERPRESS_API_KEY": "from-env"]) == "from-env")
        #expect(config.wordpress.retries?.maxAttempts == 4)
        let settings = SyncSettings(config: config)
        #expect(settings.maxAttempts == 8 && settings.backoffBase == 60 && settings.backoffMax == 6 * 3600)
        #expect(settings.sinceOverlap == 3600)
    }

    @Test func retryQueuePolicyIsCheckedAndUsed() throws {
        var doc = try exampleDoc()
        var s = doc["scheduler"] as! [String: Any]
        s["retry_queue"] = ["max_attempts": 3, "first_backoff_minutes": 10, "max_backoff_minutes": 5]
        s["since_overlap_minutes"] = -1
        doc["scheduler"] = s
        #expect(issues(doc) == [
            "config.json: scheduler.since_overlap_minutes: expected a number from 0 to 10080, got -1",
            "config.json: scheduler.retry_queue.max_backoff_minutes: must not be less than first_backoff_minutes (10), got 5",
        ])
        s["retry_queue"] = ["max_attempts": 3, "first_backoff_minutes": 2, "max_backoff_minutes": 30]
        s["since_overlap_minutes"] = 15
        doc["scheduler"] = s
        let settings = SyncSettings(config: try ConfigLoader.parse(try JSONSerialization.data(withJSONObject: doc), file: "config.json"))
        #expect(settings.maxAttempts == 3 && settings.backoffBase == 120 && settings.backoffMax == 1800 && settings.sinceOverlap == 900)
        #expect(settings.nextAttempt(after: 3, now: Date(timeIntervalSince1970: 0), retryAfter: nil) == Date(timeIntervalSince1970: 480))
    }

    @Test func wordPressRetriesAreCheckedLikeTradingViews() throws {
        var doc = try exampleDoc()
        var wp = doc["wordpress"] as! [String: Any]
        wp["retries"] = ["max_attempts": 0, "base_delay_ms": 100]
        doc["wordpress"] = wp
        #expect(issues(doc) == [
            "config.json: wordpress.retries.max_attempts: expected a number from 1 to 10, got 0",
            "config.json: wordpress.retries.max_delay_ms: missing (expected a number)",
        ])
    }

    @Test func reportsEveryProblemAtOnceWithPathAndValue() throws {
        var doc = try exampleDoc()
        var tv = doc["tradingview"] as! [String: Any]
        tv["base_url"] = "htp:/x"
        tv["concurrency"] = 0
        tv["mode"] = "magic"
        doc["tradingview"] = tv
        var products = doc["products"] as! [String: Any]
        var p101 = products["101"] as! [String: Any]
        var scripts = p101["scripts"] as! [[String: Any]]
        scripts[0]["term"] = "13X"
        scripts[0]["stacking"] = "yes"
        p101["scripts"] = scripts
        products["101"] = p101
        doc["products"] = products
        var sched = doc["scheduler"] as! [String: Any]
        sched.removeValue(forKey: "interval_minutes")
        doc["scheduler"] = sched
        doc["extra"] = 1

        let found = issues(doc)
        #expect(found.contains(#"config.json: tradingview.base_url: expected an http(s) URL, got "htp:/x""#))
        #expect(found.contains("config.json: tradingview.concurrency: expected a number from 1 to 32, got 0"))
        #expect(found.contains(#"config.json: tradingview.mode: expected one of direct, access_api, got "magic""#))
        #expect(found.contains(#"config.json: products.101.scripts[0].term: expected a term like 7D, 1M, 3M, 1Y or lifetime, got "13X""#))
        #expect(found.contains(#"config.json: products.101.scripts[0].stacking: expected true or false, got "yes""#))
        #expect(found.contains("config.json: scheduler.interval_minutes: missing (expected a number)"))
        #expect(found.contains { $0.hasPrefix("config.json: extra: unknown section") })
        #expect(found.count == 7)
    }

    @Test func accessAPIModeNeedsAKeyFromTheEnvironment() throws {
        var doc = try exampleDoc()
        var tv = doc["tradingview"] as! [String: Any]
        tv["mode"] = "access_api"
        tv["api_key_header"] = "X-API-Key"
        tv["api_key"] = ["env": "TV_API_KEY"]
        doc["tradingview"] = tv
        #expect(issues(doc) == ["config.json: tradingview.api_key: environment variable TV_API_KEY is not set"])
        #expect(issues(doc, env: ["TV_API_KEY": "k"]).isEmpty)
    }

    @Test func brokenJSONSaysSo() {
        do {
            _ = try ConfigLoader.parse(Data("{ \"wordpress\": ".utf8), file: "x.json")
            Issue.record("expected an error")
        } catch let e as ConfigError {
            #expect(e.issues.count == 1)
            #expect(e.description.hasPrefix("x.json: not valid JSON"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func missingFileNamesTheFile() {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/config.json") }
    }

    @Test func pathsAreRelativeToTheConfigFile() throws {
        let config = try ConfigLoader.load(path: Self.repoConfig, environment: [:])
        let url = config.resolvedPath("masterData", configPath: "/etc/access/config.json")
        #expect(url.path == "/etc/access/masterData")
        #expect(config.resolvedPath("/var/lib/x", configPath: "/etc/a.json").path == "/var/lib/x")
    }
}
