import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the targets' inputs in child processes, batch after batch, for a time or a count, and
/// keeps what went wrong: a child that dies by a signal (a crash), that announces an input and
/// then says nothing for ``Settings/hangSeconds`` (a hang), or whose memory passes
/// ``Settings/memoryLimitMB`` (a runaway allocation). The input is rebuilt from its number and
/// saved under `findings/<target>/`, and the campaign goes on with the next input.
public struct FuzzCampaign {
    public struct Settings: Sendable {
        public var seed: UInt64 = 1
        public var seconds: Double?
        public var inputsPerTarget: Int?
        public var batch = 500
        public var hangSeconds = 10.0
        public var memoryLimitMB = 2048
        public var findings: String
        public var targets: [FuzzTarget] = FuzzTarget.all

        public init(findings: String) { self.findings = findings }
    }

    /// One target's figures.
    public struct Tally: Sendable {
        public var inputs = 0
        public var accepted = 0
        public var refused = 0
        public var crashes = 0
        public var hangs = 0
        public var memory = 0
        public var peakKB = 0
        public var seconds = 0.0
        public var findings: [String] = []
    }

    public let settings: Settings
    public let corpus: FuzzCorpus
    /// The executable that runs batches (`assay-fuzz` itself) and the arguments before its own.
    public let childCommand: [String]

    public init(settings: Settings, corpus: FuzzCorpus, childCommand: [String]) {
        self.settings = settings
        self.corpus = corpus
        self.childCommand = childCommand
    }

    /// Runs until the time or every target's count is used up; `progress` hears each batch.
    public func run(progress: (String, Tally) -> Void = { _, _ in }) -> [(String, Tally)] {
        var tallies = settings.targets.map { ($0.name, Tally()) }
        var next = [Int](repeating: 0, count: settings.targets.count)
        let started = Date()
        func timeLeft() -> Bool { settings.seconds.map { Date().timeIntervalSince(started) < $0 } ?? true }
        var active = true
        while active, timeLeft() {
            active = false
            for (position, target) in settings.targets.enumerated() where timeLeft() {
                var count = settings.batch
                if let limit = settings.inputsPerTarget { count = min(count, limit - next[position]) }
                guard count > 0 else { continue }
                active = true
                let batchStarted = Date()
                let outcome = runBatch(target, start: next[position], count: count)
                tallies[position].1.seconds += Date().timeIntervalSince(batchStarted)
                record(outcome, target: target, into: &tallies[position].1)
                next[position] = outcome.resumeAt
                progress(target.name, tallies[position].1)
            }
        }
        return tallies
    }

    // MARK: - One batch

    struct BatchOutcome {
        enum Failure { case crash(Int32), hang, memory }
        var completed = 0
        var accepted = 0
        var refused = 0
        var peakKB = 0
        var failure: (index: Int, kind: Failure)?
        var resumeAt: Int
    }

    private func runBatch(_ target: FuzzTarget, start: Int, count: Int) -> BatchOutcome {
        var outcome = BatchOutcome(resumeAt: start + count)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: childCommand[0])
        process.arguments = Array(childCommand.dropFirst()) + [
            "--target", target.name, "--corpus", corpus.folder, "--seed", String(settings.seed),
            "--start", String(start), "--count", String(count),
        ]
        // No backtrace on a crash: symbolicating one takes seconds, and the input is what counts.
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return outcome }
        let fd = pipe.fileHandleForReading.fileDescriptor
        var buffer: [UInt8] = []
        var current: Int?
        var lastAnnounced = start
        var lastHeard = Date()
        var finished = false
        readLoop: while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if got <= 0 { break readLoop }
                buffer += chunk[0..<got]
                lastHeard = Date()
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    if line.hasPrefix("done ") {
                        let fields = line.split(separator: " ").compactMap { Int($0) }
                        if fields.count == 3 { outcome.peakKB = fields[2] }
                        finished = true
                    } else if line == "a" || line == "r" {
                        outcome.completed += 1
                        if line == "a" { outcome.accepted += 1 } else { outcome.refused += 1 }
                        current = nil
                    } else if let index = Int(line) {
                        current = index
                        lastAnnounced = index
                    }
                }
                if finished { break readLoop }
            }
            if let current, Date().timeIntervalSince(lastHeard) > settings.hangSeconds {
                // Heard nothing since it announced `current`: that input hangs.
                outcome.failure = (current, .hang)
                break readLoop
            }
            if let current, Self.residentKB(process.processIdentifier) > settings.memoryLimitMB * 1024 {
                outcome.failure = (current, .memory)
                break readLoop
            }
        }
        if outcome.failure != nil { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        if outcome.failure == nil, !finished {
            // Died by a signal, or exited without finishing its batch: either way a crash, of
            // the input it last announced (or of the first, if it announced none).
            outcome.failure = (current ?? lastAnnounced, .crash(process.terminationStatus))
        }
        if let failure = outcome.failure { outcome.resumeAt = failure.index + 1 }
        if outcome.peakKB == 0 { outcome.peakKB = Self.childrenPeakKB() }
        return outcome
    }

    private func record(_ outcome: BatchOutcome, target: FuzzTarget, into tally: inout Tally) {
        tally.inputs += outcome.completed + (outcome.failure == nil ? 0 : 1)
        tally.accepted += outcome.accepted
        tally.refused += outcome.refused
        tally.peakKB = max(tally.peakKB, outcome.peakKB)
        guard let failure = outcome.failure else { return }
        let kind: String
        switch failure.kind {
        case .crash(let signal):
            tally.crashes += 1
            kind = "crash-signal\(signal)"
        case .hang:
            tally.hangs += 1
            kind = "hang"
        case .memory:
            tally.memory += 1
            kind = "memory"
        }
        let input = corpus.input(target, seeds: corpus.seeds(for: target), seed: settings.seed, index: failure.index)
        let folder = settings.findings + "/" + target.name
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/\(kind)-seed\(settings.seed)-input\(failure.index)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(input))
        tally.findings.append(path)
    }

    /// The resident memory of a process, from `/proc/<pid>/statm` (0 when unknown).
    static func residentKB(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    static func childrenPeakKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss
    }
}
