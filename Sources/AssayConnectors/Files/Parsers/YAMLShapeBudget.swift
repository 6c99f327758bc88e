import CYaml

/// Measures a YAML document from libyaml's events before Yams builds it: the node count with
/// every alias expanded, and whether a mapping key is a collection.
///
/// Yams hashes each mapping key to find duplicates, and a key that is a collection — or an alias
/// of one, say of a merge of merges — is hashed whole, expansion included: a 7 KiB file took
/// minutes (found by the fuzzer). Compose keys are strings, so a collection key is refused here,
/// and a document whose expansion passes the budget is refused before anything expands it. One
/// pass, linear in the events. A document libyaml cannot read is left to Yams, for its message.
enum YAMLShapeBudget {
    enum Problem: Error, Equatable {
        case tooLarge(line: Int)
        case collectionKey(line: Int)
    }

    static func check(_ text: String, nodeBudget: Int) throws(Problem) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { (buffer) throws(Problem) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            try walk(&parser, nodeBudget: nodeBudget)
        }
    }

    /// An open collection: its expanded size so far, its anchor, whether it is a mapping and, for
    /// a mapping, whether the next node is a key.
    private struct Open {
        var size = 1
        var anchor: String?
        var isMapping: Bool
        var expectingKey = true
    }

    private static func walk(_ parser: inout yaml_parser_t, nodeBudget: Int) throws(Problem) {
        var anchors: [String: Int] = [:]
        var stack: [Open] = []
        var total = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var finished: (size: Int, anchor: String?, isCollection: Bool)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_MAPPING_START_EVENT:
                try openCollection(&stack, anchor: name(event.data.mapping_start.anchor), isMapping: true, line: line)
            case YAML_SEQUENCE_START_EVENT:
                try openCollection(&stack, anchor: name(event.data.sequence_start.anchor), isMapping: false, line: line)
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                if let closed = stack.popLast() { finished = (closed.size, closed.anchor, true) }
            case YAML_SCALAR_EVENT:
                finished = (1, name(event.data.scalar.anchor), false)
            case YAML_ALIAS_EVENT:
                let size = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                finished = (size, nil, size > 1)
            default:
                continue
            }
            guard let node = finished else { continue }
            if let anchor = node.anchor { anchors[anchor] = node.size }
            if stack.isEmpty {
                total += node.size
            } else {
                let index = stack.count - 1
                if stack[index].isMapping {
                    // A scalar key ends here; a collection key was refused when it opened.
                    if stack[index].expectingKey, node.isCollection { throw .collectionKey(line: line) }
                    stack[index].expectingKey.toggle()
                }
                stack[index].size += node.size
                total = stack[index].size
            }
            if node.size > nodeBudget || total > nodeBudget { throw .tooLarge(line: line) }
        }
    }

    private static func openCollection(_ stack: inout [Open], anchor: String?, isMapping: Bool, line: Int) throws(Problem) {
        if let parent = stack.last, parent.isMapping, parent.expectingKey { throw .collectionKey(line: line) }
        stack.append(Open(anchor: anchor, isMapping: isMapping))
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
