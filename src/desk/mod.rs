//! The desk: what the kiosk does, between the screen and the command line above and the parts
//! (search, requests, print, pipeline) below. No egui, no clap, nothing printed: it returns
//! typed values that the screen and the command line only render.

pub mod lookup;
pub mod requests;
pub mod search;
