//! Korean text for the app (everything but the inspector, which has its own table).
//!
//! Terms follow the study notes the product teaches from: 로드밸런서, 캐시, 샤딩, 복제, 오토스케일링.

table! {
    "Play" => "재생",
    "Pause" => "일시정지",
}
