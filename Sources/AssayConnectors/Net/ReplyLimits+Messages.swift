/// The words every connector uses when a reply passes one of its ``ReplyLimits``, naming the
/// `limits:` key that raises the cap.
extension ReplyLimits {
    /// `reply larger than 16 MiB (limits.reply_max_mb)`.
    var tooLarge: String { "reply larger than \(Self.size(bytes)) (limits.reply_max_mb)" }

    /// `reply holds more than 1000000 values (limits.reply_max_elements)`.
    var tooManyElements: String { "reply holds more than \(elements) values (limits.reply_max_elements)" }

    /// `reply nested deeper than 64 levels (limits.reply_max_depth)`.
    var tooDeep: String { "reply nested deeper than \(depth) levels (limits.reply_max_depth)" }

    /// `16 MiB`, `64 KiB` or `1000 bytes`: the largest unit that divides the count.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
