//! Datasource instances: settings read once per saved version, with their upstream client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use grafana_plugin_sdk::pluginv2::PluginContext;

use crate::settings::Settings;
use crate::upstream::Prometheus;

/// One datasource as configured in Grafana.
#[derive(Debug)]
pub struct Instance {
    /// Validated settings.
    pub settings: Settings,
    /// Client for its URL.
    pub prometheus: Prometheus,
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
        let prometheus = Prometheus::new(&settings).map_err(|e| e.to_string())?;
        let inst = Arc::new(Instance {
            settings,
            prometheus,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, (ds.last_updated_ms, inst.clone()));
        }
        Ok(inst)
    }
}
