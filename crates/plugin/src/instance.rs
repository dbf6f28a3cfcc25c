//! Datasource instances: settings read once per saved version, with their upstream client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use grafana_plugin_sdk::pluginv2::PluginContext;

use crate::engine::Known;
use crate::limit::Limit;
use crate::settings::Settings;
use crate::upstream::Prometheus;

/// One datasource as configured in Grafana.
#[derive(Debug)]
pub struct Instance {
    /// Validated settings.
    pub settings: Settings,
    /// Client for its URL.
    pub prometheus: Prometheus,
    /// Its query slots (`maxConcurrentQueries`).
    pub limit: Limit,
    /// The engine behind its URL, identified on first need.
    pub engine: Known,
}

/// Org id and datasource uid.
type Key = (i64, String);

/// Instances by datasource with the settings version they were built from, rebuilt when
/// Grafana reports newer settings.
#[derive(Debug, Default)]
pub struct Instances {
    cache: Mutex<HashMap<Key, (i64, Arc<Instance>)>>,
}

impl Instances {
    /// The instance for a call's plugin context, or a message naming what is wrong.
    pub fn get(&self, ctx: Option<&PluginContext>) -> Result<Arc<Instance>, String> {
        let ds = ctx
            .and_then(|c| c.data_source_instance_settings.as_ref())
            .ok_or("the call carries no datasource settings")?;
        let org = ctx.map(|c| c.org_id).unwrap_or_default();
        let key = (
            org,
            if ds.uid.is_empty() {
                ds.id.to_string()
            } else {
                ds.uid.clone()
            },
        );
        if let Ok(cache) = self.cache.lock() {
            if let Some((updated, inst)) = cache.get(&key) {
                if *updated == ds.last_updated_ms {
                    return Ok(inst.clone());
                }
            }
        }
        let settings = Settings::from_instance(ds).map_err(|e| e.to_string())?;
        let limit = Limit::from_json_data(&ds.json_data).map_err(|e| e.to_string())?;
        let prometheus = Prometheus::new(&settings).map_err(|e| e.to_string())?;
        let inst = Arc::new(Instance {
            settings,
            prometheus,
            limit,
            engine: Known::default(),
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, (ds.last_updated_ms, inst.clone()));
        }
        Ok(inst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grafana_plugin_sdk::pluginv2::DataSourceInstanceSettings;

    const SENTINEL: &str = "s3ntinel-Secret-Value-42";

    fn context(json: &str) -> PluginContext {
        let secure = [
            "basicAuthPassword",
            "httpHeaderValue1",
            "tlsCACert",
            "tlsClientCert",
            "tlsClientKey",
        ]
        .iter()
        .map(|k| (k.to_string(), SENTINEL.to_string()))
        .collect();
        PluginContext {
            org_id: 1,
            data_source_instance_settings: Some(DataSourceInstanceSettings {
                uid: "ds".to_string(),
                url: "http://127.0.0.1:9".to_string(),
                basic_auth_enabled: true,
                basic_auth_user: "grafana".to_string(),
                json_data: json.as_bytes().to_vec(),
                decrypted_secure_json_data: secure,
                last_updated_ms: 1,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn debug_output_of_an_instance_redacts_every_secret() {
        let inst = Instances::default()
            .get(Some(&context(r#"{"httpHeaderName1":"Authorization"}"#)))
            .unwrap();
        for shown in [format!("{inst:?}"), format!("{inst:#?}")] {
            assert!(!shown.contains(SENTINEL), "secret in Debug output: {shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }

    #[test]
    fn errors_from_secure_settings_never_show_the_secret() {
        // PEM that is not PEM, with the sentinel in it, must not reach the message.
        let err = Instances::default()
            .get(Some(&context(
                r#"{"tlsAuth":true,"tlsAuthWithCACert":true}"#,
            )))
            .unwrap_err();
        assert!(!err.contains(SENTINEL), "{err}");
    }

    #[test]
    fn the_concurrency_limit_comes_from_json_data() {
        let instances = Instances::default();
        let inst = instances
            .get(Some(&context(r#"{"maxConcurrentQueries":4}"#)))
            .unwrap();
        assert_eq!(inst.limit.max(), 4);
        let err = Instances::default()
            .get(Some(&context(r#"{"maxConcurrentQueries":0}"#)))
            .unwrap_err();
        assert!(err.contains("maxConcurrentQueries"), "{err}");
    }
}
