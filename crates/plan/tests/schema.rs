//! The seed's JSON must fit docs/plan.schema.json. A small structural
//! validator (type, required, properties, additionalProperties, items,
//! enum, $ref, minimum, integer) walks the schema; no validator crate needed.
#![allow(clippy::unwrap_used)]

mod common;
use serde_json::Value;

fn schema() -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/plan.schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn validate(root: &Value, s: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        validate(root, &root["$defs"][name], v, path, errs);
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
            _ => true,
        };
        if !ok {
            errs.push(format!("{path}: expected type {t}, got {v}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errs.push(format!("{path}: {v} not in {e:?}"));
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        errs.push(format!("{path}: {n} < {min}"));
    }
    if let Some(obj) = v.as_object() {
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for k in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(k) {
                    errs.push(format!("{path}: missing required key {k}"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, val, &format!("{path}.{k}"), errs),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{path}: unexpected key {k}")),
                    Some(ap @ Value::Object(_)) => {
                        validate(root, ap, val, &format!("{path}.{k}"), errs)
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(root, items, x, &format!("{path}[{i}]"), errs);
        }
    }
}

fn errors_of(v: &Value) -> Vec<String> {
    let root = schema();
    let mut errs = Vec::new();
    validate(&root, &root, v, "$", &mut errs);
    errs
}

#[test]
fn seed_output_fits_the_schema() {
    for text in [common::seed_a(), common::seed_b()] {
        let plan = prongsai_plan::parse_text(&text).unwrap().plan;
        let v = serde_json::to_value(&plan).unwrap();
        let errs = errors_of(&v);
        assert!(errs.is_empty(), "{errs:#?}");
        // spot checks of the shapes the issue fixes
        assert!(v["targets"]["ita_score"]["2566"].is_number());
        assert!(v["projects"][1]["budget"]["2566"].is_i64());
        assert!(v["projects"][0]["outcomes"][0]["target"].is_null());
    }
}

#[test]
fn the_validator_catches_wrong_shapes() {
    let plan = prongsai_plan::parse_text(&common::Synth::default().text())
        .unwrap()
        .plan;
    let mut v = serde_json::to_value(&plan).unwrap();
    assert!(errors_of(&v).is_empty());
    v["projects"][0]["budget"]["2566"] = Value::String("10,000".into());
    v["projects"][0]["kind"] = Value::String("programme".into());
    v.as_object_mut().unwrap().remove("risks");
    v["projects"][0]["outputs"][0]["target"]["op"] = Value::String(">".into());
    let errs = errors_of(&v);
    assert_eq!(errs.len(), 4, "{errs:#?}");
}
