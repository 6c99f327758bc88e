// MARK: - outputs: in assay.yaml

extension ConfigurationReader {
    /// `outputs: { formats: [NAME…], NAME: PATH… }`: formats written into the output folder
    /// besides the defaults, and copies at paths of their own (resolved against the file's folder).
    func outputs(_ value: JSONValue?) throws(ConfigurationError) -> OutputSettings {
        let names = OutputRenderers.all.map(\.format)
        let fields = try object(value, "outputs", keys: Set(["formats"] + names))
        var settings = OutputSettings()
        for (i, format) in try strings(fields["formats"], "outputs.formats").enumerated() {
            guard names.contains(format) else {
                throw fail("outputs.formats[\(i)]", "unknown format '\(format)' (expected \(OutputRenderers.formatNames))")
            }
            settings.formats.append(format)
        }
        for name in names.sorted() {
            guard let path = try string(fields[name], "outputs.\(name)") else { continue }
            guard !path.isEmpty else { throw fail("outputs.\(name)", "expected the path of a file") }
            settings.paths[name] = resolve(path)
        }
        return settings
    }
}
