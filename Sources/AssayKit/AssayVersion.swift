/// The version of Assay, written into reports and certifications.
public enum AssayVersion {
    public static let current = "0.1.0"
}
