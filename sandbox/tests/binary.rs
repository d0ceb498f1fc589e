//! The `connector-sandbox` binary: prints its address first, serves, stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_prints_its_address_and_credentials_then_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_connector-sandbox"))
        .args(["--port", "0", "--host", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("connector-sandbox listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let port: u16 = base.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let second = lines.next().unwrap().unwrap();
    assert!(second.starts_with("credentials adyen {"), "{second}");
    let printed: serde_json::Value =
        serde_json::from_str(second.trim_start_matches("credentials adyen ")).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let served: serde_json::Value = runtime.block_on(async {
        let text = reqwest::get(format!("{base}/_sandbox/credentials"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        serde_json::from_str(&text).unwrap()
    });
    assert_eq!(served["adyen"], printed);

    // SIGTERM stops it cleanly (exit status 0).
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "{exit:?}");
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn binary_rejects_bad_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_connector-sandbox"))
        .args(["--port", "http"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(env!("CARGO_BIN_EXE_connector-sandbox"))
        .args([
            "--port",
            "0",
            "--webhook-url",
            "adyen=https://secure.example/",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let help = Command::new(env!("CARGO_BIN_EXE_connector-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--webhook-url"));
}
