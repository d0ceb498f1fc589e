//! `make reliability` (see `reliability/README.md`).
//!
//! ```text
//! reliability [--fast] [--flow TEXT]... [--fault NAME]... [--fuzz-cases N]
//!             [--soak-iterations N] [--sandbox-bin PATH] [--binding-logs DIR]
//!             [--soak-results DIR] [--verbose]
//! ```
//!
//! Ends with the line `reliability: <cases> cases, ...`; exits 1 unless every count but the
//! first is zero and every soak stayed within its bounds (or when a part could not run).

use std::path::PathBuf;

use reliability::{audit, fuzz, matrix, scenario, secrets, soak, Totals};

struct Args {
    fast: bool,
    flows: Vec<String>,
    faults: Vec<String>,
    fuzz_cases: usize,
    soak_iterations: u64,
    sandbox_bin: Option<PathBuf>,
    binding_logs: Option<PathBuf>,
    soak_results: Option<PathBuf>,
    verbose: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fast: false,
        flows: Vec::new(),
        faults: Vec::new(),
        fuzz_cases: 2_000,
        soak_iterations: 1_000,
        sandbox_bin: None,
        binding_logs: None,
        soak_results: None,
        verbose: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--fast" => args.fast = true,
            "--verbose" => args.verbose = true,
            "--flow" => args.flows.push(value()?),
            "--fault" => args.faults.push(value()?),
            "--fuzz-cases" => args.fuzz_cases = value()?.parse().map_err(|e| format!("{e}"))?,
            "--soak-iterations" => {
                args.soak_iterations = value()?.parse().map_err(|e| format!("{e}"))?
            }
            "--sandbox-bin" => args.sandbox_bin = Some(value()?.into()),
            "--binding-logs" => args.binding_logs = Some(value()?.into()),
            "--soak-results" => args.soak_results = Some(value()?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn section(title: &str) {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    println!("\n== {title} (at {}s)", start.elapsed().as_secs());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("reliability: {e}");
            std::process::exit(2);
        }
    };
    let mut totals = Totals::default();
    let mut broken = Vec::new();

    // The secrets to look for, then TRACE logging of everything that follows through them.
    let scenarios = scenario::load_scenarios();
    let credentials = match connector_sandbox::Sandbox::start().await {
        Ok(s) => s.credentials(),
        Err(e) => {
            eprintln!("reliability: cannot start the sandbox: {e}");
            std::process::exit(2);
        }
    };
    let scanner = secrets::Scanner::new(&credentials, &scenarios);
    secrets::install(&scanner);

    section("scenarios at TRACE (secrets audit, fuzzing seeds)");
    let pass = audit::run(&scenarios, None).await;
    println!(
        "{} scenarios run, {} calls and {} webhooks recorded",
        pass.scenarios,
        pass.calls.len(),
        pass.webhooks.len()
    );
    for f in &pass.failures {
        println!("  scenario failed (not counted; see the scenario suites): {f}");
    }
    totals.cases += pass.scenarios;

    section("fuzzing (proptest)");
    let seeds = fuzz::seeds(&pass.calls, &pass.webhooks, &pass.configs);
    let (p, h, j) = seeds.len();
    let fuzz_cases = if args.fast { 100 } else { args.fuzz_cases };
    let report = tokio::task::spawn_blocking(move || fuzz::run(&seeds, fuzz_cases))
        .await
        .unwrap_or_default();
    println!(
        "{} inputs ({p} parser seeds, {h} webhook seeds, {j} JSON seeds): {} panics, {} hangs, {} untyped errors",
        report.cases, report.panics, report.hangs, report.untyped
    );
    for f in report.findings.iter().take(40) {
        println!("  {f}");
    }
    totals.cases += report.cases;
    totals.panics += report.panics + report.hangs;
    totals.untyped += report.untyped;

    section("soak");
    let mut soaks = Vec::new();
    match &args.sandbox_bin {
        Some(bin) if !args.fast => match soak::start_sandbox(bin) {
            Ok(sandbox) => match tracing::instrument::WithSubscriber::with_subscriber(
                // Memory, not logging, is measured here: the soak runs without the TRACE scan.
                soak::soak_rust(&sandbox, args.soak_iterations),
                tracing::subscriber::NoSubscriber::default(),
            )
            .await
            {
                Ok(s) => soaks.push(s),
                Err(e) => broken.push(format!("rust soak: {e}")),
            },
            Err(e) => broken.push(format!("rust soak: {e}")),
        },
        _ => println!("  rust: skipped (no --sandbox-bin, or --fast)"),
    }
    if let Some(dir) = &args.soak_results {
        for binding in ["python", "node", "kotlin"] {
            let path = dir.join(format!("soak-{binding}.json"));
            match std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .and_then(|v| soak::Samples::from_json(&v))
            {
                Some(s) => soaks.push(s),
                None => broken.push(format!("{binding} soak: no result in {}", path.display())),
            }
        }
    }
    for s in &soaks {
        totals.cases += 1;
        match s.check() {
            Ok(text) => println!("  ok {text}"),
            Err(text) => {
                println!("  GROWS {text}");
                broken.push(text);
            }
        }
    }

    section("fault matrix");
    let selection = matrix::Selection {
        filters: args.flows.clone(),
        faults: args.faults.clone(),
        first_exchange_only: args.fast,
        verbose: args.verbose,
        ..Default::default()
    };
    let m = matrix::run(&selection).await;
    println!(
        "{} write flows, {} cases: {} double effects, {} unreconcilable, {} untyped errors, {} panics",
        m.flows, m.cases, m.double_effects, m.unreconcilable, m.untyped, m.panics
    );
    for f in &m.findings {
        println!("  {f}");
    }
    for f in &m.setup_failures {
        println!("  could not run: {f}");
    }
    if m.flows == 0 || !m.setup_failures.is_empty() {
        broken.push(format!(
            "fault matrix: {} flows, {} could not run",
            m.flows,
            m.setup_failures.len()
        ));
    }
    totals.cases += m.cases;
    totals.double_effects += m.double_effects;
    totals.unreconcilable += m.unreconcilable;
    totals.untyped += m.untyped;
    totals.panics += m.panics;

    section("secrets audit");
    if let Some(dir) = &args.binding_logs {
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "log"))
                    .collect();
                files.sort();
                if files.is_empty() {
                    broken.push(format!(
                        "secrets audit: no binding logs in {}",
                        dir.display()
                    ));
                }
                for f in files {
                    // A binding's scenario log without the core's TRACE records would make its
                    // audit vacuous: the log bridge did not reach it.
                    let is_scenarios = f
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with("-scenarios.log"));
                    if is_scenarios {
                        let text = std::fs::read_to_string(&f).unwrap_or_default();
                        let records = text.matches("request body").count();
                        if records == 0 {
                            broken.push(format!(
                                "secrets audit: {} has no TRACE record of the core (\"request body\")",
                                f.display()
                            ));
                        } else {
                            println!("  {}: {records} TRACE request bodies", f.display());
                        }
                    }
                    if let Err(e) = scanner.scan_file(&f) {
                        broken.push(format!("secrets audit: {}: {e}", f.display()));
                    } else {
                        println!("  scanned {}", f.display());
                    }
                }
            }
            Err(e) => broken.push(format!("secrets audit: {}: {e}", dir.display())),
        }
    }
    let (leaks, lines, bytes) = scanner.leaks();
    println!(
        "{} secrets (in every form) searched for in {} bytes of output: {leaks} found",
        scanner.needles(),
        bytes
    );
    for l in lines {
        println!("  LEAK {l}");
    }
    totals.leaks += leaks;

    if !broken.is_empty() {
        section("could not run or out of bounds");
        for b in &broken {
            println!("  {b}");
        }
    }
    println!();
    println!("{}", totals.line());
    if !totals.clean() || !broken.is_empty() {
        std::process::exit(1);
    }
}
