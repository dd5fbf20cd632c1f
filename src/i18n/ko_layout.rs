//! Korean for the responsive layout: the toolbar's overflow menu and the bottom bar that opens
//! panels as sheets on small screens.

table! {
    "More" => "더 보기",
    "More controls" => "다른 기능",
    "Panels" => "패널",
    "Light theme" => "밝은 테마",
    "Dark theme" => "어두운 테마",
}
