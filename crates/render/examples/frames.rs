//! Writes the sample ecosystem's frames as JSON, for the browser budgets
//! (tests/browser/panel-budgets.mjs) to hand to the wasm renderer as the panel shell does:
//! `cargo run -p mcp-render --example frames -- <services> <tools> <points> <exemplars>`.
//!
//! `{"frames": [{"name", "fields": [{"name", "labels": [[k, v]], "link"?, "numbers" | "texts"}]}]}`,
//! a gap (NaN) written as null.

use mcp_render::{sample, Values};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let [services, tools, points, exemplars] = args[..] else {
        return Err("usage: frames <services> <tools> <points> <exemplars>".into());
    };
    let frames = sample::frames(services, tools, points, exemplars);
    let out: Vec<Value> = frames
        .frames
        .iter()
        .map(|frame| {
            let fields: Vec<Value> = frame
                .fields
                .iter()
                .map(|f| {
                    let mut field = json!({ "name": f.name, "labels": f.labels });
                    match &f.values {
                        Values::Numbers(v) => {
                            let v: Vec<Option<f64>> =
                                v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect();
                            field["numbers"] = json!(v);
                        }
                        texts => {
                            let rows: Vec<_> = (0..texts.len()).map(|i| texts.text(i)).collect();
                            field["texts"] = json!(rows);
                        }
                    }
                    if let Some(link) = &f.link {
                        field["link"] = json!(link);
                    }
                    field
                })
                .collect();
            json!({ "name": frame.name, "fields": fields })
        })
        .collect();
    println!("{}", json!({ "frames": out }));
    Ok(())
}
