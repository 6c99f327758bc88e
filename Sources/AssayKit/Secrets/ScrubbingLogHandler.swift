import AssayConnectors
import Logging

/// A log handler that scrubs each message (and its metadata) of the run's secrets before handing
/// it to another handler: what `--verbose` prints goes through the same last pass as the reports.
///
/// ```swift
/// let secrets = SecretRegistry()
/// let logger = Logger(label: "assay") { ScrubbingLogHandler(StreamLogHandler.standardError(label: $0), secrets: secrets) }
/// let result = try Auditor(configuration: configuration, logger: logger, secrets: secrets).run()
/// ```
public struct ScrubbingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let scrubber: OutputScrubber

    public init(_ inner: any LogHandler, secrets: SecretRegistry) {
        self.inner = inner
        self.scrubber = OutputScrubber(registry: secrets)
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: scrubber.scrub(event.message.description))
        event.metadata = event.metadata?.mapValues { Logger.MetadataValue.string(scrubber.scrub($0.description)) }
        inner.log(event: event)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
}
