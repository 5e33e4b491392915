// The release-only loss of task-group answers (issue 19.7), on its own. Swift 6.3.1, Linux:
//
//   swiftc -O -parse-as-library -swift-version 6 scripts/taskgroup-release-repro.swift -o /tmp/tg-repro
//   for shape in tuple-do-catch enum single-return helper tuple-no-catch ours; do /tmp/tg-repro $shape; done
//
// `tuple-do-catch` (the shape WebhookConfirmer had) aborts with "pure virtual method called", hangs, or comes
// back short within a few hundred rounds at -O; built with -Onone it never does. Every other shape
// here passes: the bug needs a child task that returns a tuple holding a captured value from both
// arms of a `do`/`catch` around an `await`. `ours` is the shape WebhookConfirmer.lookUp uses now.
import Foundation

enum Lookup: Sendable { case found(String), notFound }
enum Event: Sendable { case answer(String, Result<Lookup, any Error>) }
typealias Pair = (String, Result<Lookup, any Error>)

func lookup(_ id: String) async throws -> Lookup {
    try await Task.sleep(nanoseconds: UInt64.random(in: 100_000...2_000_000))
    return Int(id)! % 3 == 0 ? .notFound : .found(id)
}

func answer(_ id: String) async -> Result<Lookup, any Error> {
    do { return .success(try await lookup(id)) } catch { return .failure(error) }
}

func count(_ ids: [String], _ shape: String) async -> Int {
    switch shape {
    case "enum":
        return await withTaskGroup(of: Event.self, returning: Int.self) { group in
            for id in ids {
                group.addTask { do { return .answer(id, .success(try await lookup(id))) } catch { return .answer(id, .failure(error)) } }
            }
            var n = 0
            for await _ in group { n += 1 }
            return n
        }
    case "single-return":
        return await withTaskGroup(of: Pair.self, returning: Int.self) { group in
            for id in ids {
                group.addTask {
                    let r: Result<Lookup, any Error>
                    do { r = .success(try await lookup(id)) } catch { r = .failure(error) }
                    return (id, r)
                }
            }
            var n = 0
            for await _ in group { n += 1 }
            return n
        }
    case "helper":
        return await withTaskGroup(of: Pair.self, returning: Int.self) { group in
            for id in ids { group.addTask { (id, await answer(id)) } }
            var n = 0
            for await _ in group { n += 1 }
            return n
        }
    case "tuple-no-catch":
        return await withTaskGroup(of: Pair.self, returning: Int.self) { group in
            for id in ids { group.addTask { (id, .success((try? await lookup(id)) ?? .notFound)) } }
            var n = 0
            for await _ in group { n += 1 }
            return n
        }
    case "ours":
        return await withTaskGroup(of: Pair.self, returning: Int.self) { group in
            var answers: [String: Result<Lookup, any Error>] = [:]
            var pending = ids[...]
            var running = 0
            while true {
                while running < 4, let id = pending.popFirst() {
                    running += 1
                    group.addTask { (id, await answer(id)) }
                }
                guard let (id, result) = await group.next() else { break }
                running -= 1
                answers[id] = result
            }
            return answers.count
        }
    default:  // "tuple-do-catch"
        return await withTaskGroup(of: Pair.self, returning: Int.self) { group in
            for id in ids {
                group.addTask { do { return (id, .success(try await lookup(id))) } catch { return (id, .failure(error)) } }
            }
            var n = 0
            for await _ in group { n += 1 }
            return n
        }
    }
}

@main struct Main {
    static func main() async {
        let shape = CommandLine.arguments.dropFirst().first ?? "tuple-do-catch"
        var short = 0
        for round in 0..<300 where await count((1...8).map { String(round * 10 + $0) }, shape) != 8 { short += 1 }
        print("\(shape): \(short) of 300 rounds came back short")
    }
}
