//! Korean text for the inspector (parameters, units, help).

table! {
    "Inspector" => "속성",
}
