//! Integration tests of the feeds pipeline: one binary, many modules.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod pipeline {
    mod scene;
    mod sim;

    mod bad_input;
    mod config;
    mod end_to_end;
    mod props;
    mod routing;
    mod shared_data;
}
