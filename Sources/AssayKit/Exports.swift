// AssayKit is the one module an embedder imports: it re-exports the types its API speaks in —
// findings, reports, verdicts and policies (AssayCore), check scripts and sandbox limits
// (AssayLua), target kinds and connector options (AssayConnectors), keys, certifications and
// verification (AssayCertify), and report rendering with its trend and context (AssayReport). What
// these modules share only among themselves is `package`.
@_exported import AssayCertify
@_exported import AssayConnectors
@_exported import AssayCore
@_exported import AssayLua
@_exported import AssayReport
