//! One pass over every shared scenario, against one in-process sandbox: its TRACE log goes
//! through the secrets scanner, and what crossed the wire is kept as fuzzing seeds.

use std::collections::BTreeMap;

use connector_sandbox::Sandbox;
use serde_json::Value;

use crate::scenario::{CallSample, Runner, WebhookSample};

#[derive(Default)]
pub struct ScenarioPass {
    pub scenarios: usize,
    pub failures: Vec<String>,
    pub calls: Vec<CallSample>,
    pub webhooks: Vec<WebhookSample>,
    /// The client configuration JSON per connector.
    pub configs: BTreeMap<String, Value>,
}

/// Runs `scenarios` (all of them, or those whose file name contains `filter`).
pub async fn run(scenarios: &[(String, Value)], filter: Option<&str>) -> ScenarioPass {
    let mut pass = ScenarioPass::default();
    let sandbox = match Sandbox::start().await {
        Ok(s) => s,
        Err(e) => {
            pass.failures.push(format!("sandbox: {e}"));
            return pass;
        }
    };
    for (name, scenario) in scenarios {
        if filter.is_some_and(|f| !name.contains(f)) {
            continue;
        }
        pass.scenarios += 1;
        tracing::info!(scenario = name.as_str(), "reliability: scenario");
        let mut runner =
            match Runner::new(sandbox.base_url(), &sandbox.credentials(), scenario).await {
                Ok(r) => r,
                Err(e) => {
                    pass.failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
        if let Err(e) = runner.run(scenario).await {
            pass.failures.push(format!("{name}: {e}"));
        }
        if scenario.get("config_overrides").is_none() {
            pass.configs
                .entry(runner.connector.clone())
                .or_insert_with(|| runner.config.clone());
        }
        pass.calls.append(&mut runner.hooks.calls);
        pass.webhooks.append(&mut runner.hooks.webhooks);
    }
    pass
}
