import AssayCore

// MARK: - Remediation

extension MarkdownReport {
    /// The remediation's prose, with its configuration snippets as code blocks.
    static func remediation(_ text: String) -> [String] {
        let parts = Remediation(text).parts
        guard !parts.isEmpty else { return [] }
        var blocks: [String] = []
        for (index, part) in parts.enumerated() {
            switch part {
            case .prose(let prose):
                let escaped = MarkdownText.escape(prose)
                blocks.append(index == 0 ? "**Remediation:** " + escaped : escaped)
            case .snippet(let code, let language):
                if index == 0 { blocks.append("**Remediation:**") }
                blocks.append(MarkdownText.codeBlock(code, language: language))
            }
        }
        return blocks
    }
}
