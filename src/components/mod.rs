//! Small components that take data and `Callback` props; they own no document state.

pub mod bottom_panel;
pub mod canvas;
pub mod charts;
pub mod connect_picker;
pub mod context_menu;
pub mod edge_view;
pub mod examples_menu;
pub mod file_dialog;
pub mod inspector;
pub mod kpis;
pub mod lesson_panel;
pub mod lessons_dialog;
pub mod markup;
pub mod menu_keys;
pub mod modal;
pub mod node_live;
pub mod node_view;
pub mod palette;
pub mod qr;
pub mod qr_dialog;
pub mod recent_docs;
pub mod resilience;
pub mod save_status;
pub mod share_dialog;
pub mod toast;
pub mod toolbar;
