//! The fast subset of `make reliability`, run by `make test` (`cargo test --workspace`): a
//! slice of the fault matrix (the capture, void and refund flows of every connector, every
//! fault on their first exchange), a few hundred fuzz inputs per parser, and the secrets
//! audit of one scenario per connector at TRACE. The full run is `make reliability`.

use std::sync::OnceLock;

use reliability::{audit, fuzz, matrix, scenario, secrets};

/// One TRACE subscriber for the test process, scanning for the scenarios' secrets.
fn scanner() -> &'static secrets::Scanner {
    static SCANNER: OnceLock<secrets::Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        // The tests are async: the sandbox whose credentials are read runs on a runtime of its
        // own, on a thread of its own.
        let credentials = std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                connector_sandbox::Sandbox::start()
                    .await
                    .unwrap()
                    .credentials()
            })
        })
        .join()
        .unwrap();
        let scanner = secrets::Scanner::new(&credentials, &scenario::load_scenarios());
        secrets::install(&scanner);
        scanner
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_slice_has_no_double_effect_and_nothing_unreconcilable() {
    scanner();
    let selection = matrix::Selection {
        filters: vec![
            "payments.capture".into(),
            "payments.void".into(),
            "payments.refund".into(),
        ],
        first_exchange_only: true,
        ..Default::default()
    };
    let report = matrix::run(&selection).await;
    assert!(report.flows >= 6, "only {} flows", report.flows);
    assert!(
        report.setup_failures.is_empty(),
        "{:#?}",
        report.setup_failures
    );
    assert_eq!(
        (report.double_effects, report.untyped, report.panics),
        (0, 0, 0),
        "{} cases:\n{}",
        report.cases,
        report.findings.join("\n")
    );
    // Unreconcilable cases: exactly the open ones listed in known-unreconcilable.txt for these
    // flows (a new one fails, and so does a fixed one still listed). `make reliability` counts
    // them all and fails while any is left.
    let found: std::collections::BTreeSet<String> = report
        .findings
        .iter()
        .filter(|f| f.starts_with("UNRECONCILABLE "))
        .filter_map(|f| case_key(f))
        .collect();
    let known: std::collections::BTreeSet<String> = known_unreconcilable()
        .into_iter()
        .filter(|k| {
            selection
                .filters
                .iter()
                .any(|op| k.contains(&format!(" {op} ")))
        })
        .collect();
    assert_eq!(
        found,
        known,
        "unreconcilable cases differ from reliability/known-unreconcilable.txt:\n{}",
        report.findings.join("\n")
    );
}

/// `connector operation fault` of a finding line
/// (`UNRECONCILABLE <connector> <operation> [...] | exchange N ... | <fault>: ...`).
fn case_key(finding: &str) -> Option<String> {
    let mut words = finding.split_whitespace().skip(1);
    let connector = words.next()?;
    let operation = words.next()?;
    let fault = finding.split(" | ").nth(2)?.split(':').next()?;
    Some(format!("{connector} {operation} {fault}"))
}

/// The open unreconcilable cases, one `connector operation fault` per line.
fn known_unreconcilable() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/known-unreconcilable.txt");
    std::fs::read_to_string(path)
        .expect("reliability/known-unreconcilable.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parsers_survive_fuzzing_and_logs_keep_secrets() {
    let scanner = scanner();
    let scenarios = scenario::load_scenarios();
    // One scenario per connector, with webhooks where the connector has them.
    let picked: Vec<(String, serde_json::Value)> = [
        "adyen_manual_capture_partial",
        "checkout_manual_capture_lifecycle",
        "razorpay_webhooks",
        "fiserv_manual_capture_lifecycle",
        "elavon_manual_capture_lifecycle",
        "xendit_auto_capture",
    ]
    .iter()
    .filter_map(|n| scenarios.iter().find(|(f, _)| f.starts_with(n)).cloned())
    .collect();
    assert_eq!(picked.len(), 6);
    let pass = audit::run(&picked, None).await;
    assert!(pass.failures.is_empty(), "{:#?}", pass.failures);
    let seeds = fuzz::seeds(&pass.calls, &pass.webhooks, &pass.configs);
    let report = tokio::task::spawn_blocking(move || fuzz::run(&seeds, 50))
        .await
        .unwrap();
    assert!(report.cases >= 300, "only {} fuzz inputs", report.cases);
    assert_eq!(
        (report.panics, report.hangs, report.untyped),
        (0, 0, 0),
        "{}",
        report.findings.join("\n")
    );
    let (leaks, lines, bytes) = scanner.leaks();
    assert!(bytes > 0, "nothing was logged at TRACE");
    assert_eq!(leaks, 0, "{}", lines.join("\n"));
}

#[test]
fn the_final_line_has_the_issue_format() {
    let totals = reliability::Totals {
        cases: 12,
        double_effects: 1,
        unreconcilable: 2,
        untyped: 3,
        leaks: 4,
        panics: 5,
    };
    assert_eq!(
        totals.line(),
        "reliability: 12 cases, 1 double effects, 2 unreconcilable, 3 untyped errors, 4 secret leaks, 5 panics"
    );
    assert!(!totals.clean());
    assert!(reliability::Totals {
        cases: 7,
        ..Default::default()
    }
    .clean());
}

#[test]
fn ledger_diffs_count_what_happened_twice() {
    use reliability::ledger::{diff, excess, findable, Snapshot};
    use serde_json::json;
    let before = Snapshot::from_ledger(&json!({"effects": [
        {"kind": "payment", "id": "p1", "captured": 0, "refunded": 0}
    ]}));
    let once = Snapshot::from_ledger(&json!({"effects": [
        {"kind": "payment", "id": "p1", "captured": 0, "refunded": 500},
        {"kind": "refund", "id": "r1", "parent": "p1", "amount": 500}
    ]}));
    let twice = Snapshot::from_ledger(&json!({"effects": [
        {"kind": "payment", "id": "p1", "captured": 0, "refunded": 1000},
        {"kind": "refund", "id": "r1", "parent": "p1", "amount": 500},
        {"kind": "refund", "id": "r2", "parent": "p1", "amount": 500}
    ]}));
    let base = diff(&before, &once);
    assert!(excess(&base, &base).is_empty());
    let doubled = diff(&before, &twice);
    assert_eq!(
        excess(&base, &doubled).len(),
        2,
        "{:?}",
        excess(&base, &doubled)
    );
    // A refund is found by its own id only; a capture also through its payment.
    let known = ["p1".to_string()].into_iter().collect();
    assert!(!findable(
        &json!({"kind": "refund", "id": "r1", "parent": "p1"}),
        &known
    ));
    assert!(findable(
        &json!({"kind": "capture", "id": "c1", "parent": "p1"}),
        &known
    ));
}
