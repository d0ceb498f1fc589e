use reliability::matrix;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let selection = matrix::Selection {
        filters: args.clone(),
        verbose: true,
        ..Default::default()
    };
    let r = matrix::run(&selection).await;
    for f in &r.findings {
        println!("{f}");
    }
    for f in &r.setup_failures {
        println!("SETUP {f}");
    }
    println!(
        "{} flows, {} cases, {} double, {} unrec, {} untyped, {} panics",
        r.flows, r.cases, r.double_effects, r.unreconcilable, r.untyped, r.panics
    );
}
