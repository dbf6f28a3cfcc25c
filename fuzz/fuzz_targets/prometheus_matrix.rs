#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mcp_fuzz::prometheus_matrix(data));
