/// Which outputs a run writes besides the default ones, from `outputs:` in assay.yaml (the CLI's
/// `--format`, `--sarif FILE`, … add to them).
///
/// ```yaml
/// outputs:
///   formats: [sarif, junit]                 # also written into --out
///   sarif: ci/assay.sarif                   # and a copy here (relative to assay.yaml)
///   prometheus: /var/lib/prometheus/node-exporter/assay.prom
/// ```
public struct OutputSettings: Hashable, Sendable {
    /// Format names (``OutputRenderers``) written into the output folder besides the defaults.
    public var formats: [String]
    /// A path per format, for a copy written outside the output folder.
    public var paths: [String: String]

    public init(formats: [String] = [], paths: [String: String] = [:]) {
        self.formats = formats
        self.paths = paths
    }
}
