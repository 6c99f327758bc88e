// MARK: - report.json (schema version 1; see schemas/report.schema.json)

extension Report {
    /// The `report.json` document.
    public var json: JSONValue {
        .object([
            "schema_version": .int(Int64(Report.schemaVersion)),
            "tool": tool.json,
            "started_at": .string(startedAt),
            "finished_at": .string(finishedAt),
            "targets": .array(targets.map { target in
                guard case .object(var object) = target.json else { return target.json }
                object["status"] = .string(status(of: target.name).rawValue)
                return .object(object)
            }),
            "checks": .array(checks.map(\.json)),
            "findings": .array(findings.map(\.json)),
            "scores": scores.json,
            "verdict": .string(decision.verdict.rawValue),
            "verdict_reasons": .array(decision.reasons.map { .string($0) }),
            "waivers": .array(waivers.map(\.json)),
            "policy": policy.json,
            "incomplete": .array(incomplete.map { .string($0) }),
            "components": .array(components.map(componentJSON)),
        ])
    }
}

extension Report {
    /// A component with how it fares: `score` (out of 10, null when nothing was scored), `status`
    /// and the open findings by severity.
    func componentJSON(_ component: Component) -> JSONValue {
        guard case .object(var object) = component.json else { return component.json }
        let mine = findings(ofComponent: component.name)
        object["score"] = score(ofComponent: component.name)?.json ?? .null
        object["status"] = .string(status(ofComponent: component.name).rawValue)
        var open: [String: JSONValue] = [:]
        for severity in Severity.allCases { open[severity.rawValue] = .int(Int64(mine.filter { $0.isOpen && $0.severity == severity }.count)) }
        object["open"] = .object(open)
        object["findings"] = .int(Int64(mine.count))
        return .object(object)
    }
}

extension Report.CheckRecord {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "title": .string(title), "severity": .string(severity.rawValue),
            "category": .string(category), "path": .string(path), "sha256": .string(sha256),
            "aliases": .array(aliases.map { .string($0) }),
        ]
        if let component { object["component"] = .string(component) }
        return .object(object)
    }
}

extension Finding {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "check_id": .string(checkID), "title": .string(title), "severity": .string(severity.rawValue),
            "category": .string(category), "status": .string(status.rawValue), "target": .string(target),
            "resource": .string(resource), "message": .string(message), "evidence": evidence,
            "remediation": .string(remediation),
        ]
        if let waiver { object["waiver"] = waiver.json }
        if let component { object["component"] = .string(component) }
        return .object(object)
    }

    /// Reads a finding back from its JSON form (used by diffs of certifications).
    public init?(json: JSONValue) {
        guard let checkID = json["check_id"]?.stringValue, let status = json["status"]?.stringValue.flatMap(Status.init),
            let severity = json["severity"]?.stringValue.flatMap(Severity.init)
        else { return nil }
        self.init(
            checkID: checkID, title: json["title"]?.stringValue ?? "", severity: severity,
            category: json["category"]?.stringValue ?? "", status: status, target: json["target"]?.stringValue ?? "",
            resource: json["resource"]?.stringValue ?? "", message: json["message"]?.stringValue ?? "",
            evidence: json["evidence"] ?? .object([:]), remediation: json["remediation"]?.stringValue ?? "",
            waiver: json["waiver"].flatMap(Waiver.init(json:)), component: json["component"]?.stringValue)
    }
}

extension Waiver {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "check": .string(check), "justification": .string(justification), "expires": .string(expires.description),
        ]
        if let target { object["target"] = .string(target) }
        if let resource { object["resource"] = .string(resource) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard let check = json["check"]?.stringValue, let expires = json["expires"]?.stringValue.flatMap(CalendarDate.init)
        else { return nil }
        self.init(
            check: check, target: json["target"]?.stringValue, resource: json["resource"]?.stringValue,
            justification: json["justification"]?.stringValue ?? "", expires: expires)
    }
}

extension WaiverOutcome {
    public var json: JSONValue {
        guard case .object(var object) = waiver.json else { return .null }
        object["state"] = .string(state.rawValue)
        object["matched"] = .int(Int64(matched))
        return .object(object)
    }
}

extension Scores {
    public var json: JSONValue {
        .object([
            "categories": .array(categories.map { category in
                var counts: [String: JSONValue] = [:]
                for status in Status.allCases { counts[status.rawValue] = .int(Int64(category.counts[status] ?? 0)) }
                return [
                    "name": .string(category.name), "score": category.score?.json ?? .null,
                    "passed_weight": .int(Int64(category.passedWeight)),
                    "applicable_weight": .int(Int64(category.applicableWeight)), "counts": .object(counts),
                ]
            }),
            "overall": overall?.json ?? .null,
            "compliance": [
                "passed": .int(Int64(compliance.passed)), "applicable": .int(Int64(compliance.applicable)),
                "checks_passed": .int(Int64(compliance.checksPassed)),
                "checks_applicable": .int(Int64(compliance.checksApplicable)),
                "percent": compliance.percent?.json ?? .null,
            ],
        ])
    }

    /// Reads scores back from their JSON form (used by diffs of certifications).
    public init?(json: JSONValue) {
        guard let list = json["categories"]?.arrayValue else { return nil }
        let categories = list.compactMap { item -> CategoryScore? in
            guard let name = item["name"]?.stringValue else { return nil }
            var counts: [Status: Int] = [:]
            for status in Status.allCases {
                if let n = item["counts"]?[status.rawValue]?.intValue { counts[status] = Int(n) }
            }
            return CategoryScore(
                name: name, score: item["score"].flatMap(Score.init(json:)),
                passedWeight: Int(item["passed_weight"]?.intValue ?? 0),
                applicableWeight: Int(item["applicable_weight"]?.intValue ?? 0), counts: counts)
        }
        self.init(
            categories: categories,
            overall: json["overall"].flatMap(Score.init(json:)),
            compliance: Compliance(
                passed: Int(json["compliance"]?["passed"]?.intValue ?? 0),
                applicable: Int(json["compliance"]?["applicable"]?.intValue ?? 0),
                checksPassed: Int(json["compliance"]?["checks_passed"]?.intValue ?? 0),
                checksApplicable: Int(json["compliance"]?["checks_applicable"]?.intValue ?? 0)))
    }
}

extension Policy {
    public var json: JSONValue {
        func gate(_ g: Gate) -> JSONValue {
            var maxOpen: [String: JSONValue] = [:]
            for (severity, limit) in g.maxOpen { maxOpen[severity.rawValue] = .int(Int64(limit)) }
            return [
                "min_score": g.minScore.json, "max_open": .object(maxOpen),
                "max_errors": g.maxErrors.map { .int(Int64($0)) } ?? .null,
            ]
        }
        var weights: [String: JSONValue] = [:]
        for severity in Severity.allCases { weights[severity.rawValue] = .int(Int64(weight(of: severity))) }
        var categories: [String: JSONValue] = [:]
        for (name, w) in categoryWeights { categories[name] = .int(Int64(w)) }
        return [
            "severity_weights": .object(weights), "category_weights": .object(categories),
            "certified": gate(certified), "conditional": gate(conditional),
            "passing_verdicts": .array(Verdict.allCases.filter(passingVerdicts.contains).map { .string($0.rawValue) }),
            "validity_days": .int(Int64(validityDays)),
        ]
    }
}
