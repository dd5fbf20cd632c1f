//! Korean for keyboard and screen-reader use: node names read aloud, connecting from the
//! keyboard, announcements.

table! {
    "Cancel (Esc)" => "취소 (Esc)",
    "Connect {} to…" => "{}을(를) 연결할 대상…",
    "down" => "다운",
    "failing requests" => "요청 실패 중",
    "healthy" => "정상",
    "idle" => "유휴",
    "overloaded" => "과부하",
    "single point of failure: {}" => "단일 장애 지점: {}",
    "{} instances" => "인스턴스 {}개",
    "Running" => "실행 중",
    "component" => "구성 요소",
    "Link to this design" => "이 설계의 링크",
    "Paused" => "일시정지",
}
