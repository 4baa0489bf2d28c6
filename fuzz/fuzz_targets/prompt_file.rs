//! Arbitrary bytes through the prompt file parsers (Dotprompt-style and `.prompty`): a prompt
//! whose every message renders or fails with a typed error, or a parse error naming a line,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_core::prompts::{PromptError, PromptFile, render};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for parsed in [
        PromptFile::parse("fuzz", &text),
        PromptFile::from_prompty("fuzz", &text),
    ] {
        match parsed {
            Ok(file) => {
                // rendering with no variables either works or is a typed render error
                match render(&file, &Default::default()) {
                    Ok(_) | Err(PromptError::Render { .. }) => {}
                    Err(e) => panic!("not a render error: {e}"),
                }
            }
            Err(PromptError::Parse { line, .. }) => assert!(line >= 1, "line 0"),
            Err(e) => panic!("not a parse error: {e}"),
        }
    }
});
