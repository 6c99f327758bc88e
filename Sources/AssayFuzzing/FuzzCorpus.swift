import Foundation

/// The seeds of each target: every file in `<corpus>/<target name>/`, sorted by name, so that an
/// input number means the same input on every machine with the same corpus.
public struct FuzzCorpus: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public func seeds(for target: FuzzTarget) -> [[UInt8]] {
        let directory = folder + "/" + target.name
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: directory + "/" + name).map { Array($0) }
        }
    }

    /// The input numbered `index` of a campaign with this seed.
    public func input(_ target: FuzzTarget, seeds: [[UInt8]], seed: UInt64, index: Int) -> [UInt8] {
        FuzzMutator(dictionary: target.dictionary).input(seeds: seeds, seed: seed, target: target.name, index: index)
    }
}
