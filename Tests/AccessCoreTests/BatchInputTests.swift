import Foundation
import Testing
@testable import AccessCore

@Suite("BatchGrant inputs: the access CSV and the JSON dump, checked before anything is written")
struct BatchInputTests {
    func sheet(_ text: String) throws -> AccessSheet { try AccessSheet.parse(Data(text.utf8), file: "users.csv") }

    func refusal(_ text: String) -> InputFileError? {
        do { _ = try sheet(text); return nil } catch { return error as? InputFileError }
    }

    @Test("BOM, CRLF, quoted commas, quotes and line breaks are read, and written back as they were")
    func roundTrip() throws {
        let text = "\u{FEFF}note,script_id,username,expiration,email\r\n"
            + "\"VIP, since 2020\",PUB;a,Trader_1,2027-01-01T00:00:00Z,t1@example.com\r\n"
            + "\"said \"\"hi\"\"\",PUB;a,trader_2,,\r\n"
            + "\"two\r\nlines\",PUB;b,Moon,2026-12-31,m@example.com\r\n"
        let s = try sheet(text)
        #expect(s.byteOrderMark && s.lineEnding == "\r\n")
        #expect(s.header == ["note", "script_id", "username", "expiration", "email"])
        #expect(s.rows.count == 3)
        #expect(s.rows[0][0] == "VIP, since 2020" && s.rows[1][0] == "said \"hi\"" && s.rows[2][0] == "two\r\nlines")
        #expect(s.expiry(ofRow: 1) == nil && s.expiry(ofRow: 2) != nil)
        #expect(String(decoding: s.rendered(), as: UTF8.self) == text)
    }

    @Test("a new row fills the three columns and email, and quotes what needs it")
    func append() throws {
        var s = try sheet("username,email,script_id,expiration,note\nA,a@x,PUB;a,,\n")
        s.append(script: "PUB;a", user: "B", expiry: Date(timeIntervalSince1970: 0), email: "b,c@x")
        #expect(String(decoding: s.rendered(), as: UTF8.self)
                == "username,email,script_id,expiration,note\nA,a@x,PUB;a,,\nB,\"b,c@x\",PUB;a,1970-01-01T00:00:00Z,\n")
        #expect(s.index()[AccessSheet.key(script: "PUB;a", user: "@b")] == 1)
    }

    @Test("each malformed CSV is refused with its row and column", arguments: [
        ("script_id,username,expiration\nPUB;a,A,\nPUB;a,B\n", 3, 3, "2 fields where the header has 3"),
        ("script_id,username,expiration\nPUB;a,A,,extra\n", 2, 4, "4 fields"),
        ("script_id,username,expiration\r\nPUB;a,A,2027-13-45\r\n", 2, 3, "not an ISO-8601 date"),
        ("script_id,username,expiration\nPUB;a,A,next week\n", 2, 3, "not an ISO-8601 date"),
        ("script_id,username,expiration\nPUB;a,\"A,\n", 2, 2, "never closed"),
        ("script_id,username,expiration\nPUB;a,A\"b,\n", 2, 2, "quote inside an unquoted field"),
        ("script_id,username,expiration\nPUB;a,\"A\"b,\n", 2, 2, "text after the closing quote"),
        ("script_id,username,expiration\n,A,\n", 2, 1, "empty script_id"),
        ("script_id,username,expiration\nPUB;a,  ,\n", 2, 2, "empty username"),
    ] as [(String, Int, Int, String)])
    func malformed(_ text: String, row: Int, column: Int, message: String) throws {
        let error = try #require(refusal(text), "accepted: \(text.debugDescription)")
        #expect(error.row == row && error.column == column, "\(error)")
        #expect(error.description.hasPrefix("users.csv: row \(row), column \(column): ") && error.description.contains(message),
                "\(error)")
        #expect(!error.description.contains("\n"))
    }

    @Test("a header without a required column, an empty file and bytes that are not UTF-8 are refused")
    func badHeaderAndEncoding() throws {
        #expect(refusal("script_id,user,expiration\nPUB;a,A,\n")?.description == "users.csv: row 1: the header has no username column (it needs script_id, username, expiration)")
        #expect(refusal("")?.row == 1)
        #expect(refusal("script_id,username,expiration\nPUB;a,A,\u{1B}[2J\n")?.description
                == "users.csv: row 2, column 3: expiration \"?[2J\" is not an ISO-8601 date", "control characters shown as ?")
        #expect(refusal("script_id,username,expiration,username\n")?.column == 4)
        var bytes = Array("script_id,username,expiration\nPUB;a,A,\nPUB;a,".utf8)
        bytes += [0xC3, 0x28] + Array(",\n".utf8)
        do { _ = try AccessSheet.parse(Data(bytes), file: "users.csv"); Issue.record("accepted bad UTF-8") } catch let e as InputFileError {
            #expect(e.row == 3 && e.description.contains("not UTF-8"), "\(e)")
        }
    }

    let mapper = TransactionRecordMapper(style: .memberpress, usernameField: "member.profile.mepr_tradingview_username",
                                         productField: "membership.id")

    func dumpRefusal(_ text: String) -> InputFileError? {
        do { _ = try TransactionDump.parse(Data(text.utf8), file: "dump.json", mapper: mapper); return nil } catch {
            return error as? InputFileError
        }
    }

    @Test("the dump maps through the sync's record mapper; bad JSON names line and column, a bad record its number")
    func dump() throws {
        let record = """
        {"id": "7", "status": "complete", "created_at": "2026-01-02 03:04:05", "expires_at": "0000-00-00 00:00:00",
         "membership": {"id": "101"}, "member": {"email": "a@x", "username": "wp_a", "profile": {"mepr_tradingview_username": "@Alpha"}}}
        """
        let txs = try TransactionDump.parse(Data("[\(record)]".utf8), file: "dump.json", mapper: mapper)
        #expect(txs.count == 1 && txs[0].id == "7" && txs[0].productId == "101" && txs[0].tradingViewUsername == "@Alpha")
        let since = TransactionRecordMapper(style: .sinceEndpoint, usernameField: "tradingview_username", productField: nil)
        let flat = try TransactionDump.parse(Data("""
        [{"id": 9, "product_id": 104, "email": "b@x", "wp_username": "b", "tradingview_username": "Beta",
          "status": "confirmed", "created_at": "2026-01-02 03:04:05", "expires_at": "0000-00-00 00:00:00"}]
        """.utf8), file: "dump.json", mapper: since)
        #expect(flat.map(\.id) == ["9"] && flat[0].productId == "104" && flat[0].expiresAt == nil && flat[0].tradingViewUsername == "Beta")
        let broken = dumpRefusal("[\n  {\"id\": \"1\",\n   \"status\" \"complete\"}\n]")
        #expect(broken?.row == 3 && broken?.column != nil, "\(String(describing: broken))")
        #expect(dumpRefusal("{\"id\": 1}")?.description == "dump.json: row 1, column 1: expected an array of transaction records")
        let noDate = dumpRefusal("[\(record), {\"id\": \"8\", \"status\": \"complete\", \"membership\": {\"id\": \"101\"}}]")
        #expect(noDate?.description == "dump.json: record 2 (id 8): created_at missing or not Y-m-d H:i:s", "\(String(describing: noDate))")
    }
}

@Suite("Export: rows a spreadsheet opens cleanly")
struct ExportTests {
    @Test("formula-like text is defused, outside control characters dropped, quoting and days left right")
    func csv() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var s = ScriptAccess(scriptId: "PUB;a")
        s.title = "Alpha, \"Pro\""
        s.users["=evil"] = UserAccess(username: "=evil", email: "+1@x\u{07}", expiry: now.addingTimeInterval(86_400 * 2.5),
                                      history: [HistoryEntry(at: now, actor: "sync", action: "bootstrap"),
                                                HistoryEntry(at: now, actor: "sync", action: "grant")])
        s.users["life"] = UserAccess(username: "life", email: "@me", expiry: nil)
        s.users["old"] = UserAccess(username: "old", expiry: now.addingTimeInterval(-86_400 * 3))
        let rows = AccessExport.rows([s], now: now)
        #expect(rows.map(\.status) == ["active", "lifetime", "expired"])
        // 2.5 days ahead from 08:00 ends on the day after tomorrow (2 days); 3 days back is 3 days.
        #expect(rows.map(\.daysLeft) == [2, nil, -3])
        let text = AccessExport.csv(rows)
        #expect(text.hasPrefix("script_id,script,username,email,expiry,days_left,status,last_action\r\n"))
        #expect(text.contains("PUB;a,\"Alpha, \"\"Pro\"\"\",'=evil,'+1@x,"), "\(text)")
        #expect(text.contains(",life,'@me,,,lifetime,\r\n") && text.contains(",-3,expired,"))
        #expect(!text.contains("\u{07}"))
        #expect(rows[0].lastAction == "grant " + ISODate.format(now), "the newest entry, even within one second")
    }
}

@Suite("ProgressLine: done/total, rate and ETA from RunProgress")
struct ProgressLineTests {
    @Test("bar and plain line")
    func lines() {
        let p = RunProgress(run: "r1", kind: .batch, dryRun: false, done: 250, total: 1000, ratePerMinute: 600)
        #expect(ProgressLine.bar(p, width: 8) == "batch [##------] 250/1000 (25%) 10.0/s ETA 1m15s")
        #expect(ProgressLine.plain(p) == "batch 250/1000 (25%) 10.0/s ETA 1m15s")
        #expect(ProgressLine.plain(RunProgress(run: "r2", kind: .sync, dryRun: false, done: 0, total: 4)) == "sync 0/4 (0%)")
        #expect(ProgressLine.duration(7_300) == "2h01m")
    }
}

@Suite("BatchSelection: fixed batches of what master data has not handled")
struct BatchSelectionTests {
    @Test("the cut stays put; done and queued leave a batch, an open intent stays in it, pending payments and unknown products are skipped")
    func split() {
        let products = ["101": ProductConfig(title: nil, scripts: [ScriptTerm(scriptId: "S", term: AccessTerm("1M")!, stacking: true)])]
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        func tx(_ i: Int, _ status: TransactionStatus = .complete, product: String = "101") -> Transaction {
            Transaction(id: "t\(i)", productId: product, email: "", tradingViewUsername: "U\(i)", status: status,
                        createdAt: t0.addingTimeInterval(Double(i)))
        }
        let txs = (0..<6).map { tx($0) } + [tx(6, .pending), tx(7, product: "999")]
        var state = ScriptAccess(scriptId: "S")
        state.processedTransactions.insert("t0")
        state.reviewQueue["t1"] = ReviewItem(id: "t1", reason: .invalidUsername, typedName: "U1", email: "", transactionId: "t1",
                                             productId: "101", term: nil, detail: "", createdAt: t0)
        state.openIntents["i"] = WriteIntent(id: "i", operation: .grant, username: "U2", targetExpiry: nil, previousExpiry: nil,
                                             wasKnown: false, transactionId: "t2", createdAt: t0)
        let split = BatchSelection.split(txs.reversed(), size: 3, products: products, states: ["S": state])
        #expect(split.batches.map { $0.map(\.id) } == [["t2"], ["t3", "t4", "t5"]])
        #expect(split.done == 2 && split.skipped == 2 && split.pending == 4)
    }
}
