//! Generates each binding's type declarations from the core's API schema, and checks that the
//! committed copies are current.
//!
//! ```text
//! cargo run -p codegen -- schema            # print the API schema (JSON)
//! cargo run -p codegen -- write             # regenerate every binding's generated files
//! cargo run -p codegen -- check             # fail if a committed generated file is stale
//! ```

mod api;
mod kotlin;
mod layout;
mod methods;
mod python;
mod typescript;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A generated file: its path relative to the repository root, and its contents.
pub struct Generated {
    pub path: &'static str,
    pub contents: String,
}

/// The README with its connector × flow table regenerated from the connectors' `support`, and
/// its connector × payment-method table from what each connector accepts.
fn readme(root: &Path) -> Generated {
    let current = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let contents = replace_between(
        &current,
        "<!-- support-table:start -->\n",
        "<!-- support-table:end -->",
        &connector_service::connectors::support_table_markdown(),
    );
    let contents = replace_between(
        &contents,
        "<!-- method-table:start -->\n",
        "<!-- method-table:end -->",
        &methods::method_table_markdown(),
    );
    Generated {
        path: "README.md",
        contents,
    }
}

/// `text` with what stands between the `start` and `end` markers replaced by `table`.
fn replace_between(text: &str, start: &str, end: &str, table: &str) -> String {
    match text
        .split_once(start)
        .and_then(|(head, rest)| rest.split_once(end).map(|(_, tail)| (head, tail)))
    {
        Some((head, tail)) => format!("{head}{start}{table}{end}{tail}"),
        None => text.to_string(),
    }
}

fn generate_all(api: &api::Api) -> Vec<Generated> {
    let mut files = vec![readme(&repo_root())];
    files.extend(python::generate(api));
    files.extend(typescript::generate(api));
    files.extend(kotlin::generate(api));
    files
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen lives in the repository")
        .to_path_buf()
}

fn main() -> ExitCode {
    let schema = connector_service::json::api_schema();
    let command = std::env::args().nth(1).unwrap_or_default();
    if command == "schema" {
        println!(
            "{}",
            serde_json::to_string_pretty(&schema).expect("schema serializes")
        );
        return ExitCode::SUCCESS;
    }
    let api = match api::parse(&schema) {
        Ok(api) => api,
        Err(e) => {
            eprintln!("codegen: the core's schema has a shape the generators do not support: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = repo_root();
    match command.as_str() {
        "write" => {
            for file in generate_all(&api) {
                let path = root.join(file.path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).expect("create output directory");
                }
                std::fs::write(&path, file.contents).expect("write generated file");
                println!("wrote {}", file.path);
            }
            ExitCode::SUCCESS
        }
        "check" => {
            let mut stale = Vec::new();
            for file in generate_all(&api) {
                let current = std::fs::read_to_string(root.join(file.path)).unwrap_or_default();
                if current != file.contents {
                    stale.push(file.path);
                }
            }
            if stale.is_empty() {
                println!("codegen: generated files are current");
                ExitCode::SUCCESS
            } else {
                for path in &stale {
                    eprintln!("codegen: {path} is stale; run `cargo run -p codegen -- write` and handle the change in the binding");
                }
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!("usage: codegen schema|write|check");
            ExitCode::from(2)
        }
    }
}
