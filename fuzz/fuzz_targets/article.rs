//! Fuzz target `article`: see `scholia_fuzz::article` for what it drives and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // One worker thread: the machine's cores are shared, and libFuzzer
        // measures one input at a time anyway.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
    },
    |data: &[u8]| scholia_fuzz::article(data)
);
