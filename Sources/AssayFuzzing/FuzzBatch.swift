#if canImport(Glibc)
    import Glibc
#endif

/// A child's work: inputs `start ..< start + count` of one target, each announced on stdout
/// (`index` and a newline, written before the input is read) so that the parent knows which
/// input a crash or a hang belongs to, and `a` or `r` once it was accepted or refused; then
/// `done accepted refused peak-kB`.
public enum FuzzBatch {
    public static func run(target: FuzzTarget, corpus: FuzzCorpus, seed: UInt64, start: Int, count: Int) {
        let seeds = corpus.seeds(for: target)
        var accepted = 0
        var refused = 0
        for index in start..<(start + count) {
            say("\(index)\n")
            let input = corpus.input(target, seeds: seeds, seed: seed, index: index)
            switch target.run(input) {
            case .accepted:
                accepted += 1
                say("a\n")
            case .refused:
                refused += 1
                say("r\n")
            }
        }
        FileReaders.cleanUp()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        say("done \(accepted) \(refused) \(usage.ru_maxrss)\n")
    }

    /// Unbuffered, so that the parent sees the index even if the next input kills the process.
    private static func say(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
        bytes.removeAll()
    }
}
