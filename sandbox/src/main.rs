//! `connector-sandbox`: runs the sandbox until SIGINT or SIGTERM.
//!
//! The first stdout line is `connector-sandbox listening on http://HOST:PORT`; the accepted
//! credentials follow (one line per processor: `credentials <processor> <json>`).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use connector_sandbox::Sandbox;

const USAGE: &str = "usage: connector-sandbox [--host HOST] [--port PORT] [--webhook-url PROCESSOR=URL]... [--webhook-delay-ms MS]

  --host HOST                   interface to bind (default 127.0.0.1)
  --port PORT                   port (default 0: any free port)
  --webhook-url PROCESSOR=URL   also POST PROCESSOR's webhooks to URL (http://; repeatable)
  --webhook-delay-ms MS         delay before a webhook is emitted (default 50)

Logs go to stderr (RUST_LOG=debug for every request and delivery).";

struct Args {
    host: String,
    port: u16,
    webhook_urls: Vec<(String, String)>,
    webhook_delay: Option<Duration>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: "127.0.0.1".into(),
        port: 0,
        webhook_urls: Vec::new(),
        webhook_delay: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => parsed.host = value("--host")?,
            "--port" => {
                let v = value("--port")?;
                parsed.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port number"))?;
            }
            "--webhook-url" => {
                let v = value("--webhook-url")?;
                let (processor, url) = v
                    .split_once('=')
                    .ok_or(format!("--webhook-url: expected PROCESSOR=URL, got {v:?}"))?;
                parsed
                    .webhook_urls
                    .push((processor.to_string(), url.to_string()));
            }
            "--webhook-delay-ms" => {
                let v = value("--webhook-delay-ms")?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--webhook-delay-ms: {v:?} is not a number"))?;
                parsed.webhook_delay = Some(Duration::from_millis(ms));
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("connector-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("connector-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let mut builder = Sandbox::builder().host(args.host).port(args.port);
    for (processor, url) in args.webhook_urls {
        builder = builder.webhook_url(processor, url);
    }
    if let Some(delay) = args.webhook_delay {
        builder = builder.webhook_delay(delay);
    }
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("connector-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let mut lines = format!("connector-sandbox listening on {}\n", sandbox.base_url());
        if let Some(all) = sandbox.credentials().as_object() {
            for (processor, credentials) in all {
                lines.push_str(&format!("credentials {processor} {credentials}\n"));
            }
        }
        if out
            .write_all(lines.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            // Nobody reads stdout any more; keep serving all the same.
        }
    }
    wait_for_signal().await;
    drop(sandbox);
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
