/// `transcript.jsonl`: every distinct connector call and its answer, when the run recorded them.
public struct TranscriptRenderer: OutputRenderer {
    public init() {}
    public var format: String { "transcript" }
    public var fileName: String { "transcript.jsonl" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        input.includesTranscript ? input.result.transcript.bytes : nil
    }
}
