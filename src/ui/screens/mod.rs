//! The screens. Each draws from the kiosk's state and pushes [`super::action::Action`]s for
//! what was tapped; none changes the state itself.

mod bottom_bar;
mod header;
mod home;
mod list;

pub use bottom_bar::bottom_bar;
pub use header::{header, idle_warning};
pub use home::home;
pub use list::list;
